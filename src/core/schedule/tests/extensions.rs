//! Day-of-month and day-of-week extensions: L, nW, LW, w#n and wL / Lw.

use super::{fires, schedule, utc, zone};

#[test]
fn l_is_the_last_day_of_each_month_including_leap_february() {
    let got = fires("0 0 L * *", "2024-01-15T00:00:00Z", 3);
    assert_eq!(got, ["2024-01-31T00:00:00Z", "2024-02-29T00:00:00Z", "2024-03-31T00:00:00Z"]);
    assert_eq!(fires("0 0 L 2 *", "2026-01-01T00:00:00Z", 1), ["2026-02-28T00:00:00Z"]);
}

#[test]
fn w_picks_the_nearest_weekday_without_leaving_the_month() {
    // Sun 2026-02-15 -> Mon 16th; Sat 2026-08-15 -> Fri 14th.
    assert_eq!(fires("0 0 15W 2 *", "2026-01-01T00:00:00Z", 1), ["2026-02-16T00:00:00Z"]);
    assert_eq!(fires("0 0 15W 8 *", "2026-01-01T00:00:00Z", 1), ["2026-08-14T00:00:00Z"]);
    // Mid-week 15th stays put: Wed 2026-04-15.
    assert_eq!(fires("0 0 15W 4 *", "2026-01-01T00:00:00Z", 1), ["2026-04-15T00:00:00Z"]);
    // Sat 2026-08-01: 1W is Mon the 3rd, not Fri July 31st.
    assert_eq!(fires("0 0 1W 8 *", "2026-01-01T00:00:00Z", 1), ["2026-08-03T00:00:00Z"]);
    // Sun 2026-05-31: 31W is Fri the 29th, not Mon June 1st.
    assert_eq!(fires("0 0 31W 5 *", "2026-01-01T00:00:00Z", 1), ["2026-05-29T00:00:00Z"]);
}

#[test]
fn w_does_not_fire_in_months_too_short_for_its_day() {
    // April has no 31st, so from April 1st the next 31W is May's (Fri 29th).
    assert_eq!(fires("0 0 31W * *", "2026-04-01T00:00:00Z", 1), ["2026-05-29T00:00:00Z"]);
    let never = schedule("0 0 30W 2 *");
    assert_eq!(never.next_after(zone("UTC"), utc("2026-01-01T00:00:00Z")), None);
}

#[test]
fn lw_is_the_last_weekday_of_the_month() {
    // Jan 31 Sat -> 30; Feb 28 Sat -> 27; Mar 31 Tue; Apr 30 Thu; May 31 Sun -> 29.
    let got = fires("0 0 LW * *", "2026-01-01T00:00:00Z", 5);
    let want = [
        "2026-01-30T00:00:00Z",
        "2026-02-27T00:00:00Z",
        "2026-03-31T00:00:00Z",
        "2026-04-30T00:00:00Z",
        "2026-05-29T00:00:00Z",
    ];
    assert_eq!(got, want);
}

#[test]
fn hash_picks_the_nth_weekday_and_fifth_ones_skip_short_months() {
    let want = ["2026-01-05T09:00:00Z", "2026-02-02T09:00:00Z", "2026-03-02T09:00:00Z"];
    assert_eq!(fires("0 9 * * MON#1", "2026-01-01T00:00:00Z", 3), want);
    assert_eq!(fires("0 9 * * 1#1", "2026-01-01T00:00:00Z", 3), want);
    // Fifth Fridays of 2026: Jan 30, May 29, Jul 31.
    let got = fires("0 0 * * FRI#5", "2026-01-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-01-30T00:00:00Z", "2026-05-29T00:00:00Z", "2026-07-31T00:00:00Z"]);
}

#[test]
fn trailing_or_leading_l_picks_the_last_given_weekday() {
    // Last Fridays of 2026: Jan 30, Feb 27, Mar 27, Apr 24.
    let want = ["2026-01-30T00:00:00Z", "2026-02-27T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-24T00:00:00Z"];
    for expr in ["0 0 * * 5L", "0 0 * * L5", "0 0 * * FRIL", "0 0 * * LFRI", "0 0 * * fril"] {
        assert_eq!(fires(expr, "2026-01-01T00:00:00Z", 4), want, "{expr}");
    }
}

#[test]
fn extensions_work_inside_lists() {
    let got = fires("0 0 L,15 * *", "2026-01-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-01-15T00:00:00Z", "2026-01-31T00:00:00Z", "2026-02-15T00:00:00Z"]);
    // First Monday (Jan 5) and third Friday (Jan 16), then Feb 2 and Feb 20.
    let got = fires("0 0 * * MON#1,FRI#3", "2026-01-01T00:00:00Z", 4);
    let want = ["2026-01-05T00:00:00Z", "2026-01-16T00:00:00Z", "2026-02-02T00:00:00Z", "2026-02-20T00:00:00Z"];
    assert_eq!(got, want);
}
