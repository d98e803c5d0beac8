-- Draft service level agreements, versioned per segment. `sections` holds the editable
-- section texts as a JSON object {section id: text}.
CREATE TABLE sla_drafts (
    id SERIAL PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    version INTEGER NOT NULL CHECK (version >= 1),
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'agreed')),
    title TEXT NOT NULL,
    sections TEXT NOT NULL,
    review_comment TEXT,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    submitted_at TIMESTAMP,
    agreed_at TIMESTAMP,
    agreed_by INTEGER REFERENCES users (id)
);
CREATE UNIQUE INDEX sla_drafts_version_key ON sla_drafts (segment_id, version);

-- A stakeholder's sign-off: a record of who and when, not a change of the text.
CREATE TABLE sla_signoffs (
    id SERIAL PRIMARY KEY,
    sla_draft_id INTEGER NOT NULL REFERENCES sla_drafts (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    user_email TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE UNIQUE INDEX sla_signoffs_user_key ON sla_signoffs (sla_draft_id, user_id);
