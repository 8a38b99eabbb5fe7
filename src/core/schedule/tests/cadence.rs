//! Cadences: sprint days (every other Friday, first, last, n-th), DST, the start, errors, serde.

use super::{rfc, schedule, utc, zone};
use crate::core::schedule::{Cadence, CadenceError, SprintCadence, SprintDay};
use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("bad date {s:?}: {e}"))
}

fn time(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or_else(|| panic!("bad time {hour}:{minute}"))
}

/// A checked sprint cadence in Europe/Paris.
fn sprint(start: &str, length_days: u32, day: SprintDay, hour: u32, minute: u32) -> SprintCadence {
    SprintCadence::new(date(start), length_days, day, time(hour, minute), zone("Europe/Paris"))
        .unwrap_or_else(|e| panic!("sprint from {start} should be valid: {e}"))
}

/// The next `n` fires of `cadence` after `after`, as RFC 3339 UTC strings.
fn sprint_fires(cadence: SprintCadence, after: &str, n: usize) -> Vec<String> {
    Cadence::Sprint(cadence).upcoming(utc(after), n).into_iter().map(rfc).collect()
}

#[test]
fn a_fifteen_hundred_on_the_last_day_of_a_two_week_sprint_fires_every_other_friday() {
    // Sprints start on Saturdays (2026-12-05, 12-19, 2027-01-02, 01-16) and end on the
    // Friday 13 days later; 15:00 CET is 14:00Z.
    let cadence = sprint("2026-12-05", 14, SprintDay::Last, 15, 0);
    let got = sprint_fires(cadence, "2026-12-01T00:00:00Z", 4);
    assert_eq!(got, ["2026-12-18T14:00:00Z", "2027-01-01T14:00:00Z", "2027-01-15T14:00:00Z", "2027-01-29T14:00:00Z"]);
    let paris = zone("Europe/Paris");
    for t in Cadence::Sprint(cadence).upcoming(utc("2026-12-01T00:00:00Z"), 4) {
        assert_eq!(t.with_timezone(&paris).weekday(), Weekday::Fri, "{t} is a Friday in Paris");
    }
}

#[test]
fn the_first_day_of_a_sprint_starting_on_a_monday_fires_every_other_monday() {
    // 2026-11-30 is a Monday; 10:00 CET is 09:00Z.
    let cadence = sprint("2026-11-30", 14, SprintDay::First, 10, 0);
    let got = sprint_fires(cadence, "2026-11-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-11-30T09:00:00Z", "2026-12-14T09:00:00Z", "2026-12-28T09:00:00Z"]);
}

#[test]
fn the_third_day_of_a_sprint_starting_on_a_monday_fires_every_other_wednesday() {
    // Day 3 of a sprint from Monday 2026-11-30 is Wednesday 12-02; 11:00 CET is 10:00Z.
    let cadence = sprint("2026-11-30", 14, SprintDay::Nth(3), 11, 0);
    let got = sprint_fires(cadence, "2026-11-01T00:00:00Z", 3);
    assert_eq!(got, ["2026-12-02T10:00:00Z", "2026-12-16T10:00:00Z", "2026-12-30T10:00:00Z"]);
}

#[test]
fn the_first_and_the_length_th_day_are_the_first_and_last_days() {
    let first = sprint_fires(sprint("2026-12-05", 14, SprintDay::First, 15, 0), "2026-12-01T00:00:00Z", 2);
    let nth_one = sprint_fires(sprint("2026-12-05", 14, SprintDay::Nth(1), 15, 0), "2026-12-01T00:00:00Z", 2);
    assert_eq!(first, ["2026-12-05T14:00:00Z", "2026-12-19T14:00:00Z"]);
    assert_eq!(nth_one, first);
    let last = sprint_fires(sprint("2026-12-05", 14, SprintDay::Last, 15, 0), "2026-12-01T00:00:00Z", 2);
    let nth_fourteen = sprint_fires(sprint("2026-12-05", 14, SprintDay::Nth(14), 15, 0), "2026-12-01T00:00:00Z", 2);
    assert_eq!(last, ["2026-12-18T14:00:00Z", "2027-01-01T14:00:00Z"]);
    assert_eq!(nth_fourteen, last);
}

#[test]
fn a_time_in_the_spring_forward_gap_fires_at_the_first_instant_after_it() {
    // Paris springs forward on Sun 2027-03-28 from 02:00 CET to 03:00 CEST (01:00Z), so
    // 02:30 does not exist that day and fires at 03:00 CEST. The week before, 02:30 CET is
    // 01:30Z; the week after, 02:30 CEST is 00:30Z. One-week sprints from Monday 03-15 end
    // on those Sundays.
    let cadence = sprint("2027-03-15", 7, SprintDay::Last, 2, 30);
    let got = sprint_fires(cadence, "2027-03-15T00:00:00Z", 3);
    assert_eq!(got, ["2027-03-21T01:30:00Z", "2027-03-28T01:00:00Z", "2027-04-04T00:30:00Z"]);
    // The cron evaluator's fixed-time rule gives the same instants.
    let cron = schedule("30 2 * * SUN").upcoming(zone("Europe/Paris"), utc("2027-03-15T00:00:00Z"), 3);
    assert_eq!(got, cron.into_iter().map(rfc).collect::<Vec<_>>());
}

#[test]
fn a_time_in_the_fall_back_overlap_fires_once_at_its_first_occurrence() {
    // Paris falls back on Sun 2026-10-25 from 03:00 CEST to 02:00 CET, so 02:30 happens at
    // 00:30Z (CEST) and again at 01:30Z (CET); only the first fires. One-week sprints from
    // Monday 10-12 end on Sundays 10-18 (02:30 CEST = 00:30Z), 10-25 and 11-01 (02:30 CET
    // = 01:30Z).
    let cadence = sprint("2026-10-12", 7, SprintDay::Last, 2, 30);
    let got = sprint_fires(cadence, "2026-10-12T00:00:00Z", 3);
    assert_eq!(got, ["2026-10-18T00:30:00Z", "2026-10-25T00:30:00Z", "2026-11-01T01:30:00Z"]);
    // Asking at the first pass skips the second pass and goes to the next sprint.
    assert_eq!(cadence.next_after(utc("2026-10-25T00:30:00Z")), Some(utc("2026-11-01T01:30:00Z")));
    let cron = schedule("30 2 * * SUN").upcoming(zone("Europe/Paris"), utc("2026-10-12T00:00:00Z"), 3);
    assert_eq!(got, cron.into_iter().map(rfc).collect::<Vec<_>>());
}

#[test]
fn nothing_fires_before_the_first_sprint_starts() {
    // The first sprint starts on Saturday 2026-12-05; its first day at 15:00 CET is 14:00Z.
    let cadence = sprint("2026-12-05", 14, SprintDay::First, 15, 0);
    assert_eq!(cadence.next_after(utc("2020-01-01T00:00:00Z")), Some(utc("2026-12-05T14:00:00Z")));
    // 15:00 on Friday 12-04, the day before the start, does not fire.
    assert_eq!(cadence.next_after(utc("2026-12-04T13:00:00Z")), Some(utc("2026-12-05T14:00:00Z")));
    assert_eq!(cadence.next_after(utc("2026-12-05T13:59:59Z")), Some(utc("2026-12-05T14:00:00Z")));
}

#[test]
fn a_start_twenty_years_back_gives_the_same_fridays_as_a_recent_one() {
    // Saturday 2006-12-02 is 522 two-week sprints before Saturday 2026-12-05.
    let cadence = sprint("2006-12-02", 14, SprintDay::Last, 15, 0);
    assert_eq!(cadence.next_after(utc("2006-01-01T00:00:00Z")), Some(utc("2006-12-15T14:00:00Z")));
    let got = sprint_fires(cadence, "2026-12-01T00:00:00Z", 2);
    // The sprint of 2026-11-21..2026-12-04 ends on Friday the 4th, the next on the 18th.
    assert_eq!(got, ["2026-12-04T14:00:00Z", "2026-12-18T14:00:00Z"]);
    assert_eq!(cadence.sprint_at(date("2026-12-10")), Some((523, date("2026-12-05"), date("2026-12-18"))));
}

#[test]
fn asking_at_exactly_a_fire_instant_gives_the_next_sprints_fire() {
    let cadence = sprint("2026-12-05", 14, SprintDay::Last, 15, 0);
    assert_eq!(cadence.next_after(utc("2026-12-18T13:59:59Z")), Some(utc("2026-12-18T14:00:00Z")));
    assert_eq!(cadence.next_after(utc("2026-12-18T14:00:00Z")), Some(utc("2027-01-01T14:00:00Z")));
}

#[test]
fn the_constructor_refuses_an_empty_or_too_long_sprint_and_a_day_outside_it() {
    let new = |length_days, day| SprintCadence::new(date("2026-12-05"), length_days, day, time(15, 0), zone("UTC"));
    assert_eq!(new(0, SprintDay::Last), Err(CadenceError::LengthOutOfRange { length_days: 0 }));
    assert_eq!(new(366, SprintDay::First), Err(CadenceError::LengthOutOfRange { length_days: 366 }));
    assert_eq!(new(14, SprintDay::Nth(15)), Err(CadenceError::DayOutOfRange { day: 15, length_days: 14 }));
    assert_eq!(new(14, SprintDay::Nth(0)), Err(CadenceError::DayOutOfRange { day: 0, length_days: 14 }));
    assert!(new(1, SprintDay::Last).is_ok());
    assert!(new(14, SprintDay::Nth(14)).is_ok());
    assert!(new(365, SprintDay::Nth(365)).is_ok());
}

#[test]
fn cadence_errors_have_stable_codes_and_read_as_sentences() {
    let length = CadenceError::LengthOutOfRange { length_days: 400 };
    assert_eq!(length.code(), "length_out_of_range");
    assert_eq!(length.to_string(), "a sprint lasts from 1 to 365 days, not 400");
    let day = CadenceError::DayOutOfRange { day: 15, length_days: 14 };
    assert_eq!(day.code(), "day_out_of_range");
    assert_eq!(day.to_string(), "day 15 is not a day of a sprint of 14 days");
}

#[test]
fn a_hand_built_cadence_with_no_length_never_fires() {
    let mut cadence = sprint("2026-12-05", 14, SprintDay::Last, 15, 0);
    cadence.length_days = 0;
    assert_eq!(cadence.validate(), Err(CadenceError::LengthOutOfRange { length_days: 0 }));
    assert_eq!(cadence.next_after(utc("2026-12-01T00:00:00Z")), None);
    assert_eq!(cadence.sprint_at(date("2026-12-10")), None);
}

#[test]
fn sprint_at_names_the_sprint_a_local_date_belongs_to() {
    let cadence = sprint("2026-12-05", 14, SprintDay::Last, 15, 0);
    assert_eq!(cadence.sprint_at(date("2026-12-04")), None);
    assert_eq!(cadence.sprint_at(date("2026-12-05")), Some((1, date("2026-12-05"), date("2026-12-18"))));
    assert_eq!(cadence.sprint_at(date("2026-12-18")), Some((1, date("2026-12-05"), date("2026-12-18"))));
    assert_eq!(cadence.sprint_at(date("2026-12-19")), Some((2, date("2026-12-19"), date("2027-01-01"))));
    assert_eq!(cadence.sprint_at(date("2027-01-02")), Some((3, date("2027-01-02"), date("2027-01-15"))));
}

#[test]
fn a_cron_cadence_fires_as_its_schedule_does_in_its_zone() {
    // Fridays at 15:00 CET: 2026-12-04 and 12-11, 14:00Z.
    let cadence = Cadence::Cron { schedule: schedule("0 15 * * FRI"), zone: zone("Europe/Paris") };
    let got: Vec<String> = cadence.upcoming(utc("2026-12-01T00:00:00Z"), 2).into_iter().map(rfc).collect();
    assert_eq!(got, ["2026-12-04T14:00:00Z", "2026-12-11T14:00:00Z"]);
    assert_eq!(cadence.next_after(utc("2026-12-04T14:00:00Z")), Some(utc("2026-12-11T14:00:00Z")));
    assert_eq!(cadence.zone(), zone("Europe/Paris"));
}

#[test]
fn cadences_serialize_with_a_kind_tag_and_read_back_the_same() {
    let sprint_cadence = Cadence::Sprint(sprint("2026-12-05", 14, SprintDay::Last, 15, 0));
    let json = serde_json::to_string(&sprint_cadence).unwrap_or_else(|e| panic!("serialize: {e}"));
    let head = r#"{"kind":"sprint","start":"2026-12-05","length_days":14,"day":"last","#;
    let tail = r#""at":"15:00:00","zone":"Europe/Paris"}"#;
    assert_eq!(json, format!("{head}{tail}"));
    let back: Cadence = serde_json::from_str(&json).unwrap_or_else(|e| panic!("deserialize {json}: {e}"));
    assert_eq!(back, sprint_cadence);

    let cron = Cadence::Cron { schedule: schedule("0 9 * * 1-5"), zone: zone("Europe/Paris") };
    let json = serde_json::to_string(&cron).unwrap_or_else(|e| panic!("serialize: {e}"));
    assert_eq!(json, r#"{"kind":"cron","schedule":"0 9 * * 1-5","zone":"Europe/Paris"}"#);
    let back: Cadence = serde_json::from_str(&json).unwrap_or_else(|e| panic!("deserialize {json}: {e}"));
    assert_eq!(back, cron);

    let nth = serde_json::to_string(&SprintDay::Nth(3)).unwrap_or_else(|e| panic!("serialize: {e}"));
    assert_eq!(nth, r#"{"nth":3}"#);
    let bad = r#"{"kind":"cron","schedule":"61 * * * *","zone":"UTC"}"#;
    assert!(serde_json::from_str::<Cadence>(bad).is_err(), "an invalid expression is refused");
}
