//! SLA drafts: generated from a segment's classified requirements, edited while a draft,
//! reviewed, agreed (then frozen) and signed off by the segment's stakeholders.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use validator::Validate;

use super::{validate, Context, Listing};
use crate::access::{Caller, ManageSla, SignSla};
use crate::db::audit;
use crate::db::sla::{self, NewSla, SignOff, SlaChanges, SlaRow};
use crate::db::{segments, DbConnection, Page, Scope};
use crate::domain::sla::{draft_terms, section, transition, SlaAction, SlaStatus, SlaTerms};
use crate::error::AppError;
use crate::render::sla::{self as doc, SectionView, SegmentInfo, SlaContext};
use crate::render::templates::Templates;

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSla {
    pub segment_id: i32,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSla {
    #[validate(length(min = 1, max = 200), custom(function = "crate::service::not_blank"))]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: Option<String>,
    /// Section id → new text (Markdown).
    pub sections: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Validate, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectSla {
    #[validate(length(min = 1, max = 4000), custom(function = "crate::service::not_blank"))]
    #[schema(min_length = 1, max_length = 4000, pattern = r"\S")]
    pub comment: String,
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
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

/// One page of the drafts the caller may see, newest first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    segment_id: Option<i32>,
    page: Page,
) -> Result<Listing<SlaSummary>, AppError> {
    let scope = caller.scope();
    let (rows, total) = ctx.db.run(move |c| Ok(sla::list(c, &scope, segment_id, page)?)).await?;
    let items = rows
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
    Ok(Listing { items, total })
}

/// A draft as the caller may see it (404 outside their segments), ready to show.
pub async fn get(ctx: &Context, caller: &Caller, id: i32) -> Result<(SlaView, SlaContext), AppError> {
    let (scope, templates) = (caller.scope(), ctx.templates.clone());
    ctx.db
        .run(move |c| {
            let row = sla::get(c, id, &scope)?;
            view(c, &templates, row)
        })
        .await
}

/// Drafts the next version of a segment's SLA from its current classification and capability.
pub async fn create(ctx: &Context, caller: &Caller, input: CreateSla) -> Result<SlaView, AppError> {
    caller.authorize::<ManageSla>()?;
    validate(&input)?;
    let (caller, segment_id) = (caller.clone(), input.segment_id);
    let templates = ctx.templates.clone();
    let (view, _) = ctx
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
            let sections = doc::draft_sections(&templates, &ctx)?;
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
                &caller,
                "create",
                "sla_draft",
                row.id,
                Some(&format!("{{\"version\":{version}}}")),
            )?;
            view(c, &templates, row)
        })
        .await?;
    Ok(view)
}

/// Edits a draft's title and sections (also used by the pages).
pub async fn edit(ctx: &Context, caller: &Caller, id: i32, body: UpdateSla) -> Result<SlaView, AppError> {
    caller.authorize::<ManageSla>()?;
    validate(&body)?;
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
    let (caller, templates) = (caller.clone(), ctx.templates.clone());
    let (view, _) = ctx
        .db
        .write(move |c| {
            let row = sla::get(c, id, &Scope::All)?;
            transition(status_of(&row)?, SlaAction::Edit)
                .map_err(|m| AppError::conflict(crate::error::ErrorCode::InvalidState, m))?;
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
            audit::record(c, &caller, "update", "sla_draft", id, None)?;
            view(c, &templates, row)
        })
        .await?;
    Ok(view)
}

/// A lifecycle step after drafting, and what it needs.
pub enum SlaStep {
    /// Leadership sends the draft for review.
    Submit,
    /// Leadership agrees it; it is frozen and awaits the segment's sign-off.
    Approve,
    /// Leadership sends it back to draft, saying why.
    Reject(RejectSla),
    /// A stakeholder of the segment signs it off.
    SignOff,
}

/// Applies one lifecycle step; 403 for a role the step is not for, 409 `invalid_state` when it
/// is out of order.
pub async fn step(ctx: &Context, caller: &Caller, id: i32, step: SlaStep) -> Result<SlaView, AppError> {
    let (action, comment) = match step {
        SlaStep::Submit => (SlaAction::Submit, None),
        SlaStep::Approve => (SlaAction::Approve, None),
        SlaStep::Reject(input) => {
            caller.authorize::<ManageSla>()?;
            validate(&input)?;
            (SlaAction::Reject, Some(input.comment.trim().to_owned()))
        }
        SlaStep::SignOff => (SlaAction::SignOff, None),
    };
    match action {
        SlaAction::SignOff => caller.authorize::<SignSla>()?,
        _ => caller.authorize::<ManageSla>()?,
    }
    let (caller, templates) = (caller.clone(), ctx.templates.clone());
    let scope = caller.scope();
    let (view, _) = ctx
        .db
        .write(move |c| {
            let row = sla::get(c, id, &scope)?;
            let next = transition(status_of(&row)?, action)
                .map_err(|m| AppError::conflict(crate::error::ErrorCode::InvalidState, m))?;
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
            audit::record(c, &caller, name, "sla_draft", id, comment.as_deref())?;
            view(c, &templates, row)
        })
        .await?;
    Ok(view)
}
