-- One row per story and topic, for two sets of voices: `voices` 'all' (every passage, as
-- `article_topics`) and 'external' (every voice but the force's own). A story is an original
-- article (syndicated copies are folded into it); its stance on a topic is the one in
-- `article_topic_voices`; `outlets` lists every outlet that carried it (its own and its
-- copies').
CREATE OR REPLACE VIEW story_topics AS
WITH per_story AS (
    SELECT voices, force_id, article_id, topic, title, url, source, day, passages, net_score,
           stance
    FROM article_topic_voices
),
carriers AS (
    -- the outlets that ran each story: the original's and every syndicated copy's
    SELECT id AS article_id, source FROM articles WHERE duplicate_of IS NULL
    UNION
    SELECT duplicate_of AS article_id, source FROM articles WHERE duplicate_of IS NOT NULL
),
carried AS (
    SELECT article_id, list(DISTINCT source ORDER BY source) AS outlets
    FROM carriers
    GROUP BY article_id
)
SELECT s.voices, s.force_id, s.article_id, s.topic, s.title, s.url, s.source, s.day, s.passages,
       s.net_score, s.stance, coalesce(c.outlets, [s.source]) AS outlets
FROM per_story AS s
LEFT JOIN carried AS c USING (article_id);
