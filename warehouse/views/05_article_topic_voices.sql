-- One row per (article, topic, voices): the article-level stance aggregated from its passages,
-- once over every voice (`voices` = 'all') and once over every voice but the force's own
-- ('external'). The one definition of article stance: the mean of the passage scores;
-- "mixed" when the article has both positive and negative passages on the topic and
-- |mean| < 0.34; else positive at >= 0.2, negative at <= -0.2, otherwise neutral
-- (sentiment/analyse.py applies the same rule to one document).
CREATE OR REPLACE VIEW article_topic_voices AS
WITH scoped AS (
    -- each passage once for 'all', and again for 'external' unless the force is speaking
    SELECT 'all' AS voices, * FROM passage_scores
    UNION ALL
    SELECT 'external' AS voices, * FROM passage_scores WHERE voice <> 'force'
)
SELECT voices, article_id, topic,
       any_value(title) AS title, any_value(url) AS url, any_value(source) AS source,
       any_value(source_kind) AS source_kind, any_value(published_at) AS published_at,
       any_value(day) AS day,
       count(*) AS passages,
       avg(score) AS net_score,
       CASE
           WHEN count(*) FILTER (WHERE label = 'positive') > 0
                AND count(*) FILTER (WHERE label = 'negative') > 0
                AND abs(avg(score)) < 0.34 THEN 'mixed'
           WHEN avg(score) >= 0.2 THEN 'positive'
           WHEN avg(score) <= -0.2 THEN 'negative'
           ELSE 'neutral'
       END AS stance
FROM scoped
GROUP BY voices, article_id, topic;
