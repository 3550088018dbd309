-- Many forces in one warehouse (core/forces.py). `forces` mirrors the config's list (written by
-- every writer session, warehouse/forces.py); the first by position is the default force.
CREATE TABLE forces (
    id          VARCHAR PRIMARY KEY,                -- the force's id in the config: norfolk
    name        VARCHAR NOT NULL,                   -- Norfolk Constabulary
    position    INTEGER NOT NULL,                   -- order in the config; 0 is the default force
    updated_at  TIMESTAMPTZ NOT NULL
);

-- What each scoring run found about each passage for each force its article concerns: the
-- passage's target seen from that force (force: about it; other_force; national; none) and its
-- voice and speaker under that force's people and names. Passages scored before this table
-- have their default force's values in scored_passages only (views fall back to them).
CREATE TABLE passage_forces (
    passage_id    BIGINT NOT NULL,
    model_version VARCHAR NOT NULL,
    force_id      VARCHAR NOT NULL,
    target        VARCHAR NOT NULL,
    voice         VARCHAR,
    speaker       VARCHAR,
    PRIMARY KEY (passage_id, model_version, force_id)
);

-- The dashboard's copy of the scores keeps every force's rows, each with its force.
ALTER TABLE IF EXISTS dashboard_passage_scores ADD COLUMN force_id VARCHAR;

-- Alerts are per force: one alert per force, day, topic and kind. DuckDB cannot drop a
-- constraint, so the table is rebuilt with the same ids (alert_acks refers to them). Alerts
-- raised before this migration belong to the default force (set by the first writer session).
ALTER TABLE alerts RENAME TO alerts_before_008;
CREATE TABLE alerts (
    id           BIGINT PRIMARY KEY DEFAULT nextval('alert_id_seq'),
    day          DATE NOT NULL,
    topic        VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL,
    value        DOUBLE NOT NULL,
    baseline     DOUBLE NOT NULL,
    threshold    DOUBLE NOT NULL,
    explanation  VARCHAR NOT NULL,
    article_ids  JSON,
    run_id       BIGINT,
    created_at   TIMESTAMPTZ NOT NULL,
    raised_explanation VARCHAR,
    revised_at   TIMESTAMPTZ,
    withdrawn_at TIMESTAMPTZ,
    withdrawn_reason VARCHAR,
    force_id     VARCHAR,                           -- forces.id; NULL only until the first sync
    UNIQUE (force_id, day, topic, kind)
);
INSERT INTO alerts
SELECT id, day, topic, kind, value, baseline, threshold, explanation, article_ids, run_id,
       created_at, raised_explanation, revised_at, withdrawn_at, withdrawn_reason, NULL
FROM alerts_before_008;
DROP TABLE alerts_before_008;

-- Event annotations may belong to one force (NULL: every force, e.g. a national report).
ALTER TABLE annotations ADD COLUMN force_id VARCHAR;
