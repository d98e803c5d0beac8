//! Table definitions shared by both backends: only SQL types that SQLite and PostgreSQL
//! both map (Integer, Text, Double, Date, Timestamp).

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        token_generation -> Integer,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Integer,
        account -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    segments (id) {
        id -> Integer,
        name -> Text,
        description -> Nullable<Text>,
        headcount -> Nullable<Integer>,
        weight -> Double,
        ambassador -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_segments (user_id, segment_id) {
        user_id -> Integer,
        segment_id -> Integer,
    }
}

diesel::table! {
    service_areas (id) {
        id -> Integer,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Integer,
        kind -> Text,
        title -> Text,
        held_on -> Date,
        facilitator -> Nullable<Text>,
        notes -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    session_segments (session_id, segment_id) {
        session_id -> Integer,
        segment_id -> Integer,
    }
}

diesel::table! {
    requirements (id) {
        id -> Integer,
        key -> Text,
        title -> Text,
        description -> Nullable<Text>,
        service_area_id -> Integer,
        metric -> Nullable<Text>,
        unit -> Nullable<Text>,
        direction -> Nullable<Text>,
        target -> Nullable<Double>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    findings (id) {
        id -> Integer,
        requirement_id -> Integer,
        segment_id -> Integer,
        session_id -> Nullable<Integer>,
        category -> Text,
        importance -> Integer,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assessments (id) {
        id -> Integer,
        requirement_id -> Integer,
        segment_id -> Nullable<Integer>,
        current_value -> Nullable<Double>,
        fulfilment -> Nullable<Double>,
        assessed_on -> Date,
        assessor -> Nullable<Text>,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor_email -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Integer>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    kano_responses (respondent, segment_id, requirement_id) {
        requirement_id -> Integer,
        segment_id -> Integer,
        session_id -> Nullable<Integer>,
        respondent -> Text,
        functional -> Integer,
        dysfunctional -> Integer,
        importance -> Nullable<Integer>,
        created_at -> Timestamp,
    }
}

// The key columns only: the 25 counts and importance are read with SQL of their own
// (`db::responses::grids`; tables here stop at 16 columns).
diesel::table! {
    answer_counts (segment_id, requirement_id, session_id) {
        segment_id -> Integer,
        requirement_id -> Integer,
        session_id -> Integer,
    }
}

diesel::table! {
    sla_drafts (id) {
        id -> Integer,
        segment_id -> Integer,
        version -> Integer,
        status -> Text,
        title -> Text,
        sections -> Text,
        review_comment -> Nullable<Text>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        agreed_at -> Nullable<Timestamp>,
        agreed_by -> Nullable<Integer>,
    }
}

diesel::table! {
    sla_signoffs (id) {
        id -> Integer,
        sla_draft_id -> Integer,
        user_id -> Integer,
        user_email -> Text,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    complaint_counters (year) {
        year -> Integer,
        last -> Integer,
    }
}

diesel::table! {
    complaints (id) {
        id -> Integer,
        reference -> Text,
        segment_id -> Integer,
        summary -> Text,
        channel -> Text,
        category -> Nullable<Text>,
        status -> Text,
        received_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        reopened_at -> Nullable<Timestamp>,
        resolution -> Nullable<Text>,
        service_area_id -> Nullable<Integer>,
        requirement_id -> Nullable<Integer>,
        owner_id -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    complaint_steps (id) {
        id -> Integer,
        complaint_id -> Integer,
        step -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Integer>,
        actor_email -> Text,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    satisfaction_surveys (id) {
        id -> Integer,
        title -> Text,
        kind -> Text,
        scale_max -> Integer,
        opened_on -> Date,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    satisfaction_survey_segments (survey_id, segment_id) {
        survey_id -> Integer,
        segment_id -> Integer,
    }
}

diesel::table! {
    satisfaction_responses (id) {
        id -> Integer,
        survey_id -> Integer,
        segment_id -> Integer,
        respondent -> Nullable<Text>,
        score -> Integer,
        service_area_id -> Nullable<Integer>,
        comment -> Nullable<Text>,
        answered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    calendars (id) {
        id -> Integer,
        name -> Text,
        timezone -> Text,
        week -> Text,
        holidays -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    service_targets (id) {
        id -> Integer,
        requirement_id -> Integer,
        segment_id -> Nullable<Integer>,
        measure -> Text,
        limit_value -> Double,
        goal -> Nullable<Double>,
        priority -> Nullable<Text>,
        calendar_id -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    tickets (id) {
        id -> Integer,
        external_id -> Text,
        segment_id -> Integer,
        opened_at -> Timestamp,
        first_response_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        priority -> Nullable<Text>,
        service_area -> Nullable<Text>,
        paused_minutes -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    ticket_durations (calendar_id, period, segment_id, ticket_id) {
        calendar_id -> Integer,
        period -> Text,
        ticket_id -> Integer,
        segment_id -> Integer,
        priority -> Nullable<Text>,
        response_seconds -> Nullable<BigInt>,
        resolution_seconds -> Nullable<BigInt>,
    }
}

diesel::table! {
    reported_measurements (id) {
        id -> Integer,
        service_target_id -> Integer,
        period -> Text,
        value -> Double,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    improvement_plans (id) {
        id -> Integer,
        title -> Text,
        service_area_id -> Integer,
        summary -> Nullable<Text>,
        status -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
        approved_by -> Nullable<Integer>,
        approved_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    improvement_plan_segments (plan_id, segment_id) {
        plan_id -> Integer,
        segment_id -> Integer,
        position -> Integer,
    }
}

diesel::table! {
    improvement_plan_changes (id) {
        id -> Integer,
        plan_id -> Integer,
        position -> Integer,
        title -> Text,
        description -> Nullable<Text>,
        owner_id -> Integer,
        due_on -> Date,
        resources -> Nullable<Text>,
        policy_change -> Nullable<Text>,
        status -> Text,
        done_on -> Nullable<Date>,
        root_cause_id -> Nullable<Integer>,
        cause_id -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    improvement_change_requirements (change_id, requirement_id) {
        change_id -> Integer,
        requirement_id -> Integer,
    }
}

diesel::table! {
    improvement_change_complaints (change_id, complaint_id) {
        change_id -> Integer,
        complaint_id -> Integer,
    }
}

diesel::table! {
    improvement_change_targets (change_id, service_target_id) {
        change_id -> Integer,
        service_target_id -> Integer,
    }
}

diesel::table! {
    improvement_plan_signoffs (id) {
        id -> Integer,
        plan_id -> Integer,
        segment_id -> Integer,
        user_id -> Integer,
        user_email -> Text,
        signed_at -> Timestamp,
    }
}

diesel::table! {
    root_causes (id) {
        id -> Integer,
        problem -> Text,
        segment_id -> Nullable<Integer>,
        service_area_id -> Nullable<Integer>,
        category_set -> Text,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    root_cause_categories (root_cause_id, position) {
        root_cause_id -> Integer,
        position -> Integer,
        name -> Text,
    }
}

diesel::table! {
    root_cause_causes (id) {
        id -> Integer,
        root_cause_id -> Integer,
        category -> Text,
        text -> Text,
        parent_id -> Nullable<Integer>,
        evidence -> Nullable<Text>,
        verified -> Integer,
        votes -> Integer,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    root_cause_complaints (root_cause_id, complaint_id) {
        root_cause_id -> Integer,
        complaint_id -> Integer,
    }
}

diesel::table! {
    root_cause_service_targets (root_cause_id, service_target_id) {
        root_cause_id -> Integer,
        service_target_id -> Integer,
    }
}

diesel::table! {
    root_cause_requirements (root_cause_id, requirement_id) {
        root_cause_id -> Integer,
        requirement_id -> Integer,
    }
}

diesel::table! {
    coscoms (id) {
        id -> Integer,
        project -> Text,
        segment_id -> Integer,
        ambassador_id -> Nullable<Integer>,
        starts_on -> Date,
        ends_on -> Nullable<Date>,
        status -> Text,
        closed_at -> Nullable<Timestamp>,
        survey_id -> Nullable<Integer>,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    coscom_conditions (id) {
        id -> Integer,
        coscom_id -> Integer,
        position -> Integer,
        text -> Text,
        measure -> Nullable<Text>,
    }
}

diesel::table! {
    coscom_checkpoints (id) {
        id -> Integer,
        coscom_id -> Integer,
        held_on -> Date,
        actions -> Nullable<Text>,
        created_by -> Nullable<Integer>,
        created_by_email -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    coscom_ratings (checkpoint_id, condition_id) {
        checkpoint_id -> Integer,
        condition_id -> Integer,
        rating -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    coscom_comments (id) {
        id -> Integer,
        coscom_id -> Integer,
        user_id -> Nullable<Integer>,
        user_email -> Text,
        text -> Text,
        at -> Timestamp,
    }
}

diesel::joinable!(root_causes -> segments (segment_id));
diesel::joinable!(root_cause_categories -> root_causes (root_cause_id));
diesel::joinable!(root_cause_causes -> root_causes (root_cause_id));
diesel::joinable!(root_cause_complaints -> root_causes (root_cause_id));
diesel::joinable!(root_cause_complaints -> complaints (complaint_id));
diesel::joinable!(root_cause_service_targets -> root_causes (root_cause_id));
diesel::joinable!(root_cause_service_targets -> service_targets (service_target_id));
diesel::joinable!(root_cause_requirements -> root_causes (root_cause_id));
diesel::joinable!(root_cause_requirements -> requirements (requirement_id));
diesel::joinable!(coscoms -> segments (segment_id));
diesel::joinable!(coscom_conditions -> coscoms (coscom_id));
diesel::joinable!(coscom_checkpoints -> coscoms (coscom_id));
diesel::joinable!(coscom_ratings -> coscom_checkpoints (checkpoint_id));
diesel::joinable!(coscom_ratings -> coscom_conditions (condition_id));
diesel::joinable!(coscom_comments -> coscoms (coscom_id));
diesel::joinable!(user_segments -> users (user_id));
diesel::joinable!(user_segments -> segments (segment_id));
diesel::joinable!(session_segments -> sessions (session_id));
diesel::joinable!(session_segments -> segments (segment_id));
diesel::joinable!(requirements -> service_areas (service_area_id));
diesel::joinable!(findings -> requirements (requirement_id));
diesel::joinable!(findings -> segments (segment_id));
diesel::joinable!(findings -> sessions (session_id));
diesel::joinable!(assessments -> requirements (requirement_id));
diesel::joinable!(assessments -> segments (segment_id));
diesel::joinable!(kano_responses -> requirements (requirement_id));
diesel::joinable!(kano_responses -> segments (segment_id));
diesel::joinable!(kano_responses -> sessions (session_id));
diesel::joinable!(sla_drafts -> segments (segment_id));
diesel::joinable!(sla_signoffs -> sla_drafts (sla_draft_id));
diesel::joinable!(complaints -> segments (segment_id));
diesel::joinable!(complaint_steps -> complaints (complaint_id));
diesel::joinable!(satisfaction_survey_segments -> satisfaction_surveys (survey_id));
diesel::joinable!(satisfaction_survey_segments -> segments (segment_id));
diesel::joinable!(satisfaction_responses -> satisfaction_surveys (survey_id));
diesel::joinable!(satisfaction_responses -> segments (segment_id));
diesel::joinable!(service_targets -> requirements (requirement_id));
diesel::joinable!(service_targets -> segments (segment_id));
diesel::joinable!(service_targets -> calendars (calendar_id));
diesel::joinable!(tickets -> segments (segment_id));
diesel::joinable!(ticket_durations -> tickets (ticket_id));
diesel::joinable!(ticket_durations -> calendars (calendar_id));
diesel::joinable!(reported_measurements -> service_targets (service_target_id));
diesel::joinable!(improvement_plans -> service_areas (service_area_id));
diesel::joinable!(improvement_plan_segments -> improvement_plans (plan_id));
diesel::joinable!(improvement_plan_segments -> segments (segment_id));
diesel::joinable!(improvement_plan_changes -> improvement_plans (plan_id));
diesel::joinable!(improvement_plan_changes -> users (owner_id));
diesel::joinable!(improvement_change_requirements -> improvement_plan_changes (change_id));
diesel::joinable!(improvement_change_requirements -> requirements (requirement_id));
diesel::joinable!(improvement_change_complaints -> improvement_plan_changes (change_id));
diesel::joinable!(improvement_change_complaints -> complaints (complaint_id));
diesel::joinable!(improvement_change_targets -> improvement_plan_changes (change_id));
diesel::joinable!(improvement_change_targets -> service_targets (service_target_id));
diesel::joinable!(improvement_plan_signoffs -> improvement_plans (plan_id));

diesel::allow_tables_to_appear_in_same_query!(
    calendars,
    service_targets,
    tickets,
    ticket_durations,
    reported_measurements,
    users,
    segments,
    user_segments,
    service_areas,
    sessions,
    session_segments,
    requirements,
    findings,
    assessments,
    audit_log,
    kano_responses,
    answer_counts,
    sla_drafts,
    sla_signoffs,
    complaint_counters,
    complaints,
    complaint_steps,
    satisfaction_surveys,
    satisfaction_survey_segments,
    satisfaction_responses,
    improvement_plans,
    improvement_plan_segments,
    improvement_plan_changes,
    improvement_change_requirements,
    improvement_change_complaints,
    improvement_change_targets,
    improvement_plan_signoffs,
    root_causes,
    root_cause_categories,
    root_cause_causes,
    root_cause_complaints,
    root_cause_service_targets,
    root_cause_requirements,
    coscoms,
    coscom_conditions,
    coscom_checkpoints,
    coscom_ratings,
    coscom_comments,
);
