-- Passages about another named force (`other_force`) or about forces in general (`national`),
-- with their scores: left out of the configured force's views, kept here to be shown apart.
CREATE OR REPLACE VIEW passage_scores_other_targets AS
WITH elsewhere AS (
    SELECT *
    FROM passage_scores_all
    WHERE target IN ('other_force', 'national')
)
SELECT * FROM elsewhere;
