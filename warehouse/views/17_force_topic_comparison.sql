-- Forces side by side, per topic: one row per (voices, force, topic) over the stories of a
-- period, with the share of them whose stance is negative (and positive), each with a 95%
-- Wilson score interval (`pcm_wilson_low` / `pcm_wilson_high`, 00_statistics.sql), and whether
-- there is enough evidence to compare (at least `pcm_min_stories` stories, default 3, from at
-- least 2 outlets: the change rule's minimum). The unit is the story, as everywhere: an
-- article and its syndicated copies (`story_topics`), its stance the one definition
-- (05_article_topic_voices.sql).
-- The period is the session variables `pcm_start` and `pcm_end` (London dates; unset: every
-- day). Every force is compared only when `passage_scores` keeps them all:
--     SET VARIABLE pcm_force = '*';
--     SET VARIABLE pcm_start = DATE '2026-11-01';
--     SELECT * FROM force_topic_comparison WHERE voices = 'external' ORDER BY topic, stories DESC;
-- The dashboard's Compare page runs this file over its snapshot of every force's rows.
CREATE OR REPLACE VIEW force_topic_comparison AS
WITH settings AS (
    SELECT coalesce(CAST(getvariable('pcm_start') AS DATE), DATE '0001-01-01') AS first_day,
           coalesce(CAST(getvariable('pcm_end') AS DATE), DATE '9999-12-31') AS last_day,
           coalesce(getvariable('pcm_min_stories'), 3)::INTEGER AS min_stories
),
in_period AS (
    SELECT s.*
    FROM story_topics AS s
    JOIN settings AS w ON s.day BETWEEN w.first_day AND w.last_day
),
counted AS (
    SELECT voices, force_id, topic,
           count(*) AS stories,
           count(DISTINCT source) AS outlets,
           count(*) FILTER (WHERE stance = 'negative') AS negative,
           count(*) FILTER (WHERE stance = 'positive') AS positive,
           avg(net_score) AS net_score
    FROM in_period
    GROUP BY voices, force_id, topic
)
SELECT c.voices, c.force_id, c.topic, c.stories, c.outlets, c.negative, c.positive,
       c.net_score,
       c.negative / c.stories AS negative_share,
       pcm_wilson_low(c.negative / c.stories, c.stories) AS negative_low,
       pcm_wilson_high(c.negative / c.stories, c.stories) AS negative_high,
       c.positive / c.stories AS positive_share,
       pcm_wilson_low(c.positive / c.stories, c.stories) AS positive_low,
       pcm_wilson_high(c.positive / c.stories, c.stories) AS positive_high,
       c.stories >= w.min_stories AND c.outlets >= 2 AS enough
FROM counted AS c
CROSS JOIN settings AS w;
