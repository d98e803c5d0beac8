//! The demo's improvement plans: one per weak service area, where the gap report has an open
//! basic-need gap. Each plan names the segments with such a gap there and turns the area's
//! highest-ranked gaps (at most six) into changes owned by leadership; the weakest area's plan
//! is already submitted, so its stakeholders find it awaiting their sign-off. Everything follows
//! from the demo's fixed data (the gap ranking and fixed due dates): the same plans every run.

use chrono::NaiveDate;

use crate::access::{Caller, Scope};
use crate::db::improvement_plans::{self as store, NewPlan, PlanChanges};
use crate::db::DbConnection;
use crate::domain::gap::{Placement, Tier};
use crate::domain::improvement::{self as rules, PlanStatus};
use crate::error::AppError;
use crate::service::improvement_plans::{add_change_in, CreateChange, LinksInput};

/// How many changes the demo gives a plan (six: the lower end of the method's six to eight).
const CHANGES: usize = 6;

/// Loads the plans; answers how many. `owner_id` owns every change.
pub fn load(c: &mut DbConnection, owner_id: i32) -> Result<usize, AppError> {
    let caller = Caller::system("kanogap demo");
    let data = crate::analysis::gap_report(
        c,
        &Scope::All,
        None,
        None,
        crate::domain::kano_waves::DEFAULT_MIN_SAMPLE,
    )?;
    let mut weak: Vec<i32> = data
        .report
        .by_service_area
        .iter()
        .filter(|a| a.basic_needs > 0)
        .map(|a| a.id)
        .collect();
    weak.sort_unstable();
    let mut plans = 0;
    for (n, area) in weak.iter().copied().enumerate() {
        let ranked: Vec<_> = data
            .report
            .rows
            .iter()
            .filter(|r| r.service_area_id == area && r.placement == Placement::Ranked)
            .collect();
        let mut segments: Vec<i32> = Vec::new();
        for r in ranked.iter().filter(|r| r.tier == Some(Tier::BasicNeed)) {
            if !segments.contains(&r.segment_id) {
                segments.push(r.segment_id);
            }
        }
        let mut requirements: Vec<i32> = Vec::new();
        for r in &ranked {
            if !requirements.contains(&r.requirement_id) && requirements.len() < CHANGES {
                requirements.push(r.requirement_id);
            }
        }
        let area_name = data.service_areas.get(&area).cloned().unwrap_or_default();
        let plan = store::insert(
            c,
            &NewPlan {
                title: format!("{area_name}: closing the basic-need gaps"),
                service_area_id: area,
                summary: Some(format!(
                    "The gap report shows basic needs of {} segment(s) falling short in {area_name}. \
                     These changes treat the largest gaps first; each segment signs the plan off.",
                    segments.len()
                )),
                status: PlanStatus::Draft.as_str().to_owned(),
                created_by: None,
            },
            &segments,
        )?;
        for (i, requirement_id) in requirements.iter().copied().enumerate() {
            let title = data
                .requirements
                .get(&requirement_id)
                .map(|r| r.title.clone())
                .unwrap_or_default();
            let month = u32::try_from(i % 12).unwrap_or(0) + 1;
            let due_on =
                NaiveDate::from_ymd_opt(2027, month, 28).ok_or_else(|| AppError::internal("demo plan due date"))?;
            let input = CreateChange {
                title: format!("Close the gap: {title}").chars().take(200).collect(),
                description: None,
                owner_id,
                due_on,
                resources: Some(if i == 0 {
                    "A second-line engineer for one quarter".to_owned()
                } else {
                    "Within the team's budget".to_owned()
                }),
                policy_change: (i == 0).then(|| "Commit to the target in the next SLA".to_owned()),
                links: Some(LinksInput {
                    requirement_ids: vec![requirement_id],
                    ..Default::default()
                }),
            };
            add_change_in(c, &caller, plan.id, input, None)?;
        }
        if n == 0 && !requirements.is_empty() {
            let next =
                rules::submit(PlanStatus::Draft, requirements.len()).map_err(|r| AppError::internal(r.message()))?;
            store::update(
                c,
                plan.id,
                &PlanChanges {
                    status: Some(next.as_str().to_owned()),
                    submitted_at: Some(Some(crate::db::now())),
                    ..Default::default()
                },
            )?;
        }
        plans += 1;
    }
    Ok(plans)
}
