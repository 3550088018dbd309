-- Per-article passage cap (crawl.max_passages_per_article): how many passages of the article
-- were dropped because it had more than the cap; 0 when none were. One huge page must not make
-- tens of thousands of passages and eat the night's scoring time.
ALTER TABLE articles ADD COLUMN passages_dropped INTEGER DEFAULT 0;
