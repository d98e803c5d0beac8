//! Satisfaction survey pages: the surveys with the scorecard chart (and, for facilitators, a
//! form to create one), and a survey's results with its distribution, interval, segments,
//! comments (staff) and the answer upload.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use serde::{Deserialize, Serialize};

use super::forms::{self, FormState};
use super::paging::EVERY;
use super::{done, frame, may, render_status, signed_in, PageResult};
use crate::access::ManageSurveys;
use crate::auth::Caller;
use crate::db::satisfaction::{Survey, SurveyFilter};
use crate::db::segments::Segment;
use crate::domain::satisfaction::ScorecardItem;
use crate::domain::terms::SurveyKind;
use crate::error::AppError;
use crate::import::layout::RowError;
use crate::render::bar_chart::{self, Bar};
use crate::render::voc_charts;
use crate::service;
use crate::service::satisfaction::{self, CreateSurvey, ResultsView};
use crate::state::AppState;

#[derive(Serialize)]
struct SurveysPage {
    surveys: Vec<Survey>,
    scorecard: Vec<ScorecardItem>,
    scorecard_chart: String,
    annual_improvement_pts: f64,
    segments: Vec<Segment>,
    kinds: Vec<&'static str>,
    can_manage: bool,
    form: FormState,
}

async fn surveys_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    form: FormState,
    status: StatusCode,
) -> PageResult {
    let surveys = satisfaction::list(state, caller, SurveyFilter::default(), EVERY)
        .await?
        .items;
    let card = satisfaction::scorecard_for(state, caller, None).await?;
    let labels: Vec<String> = card
        .items
        .iter()
        .map(|i| {
            surveys
                .iter()
                .find(|s| s.id == i.survey_id)
                .map(|s| s.title.clone())
                .unwrap_or_else(|| i.closed_on.to_string())
        })
        .collect();
    let chart = voc_charts::scorecard("Satisfied or very satisfied, per overall survey", &card.items, &labels);
    let data = SurveysPage {
        surveys,
        scorecard_chart: chart,
        scorecard: card.items,
        annual_improvement_pts: card.annual_improvement_pts,
        segments: service::segments::list(state, caller, EVERY).await?.items,
        kinds: satisfaction::kinds(),
        can_manage: may::<ManageSurveys>(caller),
        form,
    };
    render_status(
        state,
        status,
        "surveys",
        &frame(req, caller, "Satisfaction surveys"),
        &data,
    )
}

/// `GET /surveys`
pub async fn surveys(req: HttpRequest, caller: Option<Caller>, state: web::Data<AppState>) -> PageResult {
    let caller = signed_in(caller)?;
    let today = chrono::Utc::now().date_naive().to_string();
    let form = FormState::new([
        ("opened_on", today),
        ("scale_max", "5".to_owned()),
        ("kind", "transaction".to_owned()),
    ]);
    surveys_page(&req, &caller, &state, form, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct SurveyForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    scale_max: String,
    #[serde(default)]
    opened_on: String,
    #[serde(default)]
    closed_on: String,
    #[serde(default)]
    segment_ids: Vec<String>,
}

/// `POST /surveys`: a facilitator creates a survey.
pub async fn create(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> PageResult {
    let (caller, f) = forms::accept::<SurveyForm, ManageSurveys>(&req, caller, &body)?;
    let mut form = FormState::new([
        ("title", f.title.clone()),
        ("kind", f.kind.clone()),
        ("scale_max", f.scale_max.clone()),
        ("opened_on", f.opened_on.clone()),
        ("closed_on", f.closed_on.clone()),
    ]);
    let kind = SurveyKind::parse(f.kind.trim());
    if kind.is_none() {
        form.add("kind", "choose transaction or overall");
    }
    let scale_max = forms::number::<i32>(&mut form, "scale_max", &f.scale_max);
    let date = |form: &mut FormState, field: &str, text: &str| match text.trim() {
        "" => None,
        t => match chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                form.add(field, "a date, YYYY-MM-DD");
                None
            }
        },
    };
    let opened_on = date(&mut form, "opened_on", &f.opened_on);
    if opened_on.is_none() {
        form.add("opened_on", "a date, YYYY-MM-DD");
    }
    let closed_on = date(&mut form, "closed_on", &f.closed_on);
    let segment_ids: Vec<i32> = f.segment_ids.iter().filter_map(|s| s.trim().parse().ok()).collect();
    if let (true, Some(kind), Some(opened_on)) = (form.ok(), kind, opened_on) {
        let input = CreateSurvey {
            title: f.title.clone(),
            kind,
            scale_max,
            opened_on,
            closed_on,
            segment_ids: Some(segment_ids),
        };
        if let Some(s) = form.outcome(satisfaction::create(&state, &caller, input).await)? {
            return Ok(done(&format!("/surveys/{}", s.id), "Survey created"));
        }
    }
    surveys_page(&req, &caller, &state, form, StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Serialize)]
struct DistributionRow {
    score: u8,
    count: u64,
}

#[derive(Serialize)]
struct SurveyPage {
    survey: Survey,
    results: ResultsView,
    distribution: Vec<DistributionRow>,
    distribution_chart: String,
    segments_chart: String,
    can_manage: bool,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct ResultsQuery {
    segment_id: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn survey_page(
    req: &HttpRequest,
    caller: &Caller,
    state: &AppState,
    id: i32,
    segment_id: Option<i32>,
    imported: Option<u64>,
    rows: Vec<RowError>,
    error: Option<String>,
    status: StatusCode,
) -> PageResult {
    let survey = satisfaction::get(state, caller, id).await?;
    let results = satisfaction::results(state, caller, id, segment_id).await?;
    let n = results.results.n.max(1) as f64;
    let distribution: Vec<DistributionRow> = results
        .results
        .distribution
        .iter()
        .map(|(score, count)| DistributionRow {
            score: *score,
            count: *count,
        })
        .collect();
    let distribution_chart = bar_chart::render(
        "Answers per score",
        &distribution
            .iter()
            .rev()
            .map(|d| Bar {
                label: format!("score {}", d.score),
                value: d.count as f64 / n,
                note: format!("{} ({:.0} %)", d.count, 100.0 * d.count as f64 / n),
            })
            .collect::<Vec<_>>(),
    );
    let segments_chart = bar_chart::render(
        "Satisfied per segment (95 % CI in the note)",
        &results
            .by_segment
            .iter()
            .filter_map(|s| {
                let pct = s.satisfied_pct?;
                let ci = s.ci95.unwrap_or([pct, pct]);
                Some(Bar {
                    label: s.segment.name.clone(),
                    value: pct / 100.0,
                    note: format!("{pct:.0} % of {} ({:.0}–{:.0} %)", s.n, ci[0], ci[1]),
                })
            })
            .collect::<Vec<_>>(),
    );
    let data = SurveyPage {
        survey,
        results,
        distribution,
        distribution_chart,
        segments_chart,
        can_manage: may::<ManageSurveys>(caller),
        imported,
        rows,
        error,
    };
    let title = data.survey.title.clone();
    render_status(state, status, "survey", &frame(req, caller, title), &data)
}

/// `GET /surveys/{id}?segment_id=`
pub async fn survey(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    q: web::Query<ResultsQuery>,
) -> PageResult {
    let caller = signed_in(caller)?;
    let segment_id = q.segment_id.as_deref().and_then(|s| s.trim().parse().ok());
    survey_page(
        &req,
        &caller,
        &state,
        id.into_inner(),
        segment_id,
        None,
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /surveys/{id}/answers`: a CSV file of answers (multipart), all or nothing.
pub async fn upload_answers(
    req: HttpRequest,
    caller: Option<Caller>,
    state: web::Data<AppState>,
    id: web::Path<i32>,
    parts: Multipart,
) -> PageResult {
    let caller = signed_in(caller)?;
    super::allowed::<ManageSurveys>(&caller)?;
    let id = id.into_inner();
    let file = forms::upload(&req, parts, state.csv_limit_bytes).await?.file;
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let Some(file) = file else {
        let error = Some("Choose a CSV file.".to_owned());
        return survey_page(&req, &caller, &state, id, None, None, Vec::new(), error, unprocessable).await;
    };
    match satisfaction::import_csv(&state, &caller, id, file).await {
        Ok(summary) => {
            let notice = format!("{} answers imported", summary.imported);
            Ok(done(&format!("/surveys/{id}"), &notice))
        }
        Err(AppError::RowsInvalid { rows, total }) => {
            let error = Some(format!("{total} problem(s) in the file; nothing was imported."));
            survey_page(&req, &caller, &state, id, None, None, rows, error, unprocessable).await
        }
        Err(e @ AppError::Invalid { .. }) => {
            let error = Some(e.to_string());
            survey_page(&req, &caller, &state, id, None, None, Vec::new(), error, unprocessable).await
        }
        Err(e) => Err(e.into()),
    }
}
