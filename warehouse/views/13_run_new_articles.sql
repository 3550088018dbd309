-- One row per successful nightly run: the original articles (stories) that were new in it,
-- i.e. fetched after the successful run before it finished and no later than it finished
-- (what came in "since the last run"; articles from a failed run in between count for the next
-- successful one). `new_since` is NULL for the first successful run, which takes every article
-- fetched before it ended. Syndicated copies are left out: they are folded into their story.
-- The Overview's "Since the last run" reads the newest row; join `article_ids` (unnest) to
-- `story_topics` for each story's stance per topic and its outlets.
CREATE OR REPLACE VIEW run_new_articles AS
WITH successful_runs AS (
    SELECT id AS run_id, started_at, coalesce(finished_at, started_at) AS finished_at
    FROM runs
    WHERE status = 'success'
),
run_windows AS (
    -- each run's window starts where the successful run before it finished
    SELECT run_id, started_at, finished_at,
           lag(finished_at) OVER (ORDER BY finished_at, run_id) AS new_since
    FROM successful_runs
),
new_in_window AS (
    SELECT w.run_id, a.id AS article_id
    FROM run_windows AS w
    JOIN articles AS a
      ON a.fetched_at <= w.finished_at
     AND (w.new_since IS NULL OR a.fetched_at > w.new_since)
    WHERE a.duplicate_of IS NULL
),
per_run AS (
    SELECT run_id, count(*) AS new_articles, list(article_id ORDER BY article_id) AS article_ids
    FROM new_in_window
    GROUP BY run_id
)
SELECT w.run_id, w.started_at, w.finished_at, w.new_since,
       coalesce(p.new_articles, 0) AS new_articles,
       coalesce(p.article_ids, []::BIGINT[]) AS article_ids
FROM run_windows AS w
LEFT JOIN per_run AS p USING (run_id);
