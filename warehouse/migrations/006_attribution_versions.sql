-- Who speaks in each scored passage, as that model version's scoring run read it: `pcm score`
-- attributes each article's stored passages again (passages/segment.py, with the configured
-- people of the day), so `pcm score --rescore` brings a better rule set or a newly configured
-- person to old articles without a re-crawl; `passages.voice` and `passages.speaker` keep what
-- the crawl decided. NULL for passages scored before this migration: the views then read the
-- crawl-time values from `passages`.
ALTER TABLE scored_passages ADD COLUMN voice VARCHAR;
ALTER TABLE scored_passages ADD COLUMN speaker VARCHAR;
