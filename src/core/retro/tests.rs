use super::*;
use crate::core::command::parse;
use crate::core::retro::options::{new_settings, template_prompts};
use std::collections::BTreeMap;

fn tokens(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[test]
fn phases_follow_each_other_and_closed_stays_closed() {
    let order: Vec<Phase> =
        std::iter::successors(Some(Phase::Collect), |p| (*p != Phase::Closed).then(|| p.next())).collect();
    assert_eq!(order, Phase::ALL.to_vec());
    assert_eq!(Phase::Closed.next(), Phase::Closed);
    for p in Phase::ALL {
        assert_eq!(Phase::parse(p.code()), Some(p));
    }
}

#[test]
fn an_anonymous_author_key_is_keyed_and_cannot_be_told_from_the_member_id() {
    let a = author_key(Some("secret one"), 3);
    assert_eq!(a.len(), 64, "an HMAC-SHA256 in hex");
    assert!(!a.contains('3') || a != "m:3");
    assert_eq!(a, author_key(Some("secret one"), 3), "the same author, the same key: edits and vote limits work");
    assert_ne!(a, author_key(Some("secret two"), 3), "another run's secret gives another key");
    assert_ne!(a, author_key(Some("secret one"), 4));
    assert_eq!(named_author(&a), None);
    assert_eq!(author_key(None, 3), "m:3");
    assert_eq!(named_author("m:3"), Some(3));
}

#[test]
fn dm_lines_become_cards_by_prompt_number_or_the_current_prompt() {
    let read = read_cards("1 Pair more\n2. Friday deploys\n  \nplain line", 3, 2).expect("cards");
    assert_eq!(
        read,
        CardInput::Cards(vec![(0, "Pair more".into()), (1, "Friday deploys".into()), (2, "plain line".into())])
    );
    assert_eq!(read_cards("3", 3, 0).expect("switch"), CardInput::Switch(2));
    assert_eq!(read_cards("2026 was a good year", 3, 0).expect_err("no prompt 2026").template, "error_unknown_prompt");
    assert_eq!(read_cards("4", 3, 0).expect_err("no prompt 4").template, "error_unknown_prompt");
    assert_eq!(read_cards("1 -", 3, 0).expect_err("empty").template, "error_empty_card");
    assert_eq!(read_cards("2 - Pair more", 3, 0).expect("dash"), CardInput::Cards(vec![(1, "Pair more".into())]));
    assert_eq!(read_cards("   ", 3, 0).expect_err("nothing").template, "error_empty_card");
}

#[test]
fn only_lines_that_all_start_with_a_prompt_number_are_cards_beyond_doubt() {
    assert!(numbered("1 Pair more\n2. Demos"));
    assert!(numbered("3"));
    assert!(!numbered("Shipped the login page"));
    assert!(!numbered("1 Pair more\nand then some"));
    assert!(!numbered("2026was fine"));
    assert!(!numbered("  "));
}

#[test]
fn a_card_holds_at_most_500_characters() {
    assert!(check_card(&"é".repeat(MAX_CARD_CHARS)).is_ok());
    let e = check_card(&"é".repeat(MAX_CARD_CHARS + 1)).expect_err("too long");
    assert_eq!((e.template, e.data["length"].as_u64()), ("error_card_too_long", Some(501)));
}

#[test]
fn votes_are_held_to_the_allowance_and_the_most_per_theme() {
    let none = BTreeMap::new();
    let themes = [1, 2, 3];
    let two = add_votes(&none, &[1, 1], &themes, 3, 2).expect("two on one theme");
    assert_eq!(two, BTreeMap::from([(1, 2)]));
    assert_eq!(add_votes(&two, &[1], &themes, 3, 2).expect_err("a third").template, "error_votes_per_theme");
    let full = add_votes(&two, &[3], &themes, 3, 2).expect("the last");
    let e = add_votes(&full, &[2], &themes, 3, 2).expect_err("none left");
    assert_eq!((e.template, e.data["left"].as_i64()), ("error_votes_used", Some(0)));
    assert_eq!(add_votes(&none, &[9], &themes, 3, 2).expect_err("no theme 9").template, "error_unknown_theme");
}

#[test]
fn health_shows_no_figure_below_three_answers() {
    let few = health("Sprint?", &[5, 1], vec![]);
    assert_eq!((few.answers, few.average, few.counts.len()), (2, None, 0));
    let enough = health("Sprint?", &[4, 2, 5], vec!["3.0".into()]);
    assert_eq!(enough.average.as_deref(), Some("3.7"));
    assert_eq!(enough.counts, vec![0, 1, 0, 1, 1]);
    assert_eq!(enough.trend, vec!["3.0"]);
}

#[test]
fn grouping_reads_card_numbers_then_the_theme_title_as_typed_or_as_one_value() {
    let typed = read_group(&tokens("3 7,12 as Slow deploys")).expect("typed");
    assert_eq!(typed, (vec![3, 7, 12], "Slow deploys".to_string()));
    let one = read_group(&["3 7 12 as \"Slow deploys\"".to_string()]).expect("one Discord value");
    assert_eq!(one, typed);
    assert_eq!(read_group(&tokens("3 7 Slow")).expect_err("no as").template, "error_bad_group");
    assert_eq!(read_group(&tokens("as Slow")).expect_err("no card").template, "error_bad_group");
    assert_eq!(read_group(&tokens("x as Slow")).expect_err("not a number").template, "error_bad_number");
}

#[test]
fn themes_rank_by_votes_then_by_number_and_shares_round() {
    assert_eq!(ranked(&[(1, 2), (2, 5), (3, 2)]), vec![(2, 5), (1, 2), (3, 2)]);
    assert_eq!(share_done(2, 3), Some(67));
    assert_eq!(share_done(0, 0), None);
    assert_eq!((minutes_text(90), minutes_text(1440), minutes_text(45)), ("1h30m".into(), "24h".into(), "45m".into()));
}

fn label(key: &str) -> String {
    format!("<{key}>")
}

#[test]
fn a_new_retro_is_anonymous_with_five_votes_and_the_shipped_prompts() {
    let mut a = crate::core::command::Args::default();
    a.options.insert("channel".into(), "retro".into());
    a.options.insert("template".into(), "sailboat".into());
    let o = RetroOptions::take(&mut a).expect("options");
    let s = new_settings("sprint", &o, "Europe/Paris", label).expect("settings");
    assert!(s.anonymous && s.facilitator_votes);
    assert_eq!((s.votes, s.max_per_item, s.collect_minutes), (5, 3, 24 * 60));
    assert_eq!(s.prompts.len(), 4);
    assert_eq!(s.prompts[0].key.as_deref(), Some("retro_prompt_sailboat_1"));
    assert_eq!(s.health.len(), 1);
    assert!(matches!(s.when, When::SprintEnd { .. }));
    for (template, n) in options::TEMPLATES {
        assert_eq!(template_prompts(template, label).len(), *n, "{template}");
    }
}

#[test]
fn retro_settings_refuse_what_cannot_work() {
    let parse_err = |line: &str| parse(COMMANDS, line).expect_err(line).template;
    let RetroCommand::Create { options, .. } =
        parse(COMMANDS, "retro create s channel=#r votes=2 max_per_item=3").expect("parses")
    else {
        panic!("a create")
    };
    assert_eq!(new_settings("s", &options, "UTC", label).expect_err("3 > 2").template, "error_votes_setting");
    assert_eq!(parse_err("retro create s channel=#r template=daily"), "error_bad_choice");
    assert_eq!(parse_err("retro create s channel=#r at=25:00"), "error_bad_time");
    assert_eq!(parse_err("retro create s channel=#r when=\"0 99 * * *\""), "error_bad_schedule");
    let thirteen = vec!["Q"; 13].join("|");
    assert_eq!(parse_err(&format!("retro create s channel=#r prompts=\"{thirteen}\"")), "error_bad_prompts");
    assert_eq!(parse_err("retro create s channel=#r health=\"A|B|C|D|E\""), "error_bad_prompts");
    let s = new_settings("s", &options::RetroOptions { channel: Some("r".into()), ..Default::default() }, "UTC", label)
        .expect("s");
    let nothing = options::edited_settings(&s, &RetroOptions::default(), label).expect_err("nothing");
    assert_eq!(nothing.template, "error_retro_no_change");
    assert_eq!(parse_err("action edit 4"), "error_retro_no_change");
}

#[test]
fn retro_commands_read_as_typed() {
    assert_eq!(
        parse(COMMANDS, r#"retro group 3 7 12 as "Slow deploys""#).expect("group"),
        RetroCommand::Group { retro: None, cards: vec![3, 7, 12], title: "Slow deploys".into() }
    );
    assert_eq!(
        parse(COMMANDS, "retro vote 2 2 5 retro=sprint").expect("vote"),
        RetroCommand::Vote { retro: Some("sprint".into()), themes: vec![2, 2, 5] }
    );
    assert_eq!(
        parse(COMMANDS, r#"retro edit-card 3 "Pair on reviews""#).expect("edit"),
        RetroCommand::CardEdit { retro: None, number: 3, text: "Pair on reviews".into() }
    );
    assert_eq!(
        parse(COMMANDS, r#"action add "Add a deploy dashboard" owner=@Ana due=2026-12-18 theme=2"#).expect("action"),
        RetroCommand::ActionAdd {
            text: "Add a deploy dashboard".into(),
            owner: Some("ana".into()),
            due: chrono::NaiveDate::from_ymd_opt(2026, 12, 18),
            theme: Some(2),
        }
    );
    assert_eq!(
        parse(COMMANDS, "action list mine").expect("list"),
        RetroCommand::ActionList { filter: ActionFilter::Mine }
    );
    assert_eq!(
        parse(COMMANDS, "retro export sprint --markdown sprint=12").expect("export"),
        RetroCommand::Export { name: "sprint".into(), sprint: Some(12) }
    );
}
