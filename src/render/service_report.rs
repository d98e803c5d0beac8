//! The monthly service report as people read it: CSV for spreadsheets, Markdown for a mail,
//! and a standalone HTML page that prints well, each target with its trend chart.

use chrono::Datelike;
use serde::Serialize;

use super::attainment_chart::{self, Scale};
use super::gap_report::safe;
use super::templates::Templates;
use crate::domain::business_time::Period;
use crate::domain::sla::amount;
use crate::error::AppError;
use crate::service::service_levels::{ReportItem, ReportSummary, ServiceReport};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn month_label(p: Period) -> String {
    MONTHS[(p.month() as usize).saturating_sub(1) % 12].to_owned()
}

/// "March 2026".
pub fn month_name(p: Period) -> String {
    let d = p.first_day();
    format!("{} {}", d.format("%B"), d.year())
}

pub fn measure_name(measure: &str) -> &'static str {
    match measure {
        "first_response" => "first response",
        "resolution" => "resolution",
        _ => "reported",
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "met" => "met",
        "breached" => "breached",
        _ => "no data",
    }
}

fn share(v: Option<f64>) -> String {
    v.map(|v| format!("{:.1} %", v * 100.0))
        .unwrap_or_else(|| "–".to_owned())
}

fn value(v: Option<f64>, unit: Option<&str>) -> String {
    v.map(|v| amount(v, unit)).unwrap_or_else(|| "–".to_owned())
}

#[derive(Serialize)]
struct ItemDoc {
    key: String,
    title: String,
    segment: String,
    measure: &'static str,
    limit: String,
    goal: String,
    counted: String,
    met: String,
    pending: String,
    result: String,
    median: String,
    p90: String,
    status: String,
    status_label: &'static str,
    chart: String,
}

#[derive(Serialize)]
struct ReportDoc<'a> {
    title: String,
    month: String,
    period: String,
    scope: String,
    generated_at: &'a str,
    summary: &'a ReportSummary,
    items: Vec<ItemDoc>,
}

fn item_doc(report: &ServiceReport, i: &ReportItem) -> ItemDoc {
    let unit = i.unit.as_deref();
    let reported = i.measure == "reported";
    let mut months: Vec<String> = i.trend_periods.iter().map(|p| month_label(*p)).collect();
    months.push(month_label(report.period));
    let mut values = i.trend.clone();
    values.push(if reported { i.value } else { i.attainment });
    let title = format!("{} · {}", i.requirement.key, measure_name(&i.measure));
    let chart = if reported {
        attainment_chart::render(&title, &months, &values, Some(i.limit), "limit", Scale::Value)
    } else {
        attainment_chart::render(&title, &months, &values, i.goal, "goal", Scale::Share)
    };
    let count = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_else(|| "–".to_owned());
    let status = serde_json::to_value(i.status)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    ItemDoc {
        key: i.requirement.key.clone(),
        title: i.requirement.title.clone(),
        segment: i
            .segment
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_else(|| "all segments".to_owned()),
        measure: measure_name(&i.measure),
        limit: amount(i.limit, unit),
        goal: i
            .goal
            .map(|g| format!("{:.0} %", g * 100.0))
            .unwrap_or_else(|| "–".to_owned()),
        counted: count(i.counted),
        met: count(i.met),
        pending: count(i.pending),
        result: if reported {
            value(i.value, unit)
        } else {
            share(i.attainment)
        },
        median: value(i.median, unit),
        p90: value(i.p90, unit),
        status_label: status_label(&status),
        status,
        chart,
    }
}

fn doc(report: &ServiceReport) -> ReportDoc<'_> {
    let scope = report
        .segment
        .as_ref()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "All segments".to_owned());
    ReportDoc {
        title: format!("Service report {}", month_name(report.period)),
        month: month_name(report.period),
        period: report.period.to_string(),
        scope,
        generated_at: &report.generated_at,
        summary: &report.summary,
        items: report.items.iter().map(|i| item_doc(report, i)).collect(),
    }
}

pub fn markdown(templates: &Templates, report: &ServiceReport) -> Result<String, AppError> {
    templates.text("service_report", &doc(report))
}

pub fn html(templates: &Templates, report: &ServiceReport) -> Result<String, AppError> {
    templates.html("service_report", &doc(report))
}

/// The report body (summary, table and charts) for embedding in a page.
pub fn html_body(templates: &Templates, report: &ServiceReport) -> Result<String, AppError> {
    templates.html("service_report_body", &doc(report))
}

/// One line per target; text cells a spreadsheet would run as a formula are quoted.
pub fn csv(report: &ServiceReport) -> Result<String, AppError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| AppError::internal(format!("writing CSV: {e}"));
    let mut header = vec![
        "period",
        "target_id",
        "requirement_key",
        "requirement_title",
        "segment",
        "measure",
        "limit",
        "unit",
        "goal",
        "counted",
        "met",
        "pending",
        "attainment",
        "value",
        "median",
        "p90",
        "status",
    ];
    let trend_names: Vec<String> = (1..=crate::service::service_levels::TREND_MONTHS)
        .rev()
        .map(|k| format!("trend_minus_{k}"))
        .collect();
    header.extend(trend_names.iter().map(String::as_str));
    w.write_record(&header).map_err(err)?;
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let count = |v: Option<u64>| v.map(|v| v.to_string()).unwrap_or_default();
    for i in &report.items {
        let status = serde_json::to_value(i.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut record = vec![
            report.period.to_string(),
            i.target_id.to_string(),
            safe(&i.requirement.key),
            safe(&i.requirement.title),
            safe(i.segment.as_ref().map(|s| s.name.as_str()).unwrap_or("")),
            i.measure.clone(),
            i.limit.to_string(),
            safe(i.unit.as_deref().unwrap_or("")),
            opt(i.goal),
            count(i.counted),
            count(i.met),
            count(i.pending),
            opt(i.attainment),
            opt(i.value),
            opt(i.median),
            opt(i.p90),
            status,
        ];
        record.extend(i.trend.iter().map(|v| opt(*v)));
        w.write_record(&record).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| AppError::internal(e.to_string()))
}
