-- One row per (passage, topic, force) whatever the passage is about, for each configured force
-- its article concerns (`force_id`; `target`, seen from that force: force, other_force,
-- national, none): each passage's scores from the newest model that has looked at it,
-- with analysts' corrections applied on top, for original (non-duplicate) articles only. An
-- uncertain stance (withheld by the model) has label neutral and counts as score 0. While a
-- new model is part-way through re-scoring, passages it has not reached yet keep the older
-- model's scores (see `model_version`). `voice` and `speaker` are the ones that model's run
-- attributed (`scored_passages`), or the crawl-time ones in `passages` for passages scored
-- before attribution was versioned; an analyst's voice correction wins over both.
-- `passage_scores` keeps the rows about the session's force (one force at a time).
CREATE OR REPLACE VIEW passage_scores_all AS
WITH latest_feedback AS (
    -- the newest correction per passage, field and topic
    SELECT *
    FROM feedback
    QUALIFY row_number() OVER (
        PARTITION BY passage_id, field, coalesce(topic, '') ORDER BY created_at DESC, id DESC
    ) = 1
),
passage_model AS (
    -- the newest model version that has scored each passage (found topics in it or not)
    SELECT v.passage_id, v.model_version
    FROM (SELECT passage_id, model_version FROM scored_passages
          UNION
          SELECT passage_id, model_version FROM scores) AS v
    JOIN models AS m USING (model_version)
    QUALIFY row_number() OVER (
        PARTITION BY v.passage_id ORDER BY m.created_at DESC, m.model_version DESC
    ) = 1
),
model_rows AS (
    SELECT s.passage_id, s.topic, s.label,
           CASE WHEN coalesce(s.uncertain, FALSE) THEN 0.0 ELSE s.score END AS score,
           s.p_positive, s.p_neutral, s.p_negative, s.model_version, FALSE AS added
    FROM scores AS s
    JOIN passage_model AS pm USING (passage_id, model_version)
),
targets AS (
    -- each configured force's reading of each passage under the newest model's run
    -- (`passage_forces`: the passage's target seen from that force, and its voice and speaker
    -- under that force's people); a passage scored before forces were recorded has its default
    -- force's reading in `scored_passages` (target NULL before targets: force; voice NULL
    -- before migration 006: see `passages`)
    SELECT pm.passage_id, pf.force_id, pf.target, pf.voice, pf.speaker
    FROM passage_model AS pm
    JOIN passage_forces AS pf USING (passage_id, model_version)
    UNION ALL
    SELECT pm.passage_id, coalesce((SELECT id FROM forces ORDER BY position LIMIT 1), 'default'),
           coalesce(sp.target, 'force'), sp.voice, sp.speaker
    FROM passage_model AS pm
    LEFT JOIN scored_passages AS sp USING (passage_id, model_version)
    WHERE NOT EXISTS (SELECT 1 FROM passage_forces AS pf
                      WHERE pf.passage_id = pm.passage_id AND pf.model_version = pm.model_version)
),
added AS (
    -- topics an analyst added that the model did not find; new_value is their stance
    SELECT f.passage_id, f.topic, coalesce(f.new_value, 'neutral') AS label,
           CASE coalesce(f.new_value, 'neutral') WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0
                ELSE 0.0 END AS score,
           (coalesce(f.new_value, 'neutral') = 'positive')::DOUBLE AS p_positive,
           (coalesce(f.new_value, 'neutral') = 'neutral')::DOUBLE AS p_neutral,
           (coalesce(f.new_value, 'neutral') = 'negative')::DOUBLE AS p_negative,
           NULL::VARCHAR AS model_version, TRUE AS added
    FROM latest_feedback AS f
    WHERE f.field = 'topic_add'
      AND NOT EXISTS (SELECT 1 FROM model_rows AS r
                      WHERE r.passage_id = f.passage_id AND r.topic = f.topic)
),
combined AS (
    SELECT * FROM model_rows
    UNION ALL
    SELECT * FROM added
),
stance_fixed AS (
    -- a stance correction replaces the label; the probabilities become certain
    SELECT c.passage_id, c.topic,
           coalesce(f.new_value, c.label) AS label,
           CASE WHEN f.id IS NULL THEN c.score
                ELSE CASE f.new_value WHEN 'positive' THEN 1.0 WHEN 'negative' THEN -1.0 ELSE 0.0 END
           END AS score,
           CASE WHEN f.id IS NULL THEN c.p_positive ELSE (f.new_value = 'positive')::DOUBLE END AS p_positive,
           CASE WHEN f.id IS NULL THEN c.p_neutral ELSE (f.new_value = 'neutral')::DOUBLE END AS p_neutral,
           CASE WHEN f.id IS NULL THEN c.p_negative ELSE (f.new_value = 'negative')::DOUBLE END AS p_negative,
           c.model_version,
           c.added OR f.id IS NOT NULL AS corrected
    FROM combined AS c
    LEFT JOIN latest_feedback AS f
      ON f.field = 'stance' AND f.passage_id = c.passage_id AND f.topic = c.topic
),
kept AS (
    -- drop topics an analyst removed, unless they added the topic back later
    SELECT s.*
    FROM stance_fixed AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM latest_feedback AS f
        WHERE f.field = 'topic_remove' AND f.passage_id = s.passage_id AND f.topic = s.topic
          AND NOT EXISTS (SELECT 1 FROM latest_feedback AS g
                          WHERE g.field = 'topic_add' AND g.passage_id = f.passage_id
                            AND g.topic = f.topic AND g.created_at > f.created_at)
    )
)
SELECT k.passage_id, p.article_id, p.position, k.topic, k.label, k.score, t.force_id, t.target,
       k.p_positive, k.p_neutral, k.p_negative,
       coalesce(v.new_value, t.voice, p.voice) AS voice,
       CASE WHEN t.voice IS NULL THEN p.speaker ELSE t.speaker END AS speaker,
       k.corrected OR v.id IS NOT NULL AS corrected,
       k.model_version,
       a.source, a.source_kind, a.title, a.url, a.published_at,
       CAST(timezone('Europe/London', coalesce(a.published_at, a.fetched_at)) AS DATE) AS day
FROM kept AS k
JOIN passages AS p ON p.id = k.passage_id
JOIN articles AS a ON a.id = p.article_id
LEFT JOIN latest_feedback AS v ON v.field = 'voice' AND v.passage_id = k.passage_id
LEFT JOIN targets AS t ON t.passage_id = k.passage_id
WHERE a.duplicate_of IS NULL;
