//! Service levels (issue 12): business-hours calendars, service targets (by hand or from an
//! agreed SLA), the service desk's ticket export, figures reported by hand, each target's
//! attainment per month and the monthly service report.
//!
//! How months are computed: business time needs the calendar's open hours, holidays and DST,
//! which SQL cannot do portably, so each ticket's durations under each calendar are computed
//! once, when the ticket is written (or its calendar changes; see `crate::db::ticket_durations`).
//! A target's months are then aggregate queries over those durations (`analysis::target_periods`);
//! only tickets still lacking the timestamp go through the counting rule in Rust.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError};

use super::{nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, ImportTickets, ManageServiceLevels, Scope};
pub use crate::analysis::{selection, target_periods, Percentiles, PeriodFigures};
use crate::db::audit::{self, record_object};
use crate::db::requirements::{self, Requirement};
use crate::db::service_levels::{
    self as store, calendar_of, CalendarChanges, CalendarRow, Measurement, NewCalendar, NewTarget, ServiceTarget,
    TargetChanges, TargetFilter,
};
use crate::db::ticket_durations;
use crate::db::{require_reference, segments, sla, DbConnection, Page};
use crate::domain::business_time::{
    self as bt, parse_timezone, Calendar, Period, TargetStatus, TimeUnit, TWENTY_FOUR_SEVEN,
};
use crate::domain::service_levels::names_key;
use crate::domain::sla::SlaStatus;
use crate::domain::terms::{Direction, Measure};
use crate::error::AppError;
use crate::import::tickets::{self, TicketSummary};
use crate::render::gap_report::{Named, RequirementRef};

/// At most this many months in one attainment request.
pub const MAX_MONTHS: usize = 36;
/// Earlier months in a report's trend.
pub const TREND_MONTHS: usize = 6;

// ---------------------------------------------------------------------------------------------
// Calendars

fn week_rule(week: &BTreeMap<String, Vec<String>>) -> Result<(), ValidationError> {
    if week.len() > 7 || week.values().any(|spans| spans.len() > 24) || week.values().flatten().any(|s| s.len() > 32) {
        return Err(ValidationError::new("week").with_message("at most 7 days of 24 spans each".into()));
    }
    Ok(())
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCalendar {
    #[validate(length(min = 1, max = 100), custom(function = "crate::service::not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: String,
    /// An IANA timezone name, e.g. `Europe/Berlin`.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64, example = "Europe/Berlin")]
    pub timezone: String,
    /// Open spans per day: `{"mon": ["08:00-12:00", "13:00-17:00"], …}`; days omitted are closed.
    #[serde(default)]
    #[validate(custom(function = "week_rule"))]
    #[schema(example = json!({"mon": ["08:00-17:00"], "tue": ["08:00-17:00"]}))]
    pub week: BTreeMap<String, Vec<String>>,
    /// Dates closed all day.
    #[serde(default)]
    #[validate(length(max = 1000))]
    #[schema(max_items = 1000)]
    pub holidays: Vec<NaiveDate>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCalendar {
    #[validate(length(min = 1, max = 100), custom(function = "crate::service::not_blank"))]
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub name: Option<String>,
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub timezone: Option<String>,
    #[validate(custom(function = "week_rule"))]
    pub week: Option<BTreeMap<String, Vec<String>>>,
    #[validate(length(max = 1000))]
    #[schema(max_items = 1000)]
    pub holidays: Option<Vec<NaiveDate>>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CalendarView {
    pub id: i32,
    pub name: String,
    pub timezone: String,
    pub week: BTreeMap<String, Vec<String>>,
    pub holidays: Vec<NaiveDate>,
    /// Open minutes in a week.
    pub minutes_per_week: u32,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: chrono::NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: chrono::NaiveDateTime,
}

fn internal<E: std::fmt::Display>(e: E) -> AppError {
    AppError::internal(e.to_string())
}

fn calendar_view(row: CalendarRow) -> Result<CalendarView, AppError> {
    let cal = calendar_of(&row)?;
    Ok(CalendarView {
        id: row.id,
        name: row.name,
        timezone: row.timezone,
        week: cal.week.to_map(),
        holidays: cal.holidays.iter().copied().collect(),
        minutes_per_week: cal.week.minutes_per_week(),
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

/// The stored form of a calendar's parts, checked by the domain (422 on `timezone` or `week`).
fn calendar_parts(
    timezone: &str,
    week: &BTreeMap<String, Vec<String>>,
    holidays: &[NaiveDate],
) -> Result<(String, String), AppError> {
    let cal = Calendar::new(timezone.trim(), week, holidays.iter().copied())
        .map_err(|e| AppError::field(e.field(), e.to_string()))?;
    let week = serde_json::to_string(&cal.week.to_map()).map_err(internal)?;
    let holidays = serde_json::to_string(&cal.holidays).map_err(internal)?;
    Ok((week, holidays))
}

pub async fn list_calendars(ctx: &Context, _caller: &Caller, page: Page) -> Result<Listing<CalendarView>, AppError> {
    let (rows, total) = ctx.db.run(move |c| Ok(store::list_calendars(c, page)?)).await?;
    Ok(Listing {
        items: rows.into_iter().map(calendar_view).collect::<Result<_, _>>()?,
        total,
    })
}

pub async fn get_calendar(ctx: &Context, _caller: &Caller, id: i32) -> Result<CalendarView, AppError> {
    calendar_view(ctx.db.run(move |c| store::get_calendar(c, id)).await?)
}

fn name_free(c: &mut DbConnection, name: &str, except: Option<i32>) -> Result<(), AppError> {
    if store::calendar_name_taken(c, name, except)? {
        return Err(AppError::conflict(
            crate::error::ErrorCode::Duplicate,
            format!("a calendar named {name:?} exists"),
        ));
    }
    Ok(())
}

pub async fn create_calendar(ctx: &Context, caller: &Caller, input: CreateCalendar) -> Result<CalendarView, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let (week, holidays) = calendar_parts(&input.timezone, &input.week, &input.holidays)?;
    let new = NewCalendar {
        name: input.name.trim().to_owned(),
        timezone: input.timezone.trim().to_owned(),
        week,
        holidays,
    };
    let caller = caller.clone();
    let row = ctx
        .db
        .write(move |c| {
            name_free(c, &new.name, None)?;
            let row = store::insert_calendar(c, &new)?;
            ticket_durations::rebuild(c, Some(row.id))?;
            record_object(c, &caller, "create", "calendar", row.id, &calendar_view(row.clone())?)?;
            Ok(row)
        })
        .await?;
    calendar_view(row)
}

pub async fn update_calendar(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateCalendar,
) -> Result<CalendarView, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let caller = caller.clone();
    let row = ctx
        .db
        .write(move |c| {
            let existing = store::get_calendar(c, id)?;
            let name = input.name.map(|n| n.trim().to_owned());
            if let Some(name) = &name {
                if existing.name == TWENTY_FOUR_SEVEN && name != TWENTY_FOUR_SEVEN {
                    return Err(AppError::conflict(
                        crate::error::ErrorCode::InvalidState,
                        "the 24x7 calendar keeps its name",
                    ));
                }
                name_free(c, name, Some(id))?;
            }
            let current = calendar_of(&existing)?;
            let timezone = input.timezone.map(|t| t.trim().to_owned());
            let week = input.week.unwrap_or_else(|| current.week.to_map());
            let holidays = input
                .holidays
                .unwrap_or_else(|| current.holidays.iter().copied().collect());
            let (week, holidays) = calendar_parts(timezone.as_deref().unwrap_or(&existing.timezone), &week, &holidays)?;
            let changes = CalendarChanges {
                name,
                timezone,
                week: Some(week),
                holidays: Some(holidays),
                updated_at: Some(crate::db::now()),
            };
            let row = store::update_calendar(c, id, &changes)?;
            // Business time follows the hours: every ticket's durations under this calendar.
            if (&row.timezone, &row.week, &row.holidays) != (&existing.timezone, &existing.week, &existing.holidays) {
                ticket_durations::rebuild(c, Some(id))?;
            }
            record_object(c, &caller, "update", "calendar", id, &calendar_view(row.clone())?)?;
            Ok(row)
        })
        .await?;
    calendar_view(row)
}

pub async fn delete_calendar(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = store::get_calendar(c, id)?;
            if row.name == TWENTY_FOUR_SEVEN {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::InvalidState,
                    "the 24x7 calendar cannot be deleted",
                ));
            }
            if store::calendar_in_use(c, id)? {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::InUse,
                    "service targets use this calendar",
                ));
            }
            store::clear_durations(c, Some(id))?;
            store::delete_calendar(c, id)?;
            record_object(c, &caller, "delete", "calendar", id, &calendar_view(row)?)?;
            Ok(())
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Service targets

fn goal_rule(goal: f64) -> Result<(), ValidationError> {
    bt::check_goal(goal).map_err(|m| ValidationError::new("goal").with_message(m.into()))
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTarget {
    pub requirement_id: i32,
    /// None: the target holds for every segment.
    pub segment_id: Option<i32>,
    pub measure: Measure,
    /// In the requirement's unit; defaults to the requirement's target.
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0.0, maximum = 1e12)]
    pub limit: Option<f64>,
    /// Share of tickets that must meet the limit (0 < goal ≤ 1); required for ticket measures,
    /// absent for `reported`.
    #[validate(custom(function = "goal_rule"))]
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    pub goal: Option<f64>,
    /// Only tickets of this priority count (any case).
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub priority: Option<String>,
    /// Default: the `24x7` calendar.
    pub calendar_id: Option<i32>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTarget {
    #[serde(default, deserialize_with = "nullable")]
    pub segment_id: Option<Option<i32>>,
    pub measure: Option<Measure>,
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0.0, maximum = 1e12)]
    pub limit: Option<f64>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(custom(function = "goal_rule"))]
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    pub goal: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 100))]
    #[schema(max_length = 100)]
    pub priority: Option<Option<String>>,
    pub calendar_id: Option<i32>,
}

/// The rules a target's parts must keep together (422 naming the field).
fn check_target(c: &mut DbConnection, t: &NewTarget) -> Result<Requirement, AppError> {
    let requirement = requirements::get(c, t.requirement_id, &Scope::All).ok();
    require_reference(requirement.is_some(), "requirement_id", "requirement")?;
    let requirement = requirement.ok_or(AppError::NotFound("requirement"))?;
    if let Some(id) = t.segment_id {
        require_reference(segments::missing(c, &[id])?.is_empty(), "segment_id", "segment")?;
    }
    require_reference(store::get_calendar(c, t.calendar_id).is_ok(), "calendar_id", "calendar")?;
    let measure = Measure::parse(&t.measure).ok_or_else(|| AppError::field("measure", "unknown measure"))?;
    if measure.ticket().is_some() {
        if requirement.unit.as_deref().and_then(TimeUnit::parse).is_none() {
            return Err(AppError::field(
                "measure",
                "ticket measures count business time: the requirement's unit must be min or h (use reported)",
            ));
        }
        match t.goal {
            None => return Err(AppError::field("goal", "required for ticket measures")),
            Some(g) => bt::check_goal(g).map_err(|m| AppError::field("goal", m))?,
        }
    } else {
        if t.goal.is_some() {
            return Err(AppError::field("goal", "a reported target has no goal"));
        }
        if requirement.direction.as_deref().and_then(Direction::parse).is_none() {
            return Err(AppError::field(
                "measure",
                "a reported figure is judged in the requirement's direction: give the requirement one",
            ));
        }
    }
    Ok(requirement)
}

fn default_calendar(c: &mut DbConnection) -> Result<i32, AppError> {
    store::calendar_by_name(c, TWENTY_FOUR_SEVEN)?
        .map(|r| r.id)
        .ok_or_else(|| AppError::internal("the 24x7 calendar is missing"))
}

pub async fn list_targets(
    ctx: &Context,
    caller: &Caller,
    filter: TargetFilter,
    page: Page,
) -> Result<Listing<ServiceTarget>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(store::list_targets(c, &scope, &filter, page)?))
        .await?
        .into())
}

pub async fn get_target(ctx: &Context, caller: &Caller, id: i32) -> Result<ServiceTarget, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| store::get_target(c, id, &scope)).await
}

pub async fn create_target(ctx: &Context, caller: &Caller, input: CreateTarget) -> Result<ServiceTarget, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let calendar_id = match input.calendar_id {
                Some(id) => id,
                None => default_calendar(c)?,
            };
            let mut new = NewTarget {
                requirement_id: input.requirement_id,
                segment_id: input.segment_id,
                measure: input.measure.as_str().to_owned(),
                limit_value: input.limit.unwrap_or(f64::NAN),
                goal: input.goal,
                priority: text(input.priority),
                calendar_id,
            };
            let requirement = check_target(c, &new)?;
            if input.limit.is_none() {
                new.limit_value = requirement.target.ok_or_else(|| {
                    AppError::field("limit", "the requirement has no target to default to; give a limit")
                })?;
            }
            let target = store::insert_target(c, &new)?;
            record_object(c, &caller, "create", "service_target", target.id, &target)?;
            Ok(target)
        })
        .await
}

pub async fn update_target(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    input: UpdateTarget,
) -> Result<ServiceTarget, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = store::get_target(c, id, &Scope::All)?;
            let mut goal = input.goal;
            // Becoming a reported target drops the goal unless one is given (then it is refused).
            if input.measure == Some(Measure::Reported) && goal.is_none() {
                goal = Some(None);
            }
            let changes = TargetChanges {
                segment_id: input.segment_id,
                measure: input.measure.map(|m| m.as_str().to_owned()),
                limit_value: input.limit,
                goal,
                priority: text_patch(input.priority),
                calendar_id: input.calendar_id,
                updated_at: Some(crate::db::now()),
            };
            let merged = NewTarget {
                requirement_id: existing.requirement_id,
                segment_id: changes.segment_id.unwrap_or(existing.segment_id),
                measure: changes.measure.clone().unwrap_or(existing.measure.clone()),
                limit_value: changes.limit_value.unwrap_or(existing.limit_value),
                goal: changes.goal.unwrap_or(existing.goal),
                priority: changes.priority.clone().unwrap_or(existing.priority.clone()),
                calendar_id: changes.calendar_id.unwrap_or(existing.calendar_id),
            };
            check_target(c, &merged)?;
            let target = store::update_target(c, id, &changes)?;
            record_object(c, &caller, "update", "service_target", id, &target)?;
            Ok(target)
        })
        .await
}

pub async fn delete_target(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let target = store::get_target(c, id, &Scope::All)?;
            store::delete_target(c, id)?;
            record_object(c, &caller, "delete", "service_target", id, &target)?;
            Ok(())
        })
        .await
}

/// From an agreed SLA: one `reported` target per requirement with a metric that its
/// commitments or service level targets name (by key, in the agreed text), for the SLA's
/// segment, its limit the requirement's target. A requirement that already has a target for
/// the segment gets no second one. 409 unless the SLA is agreed.
pub async fn targets_from_sla(ctx: &Context, caller: &Caller, sla_id: i32) -> Result<Vec<ServiceTarget>, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let row = sla::get(c, sla_id, &Scope::All)?;
            if SlaStatus::parse(&row.status) != Some(SlaStatus::Agreed) {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::InvalidState,
                    "targets are drawn from an agreed SLA; approve it first",
                ));
            }
            let texts = row.section_texts();
            let terms: String = ["commitments", "service_levels"]
                .iter()
                .filter_map(|k| texts.get(*k))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            let calendar_id = default_calendar(c)?;
            let candidates = requirements::all_measurable(c)?;
            let mut created = Vec::new();
            for r in candidates {
                let Some(target) = r.target else { continue };
                if !names_key(&terms, &r.key) || store::target_exists(c, r.id, Some(row.segment_id))? {
                    continue;
                }
                let t = store::insert_target(
                    c,
                    &NewTarget {
                        requirement_id: r.id,
                        segment_id: Some(row.segment_id),
                        measure: Measure::Reported.as_str().to_owned(),
                        limit_value: target,
                        goal: None,
                        priority: None,
                        calendar_id,
                    },
                )?;
                record_object(c, &caller, "create", "service_target", t.id, &t)?;
                created.push(t);
            }
            Ok(created)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Tickets and reported figures

/// What [`recompute_durations`] did.
#[derive(Debug, Serialize)]
pub struct RecomputedDurations {
    pub tickets: u64,
    pub calendars: usize,
}

/// Recomputes every ticket's business durations under every calendar, in one audited write
/// transaction. Only needed after tickets or calendars were changed by hand in the database.
pub async fn recompute_durations(ctx: &Context, caller: &Caller) -> Result<RecomputedDurations, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let calendars = store::all_calendars(c)?.len();
            let tickets = ticket_durations::rebuild(c, None)?;
            let result = RecomputedDurations { tickets, calendars };
            let detail = serde_json::to_string(&result).ok();
            audit::record(c, &caller, "recompute", "ticket_durations", 0, detail.as_deref())?;
            Ok(result)
        })
        .await
}

/// Imports a ticket export in one write transaction, audited; all or nothing.
pub async fn import_tickets<R: std::io::Read + Send + 'static>(
    ctx: &Context,
    caller: &Caller,
    file: R,
    timezone: Option<&str>,
) -> Result<TicketSummary, AppError> {
    caller.authorize::<ImportTickets>()?;
    let tz = match timezone.map(str::trim).filter(|t| !t.is_empty()) {
        None => chrono_tz::Tz::UTC,
        Some(name) => parse_timezone(name).map_err(|e| AppError::field("timezone", e.to_string()))?,
    };
    let caller = caller.clone();
    let summary = ctx
        .db
        .write(move |c| {
            let summary = tickets::tickets_csv(c, file, tz)?;
            let detail = serde_json::to_string(&summary).ok();
            audit::record(c, &caller, "import", "tickets", 0, detail.as_deref())?;
            Ok(summary)
        })
        .await?;
    tracing::info!(
        imported = summary.imported,
        updated = summary.updated,
        "tickets imported"
    );
    Ok(summary)
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateMeasurement {
    #[schema(value_type = String, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$", example = "2026-03")]
    pub period: Period,
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0.0, maximum = 1e12)]
    pub value: f64,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeasurement {
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0.0, maximum = 1e12)]
    pub value: f64,
}

fn reported_target(c: &mut DbConnection, id: i32) -> Result<ServiceTarget, AppError> {
    let target = store::get_target(c, id, &Scope::All)?;
    if target.measure != Measure::Reported.as_str() {
        return Err(AppError::conflict(
            crate::error::ErrorCode::NotReported,
            "this target is measured from tickets; figures are entered for reported targets only",
        ));
    }
    Ok(target)
}

pub async fn add_measurement(
    ctx: &Context,
    caller: &Caller,
    target_id: i32,
    input: CreateMeasurement,
) -> Result<Measurement, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            reported_target(c, target_id)?;
            let period = input.period.to_string();
            if store::measurement(c, target_id, &period)?.is_some() {
                return Err(AppError::conflict(
                    crate::error::ErrorCode::PeriodExists,
                    format!("{period} is already reported; PATCH it to correct it"),
                ));
            }
            let m = store::insert_measurement(c, target_id, &period, input.value)?;
            record_object(c, &caller, "create", "reported_measurement", m.id, &m)?;
            Ok(m)
        })
        .await
}

pub async fn correct_measurement(
    ctx: &Context,
    caller: &Caller,
    target_id: i32,
    period: Period,
    input: UpdateMeasurement,
) -> Result<Measurement, AppError> {
    caller.authorize::<ManageServiceLevels>()?;
    validate(&input)?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            reported_target(c, target_id)?;
            let period = period.to_string();
            if store::measurement(c, target_id, &period)?.is_none() {
                return Err(AppError::NotFound("measurement"));
            }
            let m = store::update_measurement(c, target_id, &period, input.value)?;
            record_object(c, &caller, "update", "reported_measurement", m.id, &m)?;
            Ok(m)
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// Attainment

#[derive(Serialize, utoipa::ToSchema)]
pub struct AttainmentView {
    pub target_id: i32,
    #[schema(value_type = crate::domain::terms::Measure)]
    pub measure: String,
    pub unit: Option<String>,
    pub periods: Vec<PeriodFigures>,
}

/// The segments a reader's figures are drawn from: stakeholders only ever count their own
/// segments' tickets.
fn within(scope: &Scope) -> Option<Vec<i32>> {
    match scope {
        Scope::All => None,
        Scope::Segments(ids) => Some(ids.clone()),
    }
}

pub async fn target_attainment(
    ctx: &Context,
    caller: &Caller,
    id: i32,
    from: Period,
    to: Period,
) -> Result<AttainmentView, AppError> {
    let periods = Period::range(from, to);
    if periods.is_empty() {
        return Err(AppError::bad_request(
            crate::error::ErrorCode::InvalidQuery,
            "to: must not be before from",
            Some("to"),
        ));
    }
    if periods.len() > MAX_MONTHS {
        return Err(AppError::bad_request(
            crate::error::ErrorCode::InvalidQuery,
            format!("to: at most {MAX_MONTHS} months from from"),
            Some("to"),
        ));
    }
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let target = store::get_target(c, id, &scope)?;
            let requirement = requirements::get(c, target.requirement_id, &Scope::All)?;
            let sel = selection(&target, within(&scope).as_deref());
            let figures = target_periods(
                c,
                &target,
                &requirement,
                &sel,
                &periods,
                Utc::now(),
                Percentiles::both(periods.len()),
            )?;
            Ok(AttainmentView {
                target_id: target.id,
                measure: target.measure,
                unit: requirement.unit,
                periods: figures,
            })
        })
        .await
}

// ---------------------------------------------------------------------------------------------
// The monthly service report

#[derive(Serialize, Clone, Default, utoipa::ToSchema)]
pub struct ReportSummary {
    pub targets: u32,
    pub met: u32,
    pub breached: u32,
    pub no_data: u32,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct ReportItem {
    pub target_id: i32,
    pub requirement: RequirementRef,
    /// None: a general target (every segment).
    pub segment: Option<Named>,
    #[schema(value_type = crate::domain::terms::Measure)]
    pub measure: String,
    pub limit: f64,
    pub unit: Option<String>,
    pub goal: Option<f64>,
    /// Ticket measures: tickets counted and within the limit (None for reported ones).
    pub counted: Option<u64>,
    pub met: Option<u64>,
    pub pending: Option<u64>,
    /// met / counted.
    pub attainment: Option<f64>,
    /// Reported measures: the month's figure.
    pub value: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
    pub status: TargetStatus,
    /// The six months before, oldest first: attainment (tickets) or value (reported).
    pub trend: Vec<Option<f64>>,
    /// The months of `trend`.
    #[schema(value_type = Vec<String>)]
    pub trend_periods: Vec<Period>,
}

#[derive(Serialize, Clone, utoipa::ToSchema)]
pub struct ServiceReport {
    #[schema(value_type = String, example = "2026-03")]
    pub period: Period,
    /// The segment the report is narrowed to.
    pub segment: Option<Named>,
    pub generated_at: String,
    pub summary: ReportSummary,
    pub items: Vec<ReportItem>,
}

/// The month's report: every target the caller may see (one segment's and the general ones
/// when `segment_id` is given), with the six months before as a trend. Stakeholders' figures
/// count only their segments' tickets.
pub async fn service_report(
    ctx: &Context,
    caller: &Caller,
    period: Period,
    segment_id: Option<i32>,
) -> Result<ServiceReport, AppError> {
    let scope = caller.scope();
    ctx.db
        .run(move |c| {
            let segment = match segment_id {
                Some(id) => Some(segments::get(c, id, &scope)?),
                None => None,
            };
            let restrict = match &segment {
                Some(s) => Some(vec![s.id]),
                None => within(&scope),
            };
            let targets = store::report_targets(c, &scope, segment_id)?;
            let names: HashMap<i32, String> = segments::list(
                c,
                &Scope::All,
                Page {
                    limit: i64::MAX,
                    offset: 0,
                },
            )?
            .0
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
            let mut periods: Vec<Period> = Vec::with_capacity(TREND_MONTHS + 1);
            let mut p = period;
            for _ in 0..TREND_MONTHS {
                p = p.prev();
                periods.push(p);
            }
            periods.reverse();
            periods.push(period);
            let now = Utc::now();
            let mut summary = ReportSummary::default();
            let mut items = Vec::with_capacity(targets.len());
            let mut requirement_cache: HashMap<i32, Requirement> = HashMap::new();
            for target in targets {
                let requirement = match requirement_cache.get(&target.requirement_id) {
                    Some(r) => r.clone(),
                    None => {
                        let r = requirements::get(c, target.requirement_id, &Scope::All)?;
                        requirement_cache.insert(r.id, r.clone());
                        r
                    }
                };
                let sel = selection(&target, restrict.as_deref());
                // Median and p90 for the report's month only: the trend shows attainment.
                let mut figures = target_periods(c, &target, &requirement, &sel, &periods, now, Percentiles::both(1))?;
                let Some(current) = figures.pop() else { continue };
                let status = current.status();
                summary.targets += 1;
                match status {
                    TargetStatus::Met => summary.met += 1,
                    TargetStatus::Breached => summary.breached += 1,
                    TargetStatus::NoData => summary.no_data += 1,
                }
                let (counted, met, pending, attainment, value, median, p90) = match &current {
                    PeriodFigures::Tickets(p) => (
                        Some(p.counted),
                        Some(p.met),
                        Some(p.pending),
                        p.attainment,
                        None,
                        p.median,
                        p.p90,
                    ),
                    PeriodFigures::Reported(p) => (None, None, None, None, p.value, None, None),
                };
                items.push(ReportItem {
                    target_id: target.id,
                    requirement: RequirementRef {
                        id: requirement.id,
                        key: requirement.key.clone(),
                        title: requirement.title.clone(),
                    },
                    segment: target.segment_id.map(|id| Named {
                        id,
                        name: names.get(&id).cloned().unwrap_or_default(),
                    }),
                    measure: target.measure.clone(),
                    limit: target.limit_value,
                    unit: requirement.unit.clone(),
                    goal: target.goal,
                    counted,
                    met,
                    pending,
                    attainment,
                    value,
                    median,
                    p90,
                    status,
                    trend: figures.iter().map(PeriodFigures::headline).collect(),
                    trend_periods: periods[..TREND_MONTHS].to_vec(),
                });
            }
            Ok(ServiceReport {
                period,
                segment: segment.map(|s| Named { id: s.id, name: s.name }),
                generated_at: now.format("%Y-%m-%d %H:%M UTC").to_string(),
                summary,
                items,
            })
        })
        .await
}

/// This month, in UTC.
pub fn this_month() -> Period {
    bt::period_of(&Calendar::twenty_four_seven(), Utc::now())
}

/// Last month: the newest complete one (the service report's default).
pub fn last_month() -> Period {
    this_month().prev()
}

/// The segment named `name` (any case), for the command line.
pub async fn segment_by_name(ctx: &Context, name: &str) -> Result<i32, AppError> {
    let name = name.trim().to_lowercase();
    ctx.db
        .run(move |c| {
            segments::list(
                c,
                &Scope::All,
                Page {
                    limit: i64::MAX,
                    offset: 0,
                },
            )?
            .0
            .into_iter()
            .find(|s| s.name.to_lowercase() == name)
            .map(|s| s.id)
            .ok_or_else(|| AppError::field("segment", format!("no segment named {name:?}")))
        })
        .await
}
