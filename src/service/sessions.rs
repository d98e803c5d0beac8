//! Interviews, focus groups, surveys and workshops.

use chrono::NaiveDate;
use serde::Deserialize;
use validator::Validate;

use super::{not_blank, nullable, require_segments, text, text_patch, unique_ids, validate, Context, Listing};
use crate::access::{Caller, ManageSessions};
use crate::db::audit::record_object;
use crate::db::sessions::{self, NewSession, Session, SessionChanges};
use crate::db::{DbConnection, Page, Scope};
use crate::domain::terms::SessionKind;
use crate::error::AppError;

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

#[derive(Clone, Debug, Default)]
pub struct SessionFilter {
    /// Sessions this segment took part in.
    pub segment_id: Option<i32>,
}

/// Newest first; a stakeholder sees their segments' sessions only.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: SessionFilter,
    page: Page,
) -> Result<Listing<Session>, AppError> {
    let scope = caller.scope();
    Ok(ctx
        .db
        .run(move |c| Ok(sessions::list(c, &scope, filter.segment_id, page)?))
        .await?
        .into())
}

pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<Session, AppError> {
    let scope = caller.scope();
    ctx.db.run(move |c| sessions::get(c, id, &scope)).await
}

pub async fn create(ctx: &Context, caller: &Caller, input: CreateSession) -> Result<Session, AppError> {
    let caller = caller.clone();
    ctx.db.write(move |c| create_in(c, &caller, input)).await
}

/// [`create`] inside the caller's transaction.
pub fn create_in(c: &mut DbConnection, caller: &Caller, input: CreateSession) -> Result<Session, AppError> {
    caller.authorize::<ManageSessions>()?;
    validate(&input)?;
    let segment_ids = unique_ids(input.segment_ids);
    let new = NewSession {
        kind: input.kind.as_str().to_owned(),
        title: input.title.trim().to_owned(),
        held_on: input.held_on,
        facilitator: text(input.facilitator),
        notes: text(input.notes),
    };
    require_segments(c, "segment_ids", &segment_ids)?;
    let session = sessions::insert(c, &new, &segment_ids)?;
    record_object(c, caller, "create", "session", session.id, &session)?;
    Ok(session)
}

pub async fn update(ctx: &Context, caller: &Caller, id: i32, input: UpdateSession) -> Result<Session, AppError> {
    caller.authorize::<ManageSessions>()?;
    validate(&input)?;
    let segment_ids = input.segment_ids.map(unique_ids);
    let changes = SessionChanges {
        kind: input.kind.map(|k| k.as_str().to_owned()),
        title: input.title.map(|t| t.trim().to_owned()),
        held_on: input.held_on,
        facilitator: text_patch(input.facilitator),
        notes: text_patch(input.notes),
        updated_at: Some(crate::db::now()),
    };
    let caller = caller.clone();
    ctx.db
        .write(move |c| {
            sessions::get(c, id, &Scope::All)?;
            if let Some(ids) = &segment_ids {
                require_segments(c, "segment_ids", ids)?;
            }
            let session = sessions::update(c, id, &changes, segment_ids.as_deref())?;
            record_object(c, &caller, "update", "session", id, &session)?;
            Ok(session)
        })
        .await
}

/// Refused with 409 `in_use` while findings cite the session: evidence is never lost silently.
pub async fn delete(ctx: &Context, caller: &Caller, id: i32) -> Result<(), AppError> {
    caller.authorize::<ManageSessions>()?;
    super::delete_audited(
        ctx,
        caller,
        "session",
        id,
        |c, id| sessions::get(c, id, &Scope::All),
        sessions::delete,
    )
    .await
}
