-- Complaints (issue 13): every one logged with a reference C-YYYY-NNNN, gapless per year in
-- commit order. The number comes from the year's counter row, incremented in the same write
-- transaction as the insert (SQLite serializes writers with BEGIN IMMEDIATE), so a rolled
-- back complaint gives its number back; the UNIQUE constraint is the last line of defence.
CREATE TABLE complaint_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL CHECK (last >= 0)
);

CREATE TABLE complaints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reference TEXT NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    summary TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'phone', 'web', 'in_person', 'other')),
    category TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
    received_at TIMESTAMP NOT NULL,
    acknowledged_at TIMESTAMP,
    resolved_at TIMESTAMP,
    reopened_at TIMESTAMP,
    resolution TEXT,
    service_area_id INTEGER REFERENCES service_areas (id),
    requirement_id INTEGER REFERENCES requirements (id) ON DELETE SET NULL,
    owner_id INTEGER REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX complaints_reference_key ON complaints (reference);
CREATE INDEX complaints_segment_idx ON complaints (segment_id, received_at);
CREATE INDEX complaints_received_idx ON complaints (received_at);
CREATE INDEX complaints_requirement_idx ON complaints (requirement_id);
CREATE INDEX complaints_service_area_idx ON complaints (service_area_id);

-- The life cycle as it happened (the `receive` step records who logged the complaint and
-- when): received, acknowledged, resolved, reopened (history is kept
-- across reopens).
CREATE TABLE complaint_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    step TEXT NOT NULL CHECK (step IN ('receive', 'acknowledge', 'resolve', 'reopen')),
    at TIMESTAMP NOT NULL,
    actor_id INTEGER REFERENCES users (id),
    actor_email TEXT NOT NULL,
    note TEXT,
    recorded_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX complaint_steps_complaint_idx ON complaint_steps (complaint_id, id);

-- Satisfaction surveys: transaction (after a service encounter) or overall (at least yearly).
-- A survey without segments is open to every segment.
CREATE TABLE satisfaction_surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('transaction', 'overall')),
    scale_max INTEGER NOT NULL CHECK (scale_max BETWEEN 4 AND 10),
    opened_on DATE NOT NULL,
    closed_on DATE,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE satisfaction_survey_segments (
    survey_id INTEGER NOT NULL REFERENCES satisfaction_surveys (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    PRIMARY KEY (survey_id, segment_id)
);
CREATE INDEX satisfaction_survey_segments_segment_idx ON satisfaction_survey_segments (segment_id);

CREATE TABLE satisfaction_responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    survey_id INTEGER NOT NULL REFERENCES satisfaction_surveys (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    respondent TEXT,
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 10),
    service_area_id INTEGER REFERENCES service_areas (id),
    comment TEXT,
    answered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX satisfaction_responses_survey_idx ON satisfaction_responses (survey_id, segment_id, score);
CREATE INDEX satisfaction_responses_segment_idx ON satisfaction_responses (segment_id);
