//! Syntax: names, Sunday as 0 or 7, ranges, steps, lists, macros, extensions, day rule.

use super::{fires, schedule, utc, zone};
use crate::core::schedule::Schedule;

#[test]
fn month_and_weekday_names_are_case_insensitive() {
    // 2026-01-01 is a Thursday; February is not listed, so Jan 30 (Fri) -> Mar 2 (Mon).
    let got = fires("0 9 * JAN,mar MON-fri", "2026-01-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", "2026-01-05T09:00:00Z"]);
    let got = fires("0 9 * jan,Mar Mon-Fri", "2026-01-31T00:00:00Z", 1);
    assert_eq!(got, ["2026-03-02T09:00:00Z"]);
}

#[test]
fn sunday_can_be_written_as_zero_seven_or_sun() {
    let want = ["2026-01-04T12:00:00Z", "2026-01-11T12:00:00Z"];
    for expr in ["0 12 * * 0", "0 12 * * 7", "0 12 * * SUN", "0 12 * * sun"] {
        assert_eq!(fires(expr, "2026-01-01T00:00:00Z", 2), want, "{expr}");
    }
}

#[test]
fn weekday_ranges_ending_in_seven_or_sunday_include_sunday() {
    // Fri 9, Sat 10, Sun 11, Fri 16 January 2026.
    let want = ["2026-01-09T00:00:00Z", "2026-01-10T00:00:00Z", "2026-01-11T00:00:00Z", "2026-01-16T00:00:00Z"];
    for expr in ["0 0 * * 5-7", "0 0 * * FRI-SUN", "0 0 * * 5-0"] {
        assert_eq!(fires(expr, "2026-01-05T00:00:00Z", 4), want, "{expr}");
    }
}

#[test]
fn ranges_and_single_values_take_steps() {
    // Minutes 10,30,50 at hours 0,6,12,18.
    let got = fires("10-50/20 */6 * * *", "2026-01-01T00:00:00Z", 4);
    let want = ["2026-01-01T00:10:00Z", "2026-01-01T00:30:00Z", "2026-01-01T00:50:00Z", "2026-01-01T06:10:00Z"];
    assert_eq!(got, want);
    // `45/5` means 45 through 59 every 5 minutes.
    let got = fires("45/5 * * * *", "2026-01-01T00:00:00Z", 4);
    let want = ["2026-01-01T00:45:00Z", "2026-01-01T00:50:00Z", "2026-01-01T00:55:00Z", "2026-01-01T01:45:00Z"];
    assert_eq!(got, want);
}

#[test]
fn lists_mix_values_ranges_and_steps() {
    // Hours 8, 12, 13, 20, 22.
    let got = fires("0 8,12-13,20/2 * * *", "2026-01-01T00:00:00Z", 6);
    let want = [
        "2026-01-01T08:00:00Z",
        "2026-01-01T12:00:00Z",
        "2026-01-01T13:00:00Z",
        "2026-01-01T20:00:00Z",
        "2026-01-01T22:00:00Z",
        "2026-01-02T08:00:00Z",
    ];
    assert_eq!(got, want);
}

#[test]
fn macros_mean_their_five_field_expansions() {
    let pairs = [
        ("@yearly", "0 0 1 1 *"),
        ("@annually", "0 0 1 1 *"),
        ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"),
        ("@daily", "0 0 * * *"),
        ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
        ("@DAILY", "0 0 * * *"),
    ];
    for (mac, expansion) in pairs {
        assert_eq!(schedule(mac).fields, schedule(expansion).fields, "{mac}");
        assert_eq!(schedule(mac).source(), mac);
    }
    assert_eq!(fires("@weekly", "2026-01-01T00:00:00Z", 1), ["2026-01-04T00:00:00Z"]);
}

#[test]
fn both_day_fields_restricted_means_either_may_match() {
    // Thu Jan 1 (the 1st), then Mondays, then Sun Feb 1 (the 1st) and Mon Feb 2.
    let got = fires("0 9 1 * 1", "2026-01-01T00:00:00Z", 7);
    let want = [
        "2026-01-01T09:00:00Z",
        "2026-01-05T09:00:00Z",
        "2026-01-12T09:00:00Z",
        "2026-01-19T09:00:00Z",
        "2026-01-26T09:00:00Z",
        "2026-02-01T09:00:00Z",
        "2026-02-02T09:00:00Z",
    ];
    assert_eq!(got, want);
    // Extensions count as restricted: the last day OR any Monday.
    let got = fires("0 0 L * MON", "2026-01-27T00:00:00Z", 2);
    assert_eq!(got, ["2026-01-31T00:00:00Z", "2026-02-02T00:00:00Z"]);
}

#[test]
fn a_day_field_starting_with_star_means_both_must_match() {
    // `*/2` is restricted in content but starts with `*`: odd days that are Mondays.
    let got = fires("0 0 */2 * MON", "2026-01-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-01-05T00:00:00Z", "2026-01-19T00:00:00Z", "2026-02-09T00:00:00Z"]);
    assert_eq!(fires("0 9 1 * *", "2026-01-02T00:00:00Z", 1), ["2026-02-01T09:00:00Z"]);
}

#[test]
fn impossible_dates_return_none_without_looping_forever() {
    let start = utc("2026-01-01T00:00:00Z");
    for expr in ["0 0 30 2 *", "0 0 31 4,6,9,11 *", "0 0 31W 2 *"] {
        assert_eq!(schedule(expr).next_after(zone("UTC"), start), None, "{expr}");
        assert!(schedule(expr).upcoming(zone("UTC"), start, 3).is_empty());
    }
}

#[test]
fn rare_dates_are_still_found() {
    assert_eq!(fires("0 0 29 2 *", "2026-01-01T00:00:00Z", 1), ["2028-02-29T00:00:00Z"]);
    // February 29th on a Sunday (AND rule via `*/7`): 2032, then 2060.
    let got = fires("0 0 29 2 */7", "2026-01-01T00:00:00Z", 2);
    assert_eq!(got, ["2032-02-29T00:00:00Z", "2060-02-29T00:00:00Z"]);
}

#[test]
fn whitespace_is_trimmed_and_runs_of_spaces_or_tabs_separate_fields() {
    let s = schedule("  0\t9  * \t* 1-5 \n");
    assert_eq!(s.source(), "0\t9  * \t* 1-5");
    assert_eq!(s.to_string(), s.source());
    assert_eq!(s.fields, schedule("0 9 * * 1-5").fields);
    let parsed: Schedule = "0 9 * * 1-5".parse().expect("parses");
    assert_eq!(parsed, schedule("0 9 * * 1-5"));
}

#[test]
fn upcoming_returns_exactly_n_instants_in_order() {
    let got = fires("*/15 * * * *", "2026-01-01T00:00:00Z", 5);
    assert_eq!(got.len(), 5);
    assert!(got.windows(2).all(|w| w[0] < w[1]));
    assert!(fires("*/15 * * * *", "2026-01-01T00:00:00Z", 0).is_empty());
}
