//! Interviews, focus groups, surveys and workshops.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::extract::{list_query, nullable, Listing, ValidJson, ValidQuery};
use super::{created, not_blank, require_segments, text, text_patch, unique_ids};
use crate::auth::policy::ManageSessions;
use crate::auth::{Authorized, Caller};
use crate::db::audit::{record_object, Actor};
use crate::db::sessions::{self, NewSession, SessionChanges};
use crate::db::Scope;
use crate::domain::terms::SessionKind;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    pub kind: SessionKind,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    pub held_on: NaiveDate,
    #[validate(length(min = 1, max = 100, message = "name 1 to 100 segments"))]
    #[schema(min_items = 1, max_items = 100)]
    pub segment_ids: Vec<i32>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub facilitator: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub notes: Option<String>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    pub kind: Option<SessionKind>,
    #[validate(length(min = 1, max = 200), custom(function = "not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    #[validate(length(min = 1, max = 100, message = "name 1 to 100 segments"))]
    #[schema(min_items = 1, max_items = 100)]
    pub segment_ids: Option<Vec<i32>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub facilitator: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub notes: Option<Option<String>>,
}

super::extract::json_body!(CreateSession, UpdateSession);

list_query!(SessionQuery {
    segment_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/sessions", tag = "sessions", params(SessionQuery),
    responses((status = 200, description = "One page of sessions the caller may see", body = Listing<sessions::Session>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SessionQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page, segment) = (caller.scope(), q.page(), q.segment_id);
    let (items, total) = state
        .db
        .run(move |c| Ok(sessions::list(c, &scope, segment, page)?))
        .await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    responses((status = 200, description = "The session", body = sessions::Session)))]
pub async fn get(caller: Caller, state: web::Data<AppState>, id: web::Path<i32>) -> Result<HttpResponse, AppError> {
    let (scope, id) = (caller.scope(), id.into_inner());
    let session = state.db.run(move |c| sessions::get(c, id, &scope)).await?;
    Ok(HttpResponse::Ok().json(session))
}

#[utoipa::path(post, path = "/api/v1/sessions", tag = "sessions", request_body = CreateSession,
    responses(
        (status = 201, description = "Created", body = sessions::Session),
    ))]
pub async fn create(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSession>,
) -> Result<HttpResponse, AppError> {
    let session = state.db.write(move |c| create_tx(c, &caller, body)).await?;
    Ok(created(&session))
}

/// Creates a session (also used by the pages). Runs inside a write transaction.
pub fn create_tx(
    c: &mut crate::db::DbConnection,
    caller: &Caller,
    body: CreateSession,
) -> Result<sessions::Session, AppError> {
    let segment_ids = unique_ids(body.segment_ids);
    let new = NewSession {
        kind: body.kind.as_str().to_owned(),
        title: body.title.trim().to_owned(),
        held_on: body.held_on,
        facilitator: text(body.facilitator),
        notes: text(body.notes),
    };
    require_segments(c, "segment_ids", &segment_ids)?;
    let session = sessions::insert(c, &new, &segment_ids)?;
    record_object(c, Actor::User(caller), "create", "session", session.id, &session)?;
    Ok(session)
}

#[utoipa::path(patch, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    request_body = UpdateSession,
    responses(
        (status = 200, description = "Changed", body = sessions::Session),
    ))]
pub async fn update(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSession>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let segment_ids = body.segment_ids.map(unique_ids);
    let changes = SessionChanges {
        kind: body.kind.map(|k| k.as_str().to_owned()),
        title: body.title.map(|t| t.trim().to_owned()),
        held_on: body.held_on,
        facilitator: text_patch(body.facilitator),
        notes: text_patch(body.notes),
        updated_at: Some(crate::db::now()),
    };
    let session = state
        .db
        .write(move |c| {
            sessions::get(c, id, &Scope::All)?;
            if let Some(ids) = &segment_ids {
                require_segments(c, "segment_ids", ids)?;
            }
            let session = sessions::update(c, id, &changes, segment_ids.as_deref())?;
            record_object(c, Actor::User(&caller), "update", "session", id, &session)?;
            Ok(session)
        })
        .await?;
    Ok(HttpResponse::Ok().json(session))
}

/// Refused with 409 `in_use` while findings cite the session: evidence is never lost silently.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "sessions", params(("id" = i32, Path, description = "Session id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 409, description = "Findings still cite it (`in_use`)", body = crate::error::ErrorBody),
    ))]
pub async fn delete(
    caller: Authorized<ManageSessions>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state
        .db
        .write(move |c| {
            let session = sessions::get(c, id, &Scope::All)?;
            sessions::delete(c, id)?;
            record_object(c, Actor::User(&caller), "delete", "session", id, &session)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
