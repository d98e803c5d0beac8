//! Findings: a facilitator's evidence that a segment sees a requirement as a basic need,
//! satisfier, delighter, indifferent or reverse.

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, text, text_patch};
use crate::auth::policy::ManageFindings;
use crate::auth::{Authorized, Caller};
use crate::db::audit::{record_object, Actor};
use crate::db::findings::{self, FindingChanges, FindingFilter, NewFinding};
use crate::db::{require_reference, requirements, segments, sessions, DbConnection, Scope};
use crate::domain::terms::FindingCategory;
use crate::error::AppError;
use crate::state::AppState;

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

super::extract::json_body!(CreateFinding, UpdateFinding);

list_query!(FindingQuery {
    segment_id: Option<i32>,
    requirement_id: Option<i32>,
    session_id: Option<i32>,
});

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

#[utoipa::path(get, path = "/api/v1/findings", tag = "findings", params(FindingQuery),
    responses((status = 200, description = "One page of findings the caller may see", body = Listing<findings::Finding>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<FindingQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page) = (caller.scope(), q.page());
    let filter = FindingFilter {
        segment_id: q.segment_id,
        requirement_id: q.requirement_id,
        session_id: q.session_id,
    };
    let (items, total) = state
        .db
        .run(move |c| Ok(findings::list(c, &scope, &filter, page)?))
        .await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    responses((status = 200, description = "The finding", body = findings::Finding)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let finding = state.db.run(move |c| findings::get(c, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(finding))
}

#[utoipa::path(post, path = "/api/v1/findings", tag = "findings", request_body = CreateFinding,
    responses(
        (status = 201, description = "Created", body = findings::Finding),
    ))]
pub async fn create(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateFinding>,
) -> Result<HttpResponse, AppError> {
    let finding = state.db.write(move |c| create_tx(c, &caller, body)).await?;
    Ok(created(&finding))
}

/// Records a finding (also used by the pages). Runs inside a write transaction.
pub fn create_tx(c: &mut DbConnection, caller: &Caller, body: CreateFinding) -> Result<findings::Finding, AppError> {
    let new = NewFinding {
        requirement_id: body.requirement_id,
        segment_id: body.segment_id,
        session_id: body.session_id,
        category: body.category.as_str().to_owned(),
        importance: body.importance,
        note: text(body.note),
    };
    check_references(c, new.requirement_id, new.segment_id, new.session_id)?;
    let finding = findings::insert(c, &new)?;
    record_object(c, Actor::User(caller), "create", "finding", finding.id, &finding)?;
    Ok(finding)
}

#[utoipa::path(patch, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    request_body = UpdateFinding,
    responses(
        (status = 200, description = "Changed", body = findings::Finding),
    ))]
pub async fn update(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateFinding>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let changes = FindingChanges {
        requirement_id: body.requirement_id,
        segment_id: body.segment_id,
        session_id: body.session_id,
        category: body.category.map(|c| c.as_str().to_owned()),
        importance: body.importance,
        note: text_patch(body.note),
        updated_at: Some(crate::db::now()),
    };
    let finding = state
        .db
        .write(move |c| {
            let existing = findings::get(c, id, &Scope::All)?;
            check_references(
                c,
                changes.requirement_id.unwrap_or(existing.requirement_id),
                changes.segment_id.unwrap_or(existing.segment_id),
                changes.session_id.unwrap_or(existing.session_id),
            )?;
            let finding = findings::update(c, id, &changes)?;
            record_object(c, Actor::User(&caller), "update", "finding", id, &finding)?;
            Ok(finding)
        })
        .await?;
    Ok(HttpResponse::Ok().json(finding))
}

#[utoipa::path(delete, path = "/api/v1/findings/{id}", tag = "findings", params(("id" = i32, Path, description = "Finding id")),
    responses(
        (status = 204, description = "Deleted"),
    ))]
pub async fn delete(
    caller: Authorized<ManageFindings>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let finding = findings::get(c, id, &Scope::All)?;
            findings::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "finding", id, &finding)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
