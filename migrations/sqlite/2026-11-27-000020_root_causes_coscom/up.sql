-- Root-cause (fishbone) analyses (issue 14): the problem at the head, the category set's bones
-- (or a custom list, kept in order), and causes nested to any depth under a category. An
-- analysis without a segment concerns the whole service and is read by every signed-in user.
CREATE TABLE root_causes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    problem TEXT NOT NULL,
    segment_id INTEGER REFERENCES segments (id),
    service_area_id INTEGER REFERENCES service_areas (id),
    category_set TEXT NOT NULL CHECK (category_set IN ('6M', '4S', '8P', 'custom')),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX root_causes_segment_idx ON root_causes (segment_id);

CREATE TABLE root_cause_categories (
    root_cause_id INTEGER NOT NULL REFERENCES root_causes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (root_cause_id, position)
);

-- A sub-cause goes with its parent.
CREATE TABLE root_cause_causes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    root_cause_id INTEGER NOT NULL REFERENCES root_causes (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    text TEXT NOT NULL,
    parent_id INTEGER REFERENCES root_cause_causes (id) ON DELETE CASCADE,
    evidence TEXT,
    verified INTEGER NOT NULL DEFAULT 0 CHECK (verified IN (0, 1)),
    votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0),
    position INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX root_cause_causes_analysis_idx ON root_cause_causes (root_cause_id, position);
CREATE INDEX root_cause_causes_parent_idx ON root_cause_causes (parent_id);

CREATE TABLE root_cause_complaints (
    root_cause_id INTEGER NOT NULL REFERENCES root_causes (id) ON DELETE CASCADE,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    PRIMARY KEY (root_cause_id, complaint_id)
);
CREATE INDEX root_cause_complaints_complaint_idx ON root_cause_complaints (complaint_id);

CREATE TABLE root_cause_service_targets (
    root_cause_id INTEGER NOT NULL REFERENCES root_causes (id) ON DELETE CASCADE,
    service_target_id INTEGER NOT NULL REFERENCES service_targets (id) ON DELETE CASCADE,
    PRIMARY KEY (root_cause_id, service_target_id)
);
CREATE INDEX root_cause_service_targets_target_idx ON root_cause_service_targets (service_target_id);

CREATE TABLE root_cause_requirements (
    root_cause_id INTEGER NOT NULL REFERENCES root_causes (id) ON DELETE CASCADE,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id) ON DELETE CASCADE,
    PRIMARY KEY (root_cause_id, requirement_id)
);
CREATE INDEX root_cause_requirements_requirement_idx ON root_cause_requirements (requirement_id);

-- Condition-of-Satisfaction commitments: a project's conditions, recorded at its start for a
-- segment, rated at checkpoints, closed (optionally with a transaction survey).
CREATE TABLE coscoms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    project TEXT NOT NULL,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    ambassador_id INTEGER REFERENCES users (id),
    starts_on DATE NOT NULL,
    ends_on DATE,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at TIMESTAMP,
    survey_id INTEGER REFERENCES satisfaction_surveys (id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX coscoms_segment_idx ON coscoms (segment_id);

CREATE TABLE coscom_conditions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    coscom_id INTEGER NOT NULL REFERENCES coscoms (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    measure TEXT
);
CREATE INDEX coscom_conditions_coscom_idx ON coscom_conditions (coscom_id, position);

CREATE TABLE coscom_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    coscom_id INTEGER NOT NULL REFERENCES coscoms (id) ON DELETE CASCADE,
    held_on DATE NOT NULL,
    actions TEXT,
    created_by INTEGER REFERENCES users (id),
    created_by_email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX coscom_checkpoints_coscom_idx ON coscom_checkpoints (coscom_id, held_on);

CREATE TABLE coscom_ratings (
    checkpoint_id INTEGER NOT NULL REFERENCES coscom_checkpoints (id) ON DELETE CASCADE,
    condition_id INTEGER NOT NULL REFERENCES coscom_conditions (id) ON DELETE CASCADE,
    rating TEXT NOT NULL CHECK (rating IN ('on_track', 'at_risk', 'off_track')),
    note TEXT,
    PRIMARY KEY (checkpoint_id, condition_id)
);
CREATE INDEX coscom_ratings_condition_idx ON coscom_ratings (condition_id);

CREATE TABLE coscom_comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    coscom_id INTEGER NOT NULL REFERENCES coscoms (id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users (id),
    user_email TEXT NOT NULL,
    text TEXT NOT NULL,
    at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX coscom_comments_coscom_idx ON coscom_comments (coscom_id, id);
