//! A restart in the middle of a round loses no answer and sends nothing twice.

use crate::helpers::{Db, TestApp};

on_both_databases!(a_restart_mid_round_loses_no_answer_and_sends_no_dm_twice, restart_on_sqlite, restart_on_postgres);

async fn a_restart_mid_round_loses_no_answer_and_sends_no_dm_twice(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier
        .say(
            &team,
            r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" window=2h members=ana,lea"#,
        )
        .await;
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    let ana = t.person("ana").await;
    ana.say("dm", "Fixed the flaky test").await;
    // The answer is stored but not yet delivered when the process stops.
    let t = t.restart().await;
    let ana = t.person("ana").await;
    t.tick().await;
    ana.say("dm", "Release notes").await;
    ana.say("dm", "none").await;
    t.advance(chrono::Duration::minutes(1)).await;
    let lines = ana.bot_lines("dm").await;
    assert_eq!(
        lines.iter().filter(|l| l.contains("Time for *daily*")).count(),
        1,
        "the opening DM is not sent again: {lines:#?}"
    );
    assert_eq!(lines.iter().filter(|l| l.starts_with("2/3")).count(), 1);
    let thanks = lines.last().expect("a thank-you");
    assert!(thanks.contains("Fixed the flaky test") && thanks.contains("Release notes"), "{thanks}");

    // Restarting again at the deadline posts the report exactly once.
    let t = t.restart().await;
    t.at("2026-11-23T10:30:00Z".parse().expect("instant")).await;
    let t = t.restart().await;
    t.advance(chrono::Duration::minutes(5)).await;
    let reports: Vec<_> = olivier_view(&t, &team).await.into_iter().filter(|l| l.starts_with("📋")).collect();
    assert_eq!(reports.len(), 1, "{reports:#?}");
    assert!(reports[0].contains("Fixed the flaky test") && reports[0].contains("Missing: Léa"));
}

async fn olivier_view(t: &TestApp, conv: &str) -> Vec<String> {
    t.person("olivier").await.bot_lines(conv).await
}

on_both_databases!(
    a_fire_missed_while_down_runs_late_once_within_the_grace_period,
    late_fire_on_sqlite,
    late_fire_on_postgres
);

async fn a_fire_missed_while_down_runs_late_once_within_the_grace_period(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana"#).await;
    let ana = t.person("ana").await;
    // Down from before 09:30 until 09:50 Paris: the fire runs late, and says so.
    t.at("2026-11-23T08:50:00Z".parse().expect("instant")).await;
    let late = ana.last_bot("dm").await;
    assert!(late.contains("this comes late"), "{late}");
    // Down for a whole day (past the one-hour grace): Tuesday's fire is skipped, Wednesday's runs.
    t.at("2026-11-25T08:30:00Z".parse().expect("instant")).await;
    let opens: Vec<_> = ana.bot_lines("dm").await.into_iter().filter(|l| l.contains("Time for *daily*")).collect();
    assert_eq!(opens.len(), 2, "Monday (late) and Wednesday, not Tuesday: {opens:#?}");
    assert!(opens[1].contains("2026-11-25") && !opens[1].contains("late"));
}
