//! Stand-up fires due at the same minute run together: each round opens once, each member
//! is asked once, and a fire that cannot run does not hold back the others.

use crate::helpers::{Db, TestApp};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn count(t: &TestApp, sql: &str) -> i64 {
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string())).fetch_one(&mut *c).await.expect("count")
}

on_both_databases!(
    fires_due_together_open_each_round_once_and_ask_each_member_once,
    fires_together_on_sqlite,
    fires_together_on_postgres
);

/// At 09:00 in Paris five fires fall due in one claim: `daily` in each member's zone
/// (Ana, Léa and Kenji, all in Paris) and `design` for the whole team. Kenji is away; Ana
/// has an action due today.
async fn fires_due_together_open_each_round_once_and_ask_each_member_once(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana, lea, kenji) =
        (t.person("olivier").await, t.person("ana").await, t.person("lea").await, t.person("kenji").await);
    for person in [&ana, &lea, &kenji] {
        person.say("dm", "/tandem me tz=Europe/Paris").await;
    }
    for create in [
        r#"/tandem standup create daily channel=#team schedule="0 9 * * MON-FRI" tz=Europe/Paris local=yes reminders=1 remind_after=1h members=ana,lea,kenji"#,
        r#"/tandem standup create design channel=#team schedule="0 9 * * MON-FRI" tz=Europe/Paris reminders=0 members=ana,lea"#,
        r#"/tandem standup create ops channel=#team schedule="0 9 * * MON-FRI" tz=Europe/Paris members=kenji"#,
    ] {
        olivier.say(&team, create).await;
    }
    olivier.say(&team, r#"/tandem action add "Send the release notes" owner=@ana due=2026-11-23"#).await;
    kenji.say("dm", "/tandem away 2026-11-23..2026-11-24").await;
    t.tick().await;
    let due = "SELECT COUNT(*) FROM jobs WHERE kind = 'standup_open' AND due_at = 1795420800000";
    assert_eq!(count(&t, due).await, 5, "three fires for daily, one for design, one for ops, all at 08:00 UTC");

    t.at(at("2026-11-23T08:00:00Z")).await;
    assert_eq!(count(&t, "SELECT COUNT(*) FROM rounds").await, 3, "one round per stand-up");
    for (who, person) in [("Ana", &ana), ("Léa", &lea)] {
        let lines = person.bot_lines("dm").await;
        for name in ["daily", "design"] {
            let asked = lines.iter().filter(|l| l.contains(&format!("*{name}*")) && l.contains("1/3")).count();
            assert_eq!(asked, 1, "{who} is asked {name}'s first question once: {lines:#?}");
        }
    }
    let notes = ana.bot_lines("dm").await.iter().filter(|l| l.contains("Send the release notes")).count();
    assert_eq!(notes, 1, "Ana's action is noted once, though two stand-ups ask her today");
    assert!(!kenji.bot_lines("dm").await.iter().any(|l| l.contains("1/3")), "an away member is not asked");
    let reminders = "SELECT COUNT(*) FROM jobs WHERE kind = 'standup_remind'";
    assert_eq!(count(&t, reminders).await, 2, "daily reminds Ana and Léa in an hour; design has no reminders");
    let report = olivier.bot_lines(&team).await;
    assert!(
        report.iter().any(|l| l.contains("*ops*") && l.contains("Kenji")),
        "the stand-up whose only member is away is reported at once: {report:#?}"
    );

    // Nothing runs twice: the next tick and the next minute add nothing.
    let before =
        (count(&t, "SELECT COUNT(*) FROM outbox").await, count(&t, "SELECT COUNT(*) FROM round_participants").await);
    t.tick().await;
    t.at(at("2026-11-23T08:01:00Z")).await;
    let after =
        (count(&t, "SELECT COUNT(*) FROM outbox").await, count(&t, "SELECT COUNT(*) FROM round_participants").await);
    assert_eq!(before, after, "no second question, note or participant");
    let next = "SELECT COUNT(*) FROM jobs WHERE kind = 'standup_open' AND due_at = 1795507200000";
    assert_eq!(count(&t, next).await, 5, "each fire moves to Tuesday 09:00 Paris");
}

on_both_databases!(
    a_fire_that_cannot_run_does_not_hold_back_the_others_due_with_it,
    failing_fire_on_sqlite,
    failing_fire_on_postgres
);

async fn a_fire_that_cannot_run_does_not_hold_back_the_others_due_with_it(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    for name in ["daily", "design", "broken"] {
        let create = format!(
            r#"/tandem standup create {name} channel=#team schedule="0 9 * * MON-FRI" tz=Europe/Paris members=ana"#
        );
        olivier.say(&team, &create).await;
    }
    t.tick().await;
    // A stored zone that is no zone (a hand-edited row): its fire fails at each try.
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    sqlx::query(
        "UPDATE standups SET settings = REPLACE(settings, 'Europe/Paris', 'Nowhere/Atlantis') WHERE name = 'broken'",
    )
    .execute(&mut *c)
    .await
    .expect("corrupt one stand-up");
    drop(c);
    t.clock.set(at("2026-11-23T08:00:00Z"));
    let (report, _) = t.app.tick().await.expect("tick");
    assert_eq!((report.ran, report.failed), (2, 1), "{report:?}");
    let lines = ana.bot_lines("dm").await;
    for name in ["daily", "design"] {
        assert!(lines.iter().any(|l| l.contains(&format!("Time for *{name}*"))), "{name} is asked: {lines:#?}");
    }
    assert!(!lines.iter().any(|l| l.contains("*broken*")), "{lines:#?}");
    let failed = "SELECT COUNT(*) FROM jobs WHERE kind = 'standup_open' AND attempts = 1 AND last_error IS NOT NULL";
    assert_eq!(count(&t, failed).await, 1, "the broken fire is tried again later, with its error kept");
}
