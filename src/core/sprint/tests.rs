use super::*;
use crate::core::command::parse;

fn day(s: &str) -> NaiveDate {
    s.parse().expect("day")
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

fn paris() -> Tz {
    "Europe/Paris".parse().expect("zone")
}

fn sprint(start: &str, end: &str) -> Sprint {
    Sprint { id: 1, team_id: 1, number: 1, goal: String::new(), start: day(start), end: day(end), ended_at: None }
}

#[test]
fn lengths_read_as_weeks_or_days_from_one_day_to_eight_weeks() {
    assert_eq!(parse_length("2w"), Ok(14));
    assert_eq!(parse_length("8W"), Ok(56));
    assert_eq!(parse_length("10d"), Ok(10));
    assert_eq!(parse_length("3s"), Ok(21), "semaines");
    assert_eq!(parse_length("5j"), Ok(5), "jours");
    for bad in ["3x", "9w", "57d", "0d", "w", "+2w", "2", "", "99999999999w", "1.5w"] {
        let e = parse_length(bad).expect_err(bad);
        assert_eq!((e.template, e.data["value"].as_str()), ("error_bad_sprint_length", Some(bad)), "{bad}");
    }
}

#[test]
fn a_sprints_last_day_is_its_length_less_one_day_after_its_start() {
    assert_eq!(end_day(day("2026-11-23"), 14), day("2026-12-06"));
    assert_eq!(end_day(day("2026-11-23"), 1), day("2026-11-23"));
    assert_eq!(end_day(day("2026-12-28"), 7), day("2027-01-03"), "across the new year");
}

#[test]
fn days_left_count_today_and_the_last_day_and_stop_at_zero() {
    let s = sprint("2026-11-23", "2026-12-06");
    assert_eq!(s.days_left(day("2026-11-23")), 14);
    assert_eq!(s.days_left(day("2026-12-06")), 1);
    assert_eq!(s.days_left(day("2026-12-09")), 0);
}

#[test]
fn a_goal_longer_than_two_hundred_characters_or_with_a_control_character_is_refused() {
    assert_eq!(check_goal("  Ship the checkout "), Ok("Ship the checkout".to_string()));
    assert_eq!(check_goal(&"x".repeat(201)).map_err(|e| e.template), Err("error_too_long"));
    assert_eq!(check_goal("a\u{0}b").map_err(|e| e.template), Err("error_control_character"));
}

#[test]
fn a_cadence_starts_each_sprint_at_local_midnight_even_across_the_spring_dst_change() {
    // Paris moves to summer time on Sunday 2027-03-28: the Monday before starts at 23:00Z,
    // the Monday after at 22:00Z.
    let c = cadence(day("2027-03-22"), 7, paris());
    assert_eq!(next_start(&c, utc("2027-03-20T12:00:00Z")), Some(utc("2027-03-21T23:00:00Z")));
    assert_eq!(next_start(&c, utc("2027-03-21T23:00:00Z")), Some(utc("2027-03-28T22:00:00Z")));
    let (n, first, last) = c.sprint_at(day("2027-03-29")).expect("second sprint");
    assert_eq!((n, first, last), (2, day("2027-03-29"), day("2027-04-04")));
}

#[test]
fn on_a_start_day_the_running_sprint_ends_the_day_before_and_the_next_starts() {
    let c = cadence(day("2026-12-07"), 14, paris());
    let running = Some((day("2026-11-23"), day("2026-12-06")));
    let expected = Step::Roll { close_on: Some(day("2026-12-06")), start: day("2026-12-07"), end: day("2026-12-20") };
    assert_eq!(step(&c, running, day("2026-12-07")), expected);
    // Run again that day, or late the next day: the sprint now running began in this one.
    let rolled = Some((day("2026-12-07"), day("2026-12-20")));
    assert_eq!(step(&c, rolled, day("2026-12-07")), Step::Keep);
    assert_eq!(step(&c, rolled, day("2026-12-08")), Step::Keep);
}

#[test]
fn before_the_cadence_starts_the_running_sprint_ends_the_day_before_its_first_day() {
    let c = cadence(day("2026-12-07"), 14, paris());
    let running = Some((day("2026-11-23"), day("2026-12-13")));
    assert_eq!(step(&c, running, day("2026-11-25")), Step::Reshape { end: day("2026-12-06") });
    assert_eq!(step(&c, Some((day("2026-11-23"), day("2026-12-06"))), day("2026-11-25")), Step::Keep);
    assert_eq!(step(&c, None, day("2026-11-25")), Step::Keep, "nothing starts before its first day");
}

#[test]
fn a_cadence_started_in_the_past_starts_the_sprint_covering_today_at_once() {
    let c = cadence(day("2026-11-02"), 14, paris());
    // 2026-11-02 + 14 = 11-16, + 14 = 11-30: today, 12-03, is in the third sprint.
    let expected = Step::Roll { close_on: None, start: day("2026-11-30"), end: day("2026-12-13") };
    assert_eq!(step(&c, None, day("2026-12-03")), expected);
    let (n, ..) = c.sprint_at(day("2026-12-03")).expect("covered");
    assert_eq!(n, 3);
    // A sprint started by hand inside that stretch stays, ending with it.
    let by_hand = Some((day("2026-12-01"), day("2026-12-14")));
    assert_eq!(step(&c, by_hand, day("2026-12-03")), Step::Reshape { end: day("2026-12-13") });
    // Down for two start days: one rollover to the sprint covering today, not two.
    let old = Some((day("2026-11-02"), day("2026-11-15")));
    let expected = Step::Roll { close_on: Some(day("2026-11-29")), start: day("2026-11-30"), end: day("2026-12-13") };
    assert_eq!(step(&c, old, day("2026-12-03")), expected);
}

#[test]
fn sprint_commands_read_their_options_and_refuse_a_bad_length_with_its_usage() {
    let start = parse(COMMANDS, r#"sprint start goal="Ship the checkout" length=3w"#);
    assert_eq!(start, Ok(SprintCommand::Start { goal: "Ship the checkout".into(), length_days: 21 }));
    assert_eq!(parse(COMMANDS, "sprint start"), Ok(SprintCommand::Start { goal: String::new(), length_days: 14 }));
    assert_eq!(parse(COMMANDS, "sprint show 3"), Ok(SprintCommand::Show { number: Some(3) }));
    assert_eq!(parse(COMMANDS, "sprint show"), Ok(SprintCommand::Show { number: None }));
    assert_eq!(parse(COMMANDS, r#"sprint goal "Apple Pay""#), Ok(SprintCommand::Goal { goal: "Apple Pay".into() }));
    let cadence = parse(COMMANDS, "sprint cadence start=2026-12-07 length=2w");
    assert_eq!(cadence, Ok(SprintCommand::Cadence { start: day("2026-12-07"), length_days: 14 }));
    assert_eq!(parse(COMMANDS, "sprint cadence off"), Ok(SprintCommand::CadenceOff));
    let e = parse(COMMANDS, "sprint cadence start=2026-12-07 length=3x").expect_err("bad length");
    assert_eq!(e.template, "error_bad_sprint_length");
    assert_eq!(parse(COMMANDS, "sprint cadence length=2w").map_err(|e| e.template), Err("error_missing_option"));
    assert_eq!(parse(COMMANDS, "sprint cadence on").map_err(|e| e.template), Err("error_usage"));
    assert_eq!(parse(COMMANDS, "sprint cadence off length=2w").map_err(|e| e.template), Err("error_usage"));
}
