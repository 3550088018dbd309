-- Share of voice: who drives coverage of the force, by outlet, by voice and by side (the force's
-- own words apart from everyone else's). One row per period, set of voices (`voices` 'all', or
-- 'external': every voice but the force's own) and member of a dimension: `dimension` 'outlet'
-- (`member` an outlet name), 'voice' (a voice id) or 'side' ('external' or 'force'; 'all' only).
-- `period` 'all' covers every story the view reads (in the dashboard, the filtered date range),
-- 'month' calendar months and 'week' weeks from Monday, from `period_start` to `period_end`
-- (only one of them after SET VARIABLE pcm_period = 'all', 'month' or 'week').
-- A story (an original article; syndicated copies fold into it) counts for the outlet that
-- published it, so outlets' `stories_share` adds up to 1; `carried` also counts the copies of
-- the period's stories that the outlet ran. A story counts for every voice heard in it, so
-- voices' `stories_share` does not add up to 1; `passages` (on a topic, one voice each) do.
-- Tone is counted per topic, with the one definition of a story's stance (`story_topics`):
-- `stances` is the member's stories' stances on their topics (a story on two topics has two),
-- `critical` / `favourable` how many of them were negative / positive, and `critical_share` /
-- `favourable_share` their share of `stances`. Passages alike by their labels: `labels`,
-- `passages_critical`, `passages_favourable` and their shares of `labels`.
CREATE OR REPLACE VIEW share_of_voice AS
WITH periods AS (
    -- the grains each story is counted in: all three, or the one SET VARIABLE pcm_period names
    SELECT *
    FROM (VALUES ('all'), ('month'), ('week')) AS g(period)
    WHERE getvariable('pcm_period') IS NULL OR period = getvariable('pcm_period')
),
bounds AS (
    SELECT min(day) AS first_day, max(day) AS last_day FROM story_topics
),
story_stances AS (
    -- one row per story and set of voices: its outlets, and its stances on its topics
    SELECT voices, article_id,
           any_value(source) AS source, any_value(day) AS day, any_value(outlets) AS outlets,
           count(*) AS stances,
           count(*) FILTER (WHERE stance = 'negative') AS critical,
           count(*) FILTER (WHERE stance = 'positive') AS favourable
    FROM story_topics
    GROUP BY voices, article_id
),
passage_stances AS (
    -- one row per passage on at least one topic: who speaks, and its labels on its topics
    SELECT passage_id,
           any_value(article_id) AS article_id, any_value(voice) AS voice,
           any_value(source) AS source, any_value(day) AS day,
           count(*) AS labels,
           count(*) FILTER (WHERE label = 'negative') AS critical,
           count(*) FILTER (WHERE label = 'positive') AS favourable
    FROM passage_scores
    GROUP BY passage_id
),
scoped_passages AS (
    -- each passage once for 'all', and again for 'external' unless the force is speaking
    SELECT 'all' AS voices, * FROM passage_stances
    UNION ALL
    SELECT 'external' AS voices, * FROM passage_stances WHERE voice <> 'force'
),
story_periods AS (
    SELECT p.period, s.*,
           CASE WHEN p.period <> 'all' THEN CAST(date_trunc(p.period, s.day) AS DATE)
           END AS starts  -- the week's Monday, the month's 1st; NULL for 'all'
    FROM story_stances AS s
    CROSS JOIN periods AS p
),
passage_periods AS (
    SELECT p.period, s.*,
           CASE WHEN p.period <> 'all' THEN CAST(date_trunc(p.period, s.day) AS DATE)
           END AS starts  -- the week's Monday, the month's 1st; NULL for 'all'
    FROM scoped_passages AS s
    CROSS JOIN periods AS p
),
story_members AS (
    -- which members each story counts for; `own`: the outlet published it (not a copy)
    SELECT period, starts, voices, 'outlet' AS dimension, unnest(outlets) AS member,
           article_id, NULL::BOOLEAN AS own
    FROM story_periods
    UNION ALL
    SELECT DISTINCT period, starts, voices, 'voice', voice, article_id, TRUE
    FROM passage_periods
    UNION ALL
    SELECT DISTINCT period, starts, voices, 'side',
           CASE WHEN voice = 'force' THEN 'force' ELSE 'external' END, article_id, TRUE
    FROM passage_periods
    WHERE voices = 'all'
),
story_counts AS (
    SELECT m.period, m.starts, m.voices, m.dimension, m.member,
           count(*) FILTER (WHERE coalesce(m.own, m.member = s.source)) AS stories,
           coalesce(sum(s.stances) FILTER (WHERE coalesce(m.own, m.member = s.source)), 0)
               AS stances,
           coalesce(sum(s.critical) FILTER (WHERE coalesce(m.own, m.member = s.source)), 0)
               AS critical,
           coalesce(sum(s.favourable) FILTER (WHERE coalesce(m.own, m.member = s.source)), 0)
               AS favourable,
           count(*) AS carried
    FROM story_members AS m
    JOIN story_periods AS s USING (period, voices, article_id)
    GROUP BY ALL
),
passage_members AS (
    SELECT period, starts, voices, 'outlet' AS dimension, source AS member,
           labels, critical, favourable
    FROM passage_periods
    UNION ALL
    SELECT period, starts, voices, 'voice', voice, labels, critical, favourable
    FROM passage_periods
    UNION ALL
    SELECT period, starts, voices, 'side',
           CASE WHEN voice = 'force' THEN 'force' ELSE 'external' END,
           labels, critical, favourable
    FROM passage_periods
    WHERE voices = 'all'
),
passage_counts AS (
    SELECT period, starts, voices, dimension, member,
           count(*) AS passages,
           sum(labels) AS labels,
           sum(critical) AS passages_critical,
           sum(favourable) AS passages_favourable
    FROM passage_members
    GROUP BY ALL
),
totals AS (
    -- every story and passage of the period and set of voices: the shares' denominators
    SELECT s.period, s.starts, s.voices, s.all_stories, coalesce(p.all_passages, 0) AS all_passages
    FROM (SELECT period, starts, voices, count(*) AS all_stories
          FROM story_periods GROUP BY ALL) AS s
    LEFT JOIN (SELECT period, starts, voices, count(*) AS all_passages
               FROM passage_periods GROUP BY ALL) AS p
      ON p.period = s.period AND p.voices = s.voices AND p.starts IS NOT DISTINCT FROM s.starts
)
SELECT c.period,
       coalesce(c.starts, b.first_day) AS period_start,
       CASE c.period
           WHEN 'week' THEN c.starts + 6
           WHEN 'month' THEN last_day(c.starts)
           ELSE b.last_day
       END AS period_end,
       c.voices, c.dimension, c.member,
       c.stories, c.stories / t.all_stories AS stories_share,
       CAST(c.stances AS BIGINT) AS stances,
       CAST(c.critical AS BIGINT) AS critical,
       CAST(c.favourable AS BIGINT) AS favourable,
       CASE WHEN c.stances > 0 THEN c.critical / c.stances END AS critical_share,
       CASE WHEN c.stances > 0 THEN c.favourable / c.stances END AS favourable_share,
       coalesce(p.passages, 0) AS passages,
       CASE WHEN t.all_passages > 0 THEN coalesce(p.passages, 0) / t.all_passages
       END AS passages_share,
       CAST(coalesce(p.labels, 0) AS BIGINT) AS labels,
       CAST(coalesce(p.passages_critical, 0) AS BIGINT) AS passages_critical,
       CAST(coalesce(p.passages_favourable, 0) AS BIGINT) AS passages_favourable,
       CASE WHEN p.labels > 0 THEN p.passages_critical / p.labels END
           AS passages_critical_share,
       CASE WHEN p.labels > 0 THEN p.passages_favourable / p.labels END
           AS passages_favourable_share,
       c.carried, t.all_stories, t.all_passages
FROM story_counts AS c
JOIN totals AS t
  ON t.period = c.period AND t.voices = c.voices AND t.starts IS NOT DISTINCT FROM c.starts
LEFT JOIN passage_counts AS p
  ON p.period = c.period AND p.voices = c.voices AND p.dimension = c.dimension
 AND p.member = c.member AND p.starts IS NOT DISTINCT FROM c.starts
CROSS JOIN bounds AS b;
