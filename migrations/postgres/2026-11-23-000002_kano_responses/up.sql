-- Kano questionnaire answers, one row per respondent × requirement × segment.
CREATE TABLE kano_responses (
    id SERIAL PRIMARY KEY,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id),
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    session_id INTEGER REFERENCES sessions (id),
    respondent TEXT NOT NULL,
    -- Answers 1..5: like, must-be, neutral, live-with, dislike.
    functional INTEGER NOT NULL CHECK (functional BETWEEN 1 AND 5),
    dysfunctional INTEGER NOT NULL CHECK (dysfunctional BETWEEN 1 AND 5),
    importance INTEGER CHECK (importance BETWEEN 1 AND 5),
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
-- One answer per respondent for a requirement and segment; also serves per-requirement reads.
CREATE UNIQUE INDEX kano_responses_respondent_key ON kano_responses (requirement_id, segment_id, respondent);
CREATE INDEX kano_responses_segment_idx ON kano_responses (segment_id, requirement_id);
CREATE INDEX kano_responses_session_idx ON kano_responses (session_id);
