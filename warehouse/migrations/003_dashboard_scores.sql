-- The dashboard's materialized copy of the `passage_scores` view: only the columns its pages
-- aggregate, rebuilt from the view by warehouse/materialized.py (the nightly refresh stage,
-- `pcm score`, and each correction saved on the Review page). The dashboard reads it only while
-- `materialized_versions` says it was built from the warehouse as it is now, else it reads the
-- view. Not for analysts: the views stay the source of truth for `pcm sql` and `pcm export`.
CREATE TABLE dashboard_passage_scores (
    passage_id   BIGINT,
    article_id   BIGINT,
    topic        VARCHAR,
    label        VARCHAR,                           -- positive | neutral | negative
    score        DOUBLE,
    voice        VARCHAR,
    corrected    BOOLEAN,
    added        BOOLEAN,                           -- a topic an analyst added (no model row)
    source       VARCHAR,
    source_kind  VARCHAR,
    day          DATE                               -- Europe/London date, as passage_scores.day
);

-- What each materialized table was built from: a fingerprint of its source tables and view.
CREATE TABLE materialized_versions (
    name           VARCHAR PRIMARY KEY,             -- the materialized table
    source_version VARCHAR NOT NULL,                -- warehouse.materialized.source_version()
    row_count      BIGINT NOT NULL,
    refreshed_at   TIMESTAMPTZ NOT NULL
);
