use super::{COMMANDS, StandupCommand};
use crate::core::command::parse;

#[test]
fn a_full_create_command_parses_every_option() {
    let cmd = parse(COMMANDS, r#"/tandem standup create daily channel=#team schedule="30 9 * * MON-FRI" tz=Europe/Paris local=yes questions="Done?|Next?|blocker:Stuck?" window=2h format=thread reminders=2 members=@alice,bob"#)
        .expect("parses");
    let StandupCommand::Create { name, options } = cmd else { panic!("not a create: {cmd:?}") };
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
    let e = parse(COMMANDS, "/tandem dance").expect_err("unknown");
    assert_eq!(e.template, "error_unknown_command");
    assert_eq!(e.data["command"], "dance");
}

#[test]
fn a_bad_cron_expression_names_the_field_and_the_token() {
    let e = parse(COMMANDS, r#"standup create daily channel=team schedule="61 9 * * *""#).expect_err("bad cron");
    assert_eq!(e.template, "error_bad_schedule");
    assert_eq!(e.data["field"], "minute");
    assert_eq!(e.data["token"], "61");
}

#[test]
fn a_bad_zone_and_an_unknown_option_are_refused() {
    let e = parse(COMMANDS, "standup create daily channel=team schedule=@daily tz=Mars/Olympus").expect_err("bad tz");
    assert_eq!(e.template, "error_bad_timezone");
    let e = parse(COMMANDS, "standup create daily channel=team schedule=@daily colour=red").expect_err("bad option");
    assert_eq!(e.template, "error_unknown_option");
    assert_eq!(e.data["option"], "colour");
}

#[test]
fn a_create_without_its_schedule_names_the_missing_option_with_the_usage() {
    let e = parse(COMMANDS, "standup create daily channel=#team").expect_err("no schedule");
    assert_eq!(e.template, "error_missing_option");
    assert_eq!(e.data["option"], "schedule");
    assert!(e.data["usage"].as_str().is_some_and(|u| u.starts_with("/tandem standup create NAME channel=#CHANNEL")));
}

#[test]
fn commands_are_case_insensitive() {
    assert_eq!(parse(COMMANDS, "STANDUP LIST"), Ok(StandupCommand::List));
}

#[test]
fn the_edit_usage_lists_every_setting_it_accepts() {
    let edit = COMMANDS.iter().find(|s| s.meta.words == ["standup", "edit"]).expect("edit");
    let usage = edit.meta.usage();
    for key in ["local=", "remind_after=", "escalate_days=", "channel=", "schedule=", "members="] {
        assert!(usage.contains(key), "{key} missing from {usage}");
    }
}

#[test]
fn history_of_the_team_reads_as_a_word_or_an_option() {
    for line in ["history team", "history team=yes", "history équipe"] {
        let cmd = parse(COMMANDS, line).expect(line);
        assert!(matches!(cmd, StandupCommand::History { member: None, team: true, .. }), "{line}: {cmd:?}");
    }
    let cmd = parse(COMMANDS, "history @Ana").expect("member");
    assert!(matches!(cmd, StandupCommand::History { member: Some(ref m), team: false, .. } if m == "ana"));
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let e = parse(COMMANDS, &format!("history {}", "x".repeat(5000))).expect_err("too long");
    assert_eq!(e.template, "error_too_long");
}
