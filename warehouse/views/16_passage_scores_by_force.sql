-- Every configured force's passages side by side: the rows of `passage_scores_all` about each
-- force (`target` = 'force'), with `force_id` and the force's name. A passage about two forces
-- appears once for each. The comparison of forces and the dashboard's copy
-- (`dashboard_passage_scores`) read this; `passage_scores` is one force's slice of it.
CREATE OR REPLACE VIEW passage_scores_by_force AS
WITH about_a_force AS (
    SELECT s.*
    FROM passage_scores_all AS s
    WHERE s.target = 'force'
)
SELECT a.*, coalesce(f.name, a.force_id) AS force_name
FROM about_a_force AS a
LEFT JOIN forces AS f ON f.id = a.force_id;
