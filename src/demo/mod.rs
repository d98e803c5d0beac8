//! `kanogap demo`: loads a realistic data set (a university IT department following the
//! method) so a new user sees real reports on the first run. One transaction; only into a
//! database without segments.

pub mod data;
pub mod voc;

use std::collections::HashMap;

use chrono::NaiveDate;
use rand::distributions::{Alphanumeric, DistString};

use crate::auth::password;
use crate::db::assessments::{self, NewAssessment};
use crate::db::audit;
use crate::db::findings::{self, NewFinding};
use crate::db::requirements::{self, NewRequirement};
use crate::db::responses::{insert_many, NewResponse};
use crate::db::segments::{self, NewSegment};
use crate::db::sessions::{self, NewSession};
use crate::db::users::{self, NewUser};
use crate::db::{service_areas, write_transaction, Db, Page, Scope};
use crate::domain::terms::Role;
use crate::error::AppError;

/// What was loaded, and the sign-ins made for trying each role.
pub struct DemoSummary {
    pub segments: usize,
    pub requirements: usize,
    pub sessions: usize,
    pub findings: usize,
    pub answers: usize,
    pub assessments: usize,
    pub complaints: usize,
    pub satisfaction_surveys: usize,
    pub satisfaction_answers: usize,
    /// (e-mail, role, segment, password)
    pub users: Vec<(String, Role, Option<String>, String)>,
}

fn date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::internal(format!("demo date {s}: {e}")))
}

fn slug(name: &str) -> String {
    name.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

fn missing(what: &str, name: &str) -> AppError {
    AppError::internal(format!("demo data names an unknown {what}: {name}"))
}

pub fn load(db: &Db) -> Result<DemoSummary, AppError> {
    // Hash outside the transaction: it is the slow part.
    let mut people: Vec<(String, Role, Option<String>, String, String)> = Vec::new();
    let mut person = |email: String, role: Role, segment: Option<String>| -> Result<(), AppError> {
        let pw = Alphanumeric.sample_string(&mut rand::rngs::OsRng, 16);
        let hash = password::hash(&pw)?;
        people.push((email, role, segment, pw, hash));
        Ok(())
    };
    person("leadership@northfield.example".into(), Role::Leadership, None)?;
    person("facilitator@northfield.example".into(), Role::Facilitator, None)?;
    for s in data::segments() {
        person(
            format!("{}@northfield.example", slug(s.name)),
            Role::Stakeholder,
            Some(s.name.to_owned()),
        )?;
    }

    let mut conn = db.get()?;
    write_transaction(&mut conn, |c| {
        if !segments::list(c, &Scope::All, Page { limit: 1, offset: 0 })?
            .0
            .is_empty()
        {
            return Err(AppError::conflict(
                "not_empty",
                "the database already has segments; the demo loads only into an empty one (point KANOGAP_DATABASE_URL at a new file)",
            ));
        }
        let areas: HashMap<String, i32> = service_areas::list(c, Page { limit: 500, offset: 0 })?
            .0
            .into_iter()
            .map(|a| (a.name, a.id))
            .collect();
        let mut segment_ids = HashMap::new();
        for s in data::segments() {
            let row = segments::insert(
                c,
                &NewSegment {
                    name: s.name.to_owned(),
                    description: Some(s.description.to_owned()),
                    headcount: Some(s.headcount),
                    weight: s.weight,
                    ambassador: Some(s.ambassador.to_owned()),
                },
            )?;
            segment_ids.insert(s.name, row.id);
        }
        let mut requirement_ids = HashMap::new();
        for r in data::requirements() {
            let area = *areas
                .get(r.service_area)
                .ok_or_else(|| missing("service area", r.service_area))?;
            let row = requirements::insert(
                c,
                &NewRequirement {
                    key: r.key.to_owned(),
                    title: r.title.to_owned(),
                    description: Some(r.description.to_owned()),
                    service_area_id: area,
                    metric: r.metric.map(str::to_owned),
                    unit: r.unit.map(str::to_owned),
                    direction: r.direction.map(|d| d.as_str().to_owned()),
                    target: r.target,
                },
            )?;
            requirement_ids.insert(r.key, row.id);
        }
        let segment = |name: &str| segment_ids.get(name).copied().ok_or_else(|| missing("segment", name));
        let requirement = |key: &str| {
            requirement_ids
                .get(key)
                .copied()
                .ok_or_else(|| missing("requirement", key))
        };
        let mut session_ids = HashMap::new();
        for s in data::sessions() {
            let ids = s.segments.iter().map(|n| segment(n)).collect::<Result<Vec<_>, _>>()?;
            let row = sessions::insert(
                c,
                &NewSession {
                    kind: s.kind.as_str().to_owned(),
                    title: s.title.to_owned(),
                    held_on: date(s.held_on)?,
                    facilitator: Some(s.facilitator.to_owned()),
                    notes: Some(s.notes.to_owned()),
                },
                &ids,
            )?;
            session_ids.insert(s.title, row.id);
        }
        for f in data::findings() {
            findings::insert(
                c,
                &NewFinding {
                    requirement_id: requirement(f.requirement)?,
                    segment_id: segment(f.segment)?,
                    session_id: Some(
                        *session_ids
                            .get(f.session)
                            .ok_or_else(|| missing("session", f.session))?,
                    ),
                    category: f.category.as_str().to_owned(),
                    importance: f.importance,
                    note: Some(f.note.to_owned()),
                },
            )?;
        }
        let survey = session_ids.get(data::SURVEY_SESSION).copied();
        let mut answers = 0;
        for p in data::answer_profiles() {
            let (requirement_id, segment_id) = (requirement(p.requirement)?, segment(p.segment)?);
            let rows: Vec<NewResponse> = data::answers(p)
                .into_iter()
                .map(|(respondent, f, d, importance)| NewResponse {
                    requirement_id,
                    segment_id,
                    session_id: survey,
                    respondent,
                    functional: i32::from(f.number()),
                    dysfunctional: i32::from(d.number()),
                    importance,
                })
                .collect();
            for chunk in rows.chunks(500) {
                answers += insert_many(c, chunk)?;
            }
        }
        for a in data::assessments() {
            assessments::insert(
                c,
                &NewAssessment {
                    requirement_id: requirement(a.requirement)?,
                    segment_id: a.segment.map(segment).transpose()?,
                    current_value: a.current_value,
                    fulfilment: a.fulfilment,
                    assessed_on: date(a.assessed_on)?,
                    assessor: Some(a.assessor.to_owned()),
                    note: Some(a.note.to_owned()),
                },
            )?;
        }
        let segment_list: Vec<i32> = data::segments()
            .iter()
            .map(|s| segment(s.name))
            .collect::<Result<_, _>>()?;
        let voc = voc::load(c, &segment_list, &requirement_ids, &areas)?;
        for (email, role, segment_name, _, hash) in &people {
            if users::find_by_email(c, email)?.is_some() {
                continue;
            }
            let ids = match segment_name {
                Some(n) => vec![segment(n)?],
                None => Vec::new(),
            };
            users::insert(
                c,
                &NewUser {
                    email: email.clone(),
                    password_hash: hash.clone(),
                    role: role.as_str().to_owned(),
                },
                &ids,
            )?;
        }
        audit::record(
            c,
            &crate::access::Caller::system("kanogap demo"),
            "load",
            "demo",
            0,
            Some("Northfield University demo data"),
        )?;
        Ok(DemoSummary {
            segments: data::segments().len(),
            requirements: data::requirements().len(),
            sessions: data::sessions().len(),
            findings: data::findings().len(),
            answers,
            assessments: data::assessments().len(),
            complaints: voc.complaints,
            satisfaction_surveys: voc.surveys,
            satisfaction_answers: voc.survey_answers,
            users: people
                .iter()
                .map(|(e, r, s, pw, _)| (e.clone(), *r, s.clone(), pw.clone()))
                .collect(),
        })
    })
}
