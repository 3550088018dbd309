-- Passages about another named force (`other_force`) or about forces in general (`national`),
-- with their scores, as the session's force sees them (`pcm_force`, else the default force):
-- left out of that force's views, kept here to be shown apart.
CREATE OR REPLACE VIEW passage_scores_other_targets AS
WITH session_force AS (
    SELECT coalesce(getvariable('pcm_force'),
                    (SELECT id FROM forces ORDER BY position LIMIT 1), 'default') AS force_id
),
elsewhere AS (
    SELECT s.*
    FROM passage_scores_all AS s
    JOIN session_force AS f USING (force_id)
    WHERE s.target IN ('other_force', 'national')
)
SELECT * FROM elsewhere;
