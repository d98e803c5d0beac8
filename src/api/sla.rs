//! SLA drafts: generated from a segment's classified requirements, edited while a draft,
//! reviewed, agreed (then frozen) and signed off by the segment's stakeholders.

use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::extract::{list_query, Listing, ValidJson, ValidQuery};
use super::format::Format;
use crate::auth::policy::{ManageSla, SignSla};
use crate::auth::{Authorized, Caller};
use crate::db::audit::{self, Actor};
use crate::db::sla::{self, NewSla, SignOff, SlaChanges, SlaRow};
use crate::db::{segments, DbConnection, Scope};
use crate::domain::sla::{draft_terms, section, transition, SlaAction, SlaStatus, SlaTerms};
use crate::error::AppError;
use crate::render::sla::{self as doc, SectionView, SegmentInfo, SlaContext};
use crate::render::templates::Templates;
use crate::state::AppState;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSla {
    pub segment_id: i32,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSla {
    #[validate(length(min = 1, max = 200), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    /// Section id → new text (Markdown).
    pub sections: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectSla {
    #[validate(length(min = 1, max = 4000), custom(function = "super::not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub comment: String,
}

super::extract::json_body!(CreateSla, UpdateSla, RejectSla);

list_query!(SlaQuery {
    segment_id: Option<i32>,
});

#[derive(Deserialize, Validate, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    pub format: Option<Format>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaSummary {
    pub id: i32,
    pub segment_id: i32,
    pub version: i32,
    #[schema(value_type = crate::domain::sla::SlaStatus)]
    pub status: String,
    pub title: String,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaView {
    pub id: i32,
    pub segment_id: i32,
    pub segment_name: String,
    pub version: i32,
    pub status: SlaStatus,
    pub title: String,
    pub review_comment: Option<String>,
    #[serde(serialize_with = "crate::db::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc")]
    pub updated_at: NaiveDateTime,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub submitted_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "crate::db::utc_opt")]
    pub agreed_at: Option<NaiveDateTime>,
    pub signoffs: Vec<SignOff>,
    pub sections: Vec<SectionView>,
}

fn day(t: &NaiveDateTime) -> String {
    t.format("%Y-%m-%d").to_string()
}

fn status_of(row: &SlaRow) -> Result<SlaStatus, AppError> {
    SlaStatus::parse(&row.status).ok_or_else(|| AppError::internal(format!("SLA {} has unknown status", row.id)))
}

fn segment_info(conn: &mut DbConnection, segment_id: i32) -> Result<SegmentInfo, AppError> {
    let s = segments::get(conn, segment_id, &Scope::All)?;
    Ok(SegmentInfo {
        id: s.id,
        name: s.name,
        description: s.description,
        headcount: s.headcount,
        ambassador: s.ambassador,
    })
}

fn context(
    row: &SlaRow,
    segment: SegmentInfo,
    terms: SlaTerms,
    signoffs: Vec<SignOff>,
) -> Result<SlaContext, AppError> {
    let status = status_of(row)?;
    Ok(SlaContext {
        title: row.title.clone(),
        version: row.version,
        status,
        status_label: doc::status_label(status),
        created_on: day(&row.created_at),
        submitted_on: row.submitted_at.as_ref().map(day),
        agreed_on: row.agreed_at.as_ref().map(day),
        segment,
        terms,
        signoffs,
    })
}

/// A stored draft with its sections, ready to show in any format.
fn view(conn: &mut DbConnection, templates: &Templates, row: SlaRow) -> Result<(SlaView, SlaContext), AppError> {
    let segment = segment_info(conn, row.segment_id)?;
    let signoffs = sla::signoffs(conn, row.id)?;
    let ctx = context(&row, segment, SlaTerms::default(), signoffs.clone())?;
    let sections = doc::sections(templates, &ctx, &row.section_texts())?;
    Ok((
        SlaView {
            id: row.id,
            segment_id: row.segment_id,
            segment_name: ctx.segment.name.clone(),
            version: row.version,
            status: ctx.status,
            title: row.title,
            review_comment: row.review_comment,
            created_at: row.created_at,
            updated_at: row.updated_at,
            submitted_at: row.submitted_at,
            agreed_at: row.agreed_at,
            signoffs,
            sections,
        },
        ctx,
    ))
}

fn respond(templates: &Templates, format: Format, view: SlaView, ctx: &SlaContext) -> Result<HttpResponse, AppError> {
    let body = match format {
        Format::Json | Format::Csv => return Ok(HttpResponse::Ok().json(view)),
        Format::Md => doc::markdown_document(templates, ctx, &view.sections)?,
        Format::Html => doc::html_document(templates, ctx, &view.sections)?,
    };
    Ok(HttpResponse::Ok().content_type(format.content_type()).body(body))
}

#[utoipa::path(get, path = "/api/v1/sla-drafts", tag = "sla", params(SlaQuery),
    responses((status = 200, description = "One page of SLA drafts the caller may see", body = Listing<SlaSummary>)))]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<SlaQuery>,
) -> Result<HttpResponse, AppError> {
    let (scope, page) = (caller.scope(), q.page());
    let (rows, total) = state
        .db
        .run(move |c| Ok(sla::list(c, &scope, q.segment_id, page)?))
        .await?;
    let items: Vec<SlaSummary> = rows
        .into_iter()
        .map(|r| SlaSummary {
            id: r.id,
            segment_id: r.segment_id,
            version: r.version,
            status: r.status,
            title: r.title,
            updated_at: r.updated_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}

/// A draft as the caller may see it (404 outside their segments), ready to show.
pub async fn load(state: &web::Data<AppState>, caller: &Caller, id: i32) -> Result<(SlaView, SlaContext), AppError> {
    let app = state.clone();
    let scope = caller.scope();
    state
        .db
        .run(move |c| {
            let row = sla::get(c, id, &scope)?;
            view(c, &app.templates, row)
        })
        .await
}

#[utoipa::path(get, path = "/api/v1/sla-drafts/{id}", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id"), FormatQuery),
    responses((status = 200, description = "The draft with its sections, as JSON, Markdown or HTML (`format=csv` is refused)",
        content(
            (SlaView = "application/json"),
            (String = "text/markdown"),
            (String = "text/html"),
        ))))]
pub async fn get(
    req: HttpRequest,
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidQuery(q): ValidQuery<FormatQuery>,
) -> Result<HttpResponse, AppError> {
    let format = Format::negotiate(q.format, &req);
    if format == Format::Csv {
        return Err(AppError::bad_request(
            "invalid_query",
            "an SLA is a document: use json, md or html",
            Some("format"),
        ));
    }
    let (view, ctx) = load(&state, &caller, id.into_inner()).await?;
    respond(&state.templates, format, view, &ctx)
}

/// Drafts the next version of a segment's SLA from its current classification and capability.
#[utoipa::path(post, path = "/api/v1/sla-drafts", tag = "sla", request_body = CreateSla,
    responses((status = 201, description = "The next version, drafted from the segment's classification and current capability", body = SlaView)))]
pub async fn create(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    ValidJson(body): ValidJson<CreateSla>,
) -> Result<HttpResponse, AppError> {
    let view = create_draft(&state, caller.caller, body.segment_id).await?;
    Ok(HttpResponse::Created().json(view))
}

pub async fn create_draft(state: &web::Data<AppState>, caller: Caller, segment_id: i32) -> Result<SlaView, AppError> {
    let app = state.clone();
    let (view, _) = state
        .db
        .write(move |c| {
            let segment = segments::get(c, segment_id, &Scope::All)
                .map_err(|_| AppError::field("segment_id", "no such segment"))?;
            let terms = draft_terms(&crate::analysis::sla_requirements(c, segment.id)?);
            let version = sla::next_version(c, segment.id)?;
            let title = format!("Service level agreement: IT and {}", segment.name);
            let now = crate::db::now();
            let provisional = SlaRow {
                id: 0,
                segment_id: segment.id,
                version,
                status: SlaStatus::Draft.as_str().to_owned(),
                title: title.clone(),
                sections: String::new(),
                review_comment: None,
                created_by: Some(caller.id),
                created_at: now,
                updated_at: now,
                submitted_at: None,
                agreed_at: None,
                agreed_by: None,
            };
            let ctx = context(&provisional, segment_info(c, segment.id)?, terms, Vec::new())?;
            let sections = doc::draft_sections(&app.templates, &ctx)?;
            let row = sla::insert(
                c,
                &NewSla {
                    segment_id: segment.id,
                    version,
                    status: SlaStatus::Draft.as_str().to_owned(),
                    title,
                    sections: serde_json::to_string(&sections).map_err(|e| AppError::internal(e.to_string()))?,
                    created_by: Some(caller.id),
                },
            )?;
            audit::record(
                c,
                Actor::User(&caller),
                "create",
                "sla_draft",
                row.id,
                Some(&format!("{{\"version\":{version}}}")),
            )?;
            view(c, &app.templates, row)
        })
        .await?;
    Ok(view)
}

#[utoipa::path(patch, path = "/api/v1/sla-drafts/{id}", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")), request_body = UpdateSla,
    responses(
        (status = 200, description = "Edited", body = SlaView),
        (status = 409, description = "Only a draft can be edited (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn update(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<UpdateSla>,
) -> Result<HttpResponse, AppError> {
    let view = edit(&state, caller.caller, id.into_inner(), body).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Edits a draft's title and sections (also used by the pages).
pub async fn edit(state: &web::Data<AppState>, caller: Caller, id: i32, body: UpdateSla) -> Result<SlaView, AppError> {
    if let Some(sections) = &body.sections {
        for (key, text) in sections {
            match section(key) {
                None => return Err(AppError::field(&format!("sections.{key}"), "no such section")),
                Some((_, _, false)) => {
                    return Err(AppError::field(
                        &format!("sections.{key}"),
                        "this section follows the agreement's state and cannot be edited",
                    ))
                }
                Some(_) if text.len() > 20_000 => {
                    return Err(AppError::field(&format!("sections.{key}"), "at most 20000 characters"))
                }
                Some(_) => {}
            }
        }
    }
    let app = state.clone();
    let (view, _) = state
        .db
        .write(move |c| {
            let row = sla::get(c, id, &Scope::All)?;
            transition(status_of(&row)?, SlaAction::Edit).map_err(|m| AppError::conflict("invalid_state", m))?;
            let mut texts = row.section_texts();
            if let Some(sections) = body.sections {
                texts.extend(sections.into_iter().map(|(k, v)| (k, v.trim().to_owned())));
            }
            let changes = SlaChanges {
                title: body.title.map(|t| t.trim().to_owned()),
                sections: Some(serde_json::to_string(&texts).map_err(|e| AppError::internal(e.to_string()))?),
                updated_at: Some(crate::db::now()),
                ..Default::default()
            };
            let row = sla::update(c, id, &changes)?;
            audit::record(c, Actor::User(&caller), "update", "sla_draft", id, None)?;
            view(c, &app.templates, row)
        })
        .await?;
    Ok(view)
}

/// Applies one lifecycle step; 409 `invalid_state` when it is out of order.
pub async fn apply(
    state: &web::Data<AppState>,
    caller: Caller,
    id: i32,
    action: SlaAction,
    comment: Option<String>,
) -> Result<SlaView, AppError> {
    let app = state.clone();
    let scope = caller.scope();
    let (view, _) = state
        .db
        .write(move |c| {
            let row = sla::get(c, id, &scope)?;
            let next = transition(status_of(&row)?, action).map_err(|m| AppError::conflict("invalid_state", m))?;
            let now = crate::db::now();
            let (name, changes) = match action {
                SlaAction::Submit => (
                    "submit",
                    SlaChanges {
                        submitted_at: Some(Some(now)),
                        review_comment: Some(None),
                        ..Default::default()
                    },
                ),
                SlaAction::Approve => (
                    "approve",
                    SlaChanges {
                        agreed_at: Some(Some(now)),
                        agreed_by: Some(Some(caller.id)),
                        ..Default::default()
                    },
                ),
                SlaAction::Reject => (
                    "reject",
                    SlaChanges {
                        review_comment: Some(comment.clone()),
                        submitted_at: Some(None),
                        ..Default::default()
                    },
                ),
                SlaAction::SignOff => {
                    sla::sign(c, id, caller.id, &caller.email)?;
                    ("sign_off", SlaChanges::default())
                }
                SlaAction::Edit => ("edit", SlaChanges::default()),
            };
            let row = if action == SlaAction::SignOff {
                row
            } else {
                sla::update(
                    c,
                    id,
                    &SlaChanges {
                        status: Some(next.as_str().to_owned()),
                        updated_at: Some(now),
                        ..changes
                    },
                )?
            };
            audit::record(c, Actor::User(&caller), name, "sla_draft", id, comment.as_deref())?;
            view(c, &app.templates, row)
        })
        .await?;
    Ok(view)
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/submit", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Submitted for review", body = SlaView),
        (status = 409, description = "Not a draft (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn submit(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(apply(&state, caller.caller, id.into_inner(), SlaAction::Submit, None).await?))
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/approve", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Approved; awaits the segment's sign-off", body = SlaView),
        (status = 409, description = "Not in review (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn approve(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(apply(&state, caller.caller, id.into_inner(), SlaAction::Approve, None).await?))
}

#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/reject", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")), request_body = RejectSla,
    responses(
        (status = 200, description = "Sent back to draft with the comment", body = SlaView),
        (status = 409, description = "Not in review (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn reject(
    caller: Authorized<ManageSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    ValidJson(body): ValidJson<RejectSla>,
) -> Result<HttpResponse, AppError> {
    let comment = Some(body.comment.trim().to_owned());
    Ok(HttpResponse::Ok().json(apply(&state, caller.caller, id.into_inner(), SlaAction::Reject, comment).await?))
}

/// A stakeholder of the SLA's segment records their sign-off (another segment's SLA is 404).
#[utoipa::path(post, path = "/api/v1/sla-drafts/{id}/sign-off", tag = "sla",
    params(("id" = i32, Path, description = "SLA draft id")),
    responses(
        (status = 200, description = "Signed off by the caller (a stakeholder of the segment)", body = SlaView),
        (status = 409, description = "Not approved, or already signed by the caller (`invalid_state`)", body = crate::error::ErrorBody),
    ))]
pub async fn sign_off(
    caller: Authorized<SignSla>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(apply(&state, caller.caller, id.into_inner(), SlaAction::SignOff, None).await?))
}
