-- One row per (article, topic): the article-level stance over every voice, as defined once in
-- `article_topic_voices` (mean of passage scores; "mixed" when it has both positive and
-- negative passages and |mean| < 0.34).
CREATE OR REPLACE VIEW article_topics AS
WITH every_voice AS (
    SELECT * EXCLUDE (voices)
    FROM article_topic_voices
    WHERE voices = 'all'
)
SELECT * FROM every_voice;
