-- Daily counts and net score per topic, source kind and voice (the analysts' main table).
CREATE OR REPLACE VIEW topic_daily AS
SELECT day, topic, source_kind, voice,
       count(DISTINCT article_id) AS articles,
       count(*) AS passages,
       count(*) FILTER (WHERE label = 'positive') AS positive,
       count(*) FILTER (WHERE label = 'neutral') AS neutral,
       count(*) FILTER (WHERE label = 'negative') AS negative,
       avg(score) AS net_score
FROM passage_scores
GROUP BY ALL;
