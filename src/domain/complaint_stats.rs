//! Complaints (DOMAIN.md, "Complaints"; issue 13): their life cycle open → acknowledged →
//! resolved (and reopened back to acknowledged), and the two headline metrics, how many and how
//! fast, per group.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::stats::{median_p90, MedianP90};

/// Where a complaint is in its life cycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ComplaintStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl ComplaintStatus {
    pub const ALL: [ComplaintStatus; 3] = [
        ComplaintStatus::Open,
        ComplaintStatus::Acknowledged,
        ComplaintStatus::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ComplaintStatus::Open => "open",
            ComplaintStatus::Acknowledged => "acknowledged",
            ComplaintStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A step of the life cycle. Acknowledge and resolve may be back-dated (`at`) for a complaint
/// logged after the fact; a reopen happens now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplaintStep {
    Acknowledge { at: Option<DateTime<Utc>> },
    Resolve { at: Option<DateTime<Utc>> },
    Reopen,
}

impl ComplaintStep {
    pub fn name(self) -> &'static str {
        match self {
            ComplaintStep::Acknowledge { .. } => "acknowledge",
            ComplaintStep::Resolve { .. } => "resolve",
            ComplaintStep::Reopen => "reopen",
        }
    }
}

/// The times of a complaint that the life cycle checks and sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintState {
    pub status: ComplaintStatus,
    pub received_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// The current resolution; cleared by a reopen.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The latest reopen, if any.
    pub reopened_at: Option<DateTime<Utc>>,
}

impl ComplaintState {
    /// A complaint just received.
    pub fn received(received_at: DateTime<Utc>) -> Self {
        ComplaintState {
            status: ComplaintStatus::Open,
            received_at,
            acknowledged_at: None,
            resolved_at: None,
            reopened_at: None,
        }
    }

    /// When the complaint last moved: the latest of received, acknowledged, resolved, reopened.
    pub fn last_step_at(&self) -> DateTime<Utc> {
        [self.acknowledged_at, self.resolved_at, self.reopened_at]
            .into_iter()
            .flatten()
            .fold(self.received_at, DateTime::max)
    }
}

/// Why a step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    /// The step does not follow from the status (HTTP 409).
    #[error("a complaint that is {} cannot be {}", .status.as_str(), past(.step))]
    OutOfOrder {
        status: ComplaintStatus,
        step: &'static str,
    },
    /// A back-dated `at` after now (HTTP 422 on `at`).
    #[error("must not be in the future")]
    InFuture,
    /// A back-dated `at` before the previous step (HTTP 422 on `at`).
    #[error("must not be before the previous step ({previous})")]
    BeforePrevious { previous: DateTime<Utc> },
}

fn past(step: &str) -> &'static str {
    match step {
        "acknowledge" => "acknowledged",
        "resolve" => "resolved",
        _ => "reopened",
    }
}

/// The state after `step` at `now`, or why not: acknowledge only an open complaint, resolve
/// only an acknowledged one, reopen only a resolved one (back to acknowledged, keeping its
/// acknowledgement). A back-dated `at` must not be after `now` nor before the previous step.
pub fn apply(state: &ComplaintState, step: ComplaintStep, now: DateTime<Utc>) -> Result<ComplaintState, StepError> {
    use ComplaintStatus::*;
    let out_of_order = || StepError::OutOfOrder {
        status: state.status,
        step: step.name(),
    };
    let when = |at: Option<DateTime<Utc>>| -> Result<DateTime<Utc>, StepError> {
        let at = at.unwrap_or(now);
        let previous = state.last_step_at();
        if at > now {
            Err(StepError::InFuture)
        } else if at < previous {
            Err(StepError::BeforePrevious { previous })
        } else {
            Ok(at)
        }
    };
    let mut next = *state;
    match (state.status, step) {
        (Open, ComplaintStep::Acknowledge { at }) => {
            next.status = Acknowledged;
            next.acknowledged_at = Some(when(at)?);
        }
        (Acknowledged, ComplaintStep::Resolve { at }) => {
            next.status = Resolved;
            next.resolved_at = Some(when(at)?);
        }
        (Resolved, ComplaintStep::Reopen) => {
            // A reopen happens now; `now` before the resolution would be a clock problem, so
            // the reopen is stamped no earlier than the resolution.
            next.status = Acknowledged;
            next.reopened_at = Some(now.max(state.last_step_at()));
            next.resolved_at = None;
        }
        _ => return Err(out_of_order()),
    }
    Ok(next)
}

/// One complaint as the statistics need it; `key` is its group (a `YYYY-MM` month, a category,
/// segment or service-area name), chosen by the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintRecord {
    pub key: String,
    pub received_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// None while not resolved (also after a reopen).
    pub resolved_at: Option<DateTime<Utc>>,
}

/// How many complaints a group received and how fast they were handled.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ComplaintGroup {
    pub key: String,
    pub received: u64,
    /// Not resolved.
    pub open: u64,
    pub resolved: u64,
    /// Wall-clock hours from received to acknowledged, over those acknowledged.
    pub ack_hours: MedianP90,
    /// Wall-clock hours from received to resolved, over those resolved.
    pub resolve_hours: MedianP90,
}

/// Wall-clock hours from `from` to `to` (fractional, millisecond precision).
pub fn hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_milliseconds() as f64 / 3_600_000.0
}

/// The groups of `records`, sorted by key; a group exists only when it received complaints.
/// Median averages the two middle values; p90 by nearest rank; both null when no complaint of
/// the group reached that step.
pub fn complaint_stats(records: &[ComplaintRecord]) -> Vec<ComplaintGroup> {
    #[derive(Default)]
    struct Acc {
        received: u64,
        resolved: u64,
        ack: Vec<f64>,
        resolve: Vec<f64>,
    }
    let mut groups: BTreeMap<&str, Acc> = BTreeMap::new();
    for r in records {
        let acc = groups.entry(r.key.as_str()).or_default();
        acc.received += 1;
        if let Some(at) = r.acknowledged_at {
            acc.ack.push(hours_between(r.received_at, at));
        }
        if let Some(at) = r.resolved_at {
            acc.resolved += 1;
            acc.resolve.push(hours_between(r.received_at, at));
        }
    }
    groups
        .into_iter()
        .map(|(key, mut acc)| ComplaintGroup {
            key: key.to_owned(),
            received: acc.received,
            open: acc.received - acc.resolved,
            resolved: acc.resolved,
            ack_hours: median_p90(&mut acc.ack),
            resolve_hours: median_p90(&mut acc.resolve),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(d: u32, h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).single().unwrap_or_default()
    }

    fn record(
        key: &str,
        received: DateTime<Utc>,
        ack: Option<DateTime<Utc>>,
        res: Option<DateTime<Utc>>,
    ) -> ComplaintRecord {
        ComplaintRecord {
            key: key.to_owned(),
            received_at: received,
            acknowledged_at: ack,
            resolved_at: res,
        }
    }

    #[test]
    fn stats_empty() {
        assert!(complaint_stats(&[]).is_empty());
    }

    #[test]
    fn stats_per_group_hand_computed() {
        let records = vec![
            // "phone": received 09:00 on the 2nd.
            // ack after 1 h, resolved after 26 h.
            record("phone", t(2, 9, 0), Some(t(2, 10, 0)), Some(t(3, 11, 0))),
            // ack after 0.5 h, resolved after 4 h.
            record("phone", t(2, 9, 0), Some(t(2, 9, 30)), Some(t(2, 13, 0))),
            // ack after 3 h, not resolved.
            record("phone", t(2, 9, 0), Some(t(2, 12, 0)), None),
            // not acknowledged yet.
            record("phone", t(2, 9, 0), None, None),
            // "email": one complaint, nothing done.
            record("email", t(5, 8, 0), None, None),
            // "web": ack after 2 h and 6 h, resolved after 10 h and 30 h.
            record("web", t(6, 0, 0), Some(t(6, 2, 0)), Some(t(6, 10, 0))),
            record("web", t(6, 0, 0), Some(t(6, 6, 0)), Some(t(7, 6, 0))),
        ];
        let groups = complaint_stats(&records);
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, vec!["email", "phone", "web"], "sorted by key");

        let email = &groups[0];
        assert_eq!((email.received, email.open, email.resolved), (1, 1, 0));
        assert_eq!(email.ack_hours, MedianP90::default());
        assert_eq!(email.resolve_hours, MedianP90::default());

        // phone: ack hours 1, 0.5, 3 → sorted 0.5 1 3: median 1; p90 rank ⌈2.7⌉ = 3 → 3.
        // resolve hours 26, 4 → median (4 + 26)/2 = 15; p90 rank ⌈1.8⌉ = 2 → 26.
        let phone = &groups[1];
        assert_eq!((phone.received, phone.open, phone.resolved), (4, 2, 2));
        assert_eq!(
            phone.ack_hours,
            MedianP90 {
                median: Some(1.0),
                p90: Some(3.0)
            }
        );
        assert_eq!(
            phone.resolve_hours,
            MedianP90 {
                median: Some(15.0),
                p90: Some(26.0)
            }
        );

        // web: ack 2, 6 → median 4, p90 6; resolve 10, 30 → median 20, p90 30.
        let web = &groups[2];
        assert_eq!((web.received, web.open, web.resolved), (2, 0, 2));
        assert_eq!(web.ack_hours.median, Some(4.0));
        assert_eq!(web.ack_hours.p90, Some(6.0));
        assert_eq!(web.resolve_hours.median, Some(20.0));
        assert_eq!(web.resolve_hours.p90, Some(30.0));

        let json = serde_json::to_value(&groups[0]).unwrap_or_default();
        assert_eq!(json["ack_hours"]["median"], serde_json::Value::Null);
        assert_eq!(json["resolve_hours"]["p90"], serde_json::Value::Null);
    }

    #[test]
    fn stats_fractional_hours() {
        // 90 minutes = 1.5 h; 20 minutes = 0.333… h.
        assert_eq!(hours_between(t(1, 8, 0), t(1, 9, 30)), 1.5);
        let g = complaint_stats(&[record("2026-03", t(1, 8, 0), Some(t(1, 8, 20)), None)]);
        assert!(g[0].ack_hours.median.is_some_and(|h| (h - 1.0 / 3.0).abs() < 1e-12));
    }

    #[test]
    fn life_cycle_in_order() {
        let now = t(10, 12, 0);
        let s = ComplaintState::received(t(1, 9, 0));
        assert_eq!(s.status, ComplaintStatus::Open);

        let s = apply(&s, ComplaintStep::Acknowledge { at: None }, now);
        let s = s.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.status, ComplaintStatus::Acknowledged);
        assert_eq!(s.acknowledged_at, Some(now));

        let later = t(11, 8, 0);
        let s = apply(&s, ComplaintStep::Resolve { at: None }, later).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.status, ComplaintStatus::Resolved);
        assert_eq!(s.resolved_at, Some(later));

        let reopen = t(12, 8, 0);
        let s = apply(&s, ComplaintStep::Reopen, reopen).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.status, ComplaintStatus::Acknowledged);
        assert_eq!(s.resolved_at, None);
        assert_eq!(s.acknowledged_at, Some(now), "the acknowledgement is kept");
        assert_eq!(s.reopened_at, Some(reopen));

        // Resolving again may not be back-dated before the reopen.
        let err = apply(&s, ComplaintStep::Resolve { at: Some(t(12, 7, 0)) }, t(13, 0, 0));
        assert_eq!(err, Err(StepError::BeforePrevious { previous: reopen }));
        let s = apply(&s, ComplaintStep::Resolve { at: Some(t(12, 9, 0)) }, t(13, 0, 0));
        assert_eq!(
            s.map(|s| (s.status, s.resolved_at)),
            Ok((ComplaintStatus::Resolved, Some(t(12, 9, 0))))
        );
    }

    #[test]
    fn life_cycle_out_of_order() {
        let now = t(10, 12, 0);
        let open = ComplaintState::received(t(1, 9, 0));
        let err = apply(&open, ComplaintStep::Resolve { at: None }, now);
        assert_eq!(
            err,
            Err(StepError::OutOfOrder {
                status: ComplaintStatus::Open,
                step: "resolve"
            })
        );
        assert_eq!(
            err.map_err(|e| e.to_string()),
            Err("a complaint that is open cannot be resolved".to_owned())
        );
        assert!(matches!(
            apply(&open, ComplaintStep::Reopen, now),
            Err(StepError::OutOfOrder { .. })
        ));

        let acked = apply(&open, ComplaintStep::Acknowledge { at: None }, now).unwrap_or(open);
        assert!(matches!(
            apply(&acked, ComplaintStep::Acknowledge { at: None }, now),
            Err(StepError::OutOfOrder {
                status: ComplaintStatus::Acknowledged,
                ..
            })
        ));
        assert!(matches!(
            apply(&acked, ComplaintStep::Reopen, now),
            Err(StepError::OutOfOrder { .. })
        ));

        let resolved = apply(&acked, ComplaintStep::Resolve { at: None }, now).unwrap_or(acked);
        assert_eq!(resolved.status, ComplaintStatus::Resolved);
        for step in [
            ComplaintStep::Acknowledge { at: None },
            ComplaintStep::Resolve { at: None },
        ] {
            assert!(matches!(apply(&resolved, step, now), Err(StepError::OutOfOrder { .. })));
        }
    }

    #[test]
    fn back_dating() {
        let received = t(1, 9, 0);
        let now = t(10, 12, 0);
        let open = ComplaintState::received(received);
        // In the future.
        assert_eq!(
            apply(&open, ComplaintStep::Acknowledge { at: Some(t(10, 12, 1)) }, now),
            Err(StepError::InFuture)
        );
        // Before it was received.
        assert_eq!(
            apply(&open, ComplaintStep::Acknowledge { at: Some(t(1, 8, 59)) }, now),
            Err(StepError::BeforePrevious { previous: received })
        );
        // Exactly at receipt and exactly now are both fine.
        assert!(apply(&open, ComplaintStep::Acknowledge { at: Some(received) }, now).is_ok());
        assert!(apply(&open, ComplaintStep::Acknowledge { at: Some(now) }, now).is_ok());

        let acked = apply(&open, ComplaintStep::Acknowledge { at: Some(t(2, 9, 0)) }, now).unwrap_or(open);
        assert_eq!(acked.acknowledged_at, Some(t(2, 9, 0)));
        // Resolution before the acknowledgement.
        assert_eq!(
            apply(&acked, ComplaintStep::Resolve { at: Some(t(2, 8, 0)) }, now),
            Err(StepError::BeforePrevious { previous: t(2, 9, 0) })
        );
        assert_eq!(
            apply(&acked, ComplaintStep::Resolve { at: Some(t(3, 9, 0)) }, now).map(|s| s.resolved_at),
            Ok(Some(t(3, 9, 0)))
        );
        assert_eq!(StepError::InFuture.to_string(), "must not be in the future");
    }

    #[test]
    fn status_words() {
        for s in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ComplaintStatus::parse("closed"), None);
        assert_eq!(
            serde_json::to_string(&ComplaintStatus::Acknowledged).ok().as_deref(),
            Some("\"acknowledged\"")
        );
    }
}
