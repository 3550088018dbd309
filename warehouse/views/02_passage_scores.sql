-- One row per (passage, topic) as the dashboard and exports should see it: the current model's
-- scores, with analysts' corrections applied on top, for original (non-duplicate) articles only.
CREATE OR REPLACE VIEW passage_scores AS
WITH latest_feedback AS (
    SELECT *
    FROM feedback
    QUALIFY row_number() OVER (
        PARTITION BY passage_id, field, coalesce(topic, '') ORDER BY created_at DESC, id DESC
    ) = 1
),
model_rows AS (
    SELECT s.passage_id, s.topic, s.label, s.score, s.p_positive, s.p_neutral, s.p_negative,
           s.model_version
    FROM scores AS s
    JOIN current_model AS m USING (model_version)
),
stance_fixed AS (
    SELECT r.passage_id, r.topic,
           coalesce(f.new_value, r.label) AS label,
           CASE WHEN f.id IS NULL THEN r.score
                ELSE CASE f.new_value WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 ELSE 0.0 END
           END AS score,
           CASE WHEN f.id IS NULL THEN r.p_positive ELSE (f.new_value = 'positive')::DOUBLE END AS p_positive,
           CASE WHEN f.id IS NULL THEN r.p_neutral ELSE (f.new_value = 'neutral')::DOUBLE END AS p_neutral,
           CASE WHEN f.id IS NULL THEN r.p_negative ELSE (f.new_value = 'negative')::DOUBLE END AS p_negative,
           r.model_version,
           f.id IS NOT NULL AS corrected
    FROM model_rows AS r
    LEFT JOIN latest_feedback AS f
      ON f.field = 'stance' AND f.passage_id = r.passage_id AND f.topic = r.topic
),
added AS (
    SELECT f.passage_id, f.topic, f.new_value AS label,
           CASE f.new_value WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 ELSE 0.0 END AS score,
           (f.new_value = 'positive')::DOUBLE AS p_positive,
           (f.new_value = 'neutral')::DOUBLE AS p_neutral,
           (f.new_value = 'negative')::DOUBLE AS p_negative,
           NULL::VARCHAR AS model_version,
           TRUE AS corrected
    FROM latest_feedback AS f
    WHERE f.field = 'topic_add'
      AND NOT EXISTS (SELECT 1 FROM stance_fixed AS s
                      WHERE s.passage_id = f.passage_id AND s.topic = f.topic)
),
combined AS (
    SELECT * FROM stance_fixed
    UNION ALL
    SELECT * FROM added
),
kept AS (
    SELECT c.*
    FROM combined AS c
    WHERE NOT EXISTS (
        SELECT 1 FROM latest_feedback AS f
        WHERE f.field = 'topic_remove' AND f.passage_id = c.passage_id AND f.topic = c.topic
          AND NOT EXISTS (SELECT 1 FROM latest_feedback AS g
                          WHERE g.field = 'topic_add' AND g.passage_id = f.passage_id
                            AND g.topic = f.topic AND g.created_at > f.created_at)
    )
)
SELECT k.passage_id, p.article_id, p.position, k.topic, k.label, k.score,
       k.p_positive, k.p_neutral, k.p_negative,
       coalesce(v.new_value, p.voice) AS voice, p.speaker,
       k.corrected OR v.id IS NOT NULL AS corrected,
       k.model_version,
       a.source, a.source_kind, a.title, a.url, a.published_at,
       CAST(timezone('Europe/London', coalesce(a.published_at, a.fetched_at)) AS DATE) AS day
FROM kept AS k
JOIN passages AS p ON p.id = k.passage_id
JOIN articles AS a ON a.id = p.article_id
LEFT JOIN latest_feedback AS v ON v.field = 'voice' AND v.passage_id = k.passage_id
WHERE a.duplicate_of IS NULL;
