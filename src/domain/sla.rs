//! Drafting service level agreements from what a segment told us, and the life of a draft.
//!
//! A segment's basic needs become **commitments** (binding: missing them is what drives
//! dissatisfaction), its satisfiers **service level targets** (current → target: more is better),
//! its delighters **objectives** (non-binding: worth exploring). Indifferent and reverse
//! requirements stay out. A requirement without a metric becomes a written commitment without
//! numbers.

use serde::Serialize;

use super::kano::KanoCategory;
use super::terms::Direction;

/// Sections of an SLA, in document order: (id, title, editable). Document control and sign-off
/// are rendered from the draft's state each time, so they never go stale.
pub const SECTIONS: [(&str, &str, bool); 11] = [
    ("document_control", "Document control", false),
    ("service_description", "Service description", true),
    ("service_hours", "Service hours and support", true),
    ("commitments", "Commitments", true),
    ("service_levels", "Service level targets", true),
    ("objectives", "Objectives", true),
    ("responsibilities", "Responsibilities", true),
    ("measurement", "Measurement and reporting", true),
    ("complaints", "Complaints and escalation", true),
    ("review", "Review schedule", true),
    ("sign_off", "Sign-off", false),
];

pub fn section(id: &str) -> Option<(&'static str, &'static str, bool)> {
    SECTIONS.iter().copied().find(|(s, _, _)| *s == id)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SlaStatus {
    Draft,
    InReview,
    Agreed,
}

impl SlaStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SlaStatus::Draft => "draft",
            SlaStatus::InReview => "in_review",
            SlaStatus::Agreed => "agreed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SlaStatus::Draft, SlaStatus::InReview, SlaStatus::Agreed]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlaAction {
    Edit,
    Submit,
    Approve,
    Reject,
    SignOff,
}

/// The status after `action`, or why it is not allowed now. Agreed versions are frozen: a
/// change needs a new version.
pub fn transition(status: SlaStatus, action: SlaAction) -> Result<SlaStatus, &'static str> {
    use SlaAction::*;
    use SlaStatus::*;
    match (status, action) {
        (Draft, Edit) => Ok(Draft),
        (Draft, Submit) => Ok(InReview),
        (InReview, Approve) => Ok(Agreed),
        (InReview, Reject) => Ok(Draft),
        (InReview | Agreed, SignOff) => Ok(status),
        (Agreed, _) => Err("an agreed version is frozen; create a new version to change it"),
        (Draft, _) => Err("the draft must be submitted for review first"),
        (InReview, _) => Err("the version is in review; approve or reject it first"),
    }
}

/// What the drafting needs to know of one classified requirement of the segment.
#[derive(Clone, Debug)]
pub struct SlaRequirement {
    pub key: String,
    pub title: String,
    pub service_area: String,
    pub category: KanoCategory,
    pub importance: Option<f64>,
    pub metric: Option<String>,
    pub unit: Option<String>,
    pub direction: Option<Direction>,
    pub target: Option<f64>,
    pub current_value: Option<f64>,
    pub fulfilment: Option<f64>,
}

/// One line of the agreement.
#[derive(Clone, Debug, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Term {
    pub key: String,
    pub title: String,
    pub service_area: String,
    pub measurable: bool,
    pub metric: Option<String>,
    /// "at most 5 min", "at least 95 %"; None when not measurable.
    pub target: Option<String>,
    /// "22 min", or a fulfilment level "60 % fulfilled"; None when not assessed.
    pub current: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SlaTerms {
    pub commitments: Vec<Term>,
    pub service_levels: Vec<Term>,
    pub objectives: Vec<Term>,
    /// The service areas the terms touch, sorted.
    pub service_areas: Vec<String>,
}

/// A value with its unit, without needless decimals: "5 min", "99.50 %".
pub fn amount(value: f64, unit: Option<&str>) -> String {
    let number = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}")
    };
    match unit {
        Some(u) if !u.is_empty() => format!("{number} {u}"),
        _ => number,
    }
}

/// "at most 5 min" / "at least 95 %", or None without a target and direction.
pub fn target_text(target: Option<f64>, direction: Option<Direction>, unit: Option<&str>) -> Option<String> {
    match (target, direction) {
        (Some(t), Some(Direction::LowerIsBetter)) => Some(format!("at most {}", amount(t, unit))),
        (Some(t), Some(Direction::HigherIsBetter)) => Some(format!("at least {}", amount(t, unit))),
        _ => None,
    }
}

fn term(r: &SlaRequirement) -> Term {
    let measurable = r.metric.is_some() && r.target.is_some() && r.direction.is_some();
    let target = target_text(r.target, r.direction, r.unit.as_deref()).filter(|_| measurable);
    let current = match (r.current_value, r.fulfilment) {
        (Some(v), _) => Some(amount(v, r.unit.as_deref())),
        (None, Some(f)) => Some(format!("{:.0} % fulfilled", f * 100.0)),
        (None, None) => None,
    };
    Term {
        key: r.key.clone(),
        title: r.title.clone(),
        service_area: r.service_area.clone(),
        measurable,
        metric: r.metric.clone().filter(|_| measurable),
        target,
        current,
    }
}

/// Sorts the segment's classified requirements into the agreement's three kinds of terms, most
/// important first (then by key, so drafts are reproducible).
pub fn draft_terms(requirements: &[SlaRequirement]) -> SlaTerms {
    let mut sorted: Vec<&SlaRequirement> = requirements.iter().collect();
    sorted.sort_by(|a, b| {
        b.importance
            .unwrap_or(0.0)
            .total_cmp(&a.importance.unwrap_or(0.0))
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut terms = SlaTerms::default();
    for r in sorted {
        let list = match r.category {
            KanoCategory::M => &mut terms.commitments,
            KanoCategory::O => &mut terms.service_levels,
            KanoCategory::A => &mut terms.objectives,
            _ => continue,
        };
        list.push(term(r));
        if !terms.service_areas.contains(&r.service_area) {
            terms.service_areas.push(r.service_area.clone());
        }
    }
    terms.service_areas.sort();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: &str, category: KanoCategory, importance: f64) -> SlaRequirement {
        SlaRequirement {
            key: key.into(),
            title: format!("Title {key}"),
            service_area: "Helpdesk support".into(),
            category,
            importance: Some(importance),
            metric: None,
            unit: None,
            direction: None,
            target: None,
            current_value: None,
            fulfilment: None,
        }
    }

    #[test]
    fn categories_become_the_three_kinds_of_terms() {
        let mut callback = req("HD-CALLBACK", KanoCategory::M, 4.0);
        callback.metric = Some("minutes to first call-back".into());
        callback.unit = Some("min".into());
        callback.direction = Some(Direction::LowerIsBetter);
        callback.target = Some(5.0);
        callback.current_value = Some(22.0);
        let mut uptime = req("OPS-UPTIME", KanoCategory::O, 3.0);
        uptime.metric = Some("availability".into());
        uptime.unit = Some("%".into());
        uptime.direction = Some(Direction::HigherIsBetter);
        uptime.target = Some(99.5);
        let mut training = req("TR-VIDEO", KanoCategory::A, 2.0);
        training.service_area = "Training".into();
        training.fulfilment = Some(0.25);
        let terms = draft_terms(&[
            training,
            uptime,
            callback,
            req("UR-NOISE", KanoCategory::I, 5.0),
            req("SEC-30DAYS", KanoCategory::R, 5.0),
            req("HD-NAMED", KanoCategory::M, 5.0),
        ]);
        let keys = |v: &Vec<Term>| v.iter().map(|t| t.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(&terms.commitments),
            vec!["HD-NAMED", "HD-CALLBACK"],
            "most important first"
        );
        assert_eq!(keys(&terms.service_levels), vec!["OPS-UPTIME"]);
        assert_eq!(keys(&terms.objectives), vec!["TR-VIDEO"]);
        assert_eq!(terms.service_areas, vec!["Helpdesk support", "Training"]);
        let callback = &terms.commitments[1];
        assert!(callback.measurable);
        assert_eq!(callback.target.as_deref(), Some("at most 5 min"));
        assert_eq!(callback.current.as_deref(), Some("22 min"));
        assert_eq!(terms.service_levels[0].target.as_deref(), Some("at least 99.50 %"));
        assert_eq!(terms.service_levels[0].current, None, "not assessed");
        let named = &terms.commitments[0];
        assert!(!named.measurable, "no metric: a written commitment without numbers");
        assert_eq!((named.target.clone(), named.metric.clone()), (None, None));
        assert_eq!(terms.objectives[0].current.as_deref(), Some("25 % fulfilled"));
    }

    #[test]
    fn lifecycle() {
        use SlaAction::*;
        use SlaStatus::*;
        assert_eq!(transition(Draft, Edit), Ok(Draft));
        assert_eq!(transition(Draft, Submit), Ok(InReview));
        assert_eq!(transition(InReview, Reject), Ok(Draft));
        assert_eq!(transition(InReview, Approve), Ok(Agreed));
        assert_eq!(transition(InReview, SignOff), Ok(InReview));
        assert_eq!(transition(Agreed, SignOff), Ok(Agreed));
        for action in [Edit, Submit, Approve, Reject] {
            assert!(transition(Agreed, action).is_err(), "{action:?} on agreed");
        }
        for action in [Approve, Reject, SignOff] {
            assert!(transition(Draft, action).is_err(), "{action:?} on draft");
        }
        for action in [Edit, Submit] {
            assert!(transition(InReview, action).is_err(), "{action:?} in review");
        }
    }

    #[test]
    fn sections_are_known() {
        assert_eq!(SECTIONS.len(), 11);
        assert_eq!(section("commitments"), Some(("commitments", "Commitments", true)));
        assert_eq!(section("document_control").map(|s| s.2), Some(false));
        assert_eq!(section("nope"), None);
        assert_eq!(SlaStatus::parse("in_review"), Some(SlaStatus::InReview));
    }
}
