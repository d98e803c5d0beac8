//! Business time and the service-level counting rules (DOMAIN.md, "Service targets"; issue 12).
//!
//! A [`Calendar`] is an IANA timezone, open spans per weekday in local time and holidays
//! (closed all day). [`business_seconds`] counts the time between two instants that falls
//! inside open spans: it walks the local days, turns each span's local boundaries into UTC
//! instants with the timezone (so a day has 23 or 25 hours across a DST change), and clips
//! them to the interval.
//!
//! The counting rules then say, per ticket and target, whether it met the limit, missed it or
//! is still pending, and per month how many counted and met, the attainment and its status.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::stats::{median_of_sorted, p90};
use super::terms::Direction;

/// Name of the calendar that exists from the start: UTC, open all day every day.
pub const TWENTY_FOUR_SEVEN: &str = "24x7";

/// Day keys of a week, Monday first (the index is `Weekday::num_days_from_monday`).
pub const DAY_KEYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

const MINUTES_PER_DAY: u16 = 24 * 60;

/// Why a calendar is not valid. Each week error names its day.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("unknown day \"{0}\" (use mon, tue, wed, thu, fri, sat, sun)")]
    UnknownDay(String),
    #[error("{day}: \"{span}\" is not a span like \"08:00-17:00\"")]
    MalformedSpan { day: &'static str, span: String },
    #[error("{day}: \"{span}\" must end after it starts")]
    EmptySpan { day: &'static str, span: String },
    #[error("{day}: \"{first}\" and \"{second}\" overlap")]
    Overlap {
        day: &'static str,
        first: String,
        second: String,
    },
    #[error("unknown timezone \"{0}\" (use an IANA name such as Europe/Berlin)")]
    UnknownTimezone(String),
}

impl CalendarError {
    /// The request field the error belongs to: `timezone` or `week`.
    pub fn field(&self) -> &'static str {
        match self {
            CalendarError::UnknownTimezone(_) => "timezone",
            _ => "week",
        }
    }
}

/// An open span of a day in local minutes since midnight: `start < end ≤ 1440`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: u16,
    pub end: u16,
}

impl Span {
    /// Minutes open.
    pub fn minutes(self) -> u16 {
        self.end - self.start
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// `HH:MM` with 00 ≤ HH ≤ 23 (or exactly `24:00` when `allow_24` is set), 00 ≤ MM ≤ 59.
fn parse_clock(s: &str, allow_24: bool) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || ![b[0], b[1], b[3], b[4]].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let hours = u16::from(b[0] - b'0') * 10 + u16::from(b[1] - b'0');
    let minutes = u16::from(b[3] - b'0') * 10 + u16::from(b[4] - b'0');
    match (hours, minutes) {
        (0..=23, 0..=59) => Some(hours * 60 + minutes),
        (24, 0) if allow_24 => Some(MINUTES_PER_DAY),
        _ => None,
    }
}

/// Parses one `"HH:MM-HH:MM"` span of `day` (surrounding whitespace is ignored; `24:00` may
/// end a span).
pub fn parse_span(day: &'static str, s: &str) -> Result<Span, CalendarError> {
    let malformed = || CalendarError::MalformedSpan {
        day,
        span: s.to_owned(),
    };
    let (start, end) = s.trim().split_once('-').ok_or_else(malformed)?;
    let start = parse_clock(start.trim(), false).ok_or_else(malformed)?;
    let end = parse_clock(end.trim(), true).ok_or_else(malformed)?;
    if end <= start {
        return Err(CalendarError::EmptySpan {
            day,
            span: s.to_owned(),
        });
    }
    Ok(Span { start, end })
}

/// Open spans per weekday, each day's sorted and not overlapping (they may touch).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Week {
    days: [Vec<Span>; 7],
}

impl Week {
    /// Parses `{"mon": ["08:00-17:00"], …}`: days omitted are closed; unknown day keys,
    /// malformed spans, spans that do not end after they start, and overlapping spans are
    /// errors naming the day.
    pub fn parse(days: &BTreeMap<String, Vec<String>>) -> Result<Week, CalendarError> {
        let mut week = Week::default();
        for (key, spans) in days {
            let index = DAY_KEYS
                .iter()
                .position(|k| *k == key.as_str())
                .ok_or_else(|| CalendarError::UnknownDay(key.clone()))?;
            let day = DAY_KEYS[index];
            let mut parsed = spans
                .iter()
                .map(|s| parse_span(day, s))
                .collect::<Result<Vec<Span>, _>>()?;
            parsed.sort();
            for pair in parsed.windows(2) {
                if let [a, b] = pair {
                    if b.start < a.end {
                        return Err(CalendarError::Overlap {
                            day,
                            first: a.to_string(),
                            second: b.to_string(),
                        });
                    }
                }
            }
            week.days[index] = parsed;
        }
        Ok(week)
    }

    /// Every day 00:00-24:00.
    pub fn always_open() -> Week {
        let all = vec![Span {
            start: 0,
            end: MINUTES_PER_DAY,
        }];
        Week {
            days: std::array::from_fn(|_| all.clone()),
        }
    }

    /// The open spans of a weekday, sorted.
    pub fn spans(&self, day: Weekday) -> &[Span] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Minutes open in a week.
    pub fn minutes_per_week(&self) -> u32 {
        self.days.iter().flatten().map(|s| u32::from(s.minutes())).sum()
    }

    /// Back to the stored form; closed days are omitted.
    pub fn to_map(&self) -> BTreeMap<String, Vec<String>> {
        DAY_KEYS
            .iter()
            .zip(&self.days)
            .filter(|(_, spans)| !spans.is_empty())
            .map(|(key, spans)| ((*key).to_owned(), spans.iter().map(Span::to_string).collect()))
            .collect()
    }
}

/// Parses an IANA timezone name.
pub fn parse_timezone(name: &str) -> Result<Tz, CalendarError> {
    Tz::from_str(name).map_err(|_| CalendarError::UnknownTimezone(name.to_owned()))
}

/// A business-hours calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Calendar {
    pub tz: Tz,
    pub week: Week,
    /// Closed all day.
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// A calendar from its stored parts, validated.
    pub fn new(
        timezone: &str,
        week: &BTreeMap<String, Vec<String>>,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Calendar, CalendarError> {
        Ok(Calendar {
            tz: parse_timezone(timezone)?,
            week: Week::parse(week)?,
            holidays: holidays.into_iter().collect(),
        })
    }

    /// The `24x7` calendar: UTC, every day 00:00-24:00, no holidays.
    pub fn twenty_four_seven() -> Calendar {
        Calendar {
            tz: Tz::UTC,
            week: Week::always_open(),
            holidays: BTreeSet::new(),
        }
    }

    /// Open around the clock with no holidays: business time is elapsed time, whatever the
    /// timezone (local days tile the timeline, DST days included).
    pub fn always_open(&self) -> bool {
        self.holidays.is_empty() && self.week == Week::always_open()
    }

    /// The open spans of a local date (none on a holiday).
    pub fn spans_on(&self, date: NaiveDate) -> &[Span] {
        if self.holidays.contains(&date) {
            &[]
        } else {
            self.week.spans(date.weekday())
        }
    }
}

/// The instant of a local date and time in `tz`. Ambiguous local times (the repeated hour when
/// clocks go back) take the earlier instant; nonexistent ones (the skipped hour when clocks go
/// forward) take the earliest valid instant after them, i.e. the moment of the change.
pub fn local_to_utc(tz: &Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let resolve = |t: NaiveDateTime| match tz.from_local_datetime(&t) {
        LocalResult::Single(d) => Some(d.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(a.with_timezone(&Utc).min(b.with_timezone(&Utc))),
        LocalResult::None => None,
    };
    if let Some(d) = resolve(local) {
        return d;
    }
    // In a gap: the first valid local minute after it is the change itself. Gaps are an hour
    // or so (a whole day at most, Samoa 2011), so two days of minutes always reach one.
    (1..=2 * i64::from(MINUTES_PER_DAY))
        .filter_map(|m| local.checked_add_signed(TimeDelta::minutes(m)))
        .find_map(resolve)
        .unwrap_or_else(|| Utc.from_utc_datetime(&local))
}

/// Local `date` plus `minutes` since its midnight, as an instant.
fn local_instant(tz: &Tz, date: NaiveDate, minutes: u16) -> Option<DateTime<Utc>> {
    let local = date
        .and_time(NaiveTime::MIN)
        .checked_add_signed(TimeDelta::minutes(i64::from(minutes)))?;
    Some(local_to_utc(tz, local))
}

/// Seconds between `from` and `to` inside the calendar's open spans, holidays excluded;
/// 0 when `to ≤ from`.
pub fn business_seconds(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    if to <= from {
        return 0;
    }
    if cal.always_open() {
        return (to - from).num_seconds();
    }
    // One day of margin each side: with the DST rules of a few zones a local midnight is
    // skipped or repeated, so a neighbouring day's span can reach over the boundary.
    let first = from.with_timezone(&cal.tz).date_naive();
    let first = first.pred_opt().unwrap_or(first);
    let last = to.with_timezone(&cal.tz).date_naive();
    let last = last.succ_opt().unwrap_or(last);

    let mut total = 0;
    for day in first.iter_days().take_while(|d| *d <= last) {
        for span in cal.spans_on(day) {
            let (Some(start), Some(end)) = (
                local_instant(&cal.tz, day, span.start),
                local_instant(&cal.tz, day, span.end),
            ) else {
                continue;
            };
            let (start, end) = (start.max(from), end.min(to));
            if end > start {
                total += (end - start).num_seconds();
            }
        }
    }
    total
}

/// Whole business minutes between `from` and `to` (seconds rounded down).
pub fn business_minutes(cal: &Calendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    business_seconds(cal, from, to) / 60
}

/// A calendar month, `YYYY-MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    /// A period of a year 1..=9999 and month 1..=12.
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    /// Parses exactly `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Period> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' || !b.iter().enumerate().all(|(i, c)| i == 4 || c.is_ascii_digit()) {
            return None;
        }
        Period::new(s.get(..4)?.parse().ok()?, s.get(5..)?.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The month after.
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month before.
    pub fn prev(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// `from..=to`, in order; empty when `to < from`.
    pub fn range(from: Period, to: Period) -> Vec<Period> {
        std::iter::successors(Some(from), |p| Some(p.next()))
            .take_while(|p| *p <= to)
            .collect()
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = &'static str;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Period::parse(s).ok_or("must be a month YYYY-MM")
    }
}

impl TryFrom<String> for Period {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// The month an instant falls in, in the calendar's timezone.
pub fn period_of(cal: &Calendar, at: DateTime<Utc>) -> Period {
    let local = at.with_timezone(&cal.tz);
    Period {
        year: local.year(),
        month: local.month(),
    }
}

/// The instant the month starts: local midnight of its first day in the calendar's timezone.
pub fn month_start(cal: &Calendar, period: Period) -> DateTime<Utc> {
    local_to_utc(&cal.tz, period.first_day().and_time(NaiveTime::MIN))
}

/// The instant the month ends (exclusive): the start of the next month.
pub fn month_end(cal: &Calendar, period: Period) -> DateTime<Utc> {
    month_start(cal, period.next())
}

/// What a ticket target measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TicketMeasure {
    FirstResponse,
    Resolution,
}

/// The unit of a ticket target's limit and durations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Minutes, `min`.
    Min,
    /// Hours, `h`.
    H,
}

impl TimeUnit {
    /// `min` or `h`; any other unit cannot measure business time.
    pub fn parse(s: &str) -> Option<TimeUnit> {
        match s {
            "min" => Some(TimeUnit::Min),
            "h" => Some(TimeUnit::H),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::Min => "min",
            TimeUnit::H => "h",
        }
    }

    /// Minutes in one unit.
    pub fn minutes(self) -> f64 {
        match self {
            TimeUnit::Min => 1.0,
            TimeUnit::H => 60.0,
        }
    }
}

/// A ticket from the service desk's export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub opened_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Minutes waiting on the customer; come off the resolution time only.
    pub paused_minutes: i64,
}

/// A ticket target: the limit in `unit` and the share of tickets that must meet it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketTarget {
    pub measure: TicketMeasure,
    pub limit: f64,
    pub unit: TimeUnit,
    /// 0 < goal ≤ 1.
    pub goal: f64,
}

impl TicketTarget {
    fn limit_minutes(&self) -> f64 {
        self.limit * self.unit.minutes()
    }

    /// A duration in business seconds as a value in the target's unit (via minutes, as every
    /// duration here is reckoned).
    pub fn in_unit(&self, seconds: i64) -> f64 {
        seconds as f64 / 60.0 / self.unit.minutes()
    }
}

/// A goal is a share: 0 < goal ≤ 1.
pub fn check_goal(goal: f64) -> Result<(), &'static str> {
    if goal > 0.0 && goal <= 1.0 {
        Ok(())
    } else {
        Err("must be a share greater than 0 and at most 1")
    }
}

/// How one ticket fares against a target, with its duration in business minutes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum TicketOutcome {
    /// Counted, duration ≤ limit.
    Met { minutes: f64 },
    /// Counted, duration > limit; without the timestamp, `minutes` is the time spent so far.
    Missed { minutes: f64 },
    /// No timestamp yet and not yet over the limit.
    Pending,
}

impl TicketOutcome {
    pub fn counted(self) -> bool {
        !matches!(self, TicketOutcome::Pending)
    }
}

/// Business seconds from `opened_at` to `until` for `measure`: paused minutes come off a
/// resolution, never below 0.
fn measured_seconds(cal: &Calendar, measure: TicketMeasure, ticket: &Ticket, until: DateTime<Utc>) -> i64 {
    let seconds = business_seconds(cal, ticket.opened_at, until);
    match measure {
        TicketMeasure::FirstResponse => seconds,
        TicketMeasure::Resolution => (seconds - ticket.paused_minutes.max(0).saturating_mul(60)).max(0),
    }
}

/// Business minutes (with seconds as a fraction) for `measure` up to `until`.
fn measured_minutes(cal: &Calendar, measure: TicketMeasure, ticket: &Ticket, until: DateTime<Utc>) -> f64 {
    measured_seconds(cal, measure, ticket, until) as f64 / 60.0
}

/// What is stored per ticket and calendar so that a month's counts are an aggregate query:
/// the month the ticket was opened in (calendar timezone) and, for each measure whose
/// timestamp it has, its business duration in seconds (paused minutes off the resolution).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketDurations {
    pub period: Period,
    pub response_seconds: Option<i64>,
    pub resolution_seconds: Option<i64>,
}

pub fn ticket_durations(cal: &Calendar, ticket: &Ticket) -> TicketDurations {
    TicketDurations {
        period: period_of(cal, ticket.opened_at),
        response_seconds: ticket
            .first_response_at
            .map(|at| measured_seconds(cal, TicketMeasure::FirstResponse, ticket, at)),
        resolution_seconds: ticket
            .resolved_at
            .map(|at| measured_seconds(cal, TicketMeasure::Resolution, ticket, at)),
    }
}

/// The longest whole-second duration that meets the target: a stored duration `s` meets it
/// exactly when `s <= limit_seconds` (the same test as `s / 60 <= limit in minutes` in
/// floating point, which is monotonic in `s`).
pub fn limit_seconds(target: &TicketTarget) -> i64 {
    let minutes = target.limit_minutes();
    let meets = |s: i64| s as f64 / 60.0 <= minutes;
    if !minutes.is_finite() {
        return if minutes > 0.0 { i64::MAX } else { i64::MIN };
    }
    let guess = (minutes * 60.0).floor();
    if guess >= 9.0e18 {
        return i64::MAX;
    }
    if guess <= -9.0e18 {
        return i64::MIN;
    }
    let mut s = guess as i64;
    while meets(s + 1) {
        s += 1;
    }
    while !meets(s) {
        s -= 1;
    }
    s
}

/// The counting rule for one ticket. With the measure's timestamp it counts: met when the
/// business duration (less paused minutes for a resolution) is within the limit. Without it, it
/// counts as a miss once its business time up to the end of the month it was opened in (or
/// `now`, if earlier) exceeds the limit; otherwise it is pending.
///
/// Durations keep seconds (as fractions of a minute), so 5 min 30 s misses a 5-minute limit.
pub fn ticket_outcome(cal: &Calendar, target: &TicketTarget, ticket: &Ticket, now: DateTime<Utc>) -> TicketOutcome {
    let limit = target.limit_minutes();
    let stamp = match target.measure {
        TicketMeasure::FirstResponse => ticket.first_response_at,
        TicketMeasure::Resolution => ticket.resolved_at,
    };
    match stamp {
        Some(at) => {
            let minutes = measured_minutes(cal, target.measure, ticket, at);
            if minutes <= limit {
                TicketOutcome::Met { minutes }
            } else {
                TicketOutcome::Missed { minutes }
            }
        }
        None => {
            let until = month_end(cal, period_of(cal, ticket.opened_at)).min(now);
            let minutes = measured_minutes(cal, target.measure, ticket, until);
            if minutes > limit {
                TicketOutcome::Missed { minutes }
            } else {
                TicketOutcome::Pending
            }
        }
    }
}

/// A target's standing for a month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Met,
    Breached,
    NoData,
}

impl TargetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::Breached => "breached",
            TargetStatus::NoData => "no_data",
        }
    }
}

/// Status from an attainment and a goal: met when attainment ≥ goal, no data without one.
pub fn attainment_status(attainment: Option<f64>, goal: f64) -> TargetStatus {
    match attainment {
        None => TargetStatus::NoData,
        Some(a) if a >= goal => TargetStatus::Met,
        Some(_) => TargetStatus::Breached,
    }
}

/// A ticket target's month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeriodAttainment {
    #[schema(value_type = String, example = "2026-03")]
    pub period: Period,
    pub counted: u64,
    pub met: u64,
    pub pending: u64,
    /// met / counted; None when nothing counted.
    pub attainment: Option<f64>,
    pub goal: f64,
    pub status: TargetStatus,
    /// Median duration of the counted tickets in the target's unit (a miss without its
    /// timestamp contributes the time spent so far).
    pub median: Option<f64>,
    /// 90th percentile by nearest rank, same basis.
    pub p90: Option<f64>,
}

/// The month `period` of a ticket target: only tickets opened in that month (in the
/// calendar's timezone) are considered; others are ignored.
///
/// The reference for the stored path (`analysis::target_periods`), which reads the same
/// figures from the durations kept per ticket and calendar.
pub fn attainment(
    cal: &Calendar,
    target: &TicketTarget,
    period: Period,
    tickets: &[Ticket],
    now: DateTime<Utc>,
) -> PeriodAttainment {
    let (mut met, mut pending) = (0u64, 0u64);
    let mut durations: Vec<f64> = Vec::new();
    for ticket in tickets.iter().filter(|t| period_of(cal, t.opened_at) == period) {
        match ticket_outcome(cal, target, ticket, now) {
            TicketOutcome::Met { minutes } => {
                met += 1;
                durations.push(minutes);
            }
            TicketOutcome::Missed { minutes } => durations.push(minutes),
            TicketOutcome::Pending => pending += 1,
        }
    }
    let unit = target.unit.minutes();
    durations.iter_mut().for_each(|d| *d /= unit);
    durations.sort_by(f64::total_cmp);
    let counts = MonthCounts {
        counted: durations.len() as u64,
        met,
        pending,
    };
    month_attainment(target, period, counts, median_of_sorted(&durations), p90(&durations))
}

/// A month's counts: counted tickets (met or missed), how many met, how many are pending.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MonthCounts {
    pub counted: u64,
    pub met: u64,
    pub pending: u64,
}

/// A ticket target's month from its counts and the median and p90 of the counted tickets'
/// durations, in the target's unit.
pub fn month_attainment(
    target: &TicketTarget,
    period: Period,
    counts: MonthCounts,
    median: Option<f64>,
    p90: Option<f64>,
) -> PeriodAttainment {
    let attainment = (counts.counted > 0).then(|| counts.met as f64 / counts.counted as f64);
    PeriodAttainment {
        period,
        counted: counts.counted,
        met: counts.met,
        pending: counts.pending,
        attainment,
        goal: target.goal,
        status: attainment_status(attainment, target.goal),
        median,
        p90,
    }
}

/// A reported value against its limit in the requirement's direction: met when at least the
/// limit (higher is better) or at most the limit (lower is better); no data without a value.
pub fn reported_status(direction: Direction, limit: f64, value: Option<f64>) -> TargetStatus {
    match value {
        None => TargetStatus::NoData,
        Some(v) => {
            let met = match direction {
                Direction::HigherIsBetter => v >= limit,
                Direction::LowerIsBetter => v <= limit,
            };
            if met {
                TargetStatus::Met
            } else {
                TargetStatus::Breached
            }
        }
    }
}

/// A reported target's month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportedPeriod {
    #[schema(value_type = String, example = "2026-03")]
    pub period: Period,
    /// Always present (null for a month without a figure): it tells this shape from a
    /// ticket target's month.
    #[schema(required = true)]
    pub value: Option<f64>,
    pub status: TargetStatus,
}

/// The month of a reported target.
pub fn reported_period(direction: Direction, limit: f64, period: Period, value: Option<f64>) -> ReportedPeriod {
    ReportedPeriod {
        period,
        value,
        status: reported_status(direction, limit, value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap_or_default()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn week(days: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        days.iter()
            .map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    fn calendar(tz: &str, days: &[(&str, &[&str])], holidays: &[NaiveDate]) -> Calendar {
        Calendar::new(tz, &week(days), holidays.iter().copied()).unwrap_or_else(|e| panic!("{e}"))
    }

    const OFFICE: &[&str] = &["08:00-17:00"];

    /// Europe/Berlin, Monday to Friday 08:00-17:00 (540 minutes a day).
    fn berlin_office(holidays: &[NaiveDate]) -> Calendar {
        calendar(
            "Europe/Berlin",
            &[
                ("mon", OFFICE),
                ("tue", OFFICE),
                ("wed", OFFICE),
                ("thu", OFFICE),
                ("fri", OFFICE),
            ],
            holidays,
        )
    }

    // ---- parsing -------------------------------------------------------------------------

    #[test]
    fn parse_week_and_round_trip() {
        let w = Week::parse(&week(&[
            ("mon", &["13:00-17:00", "08:00-12:00"]),
            ("sat", &[" 00:00-24:00 "]),
            ("sun", &[]),
        ]));
        let w = w.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            w.spans(Weekday::Mon),
            &[Span { start: 480, end: 720 }, Span { start: 780, end: 1020 }],
            "sorted"
        );
        assert_eq!(w.spans(Weekday::Sat), &[Span { start: 0, end: 1440 }]);
        assert!(w.spans(Weekday::Tue).is_empty());
        assert_eq!(w.minutes_per_week(), 240 + 240 + 1440);
        assert_eq!(
            w.to_map(),
            week(&[("mon", &["08:00-12:00", "13:00-17:00"]), ("sat", &["00:00-24:00"])])
        );
        // Touching spans do not overlap.
        assert!(Week::parse(&week(&[("fri", &["08:00-12:00", "12:00-17:00"])])).is_ok());
        assert_eq!(Week::always_open().minutes_per_week(), 7 * 1440);
    }

    #[test]
    fn parse_week_errors_name_the_day() {
        let err = |days: &[(&str, &[&str])]| Week::parse(&week(days)).err().map(|e| e.to_string());
        assert_eq!(
            err(&[("monday", OFFICE)]),
            Some("unknown day \"monday\" (use mon, tue, wed, thu, fri, sat, sun)".to_owned())
        );
        assert_eq!(
            err(&[("Mon", OFFICE)]).map(|e| e.starts_with("unknown day")),
            Some(true)
        );
        for bad in [
            "8-17",
            "08:00",
            "08:00-17:00x",
            "8:00-17:00",
            "08:60-17:00",
            "25:00-26:00",
            "24:00-24:00",
            "24:30-24:45",
            "08:00-24:01",
            "",
            "08:00–17:00",
        ] {
            assert_eq!(
                Week::parse(&week(&[("tue", &[bad])])),
                Err(CalendarError::MalformedSpan {
                    day: "tue",
                    span: bad.to_owned()
                }),
                "{bad:?}"
            );
        }
        assert_eq!(
            err(&[("wed", &["17:00-08:00"])]),
            Some("wed: \"17:00-08:00\" must end after it starts".to_owned())
        );
        assert_eq!(
            Week::parse(&week(&[("wed", &["08:00-08:00"])])).err(),
            Some(CalendarError::EmptySpan {
                day: "wed",
                span: "08:00-08:00".to_owned()
            })
        );
        assert_eq!(
            err(&[("thu", &["11:00-13:00", "08:00-12:00"])]),
            Some("thu: \"08:00-12:00\" and \"11:00-13:00\" overlap".to_owned())
        );
        assert_eq!(
            err(&[("sun", &["08:00-12:00", "08:00-12:00"])]).map(|e| e.contains("overlap")),
            Some(true)
        );
        let e = Week::parse(&week(&[("fri", &["x"])])).err();
        assert_eq!(e.map(|e| e.field()), Some("week"));
    }

    #[test]
    fn timezones() {
        assert_eq!(parse_timezone("Europe/Berlin").map(|t| t.name()), Ok("Europe/Berlin"));
        let e = parse_timezone("Mars/Olympus");
        assert_eq!(e, Err(CalendarError::UnknownTimezone("Mars/Olympus".to_owned())));
        assert_eq!(e.err().map(|e| e.field()), Some("timezone"));
        assert!(Calendar::new("Nowhere", &BTreeMap::new(), []).is_err());
    }

    // ---- business time -------------------------------------------------------------------

    #[test]
    fn same_day_and_reversed() {
        let cal = berlin_office(&[]);
        // Mon 2024-03-18 09:00-11:30 CET (UTC+1) = 08:00Z-10:30Z: 150 minutes.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 8, 0), utc(2024, 3, 18, 10, 30)),
            150
        );
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 10, 30), utc(2024, 3, 18, 8, 0)),
            0
        );
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 8, 0), utc(2024, 3, 18, 8, 0)),
            0
        );
        // Seconds are kept and whole minutes rounded down: 90 s → 1 minute.
        let from = utc(2024, 3, 18, 8, 0);
        let to = from + TimeDelta::seconds(90);
        assert_eq!(business_seconds(&cal, from, to), 90);
        assert_eq!(business_minutes(&cal, from, to), 1);
    }

    #[test]
    fn across_a_weekend() {
        let cal = berlin_office(&[]);
        // Fri 2024-03-15 15:00 CET (14:00Z) → Mon 2024-03-18 10:00 CET (09:00Z):
        // Friday 15:00-17:00 = 120, weekend closed, Monday 08:00-10:00 = 120 → 240.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 15, 14, 0), utc(2024, 3, 18, 9, 0)),
            240
        );
        // A whole week Mon 00:00 → next Mon 00:00 local: 5 × 540 = 2700.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 10, 23, 0), utc(2024, 3, 17, 23, 0)),
            2700
        );
    }

    #[test]
    fn across_a_holiday() {
        let cal = berlin_office(&[date(2024, 12, 25), date(2024, 12, 26)]);
        // Tue 2024-12-24 16:00 CET (15:00Z) → Fri 2024-12-27 09:00 CET (08:00Z):
        // Tuesday 60, Wednesday and Thursday holidays, Friday 60 → 120.
        assert_eq!(
            business_minutes(&cal, utc(2024, 12, 24, 15, 0), utc(2024, 12, 27, 8, 0)),
            120
        );
        // Without the holidays: 60 + 540 + 540 + 60 = 1200.
        let plain = berlin_office(&[]);
        assert_eq!(
            business_minutes(&plain, utc(2024, 12, 24, 15, 0), utc(2024, 12, 27, 8, 0)),
            1200
        );
        // Entirely on a holiday: nothing.
        assert_eq!(
            business_minutes(&cal, utc(2024, 12, 25, 7, 0), utc(2024, 12, 25, 16, 0)),
            0
        );
    }

    #[test]
    fn across_dst_spring_forward_berlin() {
        let cal = berlin_office(&[]);
        // Clocks go forward on Sunday 2024-03-31 (02:00 CET → 03:00 CEST).
        // Fri 2024-03-29 12:00 CET (11:00Z) → Mon 2024-04-01 10:00 CEST (08:00Z):
        // Friday 12:00-17:00 = 300, Monday 08:00-10:00 = 120 → 420. (A fixed +1 offset would
        // put Monday's end at 09:00 local and give 360.)
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 29, 11, 0), utc(2024, 4, 1, 8, 0)),
            420
        );
        // Monday 08:00 CEST opens at 06:00Z, not 07:00Z.
        assert_eq!(business_minutes(&cal, utc(2024, 4, 1, 5, 0), utc(2024, 4, 1, 7, 0)), 60);
    }

    #[test]
    fn across_dst_fall_back_berlin() {
        let cal = berlin_office(&[]);
        // Clocks go back on Sunday 2024-10-27 (03:00 CEST → 02:00 CET).
        // Fri 2024-10-25 12:00 CEST (10:00Z) → Mon 2024-10-28 10:00 CET (09:00Z): 300 + 120.
        assert_eq!(
            business_minutes(&cal, utc(2024, 10, 25, 10, 0), utc(2024, 10, 28, 9, 0)),
            420
        );
    }

    #[test]
    fn dst_days_have_23_and_25_hours() {
        let sundays = calendar("Europe/Berlin", &[("sun", &["00:00-24:00"])], &[]);
        // Sun 2024-03-31 00:00 CET = Sat 23:00Z; Mon 00:00 CEST = Sun 22:00Z: 23 h = 1380.
        let wide = (utc(2024, 3, 30, 0, 0), utc(2024, 4, 2, 0, 0));
        assert_eq!(business_minutes(&sundays, wide.0, wide.1), 1380);
        // Sun 2024-10-27 00:00 CEST = Sat 22:00Z; Mon 00:00 CET = Sun 23:00Z: 25 h = 1500.
        assert_eq!(
            business_minutes(&sundays, utc(2024, 10, 26, 0, 0), utc(2024, 10, 29, 0, 0)),
            1500
        );

        // Open all day every day in Berlin is wall-clock time, across both changes:
        // 2024-03-30 00:00Z → 2024-04-02 00:00Z = 72 h = 4320.
        let always = calendar("Europe/Berlin", &DAY_KEYS.map(|d| (d, &["00:00-24:00"][..])), &[]);
        assert_eq!(business_minutes(&always, wide.0, wide.1), 4320);
        assert_eq!(
            business_minutes(&always, utc(2024, 10, 26, 0, 0), utc(2024, 10, 29, 0, 0)),
            4320
        );
    }

    #[test]
    fn spans_inside_the_changed_hour() {
        let cal = |span: &'static str| calendar("Europe/Berlin", &[("sun", &[span][..])], &[]);
        let spring = (utc(2024, 3, 30, 0, 0), utc(2024, 4, 1, 0, 0));
        let autumn = (utc(2024, 10, 26, 0, 0), utc(2024, 10, 28, 0, 0));
        // Spring: 01:00 CET = 00:00Z, 04:00 CEST = 02:00Z → 120.
        assert_eq!(business_minutes(&cal("01:00-04:00"), spring.0, spring.1), 120);
        // 02:30 does not exist: the earliest valid instant is the change, 01:00Z (03:00 CEST);
        // to 04:00 CEST = 02:00Z → 60.
        assert_eq!(business_minutes(&cal("02:30-04:00"), spring.0, spring.1), 60);
        // A span entirely in the skipped hour is empty that day.
        assert_eq!(business_minutes(&cal("02:00-02:45"), spring.0, spring.1), 0);
        // Autumn: 01:00 CEST = 23:00Z (Sat), 04:00 CET = 03:00Z → 240.
        assert_eq!(business_minutes(&cal("01:00-04:00"), autumn.0, autumn.1), 240);
        // 02:30 happens twice: the earlier, 02:30 CEST = 00:30Z; to 03:00Z → 150.
        assert_eq!(business_minutes(&cal("02:30-04:00"), autumn.0, autumn.1), 150);
        let tz = chrono_tz::Europe::Berlin;
        let at = |h, m| date(2024, 3, 31).and_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(local_to_utc(&tz, at(2, 30)), utc(2024, 3, 31, 1, 0));
        let at = |h, m| date(2024, 10, 27).and_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(local_to_utc(&tz, at(2, 30)), utc(2024, 10, 27, 0, 30));
    }

    #[test]
    fn opened_outside_hours() {
        let cal = berlin_office(&[]);
        // Mon 2024-03-18 06:00 CET (05:00Z) → 08:30 CET (07:30Z): 30.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 5, 0), utc(2024, 3, 18, 7, 30)),
            30
        );
        // Mon 18:00 CET (17:00Z) → Tue 08:45 CET (07:45Z): 45.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 17, 0), utc(2024, 3, 19, 7, 45)),
            45
        );
        // Sat 2024-03-16 11:00 CET → Mon 08:15 CET (07:15Z): 15.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 16, 10, 0), utc(2024, 3, 18, 7, 15)),
            15
        );
        // Opened and answered out of hours: 0.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 17, 0), utc(2024, 3, 18, 20, 0)),
            0
        );
    }

    #[test]
    fn several_spans_a_day() {
        let split = &["08:00-12:00", "13:00-17:00"][..];
        let cal = calendar("Europe/Berlin", &[("mon", split), ("tue", split)], &[]);
        // Mon 11:30 CET (10:30Z) → 13:30 CET (12:30Z): 30 before lunch + 30 after = 60.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 10, 30), utc(2024, 3, 18, 12, 30)),
            60
        );
        // Mon 12:15 (lunch) → Tue 09:00 CET (08:00Z): Mon 13:00-17:00 240 + Tue 60 = 300.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 18, 11, 15), utc(2024, 3, 19, 8, 0)),
            300
        );
    }

    #[test]
    fn twenty_four_seven() {
        let cal = Calendar::twenty_four_seven();
        assert_eq!(cal.tz, Tz::UTC);
        // 2024-03-31 00:00Z → 2024-04-01 00:00Z: 1440; DST elsewhere is irrelevant.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 31, 0, 0), utc(2024, 4, 1, 0, 0)),
            1440
        );
        // Fri 22:10Z → Mon 01:20Z: 2 d 3 h 10 min = 3070.
        assert_eq!(
            business_minutes(&cal, utc(2024, 3, 15, 22, 10), utc(2024, 3, 18, 1, 20)),
            3070
        );
    }

    #[test]
    fn always_open_is_elapsed_time_in_any_timezone() {
        let all_day: &[&str] = &["00:00-24:00"];
        let days: Vec<(&str, &[&str])> = DAY_KEYS.iter().map(|d| (*d, all_day)).collect();
        let berlin = calendar("Europe/Berlin", &days, &[]);
        assert!(berlin.always_open() && Calendar::twenty_four_seven().always_open());
        assert!(!berlin_office(&[]).always_open());
        assert!(
            !calendar("UTC", &days, &[date(2024, 12, 25)]).always_open(),
            "a holiday closes a day"
        );
        // The shortcut agrees with walking the local days, across both DST changes of 2024.
        let walked = |from: DateTime<Utc>, to: DateTime<Utc>| {
            let mut total = 0;
            let mut day = from
                .with_timezone(&berlin.tz)
                .date_naive()
                .pred_opt()
                .unwrap_or_default();
            while day <= to.with_timezone(&berlin.tz).date_naive() {
                let (start, end) = (
                    local_instant(&berlin.tz, day, 0).unwrap_or(from),
                    local_instant(&berlin.tz, day, MINUTES_PER_DAY).unwrap_or(from),
                );
                let (start, end) = (start.max(from), end.min(to));
                total += (end - start).num_seconds().max(0);
                day = day.succ_opt().unwrap_or(day);
            }
            total
        };
        for (from, to) in [
            (utc(2024, 3, 30, 22, 15), utc(2024, 4, 1, 3, 0)),
            (utc(2024, 10, 26, 21, 0), utc(2024, 10, 28, 1, 30)),
            (utc(2024, 1, 1, 0, 0), utc(2024, 12, 31, 23, 59)),
        ] {
            assert_eq!(business_seconds(&berlin, from, to), (to - from).num_seconds());
            assert_eq!(business_seconds(&berlin, from, to), walked(from, to));
        }
    }

    #[test]
    fn durations_kept_per_ticket() {
        let cal = berlin_office(&[]);
        // Mon 03-04 16:30 CET, answered Tue 08:45 (75 min), resolved Tue 10:00 (150 min) with
        // 20 minutes paused (130 min); 02-29 23:30Z is March in Berlin.
        let t = Ticket {
            paused_minutes: 20,
            ..ticket(
                utc(2024, 3, 4, 15, 30),
                Some(utc(2024, 3, 5, 7, 45)),
                Some(utc(2024, 3, 5, 9, 0)),
            )
        };
        assert_eq!(
            ticket_durations(&cal, &t),
            TicketDurations {
                period: Period::new(2024, 3).unwrap(),
                response_seconds: Some(75 * 60),
                resolution_seconds: Some(130 * 60),
            }
        );
        let open = ticket(utc(2024, 2, 29, 23, 30), None, None);
        let d = ticket_durations(&cal, &open);
        assert_eq!(
            (d.period.to_string(), d.response_seconds, d.resolution_seconds),
            ("2024-03".into(), None, None)
        );
        // Paused longer than the whole resolution: 0, never negative.
        let paused = Ticket {
            paused_minutes: 500,
            ..ticket(utc(2024, 3, 4, 8, 0), None, Some(utc(2024, 3, 4, 9, 0)))
        };
        assert_eq!(ticket_durations(&cal, &paused).resolution_seconds, Some(0));
    }

    #[test]
    fn limit_seconds_is_the_floating_point_rule_in_whole_seconds() {
        for (limit, unit, expected) in [
            (60.0, TimeUnit::Min, 3600),
            (5.5, TimeUnit::Min, 330),
            (0.1, TimeUnit::H, 360),
            (1.1, TimeUnit::Min, 66),
            (0.0001, TimeUnit::Min, 0),
            (24.0, TimeUnit::H, 86_400),
        ] {
            let target = response_target(limit, unit);
            let s = limit_seconds(&target);
            assert_eq!(s, expected, "{limit} {unit:?}");
            let minutes = limit * unit.minutes();
            assert!(s as f64 / 60.0 <= minutes && (s + 1) as f64 / 60.0 > minutes);
        }
        assert_eq!(limit_seconds(&response_target(f64::INFINITY, TimeUnit::H)), i64::MAX);
        assert_eq!(limit_seconds(&response_target(1e300, TimeUnit::H)), i64::MAX);
    }

    // ---- periods -------------------------------------------------------------------------

    #[test]
    fn periods_in_the_calendar_timezone() {
        let berlin = berlin_office(&[]);
        let p = |s: &str| Period::parse(s).unwrap_or_else(|| panic!("{s}"));
        // 2024-02-29 23:30Z is 2024-03-01 00:30 in Berlin.
        assert_eq!(period_of(&berlin, utc(2024, 2, 29, 23, 30)), p("2024-03"));
        assert_eq!(
            period_of(&Calendar::twenty_four_seven(), utc(2024, 2, 29, 23, 30)),
            p("2024-02")
        );
        assert_eq!(period_of(&berlin, utc(2024, 2, 29, 23, 30)).to_string(), "2024-03");
        // March 2024 in Berlin: 2024-03-01 00:00 CET = 02-29 23:00Z to 04-01 00:00 CEST = 03-31 22:00Z.
        assert_eq!(month_start(&berlin, p("2024-03")), utc(2024, 2, 29, 23, 0));
        assert_eq!(month_end(&berlin, p("2024-03")), utc(2024, 3, 31, 22, 0));
        assert_eq!(month_end(&berlin, p("2024-12")), utc(2024, 12, 31, 23, 0));
        let cal = Calendar::twenty_four_seven();
        assert_eq!(month_start(&cal, p("2024-03")), utc(2024, 3, 1, 0, 0));
    }

    #[test]
    fn period_words() {
        assert_eq!(Period::parse("2026-01").map(|p| (p.year(), p.month())), Some((2026, 1)));
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "2026-01-01",
            "+026-01",
            "0000-01",
            "",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        let dec = Period::new(2025, 12).unwrap_or_else(|| panic!());
        assert_eq!(dec.next().to_string(), "2026-01");
        assert_eq!(dec.next().prev(), dec);
        assert_eq!(dec.first_day(), date(2025, 12, 1));
        let range: Vec<String> = Period::range(dec.prev(), dec.next().next())
            .iter()
            .map(Period::to_string)
            .collect();
        assert_eq!(range, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert!(Period::range(dec, dec.prev()).is_empty());
        assert_eq!(serde_json::to_string(&dec).ok().as_deref(), Some("\"2025-12\""));
        assert_eq!(serde_json::from_str::<Period>("\"2025-12\"").ok(), Some(dec));
        assert!(serde_json::from_str::<Period>("\"2025-1\"").is_err());
        assert_eq!("2025-12".parse::<Period>(), Ok(dec));
    }

    // ---- counting rules ------------------------------------------------------------------

    fn ticket(opened: DateTime<Utc>, response: Option<DateTime<Utc>>, resolved: Option<DateTime<Utc>>) -> Ticket {
        Ticket {
            opened_at: opened,
            first_response_at: response,
            resolved_at: resolved,
            paused_minutes: 0,
        }
    }

    fn response_target(limit: f64, unit: TimeUnit) -> TicketTarget {
        TicketTarget {
            measure: TicketMeasure::FirstResponse,
            limit,
            unit,
            goal: 0.9,
        }
    }

    /// March 2024 tickets for a 60-minute first-response target on the Berlin office calendar.
    fn march_tickets() -> Vec<Ticket> {
        vec![
            // Mon 03-04 09:00 CET → 09:30: 30 → met.
            ticket(utc(2024, 3, 4, 8, 0), Some(utc(2024, 3, 4, 8, 30)), None),
            // Mon 03-04 16:30 CET → Tue 08:45: 30 + 45 = 75 → missed.
            ticket(utc(2024, 3, 4, 15, 30), Some(utc(2024, 3, 5, 7, 45)), None),
            // Fri 03-29 16:50 CET, no response: by the month's end (Mon 04-01 00:00 CEST) only
            // 10 minutes → pending, although by now it is far over.
            ticket(utc(2024, 3, 29, 15, 50), None, None),
            // Thu 03-28 09:00 CET, no response: by the month's end Thu 480 + Fri 540 = 1020 >
            // 60 → a miss.
            ticket(utc(2024, 3, 28, 8, 0), None, None),
            // 02-29 23:30Z is Fri 03-01 00:30 in Berlin → March; answered 08:20 CET: 20 → met.
            ticket(utc(2024, 2, 29, 23, 30), Some(utc(2024, 3, 1, 7, 20)), None),
            // 03-31 23:30Z is April in Berlin → ignored for March.
            ticket(utc(2024, 3, 31, 23, 30), None, None),
            // February → ignored.
            ticket(utc(2024, 2, 20, 8, 0), Some(utc(2024, 2, 20, 8, 1)), None),
        ]
    }

    #[test]
    fn ticket_outcomes() {
        let cal = berlin_office(&[]);
        let target = response_target(60.0, TimeUnit::Min);
        let now = utc(2024, 4, 10, 12, 0);
        let t = march_tickets();
        assert_eq!(
            ticket_outcome(&cal, &target, &t[0], now),
            TicketOutcome::Met { minutes: 30.0 }
        );
        assert_eq!(
            ticket_outcome(&cal, &target, &t[1], now),
            TicketOutcome::Missed { minutes: 75.0 }
        );
        assert_eq!(ticket_outcome(&cal, &target, &t[2], now), TicketOutcome::Pending);
        assert_eq!(
            ticket_outcome(&cal, &target, &t[3], now),
            TicketOutcome::Missed { minutes: 1020.0 }
        );
        // Exactly at the limit is met; a second over is missed.
        let opened = utc(2024, 3, 4, 8, 0);
        let at_limit = ticket(opened, Some(utc(2024, 3, 4, 9, 0)), None);
        assert_eq!(
            ticket_outcome(&cal, &target, &at_limit, now),
            TicketOutcome::Met { minutes: 60.0 }
        );
        let over = ticket(opened, Some(utc(2024, 3, 4, 9, 0) + TimeDelta::seconds(1)), None);
        assert!(matches!(
            ticket_outcome(&cal, &target, &over, now),
            TicketOutcome::Missed { .. }
        ));
    }

    #[test]
    fn without_timestamp_now_caps_the_elapsed_time() {
        let cal = berlin_office(&[]);
        let target = response_target(60.0, TimeUnit::Min);
        // Thu 03-28 09:00 CET; now 10:00 CET: exactly 60, not over → pending.
        let t = ticket(utc(2024, 3, 28, 8, 0), None, None);
        assert_eq!(
            ticket_outcome(&cal, &target, &t, utc(2024, 3, 28, 9, 0)),
            TicketOutcome::Pending
        );
        // now 10:01 → 61 > 60 → counted as a miss with the time so far.
        assert_eq!(
            ticket_outcome(&cal, &target, &t, utc(2024, 3, 28, 9, 1)),
            TicketOutcome::Missed { minutes: 61.0 }
        );
        assert!(!TicketOutcome::Pending.counted());
        assert!(TicketOutcome::Met { minutes: 1.0 }.counted());
    }

    #[test]
    fn paused_minutes_come_off_resolution_only() {
        let cal = berlin_office(&[]);
        // Mon 03-04 09:00 CET → Tue 12:00 CET: 480 + 240 = 720 business minutes.
        let mut t = ticket(
            utc(2024, 3, 4, 8, 0),
            Some(utc(2024, 3, 5, 11, 0)),
            Some(utc(2024, 3, 5, 11, 0)),
        );
        t.paused_minutes = 100;
        let now = utc(2024, 4, 10, 0, 0);
        let resolution = TicketTarget {
            measure: TicketMeasure::Resolution,
            limit: 10.0,
            unit: TimeUnit::H,
            goal: 0.9,
        };
        // 720 − 100 = 620 > 600 → missed.
        assert_eq!(
            ticket_outcome(&cal, &resolution, &t, now),
            TicketOutcome::Missed { minutes: 620.0 }
        );
        t.paused_minutes = 130;
        // 720 − 130 = 590 ≤ 600 → met.
        assert_eq!(
            ticket_outcome(&cal, &resolution, &t, now),
            TicketOutcome::Met { minutes: 590.0 }
        );
        // First response ignores the pause: 720 > 60.
        let response = response_target(60.0, TimeUnit::Min);
        assert_eq!(
            ticket_outcome(&cal, &response, &t, now),
            TicketOutcome::Missed { minutes: 720.0 }
        );
        // Never below 0.
        t.paused_minutes = 5000;
        assert_eq!(
            ticket_outcome(&cal, &resolution, &t, now),
            TicketOutcome::Met { minutes: 0.0 }
        );
        // An unresolved ticket's pause also comes off the time spent so far: Thu 09:00 CET
        // to the month's end is 1020, less 500 paused = 520 ≤ 600 → still pending.
        let mut open = ticket(utc(2024, 3, 28, 8, 0), None, None);
        open.paused_minutes = 500;
        assert_eq!(ticket_outcome(&cal, &resolution, &open, now), TicketOutcome::Pending);
        open.paused_minutes = 400;
        assert_eq!(
            ticket_outcome(&cal, &resolution, &open, now),
            TicketOutcome::Missed { minutes: 620.0 }
        );
    }

    #[test]
    fn march_attainment() {
        let cal = berlin_office(&[]);
        let now = utc(2024, 4, 10, 12, 0);
        let march = Period::new(2024, 3).unwrap_or_else(|| panic!());
        // Counted: 30 (met), 75 (miss), 1020 (miss), 20 (met); 1 pending.
        // attainment 2/4 = 0.5 < 0.9 → breached. Sorted 20 30 75 1020: median (30 + 75)/2
        // = 52.5; p90 rank ⌈3.6⌉ = 4 → 1020.
        let a = attainment(
            &cal,
            &response_target(60.0, TimeUnit::Min),
            march,
            &march_tickets(),
            now,
        );
        assert_eq!(
            a,
            PeriodAttainment {
                period: march,
                counted: 4,
                met: 2,
                pending: 1,
                attainment: Some(0.5),
                goal: 0.9,
                status: TargetStatus::Breached,
                median: Some(52.5),
                p90: Some(1020.0),
            }
        );
        // The same limit in hours: durations in hours, 0.875 and 17.
        let h = attainment(&cal, &response_target(1.0, TimeUnit::H), march, &march_tickets(), now);
        assert_eq!((h.counted, h.met, h.pending), (4, 2, 1));
        assert_eq!(h.median, Some(0.875));
        assert_eq!(h.p90, Some(17.0));
        // A goal of one half is met at 0.5.
        let mut lenient = response_target(60.0, TimeUnit::Min);
        lenient.goal = 0.5;
        assert_eq!(
            attainment(&cal, &lenient, march, &march_tickets(), now).status,
            TargetStatus::Met
        );
        // April holds one ticket (opened 01:30 CEST on the 1st), pending.
        let april = march.next();
        let a = attainment(&cal, &lenient, april, &march_tickets(), utc(2024, 4, 1, 0, 0));
        assert_eq!(
            (a.counted, a.pending, a.attainment, a.status),
            (0, 1, None, TargetStatus::NoData)
        );
        let json = serde_json::to_value(&a).unwrap_or_default();
        assert_eq!(json["period"], "2024-04");
        assert_eq!(json["status"], "no_data");
        assert_eq!(json["median"], serde_json::Value::Null);
    }

    #[test]
    fn no_tickets_no_data() {
        let cal = Calendar::twenty_four_seven();
        let p = Period::new(2026, 1).unwrap_or_else(|| panic!());
        let a = attainment(
            &cal,
            &response_target(5.0, TimeUnit::Min),
            p,
            &[],
            utc(2026, 2, 1, 0, 0),
        );
        assert_eq!((a.counted, a.met, a.pending), (0, 0, 0));
        assert_eq!(a.attainment, None);
        assert_eq!(a.status, TargetStatus::NoData);
        assert_eq!((a.median, a.p90), (None, None));
    }

    #[test]
    fn units_goals_and_statuses() {
        assert_eq!(TimeUnit::parse("min"), Some(TimeUnit::Min));
        assert_eq!(TimeUnit::parse("h"), Some(TimeUnit::H));
        assert_eq!(TimeUnit::parse("%"), None);
        assert_eq!(TimeUnit::H.as_str(), "h");
        assert!(check_goal(0.0).is_err());
        assert!(check_goal(0.95).is_ok());
        assert!(check_goal(1.0).is_ok());
        assert!(check_goal(1.01).is_err());
        assert!(check_goal(f64::NAN).is_err());
        assert_eq!(attainment_status(Some(0.95), 0.95), TargetStatus::Met);
        assert_eq!(attainment_status(Some(0.949), 0.95), TargetStatus::Breached);
        assert_eq!(attainment_status(None, 0.95), TargetStatus::NoData);
        assert_eq!(TargetStatus::NoData.as_str(), "no_data");
        assert_eq!(
            serde_json::to_string(&TicketMeasure::FirstResponse).ok().as_deref(),
            Some("\"first_response\"")
        );
    }

    #[test]
    fn reported_targets_follow_the_direction() {
        use Direction::{HigherIsBetter, LowerIsBetter};
        // Availability 99.95 % against 99.9 %: met; 99.8: breached; equal: met.
        assert_eq!(reported_status(HigherIsBetter, 99.9, Some(99.95)), TargetStatus::Met);
        assert_eq!(
            reported_status(HigherIsBetter, 99.9, Some(99.8)),
            TargetStatus::Breached
        );
        assert_eq!(reported_status(HigherIsBetter, 99.9, Some(99.9)), TargetStatus::Met);
        // Defect rate 2 against at most 3: met; 4: breached; equal: met.
        assert_eq!(reported_status(LowerIsBetter, 3.0, Some(2.0)), TargetStatus::Met);
        assert_eq!(reported_status(LowerIsBetter, 3.0, Some(4.0)), TargetStatus::Breached);
        assert_eq!(reported_status(LowerIsBetter, 3.0, Some(3.0)), TargetStatus::Met);
        assert_eq!(reported_status(LowerIsBetter, 3.0, None), TargetStatus::NoData);
        let p = Period::new(2026, 2).unwrap_or_else(|| panic!());
        let r = reported_period(HigherIsBetter, 99.9, p, Some(99.0));
        assert_eq!(r.status, TargetStatus::Breached);
        assert_eq!(
            serde_json::to_value(&r).unwrap_or_default(),
            serde_json::json!({"period": "2026-02", "value": 99.0, "status": "breached"})
        );
    }
}
