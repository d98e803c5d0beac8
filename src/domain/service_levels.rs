//! The pure rules around service targets that are not business time (see `business_time` for
//! calendars and the counting rules): reading a ticket export's timestamps, which requirement
//! keys an agreed SLA's text names, and when a measured month supplies current capability.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::business_time::{local_to_utc, Period};

/// A ticket export's timestamp: RFC 3339 (with its offset), or `YYYY-MM-DD HH:MM[:SS]` (a `T`
/// may stand for the space) read as local time in `tz`.
pub fn parse_timestamp(s: &str, tz: &Tz) -> Result<DateTime<Utc>, &'static str> {
    const RULE: &str = "must be RFC 3339 (2026-03-02T08:15:00Z) or YYYY-MM-DD HH:MM[:SS]";
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    let local = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or(RULE)?;
    Ok(local_to_utc(tz, local))
}

/// Whether `text` names the requirement `key` as a whole word (keys are `A-Z`, `0-9` and `-`,
/// so `HD-CALL` is not found inside `HD-CALLBACK`).
pub fn names_key(text: &str, key: &str) -> bool {
    let is_key_char = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-';
    if key.is_empty() {
        return false;
    }
    text.match_indices(key).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + key.len()..].chars().next();
        !before.is_some_and(is_key_char) && !after.is_some_and(is_key_char)
    })
}

/// A measured month supplies current capability when it is later than the month of the newest
/// assessment (a month that contains the assessment is not newer than it), or when there is no
/// assessment at all.
pub fn measured_is_newer(measured: Period, assessed_on: Option<NaiveDate>) -> bool {
    match assessed_on.and_then(|d| Period::new(chrono::Datelike::year(&d), chrono::Datelike::month(&d))) {
        Some(assessed) => measured > assessed,
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamps_in_rfc3339_or_local_time() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let utc = |h, m| Utc.with_ymd_and_hms(2026, 3, 2, h, m, 0).unwrap();
        assert_eq!(parse_timestamp("2026-03-02T08:15:00Z", &berlin), Ok(utc(8, 15)));
        assert_eq!(parse_timestamp("2026-03-02T09:15:00+01:00", &Tz::UTC), Ok(utc(8, 15)));
        assert_eq!(
            parse_timestamp("2026-03-02 09:15", &berlin),
            Ok(utc(8, 15)),
            "CET is UTC+1"
        );
        assert_eq!(parse_timestamp(" 2026-03-02 08:15:00 ", &Tz::UTC), Ok(utc(8, 15)));
        // Summer time: CEST is UTC+2.
        assert_eq!(
            parse_timestamp("2026-07-01 10:00", &berlin),
            Ok(Utc.with_ymd_and_hms(2026, 7, 1, 8, 0, 0).unwrap())
        );
        for bad in ["", "yesterday", "2026-02-30 10:00", "2026-03-02", "02.03.2026 10:00"] {
            assert!(parse_timestamp(bad, &Tz::UTC).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_are_whole_words() {
        let text = "- **Call-back** (HD-CALLBACK): minutes, at most 5 min.\n- (OPS-UPTIME)";
        assert!(names_key(text, "HD-CALLBACK"));
        assert!(names_key(text, "OPS-UPTIME"));
        assert!(!names_key(text, "HD-CALL"));
        assert!(!names_key(text, "CALLBACK"));
        assert!(!names_key(text, ""));
    }

    #[test]
    fn a_measured_month_is_newer_after_the_assessments_month() {
        let p = |s| Period::parse(s).unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert!(measured_is_newer(p("2026-04"), d("2026-03-31")));
        assert!(!measured_is_newer(p("2026-03"), d("2026-03-01")));
        assert!(!measured_is_newer(p("2026-02"), d("2026-03-01")));
        assert!(measured_is_newer(p("2020-01"), None));
    }
}
