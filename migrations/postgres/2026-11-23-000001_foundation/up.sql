-- Foundation schema (PostgreSQL). Keep in step with ../../sqlite/ (same migration names).
CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'leadership', 'facilitator', 'stakeholder')),
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);

CREATE TABLE segments (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    headcount INTEGER CHECK (headcount >= 0),
    weight DOUBLE PRECISION NOT NULL DEFAULT 1 CHECK (weight > 0),
    ambassador TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE UNIQUE INDEX segments_name_key ON segments (lower(name));

CREATE TABLE user_segments (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    PRIMARY KEY (user_id, segment_id)
);
CREATE INDEX user_segments_segment_idx ON user_segments (segment_id);

CREATE TABLE service_areas (
    id SERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE UNIQUE INDEX service_areas_name_key ON service_areas (lower(name));

CREATE TABLE sessions (
    id SERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('interview', 'focus_group', 'survey', 'workshop')),
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    facilitator TEXT,
    notes TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);

CREATE TABLE session_segments (
    session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    PRIMARY KEY (session_id, segment_id)
);
CREATE INDEX session_segments_segment_idx ON session_segments (segment_id);

CREATE TABLE requirements (
    id SERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT,
    service_area_id INTEGER NOT NULL REFERENCES service_areas (id),
    metric TEXT,
    unit TEXT,
    direction TEXT CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    target DOUBLE PRECISION CHECK (target >= 0),
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX requirements_service_area_idx ON requirements (service_area_id);

CREATE TABLE findings (
    id SERIAL PRIMARY KEY,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id),
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    session_id INTEGER REFERENCES sessions (id),
    category TEXT NOT NULL CHECK (category IN ('basic', 'satisfier', 'delighter', 'indifferent', 'reverse')),
    importance INTEGER NOT NULL CHECK (importance BETWEEN 1 AND 5),
    note TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE INDEX findings_requirement_idx ON findings (requirement_id);
CREATE INDEX findings_segment_idx ON findings (segment_id);
CREATE INDEX findings_session_idx ON findings (session_id);

CREATE TABLE assessments (
    id SERIAL PRIMARY KEY,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id),
    segment_id INTEGER REFERENCES segments (id),
    current_value DOUBLE PRECISION,
    fulfilment DOUBLE PRECISION CHECK (fulfilment BETWEEN 0 AND 1),
    assessed_on DATE NOT NULL,
    assessor TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CHECK ((current_value IS NULL) <> (fulfilment IS NULL))
);
CREATE INDEX assessments_requirement_idx ON assessments (requirement_id, assessed_on);
CREATE INDEX assessments_segment_idx ON assessments (segment_id);

-- Who did what to which object. Users are never deleted (only disabled), and the actor's
-- e-mail is copied so the history keeps its name.
CREATE TABLE audit_log (
    id SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    actor_id INTEGER REFERENCES users (id),
    actor_email TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id INTEGER,
    detail TEXT
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The eight elements of service delivery (seed 003).
INSERT INTO service_areas (name, description) VALUES
    ('Strategic planning', 'Aligning IT with the business strategy'),
    ('Requirements capture', 'Understanding and capturing user business requirements'),
    ('User relationships', 'Managing user relationships'),
    ('User education', 'Educating the user community on IT capabilities (the art of the possible)'),
    ('Developing/acquiring solutions', 'Developing or acquiring new IT solutions'),
    ('Implementing/deploying solutions', 'Implementing and deploying new IT solutions'),
    ('Training', 'Providing training for IT solutions'),
    ('Helpdesk support', 'Providing helpdesk support for IT solutions');
