//! Unit tests for the schedule module, split by topic, plus shared helpers.

mod brute;
mod cadence;
mod dst;
mod errors;
mod extensions;
mod fixtures;
mod syntax;

use super::Schedule;
use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

/// Parse an RFC 3339 instant into UTC.
fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap_or_else(|e| panic!("bad instant {s:?}: {e}")).with_timezone(&Utc)
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap_or_else(|e| panic!("unknown zone {name:?}: {e}"))
}

fn schedule(expr: &str) -> Schedule {
    Schedule::parse(expr).unwrap_or_else(|e| panic!("{expr:?} should parse: {e}"))
}

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The next `n` fires of `expr` in zone `tz` after `start`, as RFC 3339 UTC strings.
fn fires_in(expr: &str, tz: &str, start: &str, n: usize) -> Vec<String> {
    schedule(expr).upcoming(zone(tz), utc(start), n).into_iter().map(rfc).collect()
}

/// The next `n` fires of `expr` in UTC after `start`.
fn fires(expr: &str, start: &str, n: usize) -> Vec<String> {
    fires_in(expr, "UTC", start, n)
}
