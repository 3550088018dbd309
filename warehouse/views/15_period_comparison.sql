-- Period comparison, per day `as_of`, topic, set of voices (`voices` 'all' or 'external') and
-- `grain`: 'week' (the 7 days ending `as_of`) or 'month' (the 4 weeks, 28 days, ending `as_of`),
-- against the period just before it (`compared_with` 'previous') and against the same days 52
-- weeks earlier ('last year', so the weekdays match). Stories, negative stories and the share of
-- negative stories, each period with its Wilson 95% interval, and the change with Newcombe's
-- hybrid score interval: the rule of `topic_change`, with its thresholds (at least 3 stories,
-- or SET VARIABLE pcm_min_stories, from at least 2 outlets), applied to these two periods.
-- `verdict` is 'worsening' or 'improving' only when the change's interval excludes zero and the
-- period has enough stories from enough outlets, else 'no clear change', with `reason` in words.
-- Every day from the first story to today, or only the day in SET VARIABLE pcm_as_of.
CREATE OR REPLACE VIEW period_comparison AS
WITH rule AS (
    -- the thresholds of topic_change (10_topic_change.sql)
    SELECT coalesce(getvariable('pcm_min_stories'), 3)::INTEGER AS min_stories,
           2 AS min_outlets
),
windows AS (
    -- each grain's length in days, and how many days back each comparison's period ends
    SELECT *
    FROM (VALUES ('week', 7, 'previous', 7), ('week', 7, 'last year', 364),
                 ('month', 28, 'previous', 28), ('month', 28, 'last year', 364))
         AS w(grain, days, compared_with, shift)
),
bounds AS (
    SELECT min(day) AS first_day,
           greatest(max(day), CAST(timezone('Europe/London', now()) AS DATE)) AS last_day
    FROM story_topics
),
calendar AS (
    SELECT CAST(g.d AS DATE) AS day
    FROM bounds, generate_series(bounds.first_day, bounds.last_day, INTERVAL 1 DAY) AS g(d)
),
series AS (
    SELECT DISTINCT voices, topic FROM story_topics
),
daily AS (
    -- each topic's stories per London day
    SELECT voices, topic, day,
           count(*) AS stories,
           count(*) FILTER (WHERE stance = 'negative') AS negative
    FROM story_topics
    GROUP BY voices, topic, day
),
outlet_days AS (
    -- the outlets that carried a topic's stories each day (the original's and its copies')
    SELECT DISTINCT voices, topic, day, unnest(outlets) AS outlet
    FROM story_topics
),
dense AS (
    -- every day of the calendar for every topic, 0 stories where there were none
    SELECT c.day, t.voices, t.topic,
           coalesce(d.stories, 0) AS stories, coalesce(d.negative, 0) AS negative
    FROM calendar AS c
    CROSS JOIN series AS t
    LEFT JOIN daily AS d ON d.day = c.day AND d.voices = t.voices AND d.topic = t.topic
),
rolling AS (
    -- the stories of the 7 and of the 28 days ending on each day
    SELECT day, voices, topic,
           sum(stories) OVER w7 AS week_stories,
           sum(negative) OVER w7 AS week_negative,
           sum(stories) OVER w28 AS month_stories,
           sum(negative) OVER w28 AS month_negative
    FROM dense
    WINDOW w7 AS (PARTITION BY voices, topic ORDER BY day
                  RANGE BETWEEN INTERVAL 6 DAYS PRECEDING AND CURRENT ROW),
           w28 AS (PARTITION BY voices, topic ORDER BY day
                   RANGE BETWEEN INTERVAL 27 DAYS PRECEDING AND CURRENT ROW)
),
periods AS (
    -- one row per grain and period end
    SELECT 'week' AS grain, day, voices, topic, week_stories AS stories,
           week_negative AS negative
    FROM rolling
    UNION ALL
    SELECT 'month', day, voices, topic, month_stories, month_negative
    FROM rolling
),
compared AS (
    -- each period next to the earlier one it is compared with (0 stories before the data)
    SELECT p.day AS as_of, w.grain, w.days, w.compared_with, p.voices, p.topic,
           p.day - (w.days - 1) AS period_start,
           p.day - w.shift - (w.days - 1) AS base_start,
           p.day - w.shift AS base_end,
           CAST(p.stories AS BIGINT) AS stories, CAST(p.negative AS BIGINT) AS negative,
           CAST(coalesce(b.stories, 0) AS BIGINT) AS base_stories,
           CAST(coalesce(b.negative, 0) AS BIGINT) AS base_negative
    FROM periods AS p
    JOIN windows AS w ON w.grain = p.grain
    LEFT JOIN periods AS b
      ON b.grain = p.grain AND b.voices = p.voices AND b.topic = p.topic
     AND b.day = p.day - w.shift
    WHERE getvariable('pcm_as_of') IS NULL OR p.day = CAST(getvariable('pcm_as_of') AS DATE)
),
period_outlets AS (
    -- how many outlets carried the topic's stories in each period compared
    SELECT c.as_of, c.grain, c.voices, c.topic, count(DISTINCT o.outlet) AS outlets
    FROM (SELECT DISTINCT as_of, grain, voices, topic, period_start FROM compared) AS c
    LEFT JOIN outlet_days AS o
      ON o.voices = c.voices AND o.topic = c.topic
     AND o.day BETWEEN c.period_start AND c.as_of
    GROUP BY c.as_of, c.grain, c.voices, c.topic
),
shares AS (
    SELECT c.*, o.outlets, r.*,
           CASE WHEN stories > 0 THEN negative / stories END AS share,
           CASE WHEN base_stories > 0 THEN base_negative / base_stories END AS base_share
    FROM compared AS c
    JOIN period_outlets AS o USING (as_of, grain, voices, topic)
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
SELECT as_of, grain, days, compared_with, voices, topic,
       period_start, as_of AS period_end, base_start, base_end,
       stories, negative, outlets, share, share_low, share_high,
       base_stories, base_negative, base_share, base_low, base_high,
       change, change_low, change_high,
       pcm_verdict(stories, outlets, min_stories, min_outlets, change_low, change_high)
           AS verdict,
       CASE WHEN stories = 0 THEN 'no stories in this period'
            WHEN base_stories = 0 THEN 'nothing in the period compared with'
            WHEN stories < min_stories
                THEN format('only {} {} in this period ({} needed)', stories,
                            CASE WHEN stories = 1 THEN 'story' ELSE 'stories' END, min_stories)
            WHEN outlets < min_outlets THEN 'all from one outlet'
            WHEN change_low <= 0 AND change_high >= 0
                THEN 'within the range chance alone would give'
            ELSE 'larger than chance alone would give'
       END AS reason,
       min_stories
FROM change;
