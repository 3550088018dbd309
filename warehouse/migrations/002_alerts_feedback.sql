-- Alerts raised by the nightly job and analysts' corrections of the model.
CREATE SEQUENCE alert_id_seq START 1;
CREATE SEQUENCE feedback_id_seq START 1;

CREATE TABLE alerts (
    id           BIGINT PRIMARY KEY DEFAULT nextval('alert_id_seq'),
    day          DATE NOT NULL,
    topic        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,                  -- negative_volume | net_drop
    value        DOUBLE NOT NULL,                   -- the day's figure
    baseline     DOUBLE NOT NULL,                   -- trailing-window mean
    threshold    DOUBLE NOT NULL,                   -- value that had to be crossed
    explanation  VARCHAR NOT NULL,                  -- plain-language, names stories, outlets, voices
    article_ids  JSON,                              -- the articles that drove it
    run_id       BIGINT,
    created_at   TIMESTAMPTZ NOT NULL,
    UNIQUE (day, topic, kind)
);

-- One row per analyst correction. field: stance (needs topic), topic_add, topic_remove, voice.
CREATE TABLE feedback (
    id          BIGINT PRIMARY KEY DEFAULT nextval('feedback_id_seq'),
    passage_id  BIGINT NOT NULL,
    field       VARCHAR NOT NULL,
    topic       VARCHAR,
    old_value   VARCHAR,
    new_value   VARCHAR,
    author      VARCHAR NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
