//! Cron schedules: parse Vixie cron expressions and compute fire instants in a time zone.
//!
//! Fields are matched on local wall time. A *fixed-time* schedule (no `*` in the minute or
//! hour field) fires once per matching day even across DST changes: a time inside a
//! spring-forward gap fires at the first instant after the gap, and a time inside a
//! fall-back overlap fires at its first occurrence. Other schedules fire at every real
//! instant whose wall time matches (nothing in a gap, both passes of a repeated hour).

pub mod cadence;
mod days;
mod error;
mod parse;
mod search;
#[cfg(test)]
mod tests;

pub use cadence::{Cadence, CadenceError, SprintCadence, SprintDay};
pub use error::{Field, Problem, ScheduleError};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::fmt;
use std::str::FromStr;

/// A parsed cron expression.
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    source: String,
    fields: parse::Parsed,
}

impl Schedule {
    /// Parse a five-field cron expression or an `@macro`; surrounding whitespace is ignored.
    pub fn parse(expr: &str) -> Result<Schedule, ScheduleError> {
        let source = expr.trim();
        let fields = parse::parse_expr(source)?;
        Ok(Schedule { source: source.to_string(), fields })
    }

    /// The first fire instant strictly after `after`, fields matched on wall time in `tz`.
    ///
    /// Returns `None` when the schedule does not fire within about 50 years.
    pub fn next_after(&self, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        search::next_after(&self.fields, tz, after)
    }

    /// The next `n` fire instants strictly after `after` (fewer if the schedule runs out).
    pub fn upcoming(&self, tz: Tz, after: DateTime<Utc>, n: usize) -> Vec<DateTime<Utc>> {
        let mut out = Vec::with_capacity(n.min(1024));
        let mut cursor = after;
        while out.len() < n {
            match self.next_after(tz, cursor) {
                Some(next) => {
                    out.push(next);
                    cursor = next;
                }
                None => break,
            }
        }
        out
    }

    /// True when neither the minute nor the hour field contains `*`.
    pub fn is_fixed_time(&self) -> bool {
        self.fields.fixed
    }

    /// The expression as written, trimmed.
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Schedule::parse(s)
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}
