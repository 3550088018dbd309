-- The model version the analyst views report: the newest registered one that has scored anything
-- (a model registered but not yet run does not blank the dashboard).
CREATE OR REPLACE VIEW current_model AS
SELECT m.model_version, m.name, m.created_at
FROM models AS m
WHERE EXISTS (SELECT 1 FROM scored_passages AS s WHERE s.model_version = m.model_version)
   OR EXISTS (SELECT 1 FROM scores AS s WHERE s.model_version = m.model_version)
ORDER BY m.created_at DESC, m.model_version DESC
LIMIT 1;
