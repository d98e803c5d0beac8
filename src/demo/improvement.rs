//! The demo's improvement loop: two fishbone analyses (call-backs for Administration & Finance
//! with a verified root cause and links to its complaints, target and requirement; the failed
//! grades upload for the whole service) and a COScom for the new expense system with two
//! checkpoints, one with a condition off track and the actions agreed. Deterministic.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::db::coscom::{self, NewCoscom};
use crate::db::root_causes::{self as rca, CauseChanges, Links, NewCause, NewRootCause};
use crate::db::schema::{complaints, service_targets};
use crate::db::DbConnection;
use crate::domain::improvement::{categories, CategorySet};
use crate::error::AppError;

/// How many analyses and commitments were loaded.
pub struct ImprovementSummary {
    pub root_causes: usize,
    pub coscoms: usize,
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

/// (category, text, evidence, parent index in this list, verified, votes)
type CauseSpec = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<usize>,
    bool,
    i32,
);

fn analysis(
    c: &mut DbConnection,
    new: NewRootCause,
    set: CategorySet,
    links: &Links,
    causes: &[CauseSpec],
) -> Result<(), AppError> {
    let names = categories(set, None).map_err(|r| AppError::internal(r.message()))?;
    let id = rca::insert(c, &new)?;
    rca::set_categories(c, id, &names)?;
    rca::set_links(c, id, links)?;
    let mut ids: Vec<i32> = Vec::new();
    for (position, (category, text, evidence, parent, verified, votes)) in causes.iter().enumerate() {
        let row = rca::insert_cause(
            c,
            &NewCause {
                root_cause_id: id,
                category: (*category).to_owned(),
                text: (*text).to_owned(),
                parent_id: parent.map(|p| ids[p]),
                evidence: evidence.map(str::to_owned),
                position: position as i32,
            },
        )?;
        rca::update_cause(
            c,
            row.id,
            &CauseChanges {
                verified: Some(i32::from(*verified)),
                votes: Some(*votes),
                ..Default::default()
            },
        )?;
        ids.push(row.id);
    }
    Ok(())
}

pub fn load(
    c: &mut DbConnection,
    segments: &HashMap<&str, i32>,
    requirements: &HashMap<&str, i32>,
    areas: &HashMap<String, i32>,
    facilitator: Option<(i32, String)>,
) -> Result<ImprovementSummary, AppError> {
    let finance = *segments
        .get("Administration & Finance")
        .ok_or_else(|| AppError::internal("demo segment Administration & Finance"))?;
    let callback = requirements.get("HD-CALLBACK").copied();
    let created_by = facilitator.as_ref().map(|(id, _)| *id);

    // The call-back complaints of the segment, and the call-back targets that cover it.
    let complaint_ids: Vec<i32> = complaints::table
        .filter(complaints::segment_id.eq(finance))
        .filter(complaints::category.eq("call-back"))
        .order(complaints::id.asc())
        .select(complaints::id)
        .limit(10)
        .load(c)?;
    let target_ids: Vec<i32> = match callback {
        Some(r) => service_targets::table
            .filter(service_targets::requirement_id.eq(r))
            .filter(
                service_targets::segment_id
                    .is_null()
                    .or(service_targets::segment_id.eq(finance)),
            )
            .order(service_targets::id.asc())
            .select(service_targets::id)
            .load(c)?,
        None => Vec::new(),
    };
    analysis(
        c,
        NewRootCause {
            problem: "Call-backs promised within 5 minutes take over 20 on Friday afternoons".into(),
            segment_id: Some(finance),
            service_area_id: areas.get("Helpdesk support").copied(),
            category_set: CategorySet::FourS.as_str().into(),
            created_by,
        },
        CategorySet::FourS,
        &Links {
            complaint_ids,
            service_target_ids: target_ids,
            requirement_ids: callback.into_iter().collect(),
        },
        &[
            (
                "Systems",
                "Call-back queue not shown on the wall board",
                Some("Wall-board configuration lists live calls only"),
                None,
                true,
                6,
            ),
            (
                "Systems",
                "The board polls the queue only every 15 minutes",
                None,
                Some(0),
                false,
                2,
            ),
            (
                "Skills",
                "New staff not trained on the call-back script",
                None,
                None,
                false,
                3,
            ),
            (
                "Surroundings",
                "Two people on the Friday afternoon rota for four lines",
                Some("Rota for September and October"),
                None,
                false,
                4,
            ),
            (
                "Suppliers",
                "The telephony vendor exports the queue nightly only",
                None,
                None,
                false,
                1,
            ),
        ],
    )?;
    analysis(
        c,
        NewRootCause {
            problem: "The grades upload failed on the last day of term".into(),
            segment_id: None,
            service_area_id: areas.get("Implementing/deploying solutions").copied(),
            category_set: CategorySet::SixM.as_str().into(),
            created_by,
        },
        CategorySet::SixM,
        &Links {
            requirement_ids: Vec::new(),
            ..Default::default()
        },
        &[
            (
                "Machines",
                "Upload server sized for an average day, not the end-of-term peak",
                Some("CPU at 100 % from 14:00 to 17:30 on the last day"),
                None,
                true,
                7,
            ),
            ("Methods", "No load test before the end of term", None, None, false, 4),
            (
                "Methods",
                "The release checklist has no peak-load step",
                None,
                Some(1),
                false,
                2,
            ),
            (
                "Measurements",
                "No alert on the length of the upload queue",
                None,
                None,
                false,
                3,
            ),
            (
                "People",
                "The change freeze was not announced to faculty",
                None,
                None,
                false,
                1,
            ),
        ],
    )?;

    // The COScom of the new expense system.
    let id = coscom::insert(
        c,
        &NewCoscom {
            project: "New expense system roll-out".into(),
            segment_id: finance,
            ambassador_id: created_by,
            starts_on: day("2026-09-01"),
            ends_on: Some(day("2026-12-31")),
            status: "open".into(),
            created_by,
        },
        &[
            (
                "All finance clerks trained before go-live".into(),
                Some("12 of 12 clerks trained".into()),
            ),
            (
                "No expense claim lost in the migration".into(),
                Some("zero lost claims in the weekly reconciliation".into()),
            ),
            (
                "Month-end close not delayed".into(),
                Some("close done by working day 3".into()),
            ),
        ],
    )?;
    let conditions: Vec<i32> = coscom::conditions(c, &[id])?.into_iter().map(|r| r.id).collect();
    let email = facilitator
        .as_ref()
        .map(|(_, e)| e.clone())
        .unwrap_or_else(|| "kanogap demo".into());
    let rating = |i: usize, r: &str, note: Option<&str>| (conditions[i], r.to_owned(), note.map(str::to_owned));
    coscom::insert_checkpoint(
        c,
        id,
        day("2026-09-30"),
        None,
        created_by,
        &email,
        &[
            rating(0, "on_track", Some("9 of 12 trained")),
            rating(1, "at_risk", Some("the import rejects claims with foreign currency")),
            rating(2, "on_track", None),
        ],
    )?;
    coscom::insert_checkpoint(
        c,
        id,
        day("2026-10-30"),
        Some("Daily reconciliation of imported claims until the currency fix ships; the ambassador calls the finance office every Friday"),
        created_by,
        &email,
        &[
            rating(0, "on_track", Some("12 of 12 trained")),
            rating(1, "off_track", Some("two claims lost in October")),
            rating(2, "at_risk", Some("October close on working day 4")),
        ],
    )?;
    coscom::insert_comment(
        c,
        id,
        created_by,
        &email,
        "The currency fix is scheduled for the November release.",
    )?;
    Ok(ImprovementSummary {
        root_causes: 2,
        coscoms: 1,
    })
}
