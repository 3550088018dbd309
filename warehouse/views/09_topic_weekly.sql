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
    SELECT *, negative / stories AS share, 1.959963984540054 AS z
    FROM weekly
),
wilson AS (
    -- Wilson score interval for negative / stories at z = 1.96
    SELECT voices, topic, week, stories, negative, positive, outlets, net_score, share,
       (share + z * z / (2 * stories)
        - z * sqrt(share * (1 - share) / stories + z * z / (4 * stories * stories)))
       / (1 + z * z / stories) AS share_low,
       (share + z * z / (2 * stories)
        + z * sqrt(share * (1 - share) / stories + z * z / (4 * stories * stories)))
       / (1 + z * z / stories) AS share_high
    FROM shares
)
-- rounding can put a bound a hair outside [0, 1]
SELECT * REPLACE (greatest(share_low, 0.0) AS share_low, least(share_high, 1.0) AS share_high)
FROM wilson;
