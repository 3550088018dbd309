-- One row per (article, topic): the article-level stance over every voice, as defined once in
-- `article_topic_voices` (by passage labels: neutral under 30% polar passages; mixed when the
-- rarer polarity has at least half as many passages as the commoner; else the commoner).
CREATE OR REPLACE VIEW article_topics AS
WITH every_voice AS (
    SELECT * EXCLUDE (voices)
    FROM article_topic_voices
    WHERE voices = 'all'
)
SELECT * FROM every_voice;
