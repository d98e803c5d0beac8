//! Reports for leadership and stakeholders: the prioritized gap report and a segment's value
//! proposition. The operations gather and compute; the front ends choose the format.

use crate::access::{Caller, ReadGapReport};
use crate::analysis::GapData;
use crate::db::{segments, service_areas, sla};
use crate::domain::sla::SlaStatus;
use crate::error::AppError;
use crate::render::gap_report::{self, Filters, GapReportView};
use crate::render::sla::status_label;
use crate::render::value_proposition::{self, SegmentView, SlaState, ValueProposition};

use super::Context;

/// What a gap report may be narrowed to.
#[derive(Clone, Debug, Default)]
pub struct GapFilter {
    pub segment_id: Option<i32>,
    pub service_area_id: Option<i32>,
    /// 1 basic needs, 2 satisfiers, 3 delighters.
    pub tier: Option<u8>,
}

/// The computed report and its view (every row, ranked); [`GapReport::page`] cuts the view.
pub struct GapReport {
    pub data: GapData,
    pub view: GapReportView,
}

impl GapReport {
    /// Keeps `limit` ranked rows from `offset` (the view's `total` still counts them all).
    pub fn page(mut self, limit: usize, offset: usize) -> Self {
        let rows = std::mem::take(&mut self.view.rows);
        self.view.rows = rows.into_iter().skip(offset).take(limit).collect();
        self
    }
}

/// Every gap the caller may see, ranked, with the parts of every score.
pub async fn gap_report(ctx: &Context, caller: &Caller, filter: GapFilter) -> Result<GapReport, AppError> {
    caller.authorize::<ReadGapReport>()?;
    let scope = caller.scope();
    let (segment_id, area) = (filter.segment_id, filter.service_area_id);
    let data = ctx
        .db
        .run(move |c| {
            if let Some(area) = area {
                service_areas::get(c, area)?;
            }
            crate::analysis::gap_report(c, &scope, segment_id, area)
        })
        .await?;
    let view = gap_report::view(
        &data,
        Filters {
            segment_id: filter.segment_id,
            service_area_id: filter.service_area_id,
            tier: filter.tier,
            description: None,
        },
    );
    Ok(GapReport { data, view })
}

/// A segment's value proposition, as the caller may see it (404 outside their segments).
pub async fn value_proposition(ctx: &Context, caller: &Caller, id: i32) -> Result<ValueProposition, AppError> {
    let scope = caller.scope();
    let (data, segment, latest) = ctx
        .db
        .run(move |c| {
            let segment = segments::get(c, id, &scope)?;
            let data = crate::analysis::gap_report(c, &scope, Some(id), None)?;
            let latest = match sla::latest_for_segment(c, id)? {
                Some(row) => {
                    let signed = !sla::signoffs(c, row.id)?.is_empty();
                    Some((row, signed))
                }
                None => None,
            };
            Ok((data, segment, latest))
        })
        .await?;
    let view = gap_report::view(&data, Filters::default());
    let sla_state = latest.map(|(row, signed_off)| {
        let status = SlaStatus::parse(&row.status).unwrap_or(SlaStatus::Draft);
        SlaState {
            id: row.id,
            version: row.version,
            status: row.status,
            status_label: status_label(status),
            signed_off,
        }
    });
    Ok(value_proposition::build(
        SegmentView {
            id: segment.id,
            name: segment.name,
            description: segment.description,
            ambassador: segment.ambassador,
        },
        &view.rows,
        &view.met,
        sla_state,
    ))
}
