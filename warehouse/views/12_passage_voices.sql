-- One row per passage: who is speaking, as the product shows it. `rule_voice` and `speaker`
-- come from the newest model run that attributed the passage (`scored_passages`, re-derived
-- by every scoring run), or from the crawl (`passages`) for a passage not attributed since
-- attribution was versioned; `voice` is an analyst's correction when there is one, else
-- `rule_voice`. The Stories and Review pages and the training data read it.
CREATE OR REPLACE VIEW passage_voices AS
WITH attributed AS (
    -- the newest run's voice and speaker for each passage it attributed
    SELECT sp.passage_id, sp.voice, sp.speaker
    FROM scored_passages AS sp
    JOIN models AS m USING (model_version)
    WHERE sp.voice IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY sp.passage_id ORDER BY m.created_at DESC, m.model_version DESC
    ) = 1
),
corrected AS (
    -- an analyst's newest voice correction
    SELECT passage_id, new_value AS voice
    FROM feedback
    WHERE field = 'voice'
    QUALIFY row_number() OVER (PARTITION BY passage_id ORDER BY created_at DESC, id DESC) = 1
)
SELECT p.id AS passage_id,
       coalesce(a.voice, p.voice) AS rule_voice,
       coalesce(c.voice, a.voice, p.voice) AS voice,
       CASE WHEN a.voice IS NOT NULL THEN a.speaker ELSE p.speaker END AS speaker
FROM passages AS p
LEFT JOIN attributed AS a ON a.passage_id = p.id
LEFT JOIN corrected AS c ON c.passage_id = p.id;
