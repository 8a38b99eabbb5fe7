use super::*;
use crate::core::command::parse;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

#[test]
fn options_are_read_between_bars_and_trimmed() {
    assert_eq!(read_options(" Mon | Tue|Wed ").expect("options"), ["Mon", "Tue", "Wed"]);
}

#[test]
fn eleven_options_are_too_many() {
    let e = read_options("a|b|c|d|e|f|g|h|i|j|k").expect_err("too many");
    assert_eq!(e.template, "error_poll_too_many_options");
}

#[test]
fn an_option_longer_than_55_characters_is_refused() {
    let e = read_options(&format!("ok|{}", "x".repeat(56))).expect_err("too long");
    assert_eq!(e.template, "error_poll_option_too_long");
    assert!(read_options(&format!("ok|{}", "x".repeat(55))).is_ok());
}

#[test]
fn one_option_or_the_same_twice_is_no_poll() {
    assert_eq!(read_options("only").expect_err("one").template, "error_poll_too_few_options");
    assert_eq!(read_options("Mon|mon").expect_err("twice").template, "error_poll_duplicate_option");
}

#[test]
fn a_question_longer_than_300_characters_is_refused() {
    assert_eq!(check_question(&"q".repeat(301)).expect_err("long").template, "error_poll_question_too_long");
}

#[test]
fn a_close_is_a_duration_or_a_local_time_in_the_future() {
    let now = at("2026-12-01T10:00:00Z");
    let paris = chrono_tz::Europe::Paris;
    assert_eq!(deadline(read_close("24h").expect("24h"), paris, now).expect("d"), at("2026-12-02T10:00:00Z"));
    let local = read_close("2026-12-05T17:00").expect("local");
    assert_eq!(deadline(local, paris, now).expect("d"), at("2026-12-05T16:00:00Z"));
    let past = deadline(read_close("2026-11-30T09:00").expect("past"), paris, now).expect_err("past");
    assert_eq!(past.template, "error_poll_close_past");
    assert_eq!(read_close("soon").expect_err("bad").template, "error_poll_bad_close");
}

#[test]
fn a_quorum_is_a_percentage_from_1_to_100() {
    assert_eq!(read_quorum("80%").expect("80"), 80);
    assert_eq!(read_quorum("100").expect("100"), 100);
    for bad in ["0%", "101%", "most"] {
        assert_eq!(read_quorum(bad).expect_err(bad).template, "error_poll_bad_quorum");
    }
}

#[test]
fn a_second_click_withdraws_and_another_option_changes_a_single_vote() {
    assert_eq!(toggle(&[], 1, 3, 1).expect("vote"), [1]);
    assert_eq!(toggle(&[1], 2, 3, 1).expect("change"), [2]);
    assert!(toggle(&[2], 2, 3, 1).expect("withdraw").is_empty());
}

#[test]
fn a_multi_choice_poll_holds_to_its_maximum() {
    let two = toggle(&[2], 0, 4, 2).expect("second pick");
    assert_eq!(two, [0, 2]);
    assert_eq!(toggle(&two, 3, 4, 2).expect_err("third").template, "error_poll_max_picks");
    assert_eq!(toggle(&two, 2, 4, 2).expect("withdraw one"), [0]);
}

#[test]
fn a_click_on_an_option_the_poll_does_not_have_is_refused() {
    assert_eq!(toggle(&[], 5, 3, 1).expect_err("unknown").template, "error_poll_unknown_option");
}

#[test]
fn the_tally_counts_votes_and_distinct_voters_and_sees_a_tie() {
    let votes = vec![("a".to_string(), 0), ("a".to_string(), 1), ("b".to_string(), 1), ("c".to_string(), 0)];
    let t = Tally::of(3, &votes);
    assert_eq!(t.counts, [2, 2, 0]);
    assert_eq!(t.voters, 3);
    assert!(t.is_tie());
    assert_eq!(t.leaders(), [0, 1]);
    assert!(!Tally::of(2, &[]).is_tie(), "no votes is no tie");
}

#[test]
fn a_quorum_is_reached_when_enough_of_the_audience_voted() {
    let t = Tally { counts: vec![3, 1], voters: 4 };
    assert!(t.reaches(80, 5));
    assert!(!t.reaches(81, 5));
    assert!(!t.reaches(50, 0), "an empty audience reaches nothing");
}

#[test]
fn bars_grow_with_the_count_and_any_vote_shows() {
    assert_eq!(bar(10, 10).chars().count(), BAR_CHARS);
    assert_eq!(bar(5, 10).chars().count(), 5);
    assert_eq!(bar(1, 100).chars().count(), 1);
    assert_eq!(bar(0, 10), "");
    assert_eq!(percent(1, 3), 33);
}

#[test]
fn an_anonymous_breakdown_needs_three_votes() {
    assert!(!may_show_breakdown(true, 2));
    assert!(may_show_breakdown(true, 3));
    assert!(may_show_breakdown(false, 1));
}

#[test]
fn the_poll_command_reads_its_question_and_settings() {
    let line = r#"/tandem poll "Which day for the offsite?" options="Mon|Tue|Wed" max=2 anonymous=yes results=hidden close=24h quorum=80% remind=yes channel=#team audience=@ana,@kenji"#;
    let PollCommand::Create { question, settings, close, channel } = parse(COMMANDS, line).expect("poll") else {
        panic!("a poll")
    };
    assert_eq!(question, "Which day for the offsite?");
    assert_eq!(settings.options, ["Mon", "Tue", "Wed"]);
    assert_eq!((settings.max_picks, settings.anonymous, settings.live), (2, true, false));
    assert_eq!((settings.quorum, settings.remind), (Some(80), true));
    assert_eq!(settings.audience, ["ana", "kenji"]);
    assert_eq!(close, Some(Close::After { minutes: 24 * 60 }));
    assert_eq!(channel.as_deref(), Some("team"));
    assert_eq!(parse(COMMANDS, "poll close 7").expect("close"), PollCommand::Close { id: 7 });
    assert_eq!(parse(COMMANDS, "poll export 7 json").expect("export"), PollCommand::Export { id: 7, json: true });
}

#[test]
fn a_reminder_without_a_close_is_refused() {
    let e = parse(COMMANDS, r#"poll "Lunch?" options="Yes|No" remind=yes"#).expect_err("no close");
    assert_eq!(e.template, "error_poll_remind_needs_close");
}
