-- One row per (passage, topic) as the dashboard and exports should see it for one force: the
-- rows of `passage_scores_all` whose passage is about that force. The force is the session
-- variable `pcm_force` (`SET VARIABLE pcm_force = 'suffolk'`), else the default force (the
-- first in the config, `forces.position` 0); `SET VARIABLE pcm_force = '*'` keeps every force's
-- rows, each with its `force_id`, for `force_topic_comparison` (a view that sums over forces,
-- such as `topic_weekly`, then adds them up). Passages about another force or about all forces
-- are left out of the force's scores (`passage_scores_other_targets`); every force's rows
-- side by side are in `passage_scores_by_force`.
CREATE OR REPLACE VIEW passage_scores AS
WITH session_force AS (
    SELECT coalesce(getvariable('pcm_force'),
                    (SELECT id FROM forces ORDER BY position LIMIT 1), 'default') AS force_id
),
about_the_force AS (
    SELECT s.*
    FROM passage_scores_all AS s
    JOIN session_force AS f ON f.force_id IN (s.force_id, '*')
    WHERE s.target = 'force'
)
SELECT * FROM about_the_force;
