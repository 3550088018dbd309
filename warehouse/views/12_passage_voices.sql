-- One row per passage: who is speaking, as the product shows it. `rule_voice` and `speaker`
-- come from the newest model run that attributed the passage: for the session's force
-- (`pcm_force`, else the default force) its reading in `passage_forces` where the passage's
-- article concerns that force, else the default force's in `scored_passages` (re-derived by
-- every scoring run); or from the crawl (`passages`) for a passage not attributed since
-- attribution was versioned. `voice` is an analyst's correction when there is one, else
-- `rule_voice`. The Stories and Review pages and the training data read it.
CREATE OR REPLACE VIEW passage_voices AS
WITH session_force AS (
    SELECT coalesce(getvariable('pcm_force'),
                    (SELECT id FROM forces ORDER BY position LIMIT 1), 'default') AS force_id
),
force_attributed AS (
    -- the newest run's reading of each passage for the session's force
    SELECT pf.passage_id, pf.voice, pf.speaker
    FROM passage_forces AS pf
    JOIN session_force AS f USING (force_id)
    JOIN models AS m USING (model_version)
    WHERE pf.voice IS NOT NULL
    QUALIFY row_number() OVER (
        PARTITION BY pf.passage_id ORDER BY m.created_at DESC, m.model_version DESC
    ) = 1
),
attributed AS (
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
       coalesce(fa.voice, a.voice, p.voice) AS rule_voice,
       coalesce(c.voice, fa.voice, a.voice, p.voice) AS voice,
       CASE WHEN fa.voice IS NOT NULL THEN fa.speaker
            WHEN a.voice IS NOT NULL THEN a.speaker ELSE p.speaker END AS speaker
FROM passages AS p
LEFT JOIN force_attributed AS fa ON fa.passage_id = p.id
LEFT JOIN attributed AS a ON a.passage_id = p.id
LEFT JOIN corrected AS c ON c.passage_id = p.id;
