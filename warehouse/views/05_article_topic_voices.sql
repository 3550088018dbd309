-- One row per (article, topic, voices): the article-level stance aggregated from its passages,
-- once over every voice (`voices` = 'all') and once over every voice but the force's own
-- ('external'). The one definition of article stance (`pcm analyse` runs this file too), by
-- counting passage labels as the hand-labelling guidelines do: 'neutral' when fewer than 30%
-- of the passages are positive or negative; 'mixed' when the rarer polarity has at least half
-- as many passages as the commoner one; else the commoner polarity. `net_score` is the mean
-- passage score (P(positive) - P(negative)).
CREATE OR REPLACE VIEW article_topic_voices AS
WITH scoped AS (
    -- each passage once for 'all', and again for 'external' unless the force is speaking
    SELECT 'all' AS voices, * FROM passage_scores
    UNION ALL
    SELECT 'external' AS voices, * FROM passage_scores WHERE voice <> 'force'
),
counted AS (
    -- the article's passages on the topic, and how many of them lean each way
    SELECT voices, force_id, article_id, topic,
           any_value(title) AS title, any_value(url) AS url, any_value(source) AS source,
           any_value(source_kind) AS source_kind, any_value(published_at) AS published_at,
           any_value(day) AS day,
           count(*) AS passages,
           avg(score) AS net_score,
           count(*) FILTER (WHERE label = 'positive') AS positive,
           count(*) FILTER (WHERE label = 'negative') AS negative
    FROM scoped
    GROUP BY voices, force_id, article_id, topic
)
SELECT voices, force_id, article_id, topic, title, url, source, source_kind, published_at, day,
       passages, net_score,
       CASE
           WHEN positive + negative < 0.3 * passages THEN 'neutral'
           WHEN least(positive, negative) >= greatest(positive, negative) / 2 THEN 'mixed'
           WHEN positive > negative THEN 'positive'
           ELSE 'negative'
       END AS stance
FROM counted;
