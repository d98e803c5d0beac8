//! A service improvement plan as a one-page document (Markdown or HTML): the plan, its changes
//! with owners, due dates, resources and policy changes, progress, and the sign-offs.

use serde::Serialize;

use super::templates::Templates;
use crate::domain::improvement::PlanStatus;
use crate::error::AppError;

pub fn status_label(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "Draft",
        PlanStatus::InReview => "In review: awaiting sign-off",
        PlanStatus::Agreed => "Agreed",
        PlanStatus::Closed => "Closed",
    }
}

#[derive(Serialize)]
struct Document<'a, T: Serialize> {
    plan: &'a T,
    status_label: &'static str,
    overdue: usize,
    generated_on: String,
}

fn document<T: Serialize>(plan: &T, status: PlanStatus, overdue: usize) -> Document<'_, T> {
    Document {
        plan,
        status_label: status_label(status),
        overdue,
        generated_on: chrono::Utc::now().date_naive().to_string(),
    }
}

/// `plan` is the plan as the API shows it (`PlanView`); `overdue` how many of its changes are.
pub fn markdown<T: Serialize>(
    templates: &Templates,
    plan: &T,
    status: PlanStatus,
    overdue: usize,
) -> Result<String, AppError> {
    templates.text("improvement_plan", &document(plan, status, overdue))
}

pub fn html<T: Serialize>(
    templates: &Templates,
    plan: &T,
    status: PlanStatus,
    overdue: usize,
) -> Result<String, AppError> {
    templates.html("improvement_plan", &document(plan, status, overdue))
}
