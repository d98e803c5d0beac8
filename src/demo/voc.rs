//! The demo's voice of the customer: a year of complaints (November 2025 to October 2026) with
//! their life cycle, two overall satisfaction surveys a year apart and a transaction survey
//! after helpdesk calls with a few hundred answers. Deterministic: the same data every load.

use std::collections::HashMap;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};

use crate::db::complaints::{self, NewComplaint, NewStep, StepChanges};
use crate::db::satisfaction::{self, NewAnswer, NewSurvey};
use crate::db::DbConnection;
use crate::error::AppError;

/// A small linear congruential generator: reproducible without a seeded crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const SUMMARIES: [(&str, &str, &str); 10] = [
    (
        "Nobody called back about my ticket for two days",
        "call-back",
        "Helpdesk support",
    ),
    (
        "The wireless in the library keeps dropping",
        "network",
        "Implementing/deploying solutions",
    ),
    (
        "Grades upload failed on the last day of term",
        "systems",
        "Implementing/deploying solutions",
    ),
    (
        "Password reset locked me out for a whole morning",
        "accounts",
        "Helpdesk support",
    ),
    (
        "The training session was cancelled without notice",
        "training",
        "Training",
    ),
    (
        "The expense system was down during month-end close",
        "systems",
        "Implementing/deploying solutions",
    ),
    ("Laptop repair took three weeks", "hardware", "Helpdesk support"),
    (
        "Nobody asked us before the new timetable tool was chosen",
        "consultation",
        "Requirements capture",
    ),
    (
        "The lecture capture recording was lost",
        "teaching",
        "Implementing/deploying solutions",
    ),
    ("VPN from the field does not connect", "network", "Helpdesk support"),
];

const CHANNELS: [&str; 5] = ["email", "phone", "web", "in_person", "other"];

fn at(date: NaiveDate, minutes: i64) -> NaiveDateTime {
    date.and_hms_opt(8, 0, 0).unwrap_or_default() + Duration::minutes(minutes)
}

/// What was loaded.
pub struct VocSummary {
    pub complaints: usize,
    pub surveys: usize,
    pub survey_answers: usize,
}

/// Loads complaints and surveys for the demo's segments, requirements and service areas.
pub fn load(
    c: &mut DbConnection,
    segments: &[i32],
    requirements: &HashMap<&str, i32>,
    areas: &HashMap<String, i32>,
) -> Result<VocSummary, AppError> {
    let mut rng = Lcg(13);
    let linked = ["HD-CALLBACK", "HD-FIRST-FIX", "ID-UPTIME"];
    let start = NaiveDate::from_ymd_opt(2025, 11, 1).unwrap_or_default();
    let end = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default();
    // Received times first, in order, so each year's references run in received order.
    let mut received: Vec<NaiveDateTime> = Vec::new();
    let mut day = start;
    while day <= end {
        if day.weekday().number_from_monday() <= 5 && rng.below(10) < 3 {
            received.push(at(day, rng.below(9 * 60) as i64));
        }
        day += Duration::days(1);
    }
    let last = at(end, 9 * 60);
    for (i, &received_at) in received.iter().enumerate() {
        let (summary, category, area) = SUMMARIES[rng.below(SUMMARIES.len() as u64) as usize];
        let segment_id = segments[rng.below(segments.len() as u64) as usize];
        let requirement_id = (rng.below(4) == 0)
            .then(|| {
                requirements
                    .get(linked[rng.below(linked.len() as u64) as usize])
                    .copied()
            })
            .flatten();
        let reference = complaints::next_reference(c, received_at.year())?;
        let row = complaints::insert(
            c,
            &NewComplaint {
                reference,
                segment_id,
                summary: summary.to_owned(),
                channel: CHANNELS[rng.below(CHANNELS.len() as u64) as usize].to_owned(),
                category: Some(category.to_owned()),
                status: "open".to_owned(),
                received_at,
                service_area_id: areas.get(area).copied(),
                requirement_id,
                owner_id: None,
            },
        )?;
        let step = |c: &mut DbConnection, step: &str, when: NaiveDateTime, note: Option<&str>| {
            complaints::add_step(
                c,
                &NewStep {
                    complaint_id: row.id,
                    step,
                    at: when,
                    actor_id: None,
                    actor_email: "kanogap demo",
                    note,
                },
            )
        };
        step(c, "receive", received_at, None)?;
        // Most are acknowledged within hours and resolved within days; the last few are
        // still open or being worked on. Resolution gets faster over the year.
        let remaining = received.len() - i;
        let ack = (remaining > 3).then(|| received_at + Duration::minutes(15 + rng.below(8 * 60) as i64));
        let speed = 1.0 - 0.5 * i as f64 / received.len().max(1) as f64;
        let resolved = match ack {
            Some(a) if remaining > 8 && rng.below(20) > 0 => {
                let hours = ((4 + rng.below(120)) as f64 * speed) as i64;
                Some(a + Duration::hours(hours.max(1))).filter(|r| *r < last)
            }
            _ => None,
        };
        let resolution = "Fixed and confirmed with the reporter";
        if let Some(a) = ack {
            step(c, "acknowledge", a, None)?;
        }
        if let Some(r) = resolved {
            step(c, "resolve", r, Some(resolution))?;
        }
        let status = match (ack, resolved) {
            (_, Some(_)) => "resolved",
            (Some(_), None) => "acknowledged",
            _ => "open",
        };
        complaints::set_step(
            c,
            row.id,
            &StepChanges {
                status: status.to_owned(),
                acknowledged_at: ack,
                resolved_at: resolved,
                reopened_at: None,
                resolution: resolved.map(|_| resolution.to_owned()),
                updated_at: resolved.or(ack).unwrap_or(received_at),
            },
        )?;
    }

    // Two overall surveys a year apart (the second better, above the target) and a
    // transaction survey after helpdesk calls.
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
    let helpdesk = areas.get("Helpdesk support").copied();
    let mut answers = 0;
    let surveys = [
        (
            "Overall satisfaction 2025",
            "overall",
            d(2025, 5, 1),
            d(2025, 5, 31),
            160,
            81,
        ),
        (
            "Overall satisfaction 2026",
            "overall",
            d(2026, 5, 1),
            d(2026, 5, 31),
            180,
            88,
        ),
        (
            "Helpdesk follow-up 2026",
            "transaction",
            d(2026, 1, 1),
            d(2026, 9, 30),
            320,
            84,
        ),
    ];
    let comments = [
        "Quick and friendly",
        "Took too long to hear back",
        "Fixed on the first call",
        "Had to explain the problem twice",
        "",
    ];
    for (title, kind, opened_on, closed_on, n, satisfied_pct) in surveys {
        let survey = satisfaction::insert(
            c,
            &NewSurvey {
                title: title.to_owned(),
                kind: kind.to_owned(),
                scale_max: 5,
                opened_on,
                closed_on: Some(closed_on),
            },
            &[],
        )?;
        let span = (closed_on - opened_on).num_days().max(1) as u64;
        let rows: Vec<NewAnswer> = (0..n)
            .map(|i| {
                let score = if rng.below(100) < satisfied_pct {
                    if rng.below(2) == 0 {
                        5
                    } else {
                        4
                    }
                } else {
                    1 + rng.below(3) as i32
                };
                let comment = comments[rng.below(comments.len() as u64 * 3) as usize % comments.len()];
                NewAnswer {
                    survey_id: survey.id,
                    segment_id: segments[rng.below(segments.len() as u64) as usize],
                    respondent: Some(format!(
                        "{}-{:03}",
                        title.split(' ').next().unwrap_or("r").to_lowercase(),
                        i + 1
                    )),
                    score,
                    service_area_id: (kind == "transaction").then_some(helpdesk).flatten(),
                    comment: (!comment.is_empty() && rng.below(4) == 0).then(|| comment.to_owned()),
                    answered_at: Some(at(opened_on + Duration::days(rng.below(span) as i64), 60)),
                }
            })
            .collect();
        answers += satisfaction::insert_answers(c, &rows)?;
    }
    Ok(VocSummary {
        complaints: received.len(),
        surveys: surveys.len(),
        survey_answers: answers,
    })
}
