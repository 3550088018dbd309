-- One row per (passage, topic) as the dashboard and exports should see it: the rows of
-- `passage_scores_all` whose passage is about the configured force. Passages about another
-- force or about all forces are left out of the force's scores (`passage_scores_other_targets`).
CREATE OR REPLACE VIEW passage_scores AS
WITH about_the_force AS (
    SELECT *
    FROM passage_scores_all
    WHERE target = 'force'
)
SELECT * FROM about_the_force;
