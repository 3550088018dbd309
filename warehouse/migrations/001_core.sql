-- Core tables: articles and their passages, crawl state, scores, runs.
CREATE SEQUENCE article_id_seq START 1;
CREATE SEQUENCE passage_id_seq START 1;
CREATE SEQUENCE run_id_seq START 1;

CREATE TABLE articles (
    id            BIGINT PRIMARY KEY DEFAULT nextval('article_id_seq'),
    url           VARCHAR NOT NULL UNIQUE,          -- canonical URL
    source        VARCHAR NOT NULL,                 -- config source name
    source_kind   VARCHAR NOT NULL,                 -- local_news | national_news | force_statement | pcc_statement | inspectorate
    title         VARCHAR,
    author        VARCHAR,
    published_at  TIMESTAMPTZ,                      -- NULL when no date could be found
    fetched_at    TIMESTAMPTZ NOT NULL,
    language      VARCHAR,
    content_hash  VARCHAR,                          -- hash of the normalised body text
    fingerprint   UBIGINT,                          -- simhash of the body, for near-duplicates
    duplicate_of  BIGINT,                           -- id of the article this one copies, else NULL
    text_purged_at TIMESTAMPTZ                      -- set when retention removed passage text
);

CREATE TABLE passages (
    id          BIGINT PRIMARY KEY DEFAULT nextval('passage_id_seq'),
    article_id  BIGINT NOT NULL,
    position    INTEGER NOT NULL,                   -- 0-based order in the article
    paragraph   INTEGER NOT NULL,                   -- 0-based paragraph index
    text        VARCHAR,                            -- NULL once purged by retention
    voice       VARCHAR NOT NULL,                   -- force | pcc | inspectorate | government | public | media
    speaker     VARCHAR,
    UNIQUE (article_id, position)
);

-- Every URL the crawler has dealt with for good: stored, irrelevant or a duplicate.
-- Written in the same transaction as the article it produced (or with nothing, when skipped).
CREATE TABLE seen_urls (
    url           VARCHAR PRIMARY KEY,              -- canonical URL
    source        VARCHAR NOT NULL,
    outcome       VARCHAR NOT NULL,                 -- stored | irrelevant | duplicate | empty
    article_id    BIGINT,
    first_seen_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE models (
    model_version VARCHAR PRIMARY KEY,              -- hash of the model files and the encoder
    name          VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,             -- first time it scored in this warehouse
    info          JSON
);

CREATE TABLE scores (
    passage_id    BIGINT NOT NULL,
    topic         VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,                 -- positive | neutral | negative
    score         DOUBLE NOT NULL,                  -- P(positive) - P(negative), in [-1, 1]
    p_positive    DOUBLE NOT NULL,
    p_neutral     DOUBLE NOT NULL,
    p_negative    DOUBLE NOT NULL,
    topic_prob    DOUBLE,                           -- P(topic) from the topic classifier
    model_version VARCHAR NOT NULL,
    scored_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (passage_id, topic, model_version)
);

-- A passage the model looked at and found nothing to score in (no topic, or skipped with a reason),
-- so that `pcm score` does not try it again under the same model version.
CREATE TABLE scored_passages (
    passage_id    BIGINT NOT NULL,
    model_version VARCHAR NOT NULL,
    topics        INTEGER NOT NULL,                 -- how many score rows it produced
    skipped       VARCHAR,                          -- reason when not scored: empty, non_english, garbage
    truncated     BOOLEAN NOT NULL DEFAULT FALSE,
    scored_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (passage_id, model_version)
);

CREATE TABLE runs (
    id            BIGINT PRIMARY KEY DEFAULT nextval('run_id_seq'),
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ,
    status        VARCHAR NOT NULL,                 -- running | success | partial | failed
    articles_new  INTEGER,
    passages_new  INTEGER,
    passages_scored INTEGER,
    alerts_new    INTEGER,
    counts        JSON,                             -- per-stage counts
    model_version VARCHAR,
    code_version  VARCHAR,
    error         VARCHAR
);

CREATE TABLE crawl_stats (
    run_id        BIGINT,                           -- NULL for a crawl outside a nightly run
    source        VARCHAR NOT NULL,
    source_kind   VARCHAR NOT NULL,
    started_at    TIMESTAMPTZ NOT NULL,
    finished_at   TIMESTAMPTZ NOT NULL,
    status        VARCHAR NOT NULL,                 -- ok | partial | failed
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    new_articles  INTEGER NOT NULL DEFAULT 0,
    irrelevant    INTEGER NOT NULL DEFAULT 0,
    duplicates    INTEGER NOT NULL DEFAULT 0,
    empty_bodies  INTEGER NOT NULL DEFAULT 0,
    missing_dates INTEGER NOT NULL DEFAULT 0,
    errors        INTEGER NOT NULL DEFAULT 0,
    errors_by_reason JSON,                          -- {"http_404": 2, "timeout": 1, ...}
    message       VARCHAR
);

CREATE TABLE crawl_errors (
    run_id      BIGINT,
    source      VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    reason      VARCHAR NOT NULL,                   -- http_404, timeout, robots_disallowed, bad_encoding, too_large, ...
    detail      VARCHAR,
    "at"        TIMESTAMPTZ NOT NULL              -- AT is a keyword in DuckDB 2: quote it or write e.at
);
