//! Findings: a facilitator's evidence that a segment sees a requirement as a basic need,
//! satisfier, delighter, indifferent or reverse.

use serde::Deserialize;
use validator::Validate;

use super::{nullable, text, text_patch, validate, Context, Listing};
use crate::access::{Caller, ManageFindings};
use crate::db::audit::record_object;
pub use crate::db::findings::FindingFilter;
use crate::db::findings::{self, Finding, FindingChanges, NewFinding};
use crate::db::{require_reference, requirements, segments, sessions, DbConnection, Page, Scope};
use crate::domain::terms::FindingCategory;
use crate::error::AppError;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFinding {
    pub requirement_id: i32,
    pub segment_id: i32,
    pub session_id: Option<i32>,
    pub category: FindingCategory,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub importance: i32,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFinding {
    pub requirement_id: Option<i32>,
    pub segment_id: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    pub session_id: Option<Option<i32>>,
    pub category: Option<FindingCategory>,
    #[validate(range(min = 1, max = 5))]
    #[schema(minimum = 1, maximum = 5)]
    pub importance: Option<i32>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    pub note: Option<Option<String>>,
}

/// The requirement, segment and session must exist, and the segment must have taken part in
/// the session it is said to have spoken in.
fn check_references(
    c: &mut DbConnection,
    requirement_id: i32,
    segment_id: i32,
    session_id: Option<i32>,
) -> Result<(), AppError> {
    let found = requirements::get(c, requirement_id, &Scope::All).is_ok();
    require_reference(found, "requirement_id", "requirement")?;
    require_reference(segments::missing(c, &[segment_id])?.is_empty(), "segment_id", "segment")?;
    if let Some(session_id) = session_id {
        require_reference(sessions::exists(c, session_id)?, "session_id", "session")?;
        if !sessions::has_segment(c, session_id, segment_id)? {
            return Err(AppError::field(
                "segment_id",
                "this segment did not take part in the session",
            ));
        }
    }
    Ok(())
}

pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: FindingFilter,
    page: Page,
) -> Result<Listing<Finding>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(findings::list(c, &scope, &filter, page)?))
        .await?
        .into())
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Finding, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| findings::get(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateFinding) -> Result<Finding, AppError> {
    let caller = caller.clone();
    ctx.db.write(move |c| create_in(c, &caller, input)).await
}

/// [`create`] inside the caller's transaction.
pub fn create_in(c: &mut DbConnection, caller: &Caller, input: CreateFinding) -> Result<Finding, AppError> {
    caller.authorize::<ManageFindings>()?;
    validate(&input)?;
    let new = NewFinding {
        requirement_id: input.requirement_id,
        segment_id: input.segment_id,
        session_id: input.session_id,
        category: input.category.as_str().to_owned(),
        importance: input.importance,
        note: text(input.note),
    };
    check_references(c, new.requirement_id, new.segment_id, new.session_id)?;
    let finding = findings::insert(c, &new)?;
    record_object(c, caller, "create", "finding", finding.id, &finding)?;
    Ok(finding)
}

/// A requirement a session's findings name: one already in the catalogue, or a new one
/// created with them.
pub enum FindingRequirement {
    Existing(i32),
    New(super::requirements::CreateRequirement),
}

/// One finding of a session, as [`record_session_findings`] takes it.
pub struct SessionFinding {
    pub requirement: FindingRequirement,
    pub segment_id: i32,
    pub category: FindingCategory,
    pub importance: i32,
    pub note: Option<String>,
}

/// Records a session's findings all or nothing, creating the new requirements they name. A
/// refusal names the row (from 1) in its message.
pub async fn record_session_findings(
    ctx: &Context,
    caller: &Caller,
    session_id: i32,
    rows: Vec<(usize, SessionFinding)>,
) -> Result<usize, AppError> {
    caller.authorize::<ManageFindings>()?;
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            sessions::get(c, session_id, &caller.scope())?;
            let count = rows.len();
            for (row, finding) in rows {
                let requirement_id = match finding.requirement {
                    FindingRequirement::Existing(id) => id,
                    FindingRequirement::New(input) => {
                        super::requirements::create_in(c, &caller, input)
                            .map_err(|e| e.in_row(row))?
                            .id
                    }
                };
                let input = CreateFinding {
                    requirement_id,
                    segment_id: finding.segment_id,
                    session_id: Some(session_id),
                    category: finding.category,
                    importance: finding.importance,
                    note: finding.note,
                };
                create_in(c, &caller, input).map_err(|e| e.in_row(row))?;
            }
            Ok(count)
        })
        .await
}

pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateFinding) -> Result<Finding, AppError> {
    caller.authorize::<ManageFindings>()?;
    validate(&input)?;
    let changes = FindingChanges {
        requirement_id: input.requirement_id,
        segment_id: input.segment_id,
        session_id: input.session_id,
        category: input.category.map(|c| c.as_str().to_owned()),
        importance: input.importance,
        note: text_patch(input.note),
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            let existing = findings::get(c, id, &Scope::All)?;
            check_references(
                c,
                changes.requirement_id.unwrap_or(existing.requirement_id),
                changes.segment_id.unwrap_or(existing.segment_id),
                changes.session_id.unwrap_or(existing.session_id),
            )?;
            let finding = findings::update(c, id, &changes)?;
            record_object(c, &caller, "update", "finding", id, &finding)?;
            Ok(finding)
        })
        .await
}

pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageFindings>()?;
    super::delete_audited(
        ctx,
        caller,
        "finding",
        id,
        |c, id| findings::get(c, id, &Scope::All),
        findings::delete,
    )
    .await
}
