//! The improvement loop (DOMAIN.md, "Monitoring and improvement"): service improvement plans
//! signed off by the users, fishbone root-cause analyses and Condition-of-Satisfaction
//! commitments (COScom), as rules over plain values.
//!
//! A plan lives like an SLA draft: `draft` → submit (at least one change) → `in_review` → each
//! named segment's stakeholders sign off and leadership approves → `agreed` → close → `closed`.
//! From submission on, the plan's scope (which changes, and their titles) is frozen; progress
//! (a change's status and `done_on`) and the details of how a change is delivered (owner, due
//! date, resources, policy change, description, links) stay editable until the plan is closed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::terms::word_enum;

/// The most changes a plan holds; the next one is refused with `too_many_changes`.
pub const MAX_CHANGES: usize = 8;
/// Below this many changes a plan shows [`SIZE_HINT`].
pub const SUGGESTED_MIN_CHANGES: usize = 6;
pub const SIZE_HINT: &str = "a plan has six to eight changes";

/// Why a step is refused, and how the edge should answer it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A step out of order, or a frozen part of the plan: 409 `invalid_state`.
    Conflict(String),
    /// A rule one input breaks: 422 `validation_failed` naming `field`.
    Invalid { field: &'static str, message: String },
    /// The ninth change: 422 `too_many_changes`.
    TooManyChanges,
    /// The caller has no part in this step (a stakeholder of none of the plan's segments): 403.
    Forbidden(String),
}

impl Refusal {
    /// The stable error code (`ErrorCode` in `src/error.rs`; `too_many_changes` is new there).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Conflict(_) => "invalid_state",
            Refusal::Invalid { .. } => "validation_failed",
            Refusal::TooManyChanges => "too_many_changes",
            Refusal::Forbidden(_) => "forbidden",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Refusal::Conflict(m) | Refusal::Forbidden(m) => m.clone(),
            Refusal::Invalid { field, message } => format!("{field}: {message}"),
            Refusal::TooManyChanges => format!("a plan has at most {MAX_CHANGES} changes"),
        }
    }

    fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Refusal::Invalid {
            field,
            message: message.into(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Improvement plans

word_enum!(
    /// Where an improvement plan is in its life.
    PlanStatus {
        Draft = "draft",
        InReview = "in_review",
        Agreed = "agreed",
        Closed = "closed",
    }
);

word_enum!(
    /// Where one change of a plan is.
    ChangeStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanAction {
    /// The plan's own fields: title, summary, segments.
    Edit,
    Submit,
    SignOff,
    Approve,
    /// Back to draft for changes; the caller discards the sign-offs given so far.
    Reject,
    Close,
}

/// The status after `action`, or why it is not allowed now. [`submit`], [`sign_off`] and
/// [`approve`] add the rules that need more than the status.
pub fn transition(status: PlanStatus, action: PlanAction) -> Result<PlanStatus, &'static str> {
    use PlanAction::*;
    use PlanStatus::*;
    match (status, action) {
        (Draft, Edit) => Ok(Draft),
        (Draft, Submit) => Ok(InReview),
        (InReview, SignOff) => Ok(InReview),
        (InReview, Approve) => Ok(Agreed),
        (InReview, Reject) => Ok(Draft),
        (Agreed, Close) => Ok(Closed),
        (Closed, _) => Err("the plan is closed"),
        (Agreed, _) => Err("the plan is agreed: its scope is frozen and it can only be closed"),
        (Draft, _) => Err("the draft must be submitted for review first"),
        (InReview, _) => Err("the plan is in review; approve or reject it first"),
    }
}

fn step(status: PlanStatus, action: PlanAction) -> Result<PlanStatus, Refusal> {
    transition(status, action).map_err(|m| Refusal::Conflict(m.into()))
}

/// Submits a draft for review; it needs at least one change.
pub fn submit(status: PlanStatus, change_count: usize) -> Result<PlanStatus, Refusal> {
    let next = step(status, PlanAction::Submit)?;
    if change_count == 0 {
        return Err(Refusal::invalid(
            "changes",
            "a plan needs at least one change before it is submitted",
        ));
    }
    Ok(next)
}

/// The plan's segments that have not signed off yet, in the plan's order.
pub fn awaiting_sign_off(plan_segments: &[i32], signed: &[i32]) -> Vec<i32> {
    let mut out: Vec<i32> = plan_segments.iter().copied().filter(|s| !signed.contains(s)).collect();
    out.dedup();
    out
}

/// A stakeholder signs off a plan in review for every one of their segments the plan names;
/// answers those segments (record each with who and when). Signing twice is a conflict.
pub fn sign_off(
    status: PlanStatus,
    plan_segments: &[i32],
    signer_segments: &[i32],
    signed: &[i32],
) -> Result<Vec<i32>, Refusal> {
    step(status, PlanAction::SignOff)?;
    let theirs: Vec<i32> = plan_segments
        .iter()
        .copied()
        .filter(|s| signer_segments.contains(s))
        .collect();
    if theirs.is_empty() {
        return Err(Refusal::Forbidden(
            "only stakeholders of the plan's segments sign it off".into(),
        ));
    }
    let new = awaiting_sign_off(&theirs, signed);
    if new.is_empty() {
        return Err(Refusal::Conflict(
            "your segments have already signed off this plan".into(),
        ));
    }
    Ok(new)
}

/// Leadership approves a plan in review once every named segment has signed off.
pub fn approve(status: PlanStatus, plan_segments: &[i32], signed: &[i32]) -> Result<PlanStatus, Refusal> {
    let next = step(status, PlanAction::Approve)?;
    let waiting = awaiting_sign_off(plan_segments, signed);
    if !waiting.is_empty() {
        let ids: Vec<String> = waiting.iter().map(i32::to_string).collect();
        return Err(Refusal::Conflict(format!(
            "awaiting sign-off by the stakeholders of segment(s) {}",
            ids.join(", ")
        )));
    }
    Ok(next)
}

/// What an edit does to a plan's changes. The caller classifies a PATCH by what it actually
/// changes (a title sent unchanged is not a retitle).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeEdit {
    Add,
    Remove,
    Retitle,
    /// Description, owner, due date, resources, policy change, links.
    Details,
    /// Status and `done_on`.
    Progress,
}

/// Whether `edit` is allowed while the plan is `status`: scope (adding, removing, retitling)
/// only in draft; details and progress until the plan is closed.
pub fn check_change_edit(status: PlanStatus, edit: ChangeEdit) -> Result<(), Refusal> {
    use ChangeEdit::*;
    use PlanStatus::*;
    let refused = match (status, edit) {
        (Closed, _) => "the plan is closed",
        (Draft, _) | (InReview | Agreed, Details | Progress) => return Ok(()),
        (InReview, _) => "the plan is in review: reject it back to draft to add, remove or retitle changes",
        (Agreed, _) => "the plan is agreed: its scope is frozen (no changes added, removed or retitled)",
    };
    Err(Refusal::Conflict(refused.into()))
}

/// Whether one more change may be added to a plan that has `existing` changes.
pub fn check_add_change(status: PlanStatus, existing: usize) -> Result<(), Refusal> {
    check_change_edit(status, ChangeEdit::Add)?;
    if existing >= MAX_CHANGES {
        return Err(Refusal::TooManyChanges);
    }
    Ok(())
}

/// The hint a plan and its list show while it has fewer than six changes.
pub fn size_hint(change_count: usize) -> Option<&'static str> {
    (change_count < SUGGESTED_MIN_CHANGES).then_some(SIZE_HINT)
}

/// A change's status and completion date together: a done change needs `done_on`, not in the
/// future; any other status has none (the caller clears a stored date when a change leaves
/// `done`).
pub fn check_change_status(status: ChangeStatus, done_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), Refusal> {
    match (status, done_on) {
        (ChangeStatus::Done, None) => Err(Refusal::invalid("done_on", "a done change needs the date it was done")),
        (ChangeStatus::Done, Some(d)) if d > today => Err(Refusal::invalid("done_on", "cannot be in the future")),
        (ChangeStatus::Done, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(Refusal::invalid("done_on", "only a done change has a done_on date")),
    }
}

/// What progress needs to know of one change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeState {
    pub id: i32,
    pub status: ChangeStatus,
    pub due_on: NaiveDate,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub done: usize,
    /// Dropped changes are decided, not late; they count in `total`.
    pub dropped: usize,
    pub total: usize,
    /// Ids of the changes due before today and neither done nor dropped, in the given order.
    pub overdue: Vec<i32>,
}

pub fn progress(changes: &[ChangeState], today: NaiveDate) -> Progress {
    let count = |s: ChangeStatus| changes.iter().filter(|c| c.status == s).count();
    Progress {
        done: count(ChangeStatus::Done),
        dropped: count(ChangeStatus::Dropped),
        total: changes.len(),
        overdue: changes
            .iter()
            .filter(|c| c.due_on < today && !matches!(c.status, ChangeStatus::Done | ChangeStatus::Dropped))
            .map(|c| c.id)
            .collect(),
    }
}

// ---------------------------------------------------------------------------------------------
// COScom checkpoints

word_enum!(
    /// How a condition of satisfaction stands at a checkpoint.
    Rating {
        OnTrack = "on_track",
        AtRisk = "at_risk",
        OffTrack = "off_track",
    }
);

/// A checkpoint rates some of the commitment's `conditions` (each at most once); an
/// `off_track` rating needs agreed actions.
pub fn check_checkpoint(conditions: &[i32], ratings: &[(i32, Rating)], actions: Option<&str>) -> Result<(), Refusal> {
    if ratings.is_empty() {
        return Err(Refusal::invalid("ratings", "rate at least one condition"));
    }
    for (i, (id, _)) in ratings.iter().enumerate() {
        if !conditions.contains(id) {
            return Err(Refusal::invalid(
                "ratings",
                format!("condition {id} is not one of this commitment's conditions"),
            ));
        }
        if ratings[..i].iter().any(|(other, _)| other == id) {
            return Err(Refusal::invalid("ratings", format!("condition {id} is rated twice")));
        }
    }
    let off_track = ratings.iter().any(|(_, r)| *r == Rating::OffTrack);
    if off_track && actions.is_none_or(|a| a.trim().is_empty()) {
        return Err(Refusal::invalid(
            "actions",
            "an off-track condition needs the actions agreed to bring it back",
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Fishbone (Ishikawa) category sets

/// The category set of a root-cause analysis. Its words are the method's names: `6M`, `4S`,
/// `8P`, `custom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum CategorySet {
    #[serde(rename = "6M")]
    SixM,
    #[serde(rename = "4S")]
    FourS,
    #[serde(rename = "8P")]
    EightP,
    #[serde(rename = "custom")]
    Custom,
}

pub const SIX_M: [&str; 6] = [
    "People",
    "Methods",
    "Machines",
    "Materials",
    "Measurements",
    "Environment",
];
pub const FOUR_S: [&str; 4] = ["Surroundings", "Suppliers", "Systems", "Skills"];
pub const EIGHT_P: [&str; 8] = [
    "Product",
    "Price",
    "Place",
    "Promotion",
    "People",
    "Process",
    "Physical evidence",
    "Productivity",
];
pub const MAX_CUSTOM_CATEGORIES: usize = 12;

impl CategorySet {
    pub const ALL: &'static [CategorySet] = &[
        CategorySet::SixM,
        CategorySet::FourS,
        CategorySet::EightP,
        CategorySet::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CategorySet::SixM => "6M",
            CategorySet::FourS => "4S",
            CategorySet::EightP => "8P",
            CategorySet::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }

    /// The set's category names; none for `custom`.
    pub fn names(self) -> &'static [&'static str] {
        match self {
            CategorySet::SixM => &SIX_M,
            CategorySet::FourS => &FOUR_S,
            CategorySet::EightP => &EIGHT_P,
            CategorySet::Custom => &[],
        }
    }
}

impl std::fmt::Display for CategorySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The analysis's categories: the set's names, or the custom list (1 to 12 unique, non-blank
/// names, trimmed; unique ignoring case). A named set takes no list of its own, but one equal
/// to its names is accepted (a client echoing what it read).
pub fn categories(set: CategorySet, custom: Option<&[String]>) -> Result<Vec<String>, Refusal> {
    if set != CategorySet::Custom {
        let names: Vec<String> = set.names().iter().map(|n| (*n).to_owned()).collect();
        return match custom {
            Some(given) if given != names.as_slice() => Err(Refusal::invalid(
                "categories",
                format!(
                    "only a custom set takes its own categories; {set} has {}",
                    names.join(", ")
                ),
            )),
            _ => Ok(names),
        };
    }
    let given = custom.unwrap_or(&[]);
    if given.is_empty() || given.len() > MAX_CUSTOM_CATEGORIES {
        return Err(Refusal::invalid(
            "categories",
            format!("a custom set has 1 to {MAX_CUSTOM_CATEGORIES} categories"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(given.len());
    for name in given {
        let name = name.trim();
        if name.is_empty() {
            return Err(Refusal::invalid("categories", "a category needs a name"));
        }
        if out.iter().any(|n| n.to_lowercase() == name.to_lowercase()) {
            return Err(Refusal::invalid("categories", format!("\"{name}\" is named twice")));
        }
        out.push(name.to_owned());
    }
    Ok(out)
}

/// A cause belongs to one of the analysis's categories; a sub-cause to its parent's.
pub fn check_cause(categories: &[String], category: &str, parent_category: Option<&str>) -> Result<(), Refusal> {
    if !categories.iter().any(|c| c == category) {
        return Err(Refusal::invalid(
            "category",
            format!("must be one of the analysis's categories: {}", categories.join(", ")),
        ));
    }
    match parent_category {
        Some(p) if p != category => Err(Refusal::invalid(
            "category",
            format!("a sub-cause belongs to its parent's category ({p})"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn plan_lifecycle() {
        use PlanAction::*;
        use PlanStatus::*;
        assert_eq!(transition(Draft, Edit), Ok(Draft));
        assert_eq!(transition(Draft, Submit), Ok(InReview));
        assert_eq!(transition(InReview, SignOff), Ok(InReview));
        assert_eq!(transition(InReview, Reject), Ok(Draft));
        assert_eq!(transition(InReview, Approve), Ok(Agreed));
        assert_eq!(transition(Agreed, Close), Ok(Closed));
        for action in [SignOff, Approve, Reject, Close] {
            assert!(transition(Draft, action).is_err(), "{action:?} on draft");
        }
        for action in [Edit, Submit, Close] {
            assert!(transition(InReview, action).is_err(), "{action:?} in review");
        }
        for action in [Edit, Submit, SignOff, Approve, Reject] {
            assert!(transition(Agreed, action).is_err(), "{action:?} on agreed");
        }
        for action in [Edit, Submit, SignOff, Approve, Reject, Close] {
            assert!(transition(Closed, action).is_err(), "{action:?} on closed");
        }
    }

    #[test]
    fn submit_needs_a_change() {
        let err = submit(PlanStatus::Draft, 0).unwrap_err();
        assert_eq!(
            (err.code(), err.message().starts_with("changes:")),
            ("validation_failed", true)
        );
        assert_eq!(submit(PlanStatus::Draft, 1), Ok(PlanStatus::InReview));
        assert_eq!(submit(PlanStatus::Agreed, 3).unwrap_err().code(), "invalid_state");
    }

    #[test]
    fn sign_offs_then_approval() {
        use PlanStatus::*;
        let plan = [1, 2];
        assert_eq!(sign_off(InReview, &plan, &[2, 7], &[]), Ok(vec![2]));
        assert_eq!(
            sign_off(InReview, &plan, &[1, 2], &[2]),
            Ok(vec![1]),
            "only what is left"
        );
        assert_eq!(
            sign_off(InReview, &plan, &[2], &[2]).unwrap_err().code(),
            "invalid_state"
        );
        assert_eq!(sign_off(InReview, &plan, &[9], &[]).unwrap_err().code(), "forbidden");
        assert_eq!(sign_off(Draft, &plan, &[1], &[]).unwrap_err().code(), "invalid_state");
        assert_eq!(sign_off(Agreed, &plan, &[1], &[]).unwrap_err().code(), "invalid_state");

        let waiting = approve(InReview, &plan, &[2]).unwrap_err();
        assert_eq!(waiting.code(), "invalid_state");
        assert!(waiting.message().contains("segment(s) 1"), "{}", waiting.message());
        assert_eq!(approve(InReview, &plan, &[2, 1]), Ok(Agreed));
        assert_eq!(approve(Draft, &plan, &[1, 2]).unwrap_err().code(), "invalid_state");
        assert_eq!(awaiting_sign_off(&[3, 1, 2], &[1]), vec![3, 2]);
    }

    #[test]
    fn scope_is_frozen_once_submitted() {
        use ChangeEdit::*;
        use PlanStatus::*;
        for edit in [Add, Remove, Retitle, Details, Progress] {
            assert_eq!(check_change_edit(Draft, edit), Ok(()), "{edit:?} in draft");
            assert!(check_change_edit(Closed, edit).is_err(), "{edit:?} when closed");
        }
        for status in [InReview, Agreed] {
            for edit in [Add, Remove, Retitle] {
                let err = check_change_edit(status, edit).unwrap_err();
                assert_eq!(err.code(), "invalid_state", "{edit:?} when {status}");
            }
            assert_eq!(check_change_edit(status, Progress), Ok(()));
            assert_eq!(check_change_edit(status, Details), Ok(()));
        }
    }

    #[test]
    fn at_most_eight_changes_and_a_hint_below_six() {
        for existing in 0..MAX_CHANGES {
            assert_eq!(check_add_change(PlanStatus::Draft, existing), Ok(()));
        }
        let ninth = check_add_change(PlanStatus::Draft, 8).unwrap_err();
        assert_eq!(
            (ninth.code(), ninth.message()),
            ("too_many_changes", "a plan has at most 8 changes".into())
        );
        assert_eq!(
            check_add_change(PlanStatus::Agreed, 3).unwrap_err().code(),
            "invalid_state"
        );
        assert_eq!(size_hint(0), Some("a plan has six to eight changes"));
        assert_eq!(size_hint(5), Some(SIZE_HINT));
        assert_eq!(size_hint(6), None);
        assert_eq!(size_hint(8), None);
    }

    #[test]
    fn done_needs_a_past_done_on() {
        let today = day("2025-03-10");
        assert_eq!(check_change_status(ChangeStatus::Done, Some(today), today), Ok(()));
        assert_eq!(
            check_change_status(ChangeStatus::Done, Some(day("2025-01-02")), today),
            Ok(())
        );
        for (status, done_on) in [
            (ChangeStatus::Done, None),
            (ChangeStatus::Done, Some(day("2025-03-11"))),
            (ChangeStatus::Planned, Some(day("2025-03-01"))),
        ] {
            match check_change_status(status, done_on, today) {
                Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "done_on"),
                other => panic!("{status} {done_on:?}: {other:?}"),
            }
        }
        for status in [ChangeStatus::Planned, ChangeStatus::InProgress, ChangeStatus::Dropped] {
            assert_eq!(check_change_status(status, None, today), Ok(()));
        }
    }

    #[test]
    fn progress_counts_and_overdue() {
        let today = day("2025-03-10");
        let change = |id, status, due| ChangeState {
            id,
            status,
            due_on: day(due),
        };
        let p = progress(
            &[
                change(1, ChangeStatus::Done, "2025-01-01"),
                change(2, ChangeStatus::InProgress, "2025-03-09"),
                change(3, ChangeStatus::Planned, "2025-03-10"),
                change(4, ChangeStatus::Dropped, "2025-01-01"),
                change(5, ChangeStatus::Planned, "2024-12-31"),
                change(6, ChangeStatus::Planned, "2025-06-30"),
            ],
            today,
        );
        assert_eq!(
            p,
            Progress {
                done: 1,
                dropped: 1,
                total: 6,
                overdue: vec![2, 5],
            },
            "due today is not overdue; done and dropped never are"
        );
        assert_eq!(progress(&[], today), Progress::default());
        assert_eq!(
            serde_json::to_value(&p).unwrap(),
            serde_json::json!({"done": 1, "dropped": 1, "total": 6, "overdue": [2, 5]})
        );
    }

    #[test]
    fn off_track_needs_actions() {
        let conditions = [10, 11];
        let off = [(10, Rating::OnTrack), (11, Rating::OffTrack)];
        for actions in [None, Some(""), Some("  \n")] {
            match check_checkpoint(&conditions, &off, actions) {
                Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "actions"),
                other => panic!("{actions:?}: {other:?}"),
            }
        }
        assert_eq!(
            check_checkpoint(&conditions, &off, Some("Weekly call with the ambassador")),
            Ok(())
        );
        assert_eq!(check_checkpoint(&conditions, &[(10, Rating::AtRisk)], None), Ok(()));
        for bad in [
            vec![],
            vec![(12, Rating::OnTrack)],
            vec![(10, Rating::OnTrack), (10, Rating::AtRisk)],
        ] {
            match check_checkpoint(&conditions, &bad, Some("x")) {
                Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "ratings"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn words_serialize_snake_case() {
        assert_eq!(serde_json::to_string(&PlanStatus::InReview).unwrap(), "\"in_review\"");
        assert_eq!(
            serde_json::to_string(&ChangeStatus::InProgress).unwrap(),
            "\"in_progress\""
        );
        assert_eq!(serde_json::to_string(&Rating::OffTrack).unwrap(), "\"off_track\"");
        let r: Rating = serde_json::from_str("\"at_risk\"").unwrap();
        assert_eq!(r, Rating::AtRisk);
        assert_eq!(PlanStatus::parse("closed"), Some(PlanStatus::Closed));
        assert_eq!(ChangeStatus::parse("Done"), None);
        for set in CategorySet::ALL {
            let json = serde_json::to_string(set).unwrap();
            assert_eq!(json, format!("\"{}\"", set.as_str()));
            assert_eq!(serde_json::from_str::<CategorySet>(&json).unwrap(), *set);
            assert_eq!(CategorySet::parse(set.as_str()), Some(*set));
        }
        assert_eq!(CategorySet::parse("6m"), None);
    }

    #[test]
    fn category_sets() {
        let names = |set| categories(set, None).unwrap();
        assert_eq!(names(CategorySet::SixM), SIX_M.to_vec());
        assert_eq!(
            names(CategorySet::FourS),
            vec!["Surroundings", "Suppliers", "Systems", "Skills"]
        );
        assert_eq!(names(CategorySet::EightP).len(), 8);
        assert_eq!(names(CategorySet::EightP)[6], "Physical evidence");
        let echoed: Vec<String> = FOUR_S.iter().map(|s| s.to_string()).collect();
        assert_eq!(categories(CategorySet::FourS, Some(&echoed)), Ok(echoed.clone()));
        assert!(categories(CategorySet::SixM, Some(&echoed)).is_err());

        let list = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            categories(CategorySet::Custom, Some(&list(&[" Tools ", "Handover"]))),
            Ok(list(&["Tools", "Handover"]))
        );
        let twelve: Vec<String> = (1..=12).map(|i| format!("C{i}")).collect();
        assert_eq!(categories(CategorySet::Custom, Some(&twelve)).map(|c| c.len()), Ok(12));
        let thirteen: Vec<String> = (1..=13).map(|i| format!("C{i}")).collect();
        for bad in [
            None,
            Some(list(&[])),
            Some(thirteen),
            Some(list(&["Tools", " "])),
            Some(list(&["Tools", "tools"])),
        ] {
            match categories(CategorySet::Custom, bad.as_deref()) {
                Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "categories"),
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_cause_is_in_a_category_of_the_analysis() {
        let cats = categories(CategorySet::FourS, None).unwrap();
        assert_eq!(check_cause(&cats, "Systems", None), Ok(()));
        assert_eq!(check_cause(&cats, "Systems", Some("Systems")), Ok(()));
        for (category, parent) in [("Machines", None), ("systems", None), ("Skills", Some("Systems"))] {
            match check_cause(&cats, category, parent) {
                Err(Refusal::Invalid { field, .. }) => assert_eq!(field, "category"),
                other => panic!("{category}: {other:?}"),
            }
        }
    }
}
