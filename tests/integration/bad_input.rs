//! Bad input gets a clear answer with an example, and changes nothing.

use crate::drivers::web_chat::request_id;
use crate::helpers::{Db, TestApp};

on_both_databases!(bad_commands_are_explained_and_change_nothing, bad_commands_on_sqlite, bad_commands_on_postgres);

async fn bad_commands_are_explained_and_change_nothing(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    let cases = [
        (
            r#"/tandem standup create daily channel=team schedule="61 9 * * *""#,
            "in the minute field, 61 is outside 0-59",
        ),
        (r#"/tandem standup create daily channel=team schedule="30 9 * *""#, "this one has 4"),
        (
            r#"/tandem standup create daily channel=team schedule="30 9 * * FUNDAY""#,
            "FUNDAY is not a known month or day name",
        ),
        (
            "/tandem standup create daily channel=team schedule=@daily tz=Mars/Olympus",
            "Use an IANA name, e.g. Europe/Paris",
        ),
        ("/tandem standup create daily schedule=@daily", "`channel=` is required"),
        ("/tandem standup create daily channel=team schedule=@daily colour=red", "I don't know the option `colour=`"),
        (
            "/tandem standup create daily channel=team schedule=@daily window=2 hours",
            "Usage: /tandem standup create NAME",
        ),
        ("/tandem standup create daily channel=team schedule=@daily window=forever", "Examples: 90m, 2h"),
        ("/tandem standup create daily channel=team schedule=@daily members=ana,zed", "no member named `zed`"),
        ("/tandem away 2026-12-31..2026-12-24", "FROM first"),
        ("/tandem away tomorrow", "Write it as YYYY-MM-DD"),
        ("/tandem me tz=Paris", "not a time zone I know"),
        ("/tandem resolve 999", "no blocker #999"),
    ];
    for (line, expected) in cases {
        olivier.say(&team, line).await;
        t.tick().await;
        let answer = olivier.last_bot(&team).await;
        assert!(answer.contains(expected), "{line}\n→ {answer}\n(expected {expected:?})");
    }
    olivier.say(&team, "/tandem standup list").await;
    t.tick().await;
    assert!(olivier.last_bot(&team).await.starts_with("No stand-up yet"), "nothing was half-written");
}

on_both_databases!(an_unknown_command_answers_with_the_help, unknown_on_sqlite, unknown_on_postgres);

async fn an_unknown_command_answers_with_the_help(db: Db) {
    let t = TestApp::spawn(db).await;
    let (ana, lea) = (t.person("ana").await, t.person("lea").await);
    ana.say("dm", "/tandem dance").await;
    lea.say("dm", "/tandem danse").await;
    t.tick().await;
    let help = ana.last_bot("dm").await;
    assert!(
        help.starts_with("I don't know the command `dance`") && help.contains("/tandem standup create NAME"),
        "{help}"
    );
    let aide = lea.last_bot("dm").await;
    assert!(aide.contains("`danse`") && !aide.contains("I don't know"), "French for Léa: {aide}");
}

on_both_databases!(oversized_input_is_refused, oversized_on_sqlite, oversized_on_postgres);

async fn oversized_input_is_refused(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana"#).await;
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    let ana = t.person("ana").await;
    ana.say("dm", &"x".repeat(5000)).await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.contains("too long (5000 characters, at most 4000)"));
    ana.say("dm", "short").await;
    t.tick().await;
    assert_eq!(ana.last_bot("dm").await, "2/3 What will you do today? — *daily*", "the long answer was not stored");
}

on_both_databases!(a_retried_request_is_processed_once, retried_on_sqlite, retried_on_postgres);

async fn a_retried_request_is_processed_once(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana"#).await;
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    let ana = t.person("ana").await;
    let id = request_id();
    ana.say_with_id("dm", "Answer one", &id).await;
    ana.say_with_id("dm", "Answer one", &id).await;
    t.tick().await;
    let lines = ana.bot_lines("dm").await;
    assert_eq!(lines.iter().filter(|l| l.starts_with("2/3")).count(), 1, "{lines:#?}");
    assert!(!lines.iter().any(|l| l.starts_with("3/3")), "the retry did not answer question 2");
    let echoes = ana.messages("dm").await.iter().filter(|m| m["body"] == "Answer one").count();
    assert_eq!(echoes, 1, "her own line shows once");
}

on_both_databases!(only_managers_create_stand_ups, managers_on_sqlite, managers_on_postgres);

async fn only_managers_create_stand_ups(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let ana = t.person("ana").await;
    ana.say(&team, "/tandem standup create daily channel=team schedule=@daily").await;
    t.tick().await;
    assert!(ana.last_bot(&team).await.contains("Only the team's PM, PO or scrum master"));
}

on_both_databases!(another_teams_channel_is_out_of_reach, other_team_on_sqlite, other_team_on_postgres);

async fn another_teams_channel_is_out_of_reach(db: Db) {
    let t = TestApp::spawn(db).await;
    let other = {
        let mut tx = t.app.svc.store.begin().await.expect("tx");
        let now = crate::helpers::monday_morning();
        let team = tandem::store::team::create_team(&mut tx, "rivals", tandem::core::Locale::En, "UTC", now)
            .await
            .expect("team");
        let id = tandem::store::team::channel_id(&mut tx, team, "secret").await.expect("channel");
        tx.commit().await.expect("commit");
        format!("channel:{id}")
    };
    let ana = t.person("ana").await;
    let r = ana
        .client
        .get(format!("{}/api/chat/messages", t.base))
        .query(&[("conv", other.as_str())])
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 404);
    let r = ana
        .client
        .post(format!("{}/chat/send", t.base))
        .form(&[("conv", other.as_str()), ("text", "hello"), ("request_id", "x1"), ("csrf", &ana.csrf())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 404);
}

on_both_databases!(
    a_corrupt_stored_role_or_zone_is_an_internal_error_not_a_quiet_default,
    corrupt_rows_on_sqlite,
    corrupt_rows_on_postgres
);

async fn a_corrupt_stored_role_or_zone_is_an_internal_error_not_a_quiet_default(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI""#).await;
    t.tick().await;
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    sqlx::query("UPDATE standups SET settings = REPLACE(settings, 'Europe/Paris', 'Mars/Olympus')")
        .execute(&mut *c)
        .await
        .expect("corrupt the zone");
    drop(c);
    olivier.say(&team, "/tandem standup show daily").await;
    t.tick().await;
    let answer = olivier.last_bot(&team).await;
    assert!(answer.starts_with("Sorry, something went wrong on my side") && answer.contains("Reference: "), "{answer}");
    // A PO whose stored role cannot be read is not quietly read as a developer.
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    sqlx::query("UPDATE members SET role = 'boss' WHERE name = 'olivier'").execute(&mut *c).await.expect("role");
    let read = tandem::store::team::members(&mut c, t.team_id).await;
    let error = format!("{:#}", read.expect_err("a corrupt role is an error"));
    assert!(error.contains("member role") && error.contains("boss"), "{error}");
}

on_both_databases!(
    every_refusal_names_the_problem_and_shows_the_command_typed,
    refusals_show_usage_on_sqlite,
    refusals_show_usage_on_postgres
);

async fn every_refusal_names_the_problem_and_shows_the_command_typed(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI""#).await;
    let long = format!("/tandem history {}", "x".repeat(5000));
    let cases: [(&crate::drivers::web_chat::Person, &str, &[&str], &str); 5] = [
        (
            &ana,
            "/tandem history @nobody",
            &["no member named `nobody`", "Usage: /tandem history [@member]"],
            "members=",
        ),
        (&ana, "/tandem standup delete daily", &["Only the team's PM", "Usage: /tandem standup delete NAME"], "zzz"),
        (&ana, &long, &["too long (5008 characters", "Usage: /tandem history"], "zzz"),
        (&ana, "/tandem resolve 999", &["no blocker #999", "Usage: /tandem resolve BLOCKER_ID"], "zzz"),
        (
            &olivier,
            "/tandem standup edit daily window=576460752303423489d",
            &["is not a duration", "at most 7 days"],
            "Stand-up updated",
        ),
    ];
    for (who, line, expected, absent) in cases {
        who.say(&team, line).await;
        t.tick().await;
        let answer = who.last_bot(&team).await;
        for e in expected {
            assert!(answer.contains(e), "{line:.60}\n→ {answer}\n(expected {e:?})");
        }
        assert!(!answer.contains(absent), "{line:.60} → {answer}");
    }
}

on_both_databases!(
    a_nul_byte_is_refused_at_the_door_the_same_on_both_databases,
    nul_refused_on_sqlite,
    nul_refused_on_postgres
);

async fn a_nul_byte_is_refused_at_the_door_the_same_on_both_databases(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI""#).await;
    olivier.say(&team, "/tandem standup show da\u{0}ily").await;
    t.tick().await;
    let answer = olivier.last_bot(&team).await;
    assert!(answer.contains("invisible control character (U+0000)"), "{answer}");
}

on_both_databases!(
    an_apostrophe_in_a_name_is_a_letter_and_an_escaped_quote_is_kept,
    apostrophes_on_sqlite,
    apostrophes_on_postgres
);

async fn an_apostrophe_in_a_name_is_a_letter_and_an_escaped_quote_is_kept(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, "/tandem member add obrien display=O'Brien").await;
    t.tick().await;
    assert!(olivier.last_bot(&team).await.contains("O'Brien"), "{}", olivier.last_bot(&team).await);
    let q = r#"/tandem standup create daily channel=team schedule="30 9 * * *" questions="Qu'as-tu fait pour l'équipe ?|Le \"plan\" tient ?""#;
    olivier.say(&team, q).await;
    t.tick().await;
    let created = olivier.last_bot(&team).await;
    assert!(created.contains("Qu'as-tu fait pour l'équipe ?") && created.contains(r#"Le "plan" tient ?"#), "{created}");
}
