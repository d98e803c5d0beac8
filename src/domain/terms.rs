//! The enumerated words of the domain (DOMAIN.md) as types, so that a value that made it past
//! the edge is known to be valid. Stored as their snake_case names.

use serde::{Deserialize, Serialize};

/// Defines a closed set of snake_case words with `as_str`, `parse` and `ALL`.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                match s { $($word => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Other domain modules define their words with the same macro.
pub(crate) use word_enum;

word_enum!(
    /// What a user may do; see the README's role table.
    Role {
        Admin = "admin",
        Leadership = "leadership",
        Facilitator = "facilitator",
        Stakeholder = "stakeholder",
    }
);

word_enum!(
    /// How the voice of the customer was heard.
    SessionKind {
        Interview = "interview",
        FocusGroup = "focus_group",
        Survey = "survey",
        Workshop = "workshop",
    }
);

word_enum!(
    /// A facilitator's Kano judgement of a requirement for a segment. In the literature:
    /// basic = must-be (M), satisfier = one-dimensional (O), delighter = attractive (A).
    FindingCategory {
        Basic = "basic",
        Satisfier = "satisfier",
        Delighter = "delighter",
        Indifferent = "indifferent",
        Reverse = "reverse",
    }
);

word_enum!(
    /// Which way a requirement's metric improves.
    Direction {
        HigherIsBetter = "higher_is_better",
        LowerIsBetter = "lower_is_better",
    }
);

word_enum!(
    /// How a complaint reached IT.
    ComplaintChannel {
        Email = "email",
        Phone = "phone",
        Web = "web",
        InPerson = "in_person",
        Other = "other",
    }
);

word_enum!(
    /// A satisfaction survey after a service encounter, or the overall (at least yearly) one
    /// the scorecard is made of.
    SurveyKind {
        Transaction = "transaction",
        Overall = "overall",
    }
);

word_enum!(
    /// What a service target measures: a ticket's business time to first response or to
    /// resolution, or a figure reported by hand each month (availability, defect rate).
    Measure {
        FirstResponse = "first_response",
        Resolution = "resolution",
        Reported = "reported",
    }
);

impl Measure {
    /// The ticket measure, or None for `reported`.
    pub fn ticket(self) -> Option<super::business_time::TicketMeasure> {
        match self {
            Measure::FirstResponse => Some(super::business_time::TicketMeasure::FirstResponse),
            Measure::Resolution => Some(super::business_time::TicketMeasure::Resolution),
            Measure::Reported => None,
        }
    }
}

/// A requirement's short unique key, e.g. `HD-CALLBACK`: `[A-Z0-9][A-Z0-9-]{1,31}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequirementKey(String);

impl RequirementKey {
    pub const RULE: &'static str = "must be 2-32 characters of A-Z, 0-9 and '-', not starting with '-'";

    pub fn parse(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        let valid = (2..=32).contains(&bytes.len())
            && bytes[0] != b'-'
            && bytes
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'-');
        valid.then(|| RequirementKey(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// Rules a requirement's measure must follow together: a target needs a direction to be
/// compared against, and a direction without a target measures nothing.
pub fn check_measure(direction: Option<Direction>, target: Option<f64>) -> Result<(), (&'static str, &'static str)> {
    match (direction, target) {
        (Some(_), None) => Err(("target", "a measurable requirement needs a target with its direction")),
        (None, Some(_)) => Err((
            "direction",
            "a target needs a direction (higher_is_better or lower_is_better)",
        )),
        (_, Some(t)) if !t.is_finite() || t < 0.0 => Err(("target", "must be a number ≥ 0")),
        _ => Ok(()),
    }
}

/// Stakeholders are scoped to one or more segments; no other role is.
pub fn check_role_segments(role: Role, segment_ids: &[i32]) -> Result<(), &'static str> {
    match (role, segment_ids.is_empty()) {
        (Role::Stakeholder, true) => Err("a stakeholder needs at least one segment"),
        (Role::Stakeholder, false) | (_, true) => Ok(()),
        (_, false) => Err("only stakeholders are scoped to segments"),
    }
}

/// A capability assessment states either a measured value or a fulfilment level, never both.
pub fn check_assessment_value(
    current_value: Option<f64>,
    fulfilment: Option<f64>,
) -> Result<(), (&'static str, &'static str)> {
    match (current_value, fulfilment) {
        (Some(_), Some(_)) | (None, None) => Err(("current_value", "give exactly one of current_value or fulfilment")),
        (Some(v), None) if !v.is_finite() || v < 0.0 => Err(("current_value", "must be a number ≥ 0")),
        (None, Some(f)) if !(0.0..=1.0).contains(&f) => Err(("fulfilment", "must be between 0 and 1")),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(SessionKind::parse("focus_group"), Some(SessionKind::FocusGroup));
        assert_eq!(FindingCategory::parse("delighter"), Some(FindingCategory::Delighter));
        assert_eq!(Role::parse("Admin"), None, "words are case-sensitive");
        assert_eq!(Direction::parse("up"), None);
    }

    #[test]
    fn serde_uses_the_same_words() {
        assert_eq!(
            serde_json::to_string(&SessionKind::FocusGroup).unwrap(),
            "\"focus_group\""
        );
        let d: Direction = serde_json::from_str("\"lower_is_better\"").unwrap();
        assert_eq!(d, Direction::LowerIsBetter);
    }

    #[test]
    fn requirement_keys() {
        for ok in ["HD-CALLBACK", "A1", "0-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"] {
            assert!(RequirementKey::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "A",
            "-AB",
            "hd-callback",
            "HD_CALLBACK",
            "HD CALLBACK",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456",
            "ÄB",
        ] {
            assert!(RequirementKey::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn role_segment_rules() {
        assert!(check_role_segments(Role::Stakeholder, &[1]).is_ok());
        assert!(check_role_segments(Role::Stakeholder, &[]).is_err());
        assert!(check_role_segments(Role::Leadership, &[]).is_ok());
        assert!(check_role_segments(Role::Facilitator, &[2]).is_err());
    }

    #[test]
    fn assessment_value_rules() {
        assert!(check_assessment_value(Some(4.0), None).is_ok());
        assert!(check_assessment_value(None, Some(0.0)).is_ok());
        assert!(check_assessment_value(None, Some(1.0)).is_ok());
        assert!(check_assessment_value(Some(1.0), Some(0.5)).is_err());
        assert!(check_assessment_value(None, None).is_err());
        assert_eq!(check_assessment_value(None, Some(1.5)).unwrap_err().0, "fulfilment");
        assert_eq!(check_assessment_value(Some(-2.0), None).unwrap_err().0, "current_value");
    }

    #[test]
    fn measure_rules() {
        assert!(check_measure(None, None).is_ok());
        assert!(check_measure(Some(Direction::LowerIsBetter), Some(5.0)).is_ok());
        assert!(check_measure(Some(Direction::HigherIsBetter), Some(0.0)).is_ok());
        assert_eq!(
            check_measure(Some(Direction::LowerIsBetter), None).unwrap_err().0,
            "target"
        );
        assert_eq!(check_measure(None, Some(5.0)).unwrap_err().0, "direction");
        assert_eq!(
            check_measure(Some(Direction::LowerIsBetter), Some(-1.0)).unwrap_err().0,
            "target"
        );
    }
}
