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
    assert_eq!(ana.last_bot("dm").await, "2/3 What will you do today?", "the long answer was not stored");
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
        .form(&[("conv", other.as_str()), ("text", "hello"), ("request_id", "x1")])
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
