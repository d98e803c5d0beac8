//! `kanogap bench-data`: a deterministic, realistic data set for the benchmarks (issue #7).
//!
//! The same flags give byte-identical `responses.csv` and `catalogue.json`. The catalogue
//! (segments, requirements, capability assessments) is also written into a migrated SQLite
//! database through the ordinary db layer, so a benchmark measures the real schema; that file
//! is not byte-identical between runs (it holds creation time stamps).
//!
//! Answers are not uniform noise: every requirement has a "true" Kano category, which a
//! segment sometimes sees differently, and each answer pair is drawn around it with the
//! requirement's clarity, so the gap report ranks something meaningful.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::db::assessments::{self, NewAssessment};
use crate::db::requirements::{self, NewRequirement};
use crate::db::segments::{self, NewSegment};
use crate::db::{service_areas, write_transaction, Db, Page};
use crate::domain::kano::{Answer, KanoCategory};
use crate::error::AppError;

pub const DEFAULT_SEED: u64 = 0x6b61_6e6f; // "kano"

/// Requirements each respondent answers in one questionnaire.
const QUESTIONS_PER_RESPONDENT: usize = 50;

/// The size of the data set and the seed it is drawn from.
#[derive(Clone, Debug, Serialize)]
pub struct Spec {
    pub segments: usize,
    pub requirements: usize,
    pub responses: u64,
    pub seed: u64,
}

#[derive(Debug, Serialize)]
pub struct SegmentSpec {
    pub name: String,
    pub headcount: i32,
    pub weight: f64,
}

#[derive(Debug, Serialize)]
pub struct RequirementSpec {
    pub key: String,
    pub title: String,
    /// Index into the seeded service areas, in id order.
    pub service_area: usize,
    pub metric: Option<&'static str>,
    pub unit: Option<&'static str>,
    pub direction: Option<&'static str>,
    pub target: Option<f64>,
    /// What the answers are drawn around (a segment may see it differently).
    pub true_category: &'static str,
    /// Share of answers that follow the category; the rest are noise.
    pub clarity: f64,
}

#[derive(Debug, Serialize)]
pub struct AssessmentSpec {
    /// Index into `requirements`.
    pub requirement: usize,
    /// Index into `segments`; none for a general assessment.
    pub segment: Option<usize>,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
    pub assessed_on: NaiveDate,
}

/// Everything but the answers: what goes into the database before the import.
#[derive(Debug, Serialize)]
pub struct Catalogue {
    pub spec: Spec,
    pub segments: Vec<SegmentSpec>,
    pub requirements: Vec<RequirementSpec>,
    pub assessments: Vec<AssessmentSpec>,
}

/// What `run` wrote.
pub struct Written {
    pub responses_csv: PathBuf,
    pub catalogue_json: PathBuf,
    pub database: PathBuf,
    pub respondents: u64,
    pub assessments: usize,
}

const SEGMENT_NAMES: [&str; 20] = [
    "Finance",
    "Human Resources",
    "Research",
    "Teaching",
    "Library",
    "Estates",
    "Student Services",
    "Admissions",
    "Marketing",
    "Legal",
    "Procurement",
    "Executive Office",
    "Engineering",
    "Medicine",
    "Law School",
    "Business School",
    "Arts",
    "Sciences",
    "Alumni Relations",
    "Sports",
];

const VERBS: [&str; 8] = [
    "Provide",
    "Offer",
    "Guarantee",
    "Publish",
    "Support",
    "Automate",
    "Report",
    "Extend",
];
const OBJECTS: [&str; 10] = [
    "call-back after a helpdesk call",
    "self-service password reset",
    "laptop replacement",
    "video conferencing in meeting rooms",
    "training on new releases",
    "a named account manager",
    "monthly service reports",
    "weekend support",
    "project status updates",
    "access requests",
];

/// (metric, unit, direction, target range)
const MEASURES: [(&str, &str, &str, f64, f64); 3] = [
    ("time to respond", "minutes", "lower_is_better", 5.0, 240.0),
    ("availability", "%", "higher_is_better", 95.0, 99.9),
    ("satisfaction score", "points of 5", "higher_is_better", 3.5, 4.8),
];

/// True categories and how often they occur among requirements (weights sum to 100).
const CATEGORIES: [(KanoCategory, u32); 5] = [
    (KanoCategory::M, 25),
    (KanoCategory::O, 30),
    (KanoCategory::A, 22),
    (KanoCategory::I, 20),
    (KanoCategory::R, 3),
];

/// Share of (segment, requirement) pairs where the segment sees another category.
const SEGMENT_DEVIATION: f64 = 0.2;

/// The category at `roll` (0..100) of the requirement distribution.
fn pick_category(mut roll: u32) -> KanoCategory {
    for (category, weight) in CATEGORIES {
        if roll < weight {
            return category;
        }
        roll -= weight;
    }
    KanoCategory::I
}

fn round(x: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (x * f).round() / f
}

/// Draws the catalogue: segments, requirements with their true categories, assessments.
pub fn catalogue(spec: &Spec) -> Catalogue {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let segments = (0..spec.segments)
        .map(|i| SegmentSpec {
            name: match SEGMENT_NAMES.get(i) {
                Some(name) => (*name).to_owned(),
                None => format!("Segment {}", i + 1),
            },
            headcount: rng.gen_range(20..2000),
            weight: round(rng.gen_range(0.5..2.0), 2),
        })
        .collect::<Vec<_>>();
    let width = spec.requirements.to_string().len().max(5);
    let requirements = (0..spec.requirements)
        .map(|i| {
            let measure = rng.gen_bool(0.6).then(|| MEASURES[rng.gen_range(0..MEASURES.len())]);
            RequirementSpec {
                key: format!("REQ-{:0width$}", i + 1),
                title: format!(
                    "{} {}",
                    VERBS[rng.gen_range(0..VERBS.len())],
                    OBJECTS[rng.gen_range(0..OBJECTS.len())]
                ),
                service_area: i % 8,
                metric: measure.map(|m| m.0),
                unit: measure.map(|m| m.1),
                direction: measure.map(|m| m.2),
                target: measure.map(|m| round(rng.gen_range(m.3..m.4), 1)),
                true_category: pick_category(rng.gen_range(0..100)).letter(),
                clarity: round(rng.gen_range(0.55..0.9), 2),
            }
        })
        .collect::<Vec<_>>();

    let day = |rng: &mut StdRng, from: u32| {
        NaiveDate::from_yo_opt(2026, rng.gen_range(from..from + 60)).unwrap_or(NaiveDate::MIN)
    };
    let mut assessments = Vec::new();
    for (i, r) in requirements.iter().enumerate() {
        // One in ten requirements is not assessed at all: a gap until someone measures it.
        if rng.gen_bool(0.1) {
            continue;
        }
        let general = |rng: &mut StdRng, from: u32| AssessmentSpec {
            requirement: i,
            segment: None,
            current_value: r.target.map(|t| measured(rng, t, r.direction)),
            fulfilment: r.target.is_none().then(|| round(rng.gen_range(0.2..1.0), 2)),
            assessed_on: day(rng, from),
        };
        // Some have an older, superseded assessment too.
        if rng.gen_bool(0.2) {
            let old = general(&mut rng, 1);
            assessments.push(old);
        }
        let current = general(&mut rng, 100);
        assessments.push(current);
    }
    // One (segment, requirement) pair in ten has a capability of its own, newer than the
    // general one.
    for (i, r) in requirements.iter().enumerate() {
        for s in 0..segments.len() {
            if rng.gen_bool(0.1) {
                assessments.push(AssessmentSpec {
                    requirement: i,
                    segment: Some(s),
                    current_value: r.target.map(|t| measured(&mut rng, t, r.direction)),
                    fulfilment: r.target.is_none().then(|| round(rng.gen_range(0.2..1.0), 2)),
                    assessed_on: day(&mut rng, 200),
                });
            }
        }
    }
    Catalogue {
        spec: spec.clone(),
        segments,
        requirements,
        assessments,
    }
}

/// A measured value somewhere between half and 130 % of the target's fulfilment.
fn measured(rng: &mut StdRng, target: f64, direction: Option<&str>) -> f64 {
    let ratio: f64 = rng.gen_range(0.5..1.3);
    match direction {
        Some("lower_is_better") => round(target / ratio, 1),
        _ => round((target * ratio).min(if target > 90.0 { 100.0 } else { 5.0 }), 2),
    }
}

/// SplitMix64: a per-(segment, requirement) value from the seed without a table.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The category a segment's answers about a requirement follow.
fn segment_category(seed: u64, segment: usize, requirement: &RequirementSpec, index: usize) -> KanoCategory {
    let truth = KanoCategory::from_letter(requirement.true_category).unwrap_or(KanoCategory::I);
    let h = mix(seed ^ mix(((segment as u64) << 32) | index as u64));
    if (h % 1000) as f64 >= SEGMENT_DEVIATION * 1000.0 {
        return truth;
    }
    pick_category(((h >> 32) % 100) as u32)
}

fn one_of(rng: &mut StdRng, answers: &[Answer]) -> Answer {
    answers[rng.gen_range(0..answers.len())]
}

const MIDDLE: [Answer; 3] = [Answer::MustBe, Answer::Neutral, Answer::LiveWith];

/// An answer pair that the evaluation table maps to `category`, with the usual variety.
fn pair_for(rng: &mut StdRng, category: KanoCategory) -> (Answer, Answer) {
    use Answer::*;
    match category {
        KanoCategory::A => (
            Like,
            one_of(rng, &[MustBe, Neutral, Neutral, Neutral, LiveWith, LiveWith]),
        ),
        KanoCategory::O => (Like, Dislike),
        KanoCategory::M => (
            one_of(rng, &[MustBe, MustBe, Neutral, Neutral, Neutral, LiveWith]),
            Dislike,
        ),
        KanoCategory::I => (one_of(rng, &MIDDLE), one_of(rng, &[MustBe, Neutral, Neutral, LiveWith])),
        KanoCategory::R => {
            if rng.gen_bool(0.5) {
                (Dislike, one_of(rng, &[Like, MustBe, Neutral, LiveWith]))
            } else {
                (one_of(rng, &MIDDLE), Like)
            }
        }
        KanoCategory::Q => {
            if rng.gen_bool(0.5) {
                (Like, Like)
            } else {
                (Dislike, Dislike)
            }
        }
    }
}

/// Noise: mostly indifference, some of every other category, a few contradictions.
fn noise(rng: &mut StdRng) -> (Answer, Answer) {
    let category = match rng.gen_range(0..100u32) {
        0..=54 => KanoCategory::I,
        55..=69 => KanoCategory::A,
        70..=81 => KanoCategory::O,
        82..=93 => KanoCategory::M,
        94..=97 => KanoCategory::R,
        _ => KanoCategory::Q,
    };
    pair_for(rng, category)
}

/// `n` answer pairs with the data set's mix of categories and noise (for the in-core
/// benchmark of the Kano engine).
pub fn sample_pairs(seed: u64, n: usize) -> Vec<(Answer, Answer)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let category = pick_category(rng.gen_range(0..100));
            if rng.gen_bool(0.75) {
                pair_for(&mut rng, category)
            } else {
                noise(&mut rng)
            }
        })
        .collect()
}

/// Importance 1-5 that follows the category (basic needs matter most); sometimes left blank.
fn importance(rng: &mut StdRng, category: KanoCategory) -> Option<u8> {
    if rng.gen_bool(0.15) {
        return None;
    }
    let base: i32 = match category {
        KanoCategory::M => 5,
        KanoCategory::O => 4,
        KanoCategory::A => 3,
        KanoCategory::I => 2,
        KanoCategory::R | KanoCategory::Q => 1,
    };
    Some((base + rng.gen_range(-1..=1)).clamp(1, 5) as u8)
}

/// Writes the answers in the long CSV format, one questionnaire (respondent) after another:
/// respondent `i` belongs to segment `i mod segments` and answers up to 50 distinct
/// requirements. Returns how many respondents there were.
pub fn write_responses<W: Write>(catalogue: &Catalogue, out: W) -> std::io::Result<u64> {
    let spec = &catalogue.spec;
    let mut out = BufWriter::with_capacity(1 << 16, out);
    writeln!(
        out,
        "respondent,segment,requirement,functional,dysfunctional,importance"
    )?;
    if spec.segments == 0 || spec.requirements == 0 {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(mix(spec.seed));
    let per = QUESTIONS_PER_RESPONDENT.min(spec.requirements) as u64;
    let mut left = spec.responses;
    let mut respondent: u64 = 0;
    while left > 0 {
        let segment = (respondent % spec.segments as u64) as usize;
        let n = per.min(left) as usize;
        let name = &catalogue.segments[segment].name;
        for index in rand::seq::index::sample(&mut rng, spec.requirements, n).into_iter() {
            let requirement = &catalogue.requirements[index];
            let category = segment_category(spec.seed, segment, requirement, index);
            let (functional, dysfunctional) = if rng.gen_bool(requirement.clarity) {
                pair_for(&mut rng, category)
            } else {
                noise(&mut rng)
            };
            write!(
                out,
                "resp-{:07},{},{},{},{},",
                respondent + 1,
                name,
                requirement.key,
                functional.as_str(),
                dysfunctional.as_str()
            )?;
            match importance(&mut rng, category) {
                Some(v) => writeln!(out, "{v}")?,
                None => writeln!(out)?,
            }
        }
        left -= n as u64;
        respondent += 1;
    }
    out.flush()?;
    Ok(respondent)
}

/// Puts the catalogue into the database through the ordinary db functions, in one
/// transaction.
pub fn load_catalogue(db: &Db, catalogue: &Catalogue) -> Result<(), AppError> {
    let mut conn = db.get()?;
    write_transaction(&mut conn, |c| {
        let areas: Vec<i32> = service_areas::list(c, Page { limit: 500, offset: 0 })?
            .0
            .into_iter()
            .map(|a| a.id)
            .collect();
        if areas.is_empty() {
            return Err(AppError::internal("no service areas: the migrations seed them"));
        }
        let mut segment_ids = Vec::with_capacity(catalogue.segments.len());
        for s in &catalogue.segments {
            let row = segments::insert(
                c,
                &NewSegment {
                    name: s.name.clone(),
                    description: Some(format!("Benchmark segment {}", s.name)),
                    headcount: Some(s.headcount),
                    weight: s.weight,
                    ambassador: None,
                },
            )?;
            segment_ids.push(row.id);
        }
        let mut requirement_ids = Vec::with_capacity(catalogue.requirements.len());
        for r in &catalogue.requirements {
            let row = requirements::insert(
                c,
                &NewRequirement {
                    key: r.key.clone(),
                    title: r.title.clone(),
                    description: None,
                    service_area_id: areas[r.service_area % areas.len()],
                    metric: r.metric.map(str::to_owned),
                    unit: r.unit.map(str::to_owned),
                    direction: r.direction.map(str::to_owned),
                    target: r.target,
                },
            )?;
            requirement_ids.push(row.id);
        }
        for a in &catalogue.assessments {
            assessments::insert(
                c,
                &NewAssessment {
                    requirement_id: requirement_ids[a.requirement],
                    segment_id: a.segment.map(|s| segment_ids[s]),
                    current_value: a.current_value,
                    fulfilment: a.fulfilment,
                    assessed_on: a.assessed_on,
                    assessor: Some("bench-data".to_owned()),
                    note: None,
                },
            )?;
        }
        Ok(())
    })
}

/// Writes `catalogue.json`, `responses.csv` and a fresh `kanogap.db` into `out`.
pub fn run(spec: &Spec, out: &Path) -> Result<Written, String> {
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let catalogue = catalogue(spec);
    let catalogue_json = out.join("catalogue.json");
    let file = std::fs::File::create(&catalogue_json)
        .map_err(|e| format!("cannot write {}: {e}", catalogue_json.display()))?;
    let mut writer = BufWriter::new(file);
    serde_json::to_writer(&mut writer, &catalogue)
        .map_err(|e| e.to_string())
        .and_then(|()| writer.flush().map_err(|e| e.to_string()))
        .map_err(|e| format!("cannot write {}: {e}", catalogue_json.display()))?;

    let responses_csv = out.join("responses.csv");
    let file =
        std::fs::File::create(&responses_csv).map_err(|e| format!("cannot write {}: {e}", responses_csv.display()))?;
    let respondents =
        write_responses(&catalogue, file).map_err(|e| format!("cannot write {}: {e}", responses_csv.display()))?;

    let database = out.join("kanogap.db");
    for suffix in ["", "-wal", "-shm"] {
        let path = PathBuf::from(format!("{}{suffix}", database.display()));
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
        }
    }
    let db = Db::connect(&format!("sqlite://{}", database.display()), 1)?;
    load_catalogue(&db, &catalogue).map_err(|e| e.to_string())?;
    Ok(Written {
        responses_csv,
        catalogue_json,
        database,
        respondents,
        assessments: catalogue.assessments.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::kano::evaluate;

    fn spec() -> Spec {
        Spec {
            segments: 3,
            requirements: 12,
            responses: 700,
            seed: DEFAULT_SEED,
        }
    }

    #[test]
    fn answer_pairs_fall_in_the_category_they_are_drawn_for() {
        let mut rng = StdRng::seed_from_u64(1);
        for category in KanoCategory::ALL {
            for _ in 0..200 {
                let (f, d) = pair_for(&mut rng, category);
                assert_eq!(evaluate(f, d), category);
            }
        }
    }

    #[test]
    fn responses_have_the_requested_count_and_no_repeated_answer() {
        let catalogue = catalogue(&spec());
        let mut bytes = Vec::new();
        let respondents = write_responses(&catalogue, &mut bytes).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(rows.len(), 700);
        assert_eq!(respondents, 700_u64.div_ceil(12));
        let mut seen = std::collections::HashSet::new();
        for row in rows {
            let cells: Vec<&str> = row.split(',').collect();
            assert_eq!(cells.len(), 6);
            assert!(seen.insert((cells[0], cells[1], cells[2])), "{row}");
            assert!(Answer::parse(cells[3]).is_some() && Answer::parse(cells[4]).is_some());
        }
    }

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        let write = |spec: &Spec| {
            let mut bytes = Vec::new();
            write_responses(&catalogue(spec), &mut bytes).unwrap();
            bytes
        };
        assert_eq!(write(&spec()), write(&spec()));
        assert_ne!(write(&spec()), write(&Spec { seed: 7, ..spec() }));
    }
}
