//! DST behaviour across hemispheres; expected instants derived by hand from the zone rules.

use super::{fires_in, schedule, utc, zone};

#[test]
fn sydney_fixed_time_in_the_october_gap_fires_once_at_three_aedt() {
    // Sydney springs forward on Sun 2026-10-04 at 02:00 AEST (+10) to 03:00 AEDT (+11).
    // 02:30 does not exist that day, so it fires at 03:00 AEDT = 16:00Z on the 3rd.
    let got = fires_in("30 2 * * *", "Australia/Sydney", "2026-10-02T00:00:00Z", 3);
    assert_eq!(got, ["2026-10-02T16:30:00Z", "2026-10-03T16:00:00Z", "2026-10-04T15:30:00Z"]);
}

#[test]
fn sydney_wildcard_times_in_the_october_gap_do_not_fire() {
    // 02:00 and 02:30 on 2026-10-04 do not exist; 03:00/03:30 AEDT do (16:00Z, 16:30Z).
    let got = fires_in("*/30 2-3 * * *", "Australia/Sydney", "2026-10-03T14:00:00Z", 3);
    assert_eq!(got, ["2026-10-03T16:00:00Z", "2026-10-03T16:30:00Z", "2026-10-04T15:00:00Z"]);
}

#[test]
fn sydney_fixed_time_in_the_april_overlap_fires_only_at_its_first_occurrence() {
    // Sydney falls back on Sun 2026-04-05 at 03:00 AEDT (+11) to 02:00 AEST (+10).
    // 02:30 happens at 15:30Z (AEDT) and 16:30Z (AEST); only the first counts.
    let got = fires_in("30 2 * * *", "Australia/Sydney", "2026-04-03T00:00:00Z", 3);
    assert_eq!(got, ["2026-04-03T15:30:00Z", "2026-04-04T15:30:00Z", "2026-04-05T16:30:00Z"]);
}

#[test]
fn sydney_wildcard_times_in_the_april_overlap_fire_on_both_passes() {
    // 02:00 and 02:30 each happen twice on 2026-04-05: AEDT (15:00Z, 15:30Z) then
    // AEST (16:00Z, 16:30Z); the next day 02:00 AEST is 16:00Z.
    let got = fires_in("*/30 2 * * *", "Australia/Sydney", "2026-04-04T12:00:00Z", 5);
    let want = [
        "2026-04-04T15:00:00Z",
        "2026-04-04T15:30:00Z",
        "2026-04-04T16:00:00Z",
        "2026-04-04T16:30:00Z",
        "2026-04-05T16:00:00Z",
    ];
    assert_eq!(got, want);
}

#[test]
fn santiago_overlap_at_midnight_repeats_saturday_evening() {
    // Chile falls back at 03:00Z on Sun 2026-04-05: 00:00 -03 becomes Sat 23:00 -04,
    // so 23:30 on Sat 04-04 happens at 02:30Z (-03) and again at 03:30Z (-04).
    let fixed = fires_in("30 23 * * *", "America/Santiago", "2026-04-03T12:00:00Z", 3);
    assert_eq!(fixed, ["2026-04-04T02:30:00Z", "2026-04-05T02:30:00Z", "2026-04-06T03:30:00Z"]);
    let wild = fires_in("*/30 23 * * *", "America/Santiago", "2026-04-05T00:00:00Z", 5);
    let want = [
        "2026-04-05T02:00:00Z",
        "2026-04-05T02:30:00Z",
        "2026-04-05T03:00:00Z",
        "2026-04-05T03:30:00Z",
        "2026-04-06T03:00:00Z",
    ];
    assert_eq!(wild, want);
}

#[test]
fn santiago_midnight_in_the_september_gap_fires_at_one_am() {
    // Chile springs forward at 04:00Z on Sun 2026-09-06: 00:00 -04 becomes 01:00 -03,
    // so local midnight does not exist and the daily job runs at 01:00 -03 = 04:00Z.
    let fixed = fires_in("0 0 * * *", "America/Santiago", "2026-09-04T12:00:00Z", 3);
    assert_eq!(fixed, ["2026-09-05T04:00:00Z", "2026-09-06T04:00:00Z", "2026-09-07T03:00:00Z"]);
    // A wildcard schedule simply has no 00:xx fires on the 6th.
    let wild = fires_in("*/30 0 * * *", "America/Santiago", "2026-09-05T05:00:00Z", 2);
    assert_eq!(wild, ["2026-09-07T03:00:00Z", "2026-09-07T03:30:00Z"]);
}

#[test]
fn sao_paulo_followed_its_dst_history() {
    // Brazil's last DST began Sun 2018-11-04 at 00:00 -03 -> 01:00 -02 (gap at midnight).
    let y2018 = fires_in("0 0 * * *", "America/Sao_Paulo", "2018-11-03T12:00:00Z", 2);
    assert_eq!(y2018, ["2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z"]);
    // DST was abolished in 2019: the same Sunday a year later is plain -03.
    let y2019 = fires_in("0 0 * * *", "America/Sao_Paulo", "2019-11-02T12:00:00Z", 2);
    assert_eq!(y2019, ["2019-11-03T03:00:00Z", "2019-11-04T03:00:00Z"]);
}

#[test]
fn london_fixed_time_moves_to_two_am_in_march_and_takes_the_first_pass_in_october() {
    // BST starts Sun 2026-03-29 01:00 GMT -> 02:00 BST: 01:30 runs at 02:00 BST = 01:00Z.
    let spring = fires_in("30 1 * * *", "Europe/London", "2026-03-28T00:00:00Z", 3);
    assert_eq!(spring, ["2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"]);
    // BST ends Sun 2026-10-25 02:00 BST -> 01:00 GMT: 01:30 BST (00:30Z) only.
    let autumn = fires_in("30 1 * * *", "Europe/London", "2026-10-24T00:00:00Z", 3);
    assert_eq!(autumn, ["2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]);
}

#[test]
fn london_hourly_job_runs_twice_in_the_repeated_hour() {
    // 01:15 happens at 00:15Z (BST) and 01:15Z (GMT) on 2026-10-25.
    let got = fires_in("15 * * * *", "Europe/London", "2026-10-25T00:00:00Z", 3);
    assert_eq!(got, ["2026-10-25T00:15:00Z", "2026-10-25T01:15:00Z", "2026-10-25T02:15:00Z"]);
}

#[test]
fn apia_skipped_the_thirtieth_of_december_2011() {
    // Samoa jumped from Thu 2011-12-29 24:00 -10 to Sat 2011-12-31 00:00 +14.
    // 09:00 on the 29th is 19:00Z; the 30th never existed; 09:00 +14 on the 31st is
    // 19:00Z on the 30th.
    let daily = fires_in("0 9 * * *", "Pacific/Apia", "2011-12-29T00:00:00Z", 3);
    assert_eq!(daily, ["2011-12-29T19:00:00Z", "2011-12-30T19:00:00Z", "2011-12-31T19:00:00Z"]);
    // Friday the 30th was skipped, so a Friday job waits for 2012-01-06 09:00 +14.
    let fridays = fires_in("0 9 * * FRI", "Pacific/Apia", "2011-12-29T00:00:00Z", 1);
    assert_eq!(fridays, ["2012-01-05T19:00:00Z"]);
}

#[test]
fn kolkata_has_no_dst_and_keeps_its_half_hour_offset() {
    // IST is +05:30 all year; the European DST weekend changes nothing.
    let daily = fires_in("0 9 * * *", "Asia/Kolkata", "2026-03-28T00:00:00Z", 2);
    assert_eq!(daily, ["2026-03-28T03:30:00Z", "2026-03-29T03:30:00Z"]);
    // 05:30 local -> 05:40, 06:00, 06:20 local.
    let every20 = fires_in("*/20 * * * *", "Asia/Kolkata", "2026-03-29T00:00:00Z", 3);
    assert_eq!(every20, ["2026-03-29T00:10:00Z", "2026-03-29T00:30:00Z", "2026-03-29T00:50:00Z"]);
}

#[test]
fn lord_howe_half_hour_spring_gap_moves_fixed_times_to_half_past_two() {
    // Lord Howe goes from 02:00 +10:30 to 02:30 +11 on Sun 2026-10-04.
    // 02:15 does not exist: it fires at 02:30 +11 = 15:30Z.
    let fixed = fires_in("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 2);
    assert_eq!(fixed, ["2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"]);
    // 02:00 and 02:15 are skipped; 02:30 and 02:45 +11 fire; then 02:00 +11 next day.
    let wild = fires_in("*/15 2 * * *", "Australia/Lord_Howe", "2026-10-03T12:00:00Z", 3);
    assert_eq!(wild, ["2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z"]);
}

#[test]
fn lord_howe_half_hour_autumn_overlap_repeats_half_past_one_to_two() {
    // On Sun 2026-04-05 02:00 +11 becomes 01:30 +10:30, so 01:30-01:59 happens twice.
    let fixed = fires_in("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 2);
    assert_eq!(fixed, ["2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"]);
    let wild = fires_in("*/15 1 * * *", "Australia/Lord_Howe", "2026-04-04T14:20:00Z", 5);
    let want = [
        "2026-04-04T14:30:00Z",
        "2026-04-04T14:45:00Z",
        "2026-04-04T15:00:00Z",
        "2026-04-04T15:15:00Z",
        "2026-04-05T14:30:00Z",
    ];
    assert_eq!(wild, want);
}

#[test]
fn fixed_times_that_land_on_the_same_instant_fire_once() {
    // Paris 2026-03-29: 02:00 and 02:30 both map to 03:00 CEST = 01:00Z.
    let got = fires_in("0,30 2 * * *", "Europe/Paris", "2026-03-28T12:00:00Z", 3);
    assert_eq!(got, ["2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T00:30:00Z"]);
}

#[test]
fn fixed_range_of_hours_counts_as_fixed_time() {
    assert!(schedule("0 9 * * *").is_fixed_time());
    assert!(schedule("0 1-3 * * *").is_fixed_time());
    assert!(schedule("@daily").is_fixed_time());
    assert!(!schedule("*/15 * * * *").is_fixed_time());
    assert!(!schedule("0 * * * *").is_fixed_time());
    assert!(!schedule("@hourly").is_fixed_time());
}

#[test]
fn next_after_is_strictly_after_even_inside_an_overlap() {
    // Starting exactly on the first 02:30 of Paris' repeated hour skips the second pass
    // for a fixed schedule and goes to the next day.
    let s = schedule("30 2 * * *");
    let next = s.next_after(zone("Europe/Paris"), utc("2026-10-25T00:30:00Z"));
    assert_eq!(next, Some(utc("2026-10-26T01:30:00Z")));
}
