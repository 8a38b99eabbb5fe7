//! Cross-checks against minute-by-minute scans of UTC time around real DST transitions.

use super::{schedule, utc, zone};
use chrono::{DateTime, NaiveDateTime, TimeDelta, Timelike, Utc};
use std::collections::HashSet;

type Pred = fn(u32, u32) -> bool;

/// Every UTC minute after `start` (within `days`) whose wall time satisfies `pred`.
fn brute_force(tz: &str, start: DateTime<Utc>, days: i64, pred: Pred) -> Vec<DateTime<Utc>> {
    let tz = zone(tz);
    (1..=days * 24 * 60)
        .map(|m| start + TimeDelta::minutes(m))
        .filter(|t| {
            let local = t.with_timezone(&tz);
            local.second() == 0 && pred(local.hour(), local.minute())
        })
        .collect()
}

/// Two days before a transition in each zone; each case scans four days.
const STARTS: [(&str, &str); 9] = [
    ("Europe/Paris", "2026-03-27T00:00:00Z"),
    ("Europe/Paris", "2026-10-23T00:00:00Z"),
    ("Australia/Lord_Howe", "2026-04-03T00:00:00Z"),
    ("Australia/Lord_Howe", "2026-10-02T00:00:00Z"),
    ("America/Santiago", "2026-04-03T00:00:00Z"),
    ("America/Santiago", "2026-09-04T00:00:00Z"),
    ("America/St_Johns", "2026-10-30T00:00:00Z"),
    ("Pacific/Apia", "2011-12-28T00:00:00Z"),
    ("Asia/Kathmandu", "2026-01-01T00:00:00Z"),
];

/// Fixed-time rule restated: a wall time `t` fires at the first UTC minute whose wall time
/// reaches `t` (crossing it from below), once, and only if that minute is still on `t`'s date.
fn brute_force_fixed(tz: &str, start: DateTime<Utc>, pred: Pred) -> Vec<DateTime<Utc>> {
    let tz = zone(tz);
    let wall = |t: DateTime<Utc>| t.with_timezone(&tz).naive_local();
    let mut fired: HashSet<NaiveDateTime> = HashSet::new();
    let mut out = Vec::new();
    for m in (-2 * 24 * 60)..=(4 * 24 * 60) {
        let u = start + TimeDelta::minutes(m);
        let (before, now) = (wall(u - TimeDelta::minutes(1)), wall(u));
        // Every whole minute in (before, now]: one minute normally, more across a gap.
        let mut t = before + TimeDelta::minutes(1);
        while t <= now {
            if pred(t.hour(), t.minute()) && fired.insert(t) && t.date() == now.date() && u > start {
                out.push(u);
            }
            t += TimeDelta::minutes(1);
        }
    }
    out.dedup();
    out
}

#[test]
fn fixed_schedules_match_a_restatement_of_the_gap_and_overlap_rule() {
    let cases: [(&str, Pred); 4] = [
        ("30 2 * * *", |h, m| h == 2 && m == 30),
        ("0,30 1-3 * * *", |h, m| (1..=3).contains(&h) && (m == 0 || m == 30)),
        ("15 0,23 * * *", |h, m| (h == 0 || h == 23) && m == 15),
        ("45 1,9 * * *", |h, m| (h == 1 || h == 9) && m == 45),
    ];
    for (tz, start) in STARTS {
        for (expr, pred) in cases {
            let start = utc(start);
            let want = brute_force_fixed(tz, start, pred);
            assert!(!want.is_empty(), "{expr} in {tz}: brute force found nothing");
            let got = schedule(expr).upcoming(zone(tz), start, want.len());
            assert_eq!(got, want, "{expr} in {tz} from {start}");
        }
    }
}

#[test]
fn wildcard_schedules_match_a_minute_by_minute_scan_across_transitions() {
    let cases: [(&str, Pred); 4] = [
        ("*/7 * * * *", |_, m| m % 7 == 0),
        ("13,47 */2 * * *", |h, m| h % 2 == 0 && (m == 13 || m == 47)),
        ("* 0-3 * * *", |h, _| h <= 3),
        ("*/20 23,0,1,2 * * *", |h, m| m % 20 == 0 && (h >= 23 || h <= 2)),
    ];
    for (tz, start) in STARTS {
        for (expr, pred) in cases {
            let start = utc(start);
            let want = brute_force(tz, start, 4, pred);
            assert!(!want.is_empty(), "{expr} in {tz}: brute force found nothing");
            let got = schedule(expr).upcoming(zone(tz), start, want.len());
            assert_eq!(got, want, "{expr} in {tz} from {start}");
        }
    }
}
