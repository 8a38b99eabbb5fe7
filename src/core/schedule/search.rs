//! Finding the next fire instant: a scan over local dates that resolves DST gaps and overlaps.

use super::days::days_in_month;
use super::parse::Parsed;
use chrono::{DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeDelta};
use chrono::{TimeZone, Utc};
use chrono_tz::Tz;

/// Give up after this many local dates (about 50 years): enough for rare matches such as
/// February 29th on a given weekday, small enough that impossible dates return quickly.
const MAX_DAYS: u64 = 50 * 366;

/// Longest forward search for the end of a gap; UTC offsets differ by at most 26 hours.
const MAX_GAP_MINUTES: i64 = 26 * 60 + 1;

/// Set bits of `mask`, ascending.
fn bits(mask: u64) -> impl Iterator<Item = u32> {
    (0..64).filter(move |b| mask & (1 << b) != 0)
}

fn at(date: NaiveDate, hour: u32, minute: u32) -> Option<NaiveDateTime> {
    date.and_hms_opt(hour, minute, 0)
}

/// The later instant of a wall time (`None` inside a gap).
fn latest(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&naive).latest().map(|t| t.with_timezone(&Utc))
}

/// First instant after the gap that contains `naive`: the earliest resolvable wall time
/// after it, found minute by minute and then refined to the second.
pub(super) fn after_gap(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    let resolve = |n: NaiveDateTime| tz.from_local_datetime(&n).earliest();
    let mut found = (1..=MAX_GAP_MINUTES)
        .filter_map(|m| naive.checked_add_signed(TimeDelta::minutes(m)))
        .find_map(|n| resolve(n).map(|t| (n, t)))?;
    // Offsets of old (local mean time) zones are not whole minutes; step back by seconds.
    for s in 1..60 {
        let earlier = found.0.checked_sub_signed(TimeDelta::seconds(s));
        match earlier.and_then(|n| resolve(n).map(|t| (n, t))) {
            Some(hit) if hit.0 > naive => found = (found.0, hit.1),
            _ => break,
        }
    }
    Some(found.1.with_timezone(&Utc))
}

impl Parsed {
    /// Month and Vixie's day rule: both day fields must match when either starts with `*`,
    /// otherwise either may match.
    fn day_matches(&self, date: NaiveDate) -> bool {
        if self.months & (1 << date.month()) == 0 {
            return false;
        }
        let dom = self.dom.matches(date);
        let dow = self.dow.matches(date);
        if self.dom_star || self.dow_star { dom && dow } else { dom || dow }
    }

    /// The earliest fire instant strictly after `after` among the times of local `date`.
    fn first_on(&self, tz: Tz, date: NaiveDate, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let last_hour = 63 - self.hours.leading_zeros();
        let last_minute = 63 - self.minutes.leading_zeros();
        // Wall time -> instant is monotonic, so if the day's (or hour's) last time has
        // already passed, every earlier time has too.
        let passed = |h: u32| at(date, h, last_minute).and_then(|n| latest(tz, n)).is_some_and(|t| t <= after);
        if passed(last_hour) {
            return None;
        }
        let mut best: Option<DateTime<Utc>> = None;
        let keep = |best: Option<DateTime<Utc>>, t: DateTime<Utc>| Some(best.map_or(t, |b| b.min(t)));
        for hour in bits(self.hours).filter(|&h| !passed(h)) {
            for minute in bits(self.minutes) {
                let naive = at(date, hour, minute)?;
                match tz.from_local_datetime(&naive) {
                    LocalResult::Single(t) => {
                        let t = t.with_timezone(&Utc);
                        if t > after {
                            // Every later wall time of the day is a later instant.
                            return keep(best, t);
                        }
                    }
                    LocalResult::Ambiguous(first, second) => {
                        let (first, second) = (first.with_timezone(&Utc), second.with_timezone(&Utc));
                        if first > after {
                            return keep(best, first);
                        }
                        if !self.fixed && second > after {
                            best = keep(best, second);
                        }
                    }
                    LocalResult::None if self.fixed => {
                        let t = after_gap(tz, naive)?;
                        if t.with_timezone(&tz).date_naive() != date {
                            // The gap swallowed the rest of the day.
                            return best;
                        }
                        if t > after {
                            return keep(best, t);
                        }
                    }
                    LocalResult::None => {}
                }
            }
        }
        best
    }
}

/// First day of the month after `date`'s month.
fn next_month(date: NaiveDate) -> Option<NaiveDate> {
    let first = date.with_day(1)?;
    first.checked_add_days(Days::new(days_in_month(date.year(), date.month()).into()))
}

pub(crate) fn next_after(p: &Parsed, tz: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if p.minutes == 0 || p.hours == 0 || p.months == 0 {
        return None;
    }
    // Start a day early: a local date's instants can begin before `after`'s local date.
    let start = after.with_timezone(&tz).date_naive();
    let mut date = start.pred_opt().unwrap_or(start);
    let end = date.checked_add_days(Days::new(MAX_DAYS)).unwrap_or(NaiveDate::MAX);
    let mut best: Option<DateTime<Utc>> = None;
    // Once a date yields a fire, also look at the next date (an overlap can cross midnight).
    let mut stop_after: Option<NaiveDate> = None;
    while date <= end && stop_after.is_none_or(|s| date <= s) {
        if p.months & (1 << date.month()) == 0 {
            match next_month(date) {
                Some(next) => date = next,
                None => break,
            }
            continue;
        }
        if p.day_matches(date)
            && let Some(t) = p.first_on(tz, date, after)
        {
            best = Some(best.map_or(t, |b| b.min(t)));
            stop_after.get_or_insert(date.succ_opt().unwrap_or(date));
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    best
}
