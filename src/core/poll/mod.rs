//! Polls, decided: the options as typed, when a poll closes, who may vote how many times
//! (a vote changed, withdrawn, held to its maximum), the tally with its text bars, the
//! quorum, and whether the result is a tie.

pub mod commands;
#[cfg(test)]
mod tests;

pub use commands::{COMMANDS, PollCommand, PollSettings};

use super::UserError;
use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The most options a poll has: Discord's own polls stop at 10 too.
pub const MAX_OPTIONS: usize = 10;
/// The longest question.
pub const MAX_QUESTION_CHARS: usize = 300;
/// The longest option: it is a button's label on every platform.
pub const MAX_OPTION_CHARS: usize = 55;
/// Breakdowns of an anonymous poll are shown only from this many votes.
pub const MIN_ANONYMOUS_VOTES: i64 = 3;
/// How many characters the longest text bar has.
pub const BAR_CHARS: usize = 10;

/// `"Mon|Tue|Wed"` → the options, trimmed; 2 to 10, each at most 55 characters, distinct.
pub fn read_options(text: &str) -> Result<Vec<String>, UserError> {
    let options: Vec<String> = text.split('|').map(|o| o.trim().to_string()).filter(|o| !o.is_empty()).collect();
    if options.len() > MAX_OPTIONS {
        return Err(UserError::new(
            "error_poll_too_many_options",
            json!({ "count": options.len(), "max": MAX_OPTIONS }),
        ));
    }
    if options.len() < 2 {
        return Err(UserError::new("error_poll_too_few_options", json!({ "count": options.len() })));
    }
    if let Some(long) = options.iter().find(|o| o.chars().count() > MAX_OPTION_CHARS) {
        return Err(UserError::new("error_poll_option_too_long", json!({ "option": long, "max": MAX_OPTION_CHARS })));
    }
    for (i, o) in options.iter().enumerate() {
        if options[..i].iter().any(|p| p.eq_ignore_ascii_case(o)) {
            return Err(UserError::new("error_poll_duplicate_option", json!({ "option": o })));
        }
    }
    Ok(options)
}

/// The question, trimmed, not empty, at most 300 characters.
pub fn check_question(text: &str) -> Result<String, UserError> {
    let q = text.trim();
    if q.is_empty() {
        return Err(UserError::plain("error_poll_no_question"));
    }
    let count = q.chars().count();
    if count > MAX_QUESTION_CHARS {
        return Err(UserError::new(
            "error_poll_question_too_long",
            json!({ "count": count, "max": MAX_QUESTION_CHARS }),
        ));
    }
    Ok(q.to_string())
}

/// When a poll closes, as typed: after a duration, or at a local time in the team's zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Close {
    After { minutes: i64 },
    At(NaiveDateTime),
}

/// `24h`, `90m`, `2d` or `2026-12-05T17:00` (local).
pub fn read_close(text: &str) -> Result<Close, UserError> {
    let t = text.trim();
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(at) = NaiveDateTime::parse_from_str(t, format) {
            return Ok(Close::At(at));
        }
    }
    super::text::parse_minutes(t)
        .map(|minutes| Close::After { minutes })
        .map_err(|_| UserError::new("error_poll_bad_close", json!({ "value": text })))
}

/// The instant a poll closes; refused when it is not after `now`.
pub fn deadline(close: Close, tz: chrono_tz::Tz, now: DateTime<Utc>) -> Result<DateTime<Utc>, UserError> {
    let at = match close {
        Close::After { minutes } => now + Duration::minutes(minutes),
        Close::At(local) => {
            let r = tz.from_local_datetime(&local);
            // A time in a DST gap does not exist; the first instant after the gap is meant.
            let t = r.earliest().or_else(|| tz.from_local_datetime(&(local + Duration::hours(1))).earliest());
            t.ok_or_else(|| UserError::new("error_poll_bad_close", json!({ "value": local.to_string() })))?
                .with_timezone(&Utc)
        }
    };
    if at <= now {
        let shown = at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
        return Err(UserError::new("error_poll_close_past", json!({ "close": shown })));
    }
    Ok(at)
}

/// `80%` or `80` → 80; from 1 to 100.
pub fn read_quorum(text: &str) -> Result<u32, UserError> {
    let bad = || UserError::new("error_poll_bad_quorum", json!({ "value": text }));
    let n: u32 = text.trim().trim_end_matches('%').trim().parse().map_err(|_| bad())?;
    if (1..=100).contains(&n) { Ok(n) } else { Err(bad()) }
}

/// A person's picks after clicking `option`: a click on a picked option withdraws it; in a
/// single-choice poll another click changes the vote; a multi-choice poll adds the option
/// while the person has fewer than `max` picks. Picks stay sorted.
pub fn toggle(current: &[usize], option: usize, options: usize, max: usize) -> Result<Vec<usize>, UserError> {
    if option >= options {
        return Err(UserError::new("error_poll_unknown_option", json!({ "number": option + 1, "count": options })));
    }
    if current.contains(&option) {
        return Ok(current.iter().copied().filter(|o| *o != option).collect());
    }
    if max <= 1 {
        return Ok(vec![option]);
    }
    if current.len() >= max {
        return Err(UserError::new("error_poll_max_picks", json!({ "max": max })));
    }
    let mut picks = current.to_vec();
    picks.push(option);
    picks.sort_unstable();
    Ok(picks)
}

/// Votes per option and how many people voted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Tally {
    pub counts: Vec<i64>,
    pub voters: i64,
}

impl Tally {
    /// The tally of `votes` (voter key, option index) over `options` options.
    pub fn of(options: usize, votes: &[(String, usize)]) -> Tally {
        let mut counts = vec![0; options];
        for (_, o) in votes {
            if let Some(c) = counts.get_mut(*o) {
                *c += 1;
            }
        }
        let mut voters: Vec<&str> = votes.iter().map(|(k, _)| k.as_str()).collect();
        voters.sort_unstable();
        voters.dedup();
        Tally { counts, voters: voters.len() as i64 }
    }

    pub fn total(&self) -> i64 {
        self.counts.iter().sum()
    }

    /// The options with the most votes (none when nobody voted); more than one is a tie.
    pub fn leaders(&self) -> Vec<usize> {
        let top = self.counts.iter().copied().max().unwrap_or(0);
        if top == 0 {
            return Vec::new();
        }
        (0..self.counts.len()).filter(|i| self.counts[*i] == top).collect()
    }

    pub fn is_tie(&self) -> bool {
        self.leaders().len() > 1
    }

    /// Whether the share of the audience that voted reaches `quorum` percent.
    pub fn reaches(&self, quorum: u32, audience: usize) -> bool {
        audience > 0 && self.voters * 100 >= i64::from(quorum) * audience as i64
    }
}

/// A text bar for `count` out of the largest count `max`: up to `BAR_CHARS` blocks, at
/// least one for any vote.
pub fn bar(count: i64, max: i64) -> String {
    if count <= 0 || max <= 0 {
        return String::new();
    }
    let n = ((count * BAR_CHARS as i64 + max - 1) / max).clamp(1, BAR_CHARS as i64) as usize;
    "█".repeat(n)
}

/// The percentage `count` is of `total`, rounded.
pub fn percent(count: i64, total: i64) -> i64 {
    if total <= 0 { 0 } else { (count * 100 + total / 2) / total }
}

/// Whether a breakdown may be shown: an anonymous poll's needs at least three votes.
pub fn may_show_breakdown(anonymous: bool, voters: i64) -> bool {
    !anonymous || voters >= MIN_ANONYMOUS_VOTES
}
