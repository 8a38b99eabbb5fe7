use super::*;

#[test]
fn a_full_create_command_parses_every_option() {
    let cmd = parse(r#"/tandem standup create daily channel=#team schedule="30 9 * * MON-FRI" tz=Europe/Paris local=yes questions="Done?|Next?|blocker:Stuck?" window=2h format=thread reminders=2 members=@alice,bob"#)
        .expect("parses");
    let Command::StandupCreate { name, options } = cmd else { panic!("not a create: {cmd:?}") };
    assert_eq!(name, "daily");
    assert_eq!(options.channel.as_deref(), Some("team"));
    assert_eq!(options.tz.as_deref(), Some("Europe/Paris"));
    assert_eq!(options.member_local_time, Some(true));
    assert_eq!(options.window_minutes, Some(120));
    assert_eq!(options.max_reminders, Some(2));
    assert_eq!(options.participants, Some(vec!["alice".to_string(), "bob".to_string()]));
    let q = options.questions.expect("questions");
    assert!(q[2].blocker && !q[0].blocker);
}

#[test]
fn an_unknown_command_says_so_and_names_it() {
    let e = parse("/tandem dance").expect_err("unknown");
    assert_eq!(e.template, "error_unknown_command");
    assert_eq!(e.data["command"], "dance");
}

#[test]
fn a_bad_cron_expression_names_the_field_and_the_token() {
    let e = parse(r#"standup create daily channel=team schedule="61 9 * * *""#).expect_err("bad cron");
    assert_eq!(e.template, "error_bad_schedule");
    assert_eq!(e.data["field"], "minute");
    assert_eq!(e.data["token"], "61");
}

#[test]
fn a_bad_zone_and_an_unknown_option_are_refused() {
    let e = parse("standup create daily channel=team schedule=@daily tz=Mars/Olympus").expect_err("bad tz");
    assert_eq!(e.template, "error_bad_timezone");
    let e = parse("standup create daily channel=team schedule=@daily colour=red").expect_err("bad option");
    assert_eq!(e.template, "error_unknown_option");
    assert_eq!(e.data["option"], "colour");
}

#[test]
fn an_empty_line_is_help_and_commands_are_case_insensitive() {
    assert_eq!(parse("/tandem"), Ok(Command::Help));
    assert_eq!(parse("STANDUP LIST"), Ok(Command::StandupList));
}

#[test]
fn every_command_in_the_registry_has_a_distinct_word_path() {
    let mut paths: Vec<_> = REGISTRY.iter().map(|s| s.words.join(" ")).collect();
    let n = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), n);
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let e = parse(&format!("history {}", "x".repeat(5000))).expect_err("too long");
    assert_eq!(e.template, "error_too_long");
}
