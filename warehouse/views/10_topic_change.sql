-- The one rule for "is this a real change", per day `as_of`, topic and set of voices (`voices`
-- 'all' or 'external'): the share of negative stories in the 7 days ending `as_of` against the
-- baseline days before them (28, or SET VARIABLE pcm_baseline_days), each with a Wilson 95%
-- interval, and the change with Newcombe's hybrid score interval (built from the two Wilson
-- intervals). `verdict` is 'worsening' (share up) or 'improving' (share down) only when the
-- change's interval excludes zero and the week has at least N stories (3, or SET VARIABLE
-- pcm_min_stories) from at least 2 outlets; otherwise 'no clear change', with `reason` in words.
CREATE OR REPLACE VIEW topic_change AS
WITH rule AS (
    SELECT coalesce(getvariable('pcm_min_stories'), 3)::INTEGER AS min_stories,
           2 AS min_outlets,
           coalesce(getvariable('pcm_baseline_days'), 28)::INTEGER AS baseline_days,
           7 AS week_days
),
bounds AS (
    SELECT min(day) AS first_day,
           greatest(max(day), CAST(timezone('Europe/London', now()) AS DATE)) AS last_day
    FROM story_topics
),
calendar AS (
    SELECT CAST(g.d AS DATE) AS as_of
    FROM bounds, generate_series(bounds.first_day, bounds.last_day, INTERVAL 1 DAY) AS g(d)
),
series AS (
    SELECT DISTINCT voices, topic FROM story_topics
),
evidence AS (
    -- the stories of the week ending as_of and of the baseline days before it
    SELECT c.as_of, t.voices, t.topic,
           count(s.article_id) FILTER (WHERE s.day > c.as_of - r.week_days) AS stories,
           count(s.article_id) FILTER (WHERE s.day > c.as_of - r.week_days
                                         AND s.stance = 'negative') AS negative,
           coalesce(len(list_distinct(flatten(
               list(s.outlets) FILTER (WHERE s.day > c.as_of - r.week_days)))), 0) AS outlets,
           count(s.article_id) FILTER (WHERE s.day <= c.as_of - r.week_days) AS base_stories,
           count(s.article_id) FILTER (WHERE s.day <= c.as_of - r.week_days
                                         AND s.stance = 'negative') AS base_negative
    FROM calendar AS c
    CROSS JOIN series AS t
    CROSS JOIN rule AS r
    LEFT JOIN story_topics AS s
      ON s.voices = t.voices AND s.topic = t.topic
     AND s.day <= c.as_of AND s.day > c.as_of - (r.week_days + r.baseline_days)
    GROUP BY c.as_of, t.voices, t.topic
),
shares AS (
    SELECT e.*, r.*,
           CASE WHEN stories > 0 THEN negative / stories END AS share,
           CASE WHEN base_stories > 0 THEN base_negative / base_stories END AS base_share
    FROM evidence AS e
    CROSS JOIN rule AS r
),
wilson AS (
    -- Wilson score intervals for both shares (00_statistics.sql)
    SELECT *,
           pcm_wilson_low(share, stories) AS share_low,
           pcm_wilson_high(share, stories) AS share_high,
           pcm_wilson_low(base_share, base_stories) AS base_low,
           pcm_wilson_high(base_share, base_stories) AS base_high
    FROM shares
),
change AS (
    -- Newcombe's hybrid score interval for share - base_share (00_statistics.sql)
    SELECT *,
           share - base_share AS change,
           pcm_change_low(share, share_low, base_share, base_high) AS change_low,
           pcm_change_high(share, share_high, base_share, base_low) AS change_high
    FROM wilson
)
SELECT as_of, voices, topic, stories, negative, outlets, share, share_low, share_high,
       base_stories, base_negative, base_share, base_low, base_high,
       change, change_low, change_high,
       pcm_verdict(stories, outlets, min_stories, min_outlets, change_low, change_high)
           AS verdict,
       CASE WHEN stories = 0 THEN 'no stories this week'
            WHEN base_stories = 0 THEN 'nothing in the weeks before to compare with'
            WHEN stories < min_stories
                THEN format('only {} {} this week ({} needed)', stories,
                            CASE WHEN stories = 1 THEN 'story' ELSE 'stories' END, min_stories)
            WHEN outlets < min_outlets THEN 'all from one outlet'
            WHEN change_low <= 0 AND change_high >= 0
                THEN 'within the range chance alone would give'
            ELSE 'larger than chance alone would give'
       END AS reason,
       min_stories, baseline_days
FROM change;
