-- One row per week (starting Monday, Europe/London), topic and set of voices (`voices` 'all' or
-- 'external') that has stories: how many stories, how many negative, and the share of negative
-- stories with its Wilson 95% score interval. A week without stories has no row: a gap, never 0.
CREATE OR REPLACE VIEW topic_weekly AS
WITH weekly AS (
    SELECT voices, topic, CAST(date_trunc('week', day) AS DATE) AS week,
           count(*) AS stories,
           count(*) FILTER (WHERE stance = 'negative') AS negative,
           count(*) FILTER (WHERE stance = 'positive') AS positive,
           len(list_distinct(flatten(list(outlets)))) AS outlets,
           avg(net_score) AS net_score
    FROM story_topics
    GROUP BY ALL
),
shares AS (
    SELECT *, negative / stories AS share
    FROM weekly
)
-- Wilson score interval for negative / stories (00_statistics.sql)
SELECT voices, topic, week, stories, negative, positive, outlets, net_score, share,
       pcm_wilson_low(share, stories) AS share_low, pcm_wilson_high(share, stories) AS share_high
FROM shares;
