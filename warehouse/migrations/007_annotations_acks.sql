-- Event annotations drawn on every time chart ("PEEL report published"), alert acknowledgements
-- (who, when, note), and what became of a stored alert once corrections changed its evidence.
-- Written by warehouse/annotations.py (annotations, acknowledgements) and
-- warehouse/alert_store.py (the alerts' re-evaluation against the `alert_candidates` view).
CREATE SEQUENCE annotation_id_seq START 1;

CREATE TABLE annotations (
    id        BIGINT PRIMARY KEY DEFAULT nextval('annotation_id_seq'),
    day       DATE NOT NULL,                        -- the London day of the event
    topic     VARCHAR,                              -- a topic id; NULL: every topic
    label     VARCHAR NOT NULL,                     -- what happened, as people read it
    added_by  VARCHAR NOT NULL,                     -- the signed-in e-mail, or the name typed
    added_at  TIMESTAMPTZ NOT NULL
);

-- One acknowledgement per alert (a second one is refused).
CREATE TABLE alert_acks (
    alert_id         BIGINT PRIMARY KEY,            -- alerts.id
    acknowledged_by  VARCHAR NOT NULL,
    acknowledged_at  TIMESTAMPTZ NOT NULL,
    note             VARCHAR
);

-- A stored alert is re-evaluated against `alert_candidates` after corrections (and each night):
-- its figures, explanation and stories follow the rule's current answer; when the rule no longer
-- holds, it is withdrawn (kept, with when and why), and reinstated should it hold again.
ALTER TABLE alerts ADD COLUMN raised_explanation VARCHAR;  -- the explanation as first raised
ALTER TABLE alerts ADD COLUMN revised_at TIMESTAMPTZ;      -- when figures were last re-evaluated
ALTER TABLE alerts ADD COLUMN withdrawn_at TIMESTAMPTZ;    -- NULL while the alert holds
ALTER TABLE alerts ADD COLUMN withdrawn_reason VARCHAR;    -- e.g. withdrawn after corrections
