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
           7 AS week_days,
           1.959963984540054 AS z
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
wilson_raw AS (
    -- Wilson score intervals at z = 1.96 for this week's share and the baseline's
    SELECT *,
           (share + z * z / (2 * stories)
            - z * sqrt(share * (1 - share) / stories + z * z / (4 * stories * stories)))
           / (1 + z * z / stories) AS share_low,
           (share + z * z / (2 * stories)
            + z * sqrt(share * (1 - share) / stories + z * z / (4 * stories * stories)))
           / (1 + z * z / stories) AS share_high,
           (base_share + z * z / (2 * base_stories)
            - z * sqrt(base_share * (1 - base_share) / base_stories
                       + z * z / (4 * base_stories * base_stories)))
           / (1 + z * z / base_stories) AS base_low,
           (base_share + z * z / (2 * base_stories)
            + z * sqrt(base_share * (1 - base_share) / base_stories
                       + z * z / (4 * base_stories * base_stories)))
           / (1 + z * z / base_stories) AS base_high
    FROM shares
),
wilson AS (
    -- rounding can put a bound a hair outside [0, 1]; NULL (no stories) stays NULL
    SELECT * REPLACE (
        CASE WHEN share_low < 0 THEN 0.0 ELSE share_low END AS share_low,
        CASE WHEN share_high > 1 THEN 1.0 ELSE share_high END AS share_high,
        CASE WHEN base_low < 0 THEN 0.0 ELSE base_low END AS base_low,
        CASE WHEN base_high > 1 THEN 1.0 ELSE base_high END AS base_high)
    FROM wilson_raw
),
change AS (
    -- Newcombe's hybrid score interval for share - base_share
    SELECT *,
           share - base_share AS change,
           share - base_share
           - sqrt((share - share_low) ^ 2 + (base_high - base_share) ^ 2) AS change_low,
           share - base_share
           + sqrt((share_high - share) ^ 2 + (base_share - base_low) ^ 2) AS change_high
    FROM wilson
)
SELECT as_of, voices, topic, stories, negative, outlets, share, share_low, share_high,
       base_stories, base_negative, base_share, base_low, base_high,
       change, change_low, change_high,
       CASE WHEN stories >= min_stories AND outlets >= min_outlets AND change_low > 0
                THEN 'worsening'
            WHEN stories >= min_stories AND outlets >= min_outlets AND change_high < 0
                THEN 'improving'
            ELSE 'no clear change'
       END AS verdict,
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
