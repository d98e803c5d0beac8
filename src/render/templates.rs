//! Handlebars templates, built into the binary from `templates/` so it runs from anywhere, in
//! strict mode: a missing variable is an error, never a silent blank. HTML templates escape
//! what they print; Markdown and text templates print as is (with the `md` helper for table
//! cells).

use std::sync::OnceLock;

use handlebars::{handlebars_helper, Handlebars};
use serde::Serialize;

use crate::error::AppError;

const HTML: &[(&str, &str)] = &[
    (
        "gap_report",
        include_str!("../../templates/reports/gap_report.html.hbs"),
    ),
    (
        "value_proposition",
        include_str!("../../templates/reports/value_proposition.html.hbs"),
    ),
    ("sla", include_str!("../../templates/sla/sla.html.hbs")),
    ("improvement_plan", include_str!("../../templates/plans/plan.html.hbs")),
    (
        "service_report",
        include_str!("../../templates/reports/service_report.html.hbs"),
    ),
    (
        "service_report_body",
        include_str!("../../templates/reports/service_report_body.html.hbs"),
    ),
    ("login", include_str!("../../templates/pages/login.html.hbs")),
    ("sessions", include_str!("../../templates/pages/sessions.html.hbs")),
    ("session", include_str!("../../templates/pages/session.html.hbs")),
    ("import", include_str!("../../templates/pages/import.html.hbs")),
    ("kano", include_str!("../../templates/pages/kano.html.hbs")),
    (
        "kano_lifecycle",
        include_str!("../../templates/pages/kano_lifecycle.html.hbs"),
    ),
    (
        "kano_contested",
        include_str!("../../templates/pages/kano_contested.html.hbs"),
    ),
    ("gap_trend", include_str!("../../templates/pages/gap_trend.html.hbs")),
    (
        "value_proposition_page",
        include_str!("../../templates/pages/value_proposition.html.hbs"),
    ),
    ("dashboard", include_str!("../../templates/pages/dashboard.html.hbs")),
    ("sla_page", include_str!("../../templates/pages/sla.html.hbs")),
    ("admin", include_str!("../../templates/pages/admin.html.hbs")),
    (
        "requirements",
        include_str!("../../templates/pages/requirements.html.hbs"),
    ),
    ("complaints", include_str!("../../templates/pages/complaints.html.hbs")),
    (
        "complaint_stats",
        include_str!("../../templates/pages/complaint_stats.html.hbs"),
    ),
    ("surveys", include_str!("../../templates/pages/surveys.html.hbs")),
    (
        "improvement_plans",
        include_str!("../../templates/pages/improvement_plans.html.hbs"),
    ),
    (
        "improvement_plan_page",
        include_str!("../../templates/pages/improvement_plan.html.hbs"),
    ),
    ("survey", include_str!("../../templates/pages/survey.html.hbs")),
    (
        "root_causes",
        include_str!("../../templates/pages/root_causes.html.hbs"),
    ),
    ("root_cause", include_str!("../../templates/pages/root_cause.html.hbs")),
    ("coscoms", include_str!("../../templates/pages/coscoms.html.hbs")),
    ("coscom", include_str!("../../templates/pages/coscom.html.hbs")),
    ("calendars", include_str!("../../templates/pages/calendars.html.hbs")),
    (
        "service_targets",
        include_str!("../../templates/pages/service_targets.html.hbs"),
    ),
    (
        "ticket_import",
        include_str!("../../templates/pages/ticket_import.html.hbs"),
    ),
    (
        "service_report_page",
        include_str!("../../templates/pages/service_report_page.html.hbs"),
    ),
];
/// Shared pieces of the HTML templates.
const PARTIALS: &[(&str, &str)] = &[
    ("layout", include_str!("../../templates/pages/layout.html.hbs")),
    ("pager", include_str!("../../templates/pages/pager.html.hbs")),
    (
        "complaint_groups",
        include_str!("../../templates/pages/complaint_groups.html.hbs"),
    ),
    (
        "service_report_body",
        include_str!("../../templates/reports/service_report_body.html.hbs"),
    ),
    (
        "vp_body",
        include_str!("../../templates/reports/value_proposition_body.html.hbs"),
    ),
];
const TEXT: &[(&str, &str)] = &[
    ("gap_report", include_str!("../../templates/reports/gap_report.md.hbs")),
    (
        "value_proposition",
        include_str!("../../templates/reports/value_proposition.md.hbs"),
    ),
    ("sla", include_str!("../../templates/sla/sla.md.hbs")),
    ("improvement_plan", include_str!("../../templates/plans/plan.md.hbs")),
    (
        "service_report",
        include_str!("../../templates/reports/service_report.md.hbs"),
    ),
    (
        "sla.document_control",
        include_str!("../../templates/sla/document_control.md.hbs"),
    ),
    (
        "sla.service_description",
        include_str!("../../templates/sla/service_description.md.hbs"),
    ),
    (
        "sla.service_hours",
        include_str!("../../templates/sla/service_hours.md.hbs"),
    ),
    (
        "sla.commitments",
        include_str!("../../templates/sla/commitments.md.hbs"),
    ),
    (
        "sla.service_levels",
        include_str!("../../templates/sla/service_levels.md.hbs"),
    ),
    ("sla.objectives", include_str!("../../templates/sla/objectives.md.hbs")),
    (
        "sla.responsibilities",
        include_str!("../../templates/sla/responsibilities.md.hbs"),
    ),
    (
        "sla.measurement",
        include_str!("../../templates/sla/measurement.md.hbs"),
    ),
    ("sla.complaints", include_str!("../../templates/sla/complaints.md.hbs")),
    ("sla.review", include_str!("../../templates/sla/review.md.hbs")),
    ("sla.sign_off", include_str!("../../templates/sla/sign_off.md.hbs")),
];

handlebars_helper!(percent: |v: f64| format!("{:.0} %", v * 100.0));
handlebars_helper!(fixed: |v: f64| format!("{v:.2}"));
handlebars_helper!(number: |v: f64| {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v:.2}") }
});
handlebars_helper!(hours: |v: Json| match v.as_f64() {
    Some(h) => format!("{h:.1}"),
    None => "—".to_owned(),
});
handlebars_helper!(times: |v: f64, k: f64| format!("{:.2}", v * k));
handlebars_helper!(err: |errors: object, name: str| {
    errors.get(name).and_then(|v| v.as_str()).unwrap_or("").to_owned()
});
handlebars_helper!(val: |values: object, name: str| {
    match values.get(name) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
});
handlebars_helper!(contains: |list: array, item: Json| {
    let as_text = |v: &serde_json::Value| match v { serde_json::Value::String(s) => s.clone(), other => other.to_string() };
    list.iter().any(|v| as_text(v) == as_text(item))
});
handlebars_helper!(md: |s: str| s.replace('|', "\\|").replace(['\n', '\r'], " "));

/// The two registries, each compiled on its first use: a command line that renders nothing
/// (an import, say) does not pay for compiling every template (about 50 ms). The server
/// compiles both at start ([`Templates::compile`]), so a broken template stops it there.
#[derive(Default)]
pub struct Templates {
    html: OnceLock<Result<Handlebars<'static>, String>>,
    text: OnceLock<Result<Handlebars<'static>, String>>,
}

fn registry(
    templates: &[(&str, &str)],
    partials: &[(&str, &str)],
    escape: bool,
) -> Result<Handlebars<'static>, String> {
    let mut hb = Handlebars::new();
    hb.set_strict_mode(true);
    if !escape {
        hb.register_escape_fn(handlebars::no_escape);
    }
    hb.register_helper("percent", Box::new(percent));
    hb.register_helper("fixed", Box::new(fixed));
    hb.register_helper("number", Box::new(number));
    hb.register_helper("md", Box::new(md));
    hb.register_helper("times", Box::new(times));
    hb.register_helper("hours", Box::new(hours));
    hb.register_helper("err", Box::new(err));
    hb.register_helper("val", Box::new(val));
    hb.register_helper("contains", Box::new(contains));
    for (name, source) in partials {
        hb.register_partial(name, *source)
            .map_err(|e| format!("partial {name}: {e}"))?;
    }
    for (name, source) in templates {
        hb.register_template_string(name, *source)
            .map_err(|e| format!("template {name}: {e}"))?;
    }
    Ok(hb)
}

impl Templates {
    pub fn new() -> Self {
        Templates::default()
    }

    /// Compiles both registries now (if not done yet): the first error, if any.
    pub fn compile(&self) -> Result<(), String> {
        self.html_registry()?;
        self.text_registry()?;
        Ok(())
    }

    fn html_registry(&self) -> Result<&Handlebars<'static>, String> {
        let compiled = self.html.get_or_init(|| registry(HTML, PARTIALS, true));
        compiled.as_ref().map_err(Clone::clone)
    }

    fn text_registry(&self) -> Result<&Handlebars<'static>, String> {
        let compiled = self.text.get_or_init(|| registry(TEXT, &[], false));
        compiled.as_ref().map_err(Clone::clone)
    }

    pub fn html<T: Serialize>(&self, name: &str, data: &T) -> Result<String, AppError> {
        self.html_registry()
            .map_err(AppError::internal)?
            .render(name, data)
            .map_err(|e| AppError::internal(format!("rendering {name}.html: {e}")))
    }

    pub fn text<T: Serialize>(&self, name: &str, data: &T) -> Result<String, AppError> {
        self.text_registry()
            .map_err(AppError::internal)?
            .render(name, data)
            .map_err(|e| AppError::internal(format!("rendering {name}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles() {
        Templates::new().compile().expect("the built-in templates compile");
    }

    #[test]
    fn a_broken_template_is_reported_by_name() {
        let refused = registry(&[("broken", "{{#if x}}never closed")], &[], true).err();
        assert!(
            refused.as_deref().is_some_and(|e| e.starts_with("template broken:")),
            "{refused:?}"
        );
    }
}
