//! Cadences: when a ritual fires, either by a cron expression or on a fixed day of each sprint.

use super::Schedule;
use super::search::after_gap;
use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How many sprints the search tries, from the one holding the day before `after`'s local
/// date. An occurrence is skipped only when a gap in local time swallows the rest of its day,
/// so the next fire is always among the first few; the bound only keeps the search finite.
const MAX_TRIES: u64 = 8;

/// When a ritual fires: a cron expression, or a fixed day of each sprint.
///
/// It serializes with a `kind` tag, the cron expression as its text:
/// `{"kind":"cron","schedule":"0 9 * * 1-5","zone":"Europe/Paris"}` or
/// `{"kind":"sprint","start":"2026-12-05","length_days":14,"day":"last","at":"15:00:00","zone":"Europe/Paris"}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Cadence {
    /// A cron expression whose fields are matched on wall time in `zone`.
    Cron {
        /// The parsed expression; it is stored as its source text.
        #[serde(with = "cron_text")]
        schedule: Schedule,
        /// The zone whose wall time the fields are matched on.
        zone: Tz,
    },
    /// A fixed day of each sprint, at a fixed local time.
    Sprint(SprintCadence),
}

impl Cadence {
    /// The first fire instant strictly after `after`, or `None` when the cadence fires no more.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Cadence::Cron { schedule, zone } => schedule.next_after(*zone, after),
            Cadence::Sprint(sprint) => sprint.next_after(after),
        }
    }

    /// The next `n` fire instants strictly after `after` (fewer if the cadence runs out).
    pub fn upcoming(&self, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(n.min(1024));
        let mut cursor = after;
        while out.len() < n {
            match self.next_after(cursor) {
                Some(next) => {
                    out.push(next);
                    cursor = next;
                }
                None => break,
            }
        }
        out
    }

    /// The zone whose wall time the cadence follows.
    pub fn zone(&self) -> Tz {
        match self {
            Cadence::Cron { zone, .. } => *zone,
            Cadence::Sprint(sprint) => sprint.zone,
        }
    }
}

/// Which day of each sprint a sprint cadence fires on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SprintDay {
    /// The sprint's first day.
    First,
    /// The sprint's last day.
    Last,
    /// The n-th day of the sprint, counted from 1 (the first day).
    Nth(u32),
}

/// A fixed day of each sprint at a fixed local time.
///
/// Sprint k (counted from 0) runs from `start + k * length_days` for `length_days` days.
/// "Every other Friday at 15:00" is a 14-day sprint that starts on a Saturday, fired on its
/// `Last` day at 15:00. [`SprintCadence::new`] checks the length and the day; a value built
/// by hand or deserialized can be checked with [`SprintCadence::validate`], and an invalid
/// one never fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SprintCadence {
    /// The first day of the first sprint, a local date in `zone`; nothing fires before it.
    pub start: NaiveDate,
    /// How many days each sprint lasts, from 1 to [`SprintCadence::MAX_LENGTH_DAYS`].
    pub length_days: u32,
    /// Which day of each sprint it fires on.
    pub day: SprintDay,
    /// The local time it fires at.
    pub at: NaiveTime,
    /// The zone of `start` and `at`.
    pub zone: Tz,
}

impl SprintCadence {
    /// The longest sprint accepted, in days.
    pub const MAX_LENGTH_DAYS: u32 = 365;

    /// A checked sprint cadence: a length outside 1-365 days or an `Nth` day outside the
    /// sprint is refused.
    pub fn new(
        start: NaiveDate,
        length_days: u32,
        day: SprintDay,
        at: NaiveTime,
        zone: Tz,
    ) -> Result<SprintCadence, CadenceError> {
        let cadence = SprintCadence { start, length_days, day, at, zone };
        cadence.validate()?;
        Ok(cadence)
    }

    /// Checks that the length is from 1 to 365 days and that the day falls inside the sprint.
    pub fn validate(&self) -> Result<(), CadenceError> {
        self.offset().map(|_| ())
    }

    /// The first fire instant strictly after `after`.
    ///
    /// The sprint is found by arithmetic, so a start long ago costs nothing. `None` for an
    /// invalid cadence, or past the end of the calendar.
    pub fn next_after(&self, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let offset = self.offset().ok()?;
        // Start a day early: a local date's instants can begin before `after`'s local date.
        let local = after.with_timezone(&self.zone).date_naive();
        // Before `start`, the search begins at the first sprint.
        let first = self.index_of(local.pred_opt().unwrap_or(local)).unwrap_or(0);
        for k in first..first.saturating_add(MAX_TRIES) {
            let date = self.first_day(k)?.checked_add_days(Days::new(offset))?;
            if let Some(t) = fire_on(self.zone, date, self.at)
                && t > after
            {
                return Some(t);
            }
        }
        None
    }

    /// The sprint that local date `day` falls in: its number (counted from 1), its first day
    /// and its last day.
    ///
    /// `None` before `start`, for an invalid cadence, or past the end of the calendar.
    pub fn sprint_at(&self, day: NaiveDate) -> Option<(u32, NaiveDate, NaiveDate)> {
        self.validate().ok()?;
        let k = self.index_of(day)?;
        let first = self.first_day(k)?;
        let last = first.checked_add_days(Days::new(u64::from(self.length_days) - 1))?;
        Some((u32::try_from(k + 1).ok()?, first, last))
    }

    /// Days from a sprint's first day to its fire day, once the cadence is checked.
    fn offset(&self) -> Result<u64, CadenceError> {
        let length_days = self.length_days;
        if !(1..=Self::MAX_LENGTH_DAYS).contains(&length_days) {
            return Err(CadenceError::LengthOutOfRange { length_days });
        }
        let offset = match self.day {
            SprintDay::First => 0,
            SprintDay::Last => length_days - 1,
            SprintDay::Nth(day) if (1..=length_days).contains(&day) => day - 1,
            SprintDay::Nth(day) => return Err(CadenceError::DayOutOfRange { day, length_days }),
        };
        Ok(u64::from(offset))
    }

    /// Index (counted from 0) of the sprint holding `day`; `None` before `start` or for a
    /// zero length.
    fn index_of(&self, day: NaiveDate) -> Option<u64> {
        let days = u64::try_from(day.signed_duration_since(self.start).num_days()).ok()?;
        days.checked_div(u64::from(self.length_days))
    }

    /// First day of sprint `k` (counted from 0); `None` past the end of the calendar.
    fn first_day(&self, k: u64) -> Option<NaiveDate> {
        self.start.checked_add_days(Days::new(k.checked_mul(u64::from(self.length_days))?))
    }
}

/// The instant of wall time `at` on local `date` in `zone`, by the cron evaluator's rule for
/// fixed-time schedules: a time in a gap fires at the first instant after the gap, and a time
/// in an overlap at its first occurrence. `None` when the gap swallows the rest of the day.
fn fire_on(zone: Tz, date: NaiveDate, at: NaiveTime) -> Option<DateTime<Utc>> {
    let naive = date.and_time(at);
    // The earliest instant is the only one outside an overlap and the first pass inside one.
    if let Some(t) = zone.from_local_datetime(&naive).earliest() {
        return Some(t.with_timezone(&Utc));
    }
    after_gap(zone, naive).filter(|t| t.with_timezone(&zone).date_naive() == date)
}

/// Why a sprint cadence was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CadenceError {
    /// The sprint length is not from 1 to 365 days.
    LengthOutOfRange {
        /// The length that was given.
        length_days: u32,
    },
    /// An `Nth` day that is not from 1 to the sprint's length.
    DayOutOfRange {
        /// The day that was given.
        day: u32,
        /// The sprint's length in days.
        length_days: u32,
    },
}

impl CadenceError {
    /// Stable snake_case identifier, suitable as a localization key.
    pub fn code(&self) -> &'static str {
        match self {
            CadenceError::LengthOutOfRange { .. } => "length_out_of_range",
            CadenceError::DayOutOfRange { .. } => "day_out_of_range",
        }
    }
}

impl fmt::Display for CadenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CadenceError::LengthOutOfRange { length_days } => {
                write!(f, "a sprint lasts from 1 to {} days, not {length_days}", SprintCadence::MAX_LENGTH_DAYS)
            }
            CadenceError::DayOutOfRange { day, length_days } => {
                write!(f, "day {day} is not a day of a sprint of {length_days} days")
            }
        }
    }
}

impl std::error::Error for CadenceError {}

/// Serde for a cron schedule as its source text, parsed again on the way in.
mod cron_text {
    use super::Schedule;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(schedule: &Schedule, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(schedule.source())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Schedule, D::Error> {
        let text = String::deserialize(deserializer)?;
        Schedule::parse(&text).map_err(serde::de::Error::custom)
    }
}
