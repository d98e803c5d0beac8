-- Service improvement plans (issue 14): six to eight changes per service process, each with an
-- owner, due date, resources and policy change, reviewed and signed off by the users of the
-- plan's segments, approved by leadership, then closed. Lifecycle rules: src/domain/improvement.rs.
CREATE TABLE improvement_plans (
    id SERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    service_area_id INTEGER NOT NULL REFERENCES service_areas (id),
    summary TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'agreed', 'closed')),
    created_by INTEGER REFERENCES users (id),
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    submitted_at TIMESTAMP,
    approved_by INTEGER REFERENCES users (id),
    approved_at TIMESTAMP,
    closed_at TIMESTAMP
);
CREATE INDEX improvement_plans_service_area_idx ON improvement_plans (service_area_id);

-- The segments whose users review and sign off the plan (stakeholders see plans naming theirs).
CREATE TABLE improvement_plan_segments (
    plan_id INTEGER NOT NULL REFERENCES improvement_plans (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (plan_id, segment_id)
);
CREATE INDEX improvement_plan_segments_segment_idx ON improvement_plan_segments (segment_id);

-- A change of a plan. root_cause_id / cause_id name the root-cause analysis and cause the change
-- treats (the analysis's migration runs first); deleting either leaves the change, unlinked.
CREATE TABLE improvement_plan_changes (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES improvement_plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    owner_id INTEGER NOT NULL REFERENCES users (id),
    due_on DATE NOT NULL,
    resources TEXT,
    policy_change TEXT,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    done_on DATE,
    root_cause_id INTEGER NULL REFERENCES root_causes (id) ON DELETE SET NULL,
    cause_id INTEGER NULL REFERENCES root_cause_causes (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    updated_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'),
    CHECK ((status = 'done') = (done_on IS NOT NULL))
);
CREATE INDEX improvement_plan_changes_plan_idx ON improvement_plan_changes (plan_id, position);
CREATE INDEX improvement_plan_changes_owner_idx ON improvement_plan_changes (owner_id);

-- What a change answers: requirements, complaints, service targets.
CREATE TABLE improvement_change_requirements (
    change_id INTEGER NOT NULL REFERENCES improvement_plan_changes (id) ON DELETE CASCADE,
    requirement_id INTEGER NOT NULL REFERENCES requirements (id) ON DELETE CASCADE,
    PRIMARY KEY (change_id, requirement_id)
);
CREATE INDEX improvement_change_requirements_requirement_idx ON improvement_change_requirements (requirement_id);
CREATE TABLE improvement_change_complaints (
    change_id INTEGER NOT NULL REFERENCES improvement_plan_changes (id) ON DELETE CASCADE,
    complaint_id INTEGER NOT NULL REFERENCES complaints (id) ON DELETE CASCADE,
    PRIMARY KEY (change_id, complaint_id)
);
CREATE INDEX improvement_change_complaints_complaint_idx ON improvement_change_complaints (complaint_id);
CREATE TABLE improvement_change_targets (
    change_id INTEGER NOT NULL REFERENCES improvement_plan_changes (id) ON DELETE CASCADE,
    service_target_id INTEGER NOT NULL REFERENCES service_targets (id) ON DELETE CASCADE,
    PRIMARY KEY (change_id, service_target_id)
);
CREATE INDEX improvement_change_targets_target_idx ON improvement_change_targets (service_target_id);

-- A segment's sign-off: who signed for it and when (one per segment).
CREATE TABLE improvement_plan_signoffs (
    id SERIAL PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES improvement_plans (id) ON DELETE CASCADE,
    segment_id INTEGER NOT NULL REFERENCES segments (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    user_email TEXT NOT NULL,
    signed_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc')
);
CREATE UNIQUE INDEX improvement_plan_signoffs_segment_key ON improvement_plan_signoffs (plan_id, segment_id);
