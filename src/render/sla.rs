//! An SLA draft as a document: its editable sections generated from templates when the draft
//! is made, and the sections that follow the draft's state (document control, sign-off)
//! rendered afresh each time it is shown.

use std::collections::BTreeMap;

use serde::Serialize;

use super::markdown;
use super::templates::Templates;
use crate::db::sla::SignOff;
use crate::domain::sla::{SlaStatus, SlaTerms, SECTIONS};
use crate::error::AppError;

#[derive(Clone, Serialize, utoipa::ToSchema)]
pub struct SegmentInfo {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    pub headcount: Option<i32>,
    pub ambassador: Option<String>,
}

/// Everything a section template may use.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SlaContext {
    pub title: String,
    pub version: i32,
    pub status: SlaStatus,
    pub status_label: &'static str,
    pub created_on: String,
    pub submitted_on: Option<String>,
    pub agreed_on: Option<String>,
    pub segment: SegmentInfo,
    pub terms: SlaTerms,
    pub signoffs: Vec<SignOff>,
}

pub fn status_label(status: SlaStatus) -> &'static str {
    match status {
        SlaStatus::Draft => "Draft",
        SlaStatus::InReview => "In review",
        SlaStatus::Agreed => "Agreed",
    }
}

/// The editable sections' first text.
pub fn draft_sections(templates: &Templates, ctx: &SlaContext) -> Result<BTreeMap<String, String>, AppError> {
    let mut out = BTreeMap::new();
    for (id, _, editable) in SECTIONS {
        if editable {
            out.insert(
                id.to_owned(),
                templates.text(&format!("sla.{id}"), ctx)?.trim().to_owned(),
            );
        }
    }
    Ok(out)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SectionView {
    pub id: &'static str,
    pub title: &'static str,
    pub editable: bool,
    pub text: String,
    #[serde(skip)]
    pub html: String,
}

/// All sections in document order: stored texts for the editable ones, fresh renderings for
/// the rest.
pub fn sections(
    templates: &Templates,
    ctx: &SlaContext,
    stored: &BTreeMap<String, String>,
) -> Result<Vec<SectionView>, AppError> {
    let mut out = Vec::with_capacity(SECTIONS.len());
    for (id, title, editable) in SECTIONS {
        let text = if editable {
            stored.get(id).cloned().unwrap_or_default()
        } else {
            templates.text(&format!("sla.{id}"), ctx)?.trim().to_owned()
        };
        out.push(SectionView {
            id,
            title,
            editable,
            html: markdown::to_html(&text),
            text,
        });
    }
    Ok(out)
}

#[derive(Serialize)]
struct Document<'a> {
    title: &'a str,
    version: i32,
    status_label: &'a str,
    segment: &'a SegmentInfo,
    sections: &'a [SectionView],
}

#[derive(Serialize)]
struct HtmlSection<'a> {
    id: &'a str,
    title: &'a str,
    html: &'a str,
}

pub fn markdown_document(
    templates: &Templates,
    ctx: &SlaContext,
    sections: &[SectionView],
) -> Result<String, AppError> {
    templates.text(
        "sla",
        &Document {
            title: &ctx.title,
            version: ctx.version,
            status_label: ctx.status_label,
            segment: &ctx.segment,
            sections,
        },
    )
}

pub fn html_document(templates: &Templates, ctx: &SlaContext, sections: &[SectionView]) -> Result<String, AppError> {
    let html_sections: Vec<HtmlSection> = sections
        .iter()
        .map(|s| HtmlSection {
            id: s.id,
            title: s.title,
            html: &s.html,
        })
        .collect();
    #[derive(Serialize)]
    struct Page<'a> {
        title: &'a str,
        version: i32,
        status_label: &'a str,
        segment: &'a SegmentInfo,
        sections: Vec<HtmlSection<'a>>,
    }
    templates.html(
        "sla",
        &Page {
            title: &ctx.title,
            version: ctx.version,
            status_label: ctx.status_label,
            segment: &ctx.segment,
            sections: html_sections,
        },
    )
}
