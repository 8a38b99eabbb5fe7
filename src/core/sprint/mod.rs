//! Sprints: numbered stretches of local days with a goal, started by hand or rolled over by
//! a cadence at the local start of each start day.

pub mod commands;
#[cfg(test)]
mod tests;

pub use commands::{COMMANDS, SprintCommand};

use super::UserError;
use super::schedule::{SprintCadence, SprintDay};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use serde_json::json;

/// The longest sprint goal, in characters.
pub const MAX_GOAL_CHARS: usize = 200;
/// A sprint's length when none is given: two weeks.
pub const DEFAULT_LENGTH_DAYS: u32 = 14;
/// The longest sprint: eight weeks.
pub const MAX_LENGTH_DAYS: u32 = 56;

/// A sprint of a team: days are local days in the team's zone, both included.
#[derive(Debug, Clone, PartialEq)]
pub struct Sprint {
    pub id: i64,
    pub team_id: i64,
    /// 1 for the team's first sprint, then one more each time.
    pub number: i64,
    /// Empty when none was set.
    pub goal: String,
    pub start: NaiveDate,
    /// Its last day: the planned one while it runs, the day it ended after.
    pub end: NaiveDate,
    /// When it was ended (by hand or by a rollover); `None` while it runs.
    pub ended_at: Option<DateTime<Utc>>,
}

impl Sprint {
    /// Days left from `today` to its last day, both included; 0 once it is past.
    pub fn days_left(&self, today: NaiveDate) -> i64 {
        ((self.end - today).num_days() + 1).clamp(0, (self.end - self.start).num_days() + 1)
    }
}

/// `2w` (1 to 8 weeks) or `10d` (1 to 56 days) → days.
pub fn parse_length(s: &str) -> Result<u32, UserError> {
    let bad = || UserError::new("error_bad_sprint_length", json!({ "value": s, "max_days": MAX_LENGTH_DAYS }));
    let t = s.trim().to_ascii_lowercase();
    let (digits, per) = match t.char_indices().last() {
        Some((i, 'w' | 's')) => (&t[..i], 7),
        Some((i, 'd' | 'j')) => (&t[..i], 1),
        _ => return Err(bad()),
    };
    let n: u32 = digits.parse().map_err(|_| bad())?;
    let days = n.checked_mul(per).ok_or_else(bad)?;
    if (1..=MAX_LENGTH_DAYS).contains(&days) && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(days)
    } else {
        Err(bad())
    }
}

/// The last day of a sprint of `length_days` from `start`.
pub fn end_day(start: NaiveDate, length_days: u32) -> NaiveDate {
    start.checked_add_days(Days::new(u64::from(length_days.max(1)) - 1)).unwrap_or(start)
}

/// A goal as typed: trimmed, checked for control characters and at most 200 characters.
pub fn check_goal(goal: &str) -> Result<String, UserError> {
    super::text::check_length(goal)?;
    let goal = goal.trim().to_string();
    let n = goal.chars().count();
    if n > MAX_GOAL_CHARS {
        return Err(UserError::new("error_too_long", json!({ "length": n, "max": MAX_GOAL_CHARS })));
    }
    Ok(goal)
}

/// A team's sprint cadence: sprints of `length_days` from `start`, each starting at 00:00
/// in `zone` (the schedule's `SprintCadence`, fired on each sprint's first day at midnight,
/// with its DST rule: a midnight inside a gap starts at the gap's end).
pub fn cadence(start: NaiveDate, length_days: u32, zone: Tz) -> SprintCadence {
    SprintCadence { start, length_days, day: SprintDay::First, at: NaiveTime::MIN, zone }
}

/// The next instant a cadence starts a sprint, strictly after `now`.
pub fn next_start(cadence: &SprintCadence, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cadence.next_after(now)
}

/// What a cadence does to the team's sprints on local day `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Nothing to change.
    Keep,
    /// The running sprint stays; its last day becomes this one (the day before the
    /// cadence's next start, or the end of the cadence sprint it runs in).
    Reshape { end: NaiveDate },
    /// The running sprint, if any, ends with its last day `close_on`; the next number
    /// starts on `start` and lasts until `end`.
    Roll { close_on: Option<NaiveDate>, start: NaiveDate, end: NaiveDate },
}

/// The step a cadence takes on `today` for the `running` sprint (its start and last day).
///
/// Before the cadence's first day, a running sprint ends the day before it. From then on,
/// the cadence sprint holding `today` is the one that should run: a running sprint that
/// began before it ends the day before it starts and the next number starts; one that began
/// inside it (started by hand, or already rolled over) stays, ending with it. So running
/// the step again, or late, changes nothing more: a rollover is applied once.
pub fn step(cadence: &SprintCadence, running: Option<(NaiveDate, NaiveDate)>, today: NaiveDate) -> Step {
    let Some((_, first, last)) = cadence.sprint_at(today) else {
        let before = cadence.start.pred_opt().unwrap_or(cadence.start);
        return match running {
            Some((start, end)) if end != before && start <= before => Step::Reshape { end: before },
            _ => Step::Keep,
        };
    };
    match running {
        Some((start, end)) if start >= first => {
            if end == last {
                Step::Keep
            } else {
                Step::Reshape { end: last }
            }
        }
        Some(_) => Step::Roll { close_on: first.pred_opt(), start: first, end: last },
        None => Step::Roll { close_on: None, start: first, end: last },
    }
}
