-- One row per (article, topic): the article-level stance aggregated from its passages
-- (mean of passage scores; "mixed" when it has both clearly positive and clearly negative ones).
CREATE OR REPLACE VIEW article_topics AS
SELECT article_id, topic,
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
FROM passage_scores
GROUP BY article_id, topic;
