-- The model version the analyst views report: the newest one that has scored anything.
CREATE OR REPLACE VIEW current_model AS
SELECT model_version, name, created_at
FROM models
ORDER BY created_at DESC, model_version DESC
LIMIT 1;
