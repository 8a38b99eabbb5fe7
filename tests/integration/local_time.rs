//! A stand-up held at each member's own time shows each reader their own next run.

use crate::helpers::{Db, TestApp};

on_both_databases!(
    the_next_run_of_a_stand_up_at_each_members_time_is_the_readers_own,
    local_next_run_on_sqlite,
    local_next_run_on_postgres
);

async fn the_next_run_of_a_stand_up_at_each_members_time_is_the_readers_own(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" local=yes"#).await;
    t.tick().await;
    assert!(olivier.last_bot(&team).await.contains("2026-11-23 09:30 CET"), "Olivier's own 09:30 in Paris");
    // Ana, in New York, is asked at 09:30 there: that is what she reads, in her zone.
    let ana = t.person("ana").await;
    for line in ["/tandem standup list", "/tandem standup show daily"] {
        ana.say("dm", line).await;
        t.tick().await;
        let answer = ana.last_bot("dm").await;
        assert!(answer.contains("2026-11-23 09:30 EST"), "{line} → {answer}");
        assert!(!answer.contains("03:30 EST"), "not Paris's 09:30: {answer}");
    }
}

on_both_databases!(
    a_fire_already_due_is_not_moved_when_someone_changes_their_zone,
    due_fire_kept_on_sqlite,
    due_fire_kept_on_postgres
);

async fn a_fire_already_due_is_not_moved_when_someone_changes_their_zone(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier
        .say(
            &team,
            r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" local=yes members=ana,lea"#,
        )
        .await;
    t.tick().await;
    // 09:30 in New York: Ana's fire is due, and before the scheduler picks it up Léa moves
    // to Berlin, which re-plans the stand-up's fires.
    t.clock.set("2026-11-23T14:30:00Z".parse().expect("instant"));
    let lea = t.person("lea").await;
    lea.say("dm", "/tandem me tz=Europe/Berlin").await;
    t.tick().await;
    let ana = t.person("ana").await;
    let lines = ana.bot_lines("dm").await;
    assert!(lines.iter().any(|l| l.contains("Time for *daily*")), "Ana is asked today: {lines:#?}");
}
