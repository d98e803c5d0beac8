-- Service levels (issue 12): business-hours calendars, service targets drawn from an agreed
-- SLA, the service desk's tickets and the figures reported by hand each month.

-- `week` is a JSON object {"mon": ["08:00-17:00"], ...} (days omitted are closed);
-- `holidays` a JSON array of dates, closed all day.
CREATE TABLE calendars (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    timezone TEXT NOT NULL,
    week TEXT NOT NULL,
    holidays TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX calendars_name_key ON calendars (name);
INSERT INTO calendars (name, timezone, week, holidays) VALUES ('24x7', 'UTC',
    '{"fri":["00:00-24:00"],"mon":["00:00-24:00"],"sat":["00:00-24:00"],"sun":["00:00-24:00"],"thu":["00:00-24:00"],"tue":["00:00-24:00"],"wed":["00:00-24:00"]}',
    '[]');

-- A measurable commitment checked every month. `limit_value` is in the requirement's unit;
-- `goal` is the share of tickets that must meet it (ticket measures only).
CREATE TABLE service_targets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id),
    segment_id INTEGER REFERENCES segments (id),
    measure TEXT NOT NULL CHECK (measure IN ('first_response', 'resolution', 'reported')),
    limit_value DOUBLE NOT NULL,
    goal DOUBLE CHECK (goal > 0 AND goal <= 1),
    priority TEXT,
    calendar_id INTEGER NOT NULL REFERENCES calendars (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CHECK ((measure = 'reported') = (goal IS NULL))
);
CREATE INDEX service_targets_requirement_idx ON service_targets (requirement_id);
CREATE INDEX service_targets_segment_idx ON service_targets (segment_id);

-- Tickets from the service desk's export, known by the desk's own id (re-imports update).
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    opened_at TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    resolved_at TIMESTAMP,
    priority TEXT,
    service_area TEXT,
    paused_minutes INTEGER NOT NULL DEFAULT 0 CHECK (paused_minutes >= 0),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX tickets_external_id_key ON tickets (external_id);
CREATE INDEX tickets_opened_idx ON tickets (opened_at, segment_id);

-- A reported target's figure for a month (`period` is YYYY-MM).
CREATE TABLE reported_measurements (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    service_target_id INTEGER NOT NULL REFERENCES service_targets (id),
    period TEXT NOT NULL,
    value DOUBLE NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX reported_measurements_period_key ON reported_measurements (service_target_id, period);
