//! A whole stand-up through the web chat, driven by the fake clock.

use crate::helpers::{Db, TestApp};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

const CREATE: &str = r#"/tandem standup create daily channel=#team schedule="30 9 * * MON-FRI" tz=Europe/Paris window=2h reminders=1 remind_after=1h members=ana,kenji,lea,paula"#;

on_both_databases!(
    a_whole_stand_up_runs_from_creation_to_escalation,
    whole_stand_up_on_sqlite,
    whole_stand_up_on_postgres
);

async fn a_whole_stand_up_runs_from_creation_to_escalation(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana, kenji, lea, paula) = (
        t.person("olivier").await,
        t.person("ana").await,
        t.person("kenji").await,
        t.person("lea").await,
        t.person("paula").await,
    );

    // The PO creates the stand-up; only they see the confirmation, with the next run in their zone.
    olivier.say(&team, CREATE).await;
    kenji.say("dm", "/tandem away 2026-11-23..2026-11-24").await;
    t.tick().await;
    let created = olivier.last_bot(&team).await;
    assert!(created.contains("Stand-up created") && created.contains("2026-11-23 09:30 CET"), "{created}");
    assert!(ana.bot_lines(&team).await.is_empty(), "a confirmation is only for its author");
    assert!(kenji.last_bot("dm").await.contains("Away from 2026-11-23 to 2026-11-24"));

    // 09:30 Paris: everyone but the away member gets the first question, in their language.
    t.at(at("2026-11-23T08:30:00Z")).await;
    let first = ana.last_bot("dm").await;
    assert!(
        first.contains("Time for *daily*") && first.contains("1/3 What did you do since the last stand-up?"),
        "{first}"
    );
    assert!(!kenji.bot_lines("dm").await.iter().any(|l| l.contains("daily")), "an away member is not asked");
    let lea_first = lea.last_bot("dm").await;
    assert!(
        lea_first.contains("C'est l'heure de *daily*") && lea_first.contains("1/3 Qu'avez-vous fait"),
        "Léa reads French: {lea_first}"
    );

    // Ana answers one by one in the DM; the blocker question opens a blocker.
    ana.say("dm", "Shipped the login page").await;
    t.tick().await;
    assert_eq!(ana.last_bot("dm").await, "2/3 What will you do today? — *daily*");
    ana.say("dm", "Start the billing page").await;
    ana.say("dm", "Waiting for the API keys from ops").await;
    t.tick().await;
    let thanks = ana.last_bot("dm").await;
    assert!(thanks.starts_with("Thanks for *daily*") && thanks.contains("Waiting for the API keys"), "{thanks}");

    // She edits an answer in the form before the report is out.
    let (edit, label) = ana.button("dm", "form:").await;
    assert_eq!(label, "Edit my answers");
    ana.click("dm", &edit).await;
    t.tick().await;
    let (submit, values) = ana.form("dm").await;
    assert_eq!(values, ["Shipped the login page", "Start the billing page", "Waiting for the API keys from ops"]);
    ana.submit_form(
        "dm",
        &submit,
        &["Shipped the login page", "Finish the billing page", "Waiting for the API keys from ops"],
    )
    .await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.starts_with("Answers updated"));

    // Léa skips with the button; Paula says nothing.
    let (skip, _) = lea.button("dm", "skip:").await;
    lea.click("dm", &skip).await;

    // An hour later, only Paula is reminded.
    t.at(at("2026-11-23T09:30:00Z")).await;
    assert!(paula.last_bot("dm").await.starts_with("Reminder: *daily*"));
    for p in [&ana, &lea, &kenji] {
        assert!(
            !p.bot_lines("dm").await.iter().any(|l| l.starts_with("Reminder") || l.starts_with("Rappel")),
            "only the missing are reminded"
        );
    }

    // At the deadline the report goes to the channel, blockers first-class and the PO mentioned.
    t.at(at("2026-11-23T10:30:00Z")).await;
    let reports: Vec<_> = olivier
        .messages(&team)
        .await
        .into_iter()
        .filter(|m| m["body"].as_str().unwrap_or("").starts_with("📋"))
        .collect();
    assert_eq!(reports.len(), 1, "one report");
    let report = reports[0]["body"].as_str().expect("body").to_string();
    for expected in [
        "*daily* — 2026-11-23 · 1/4 answered",
        "Finish the billing page",
        "Missing: Paula",
        "Away: Kenji",
        "Skipped: Léa",
        "🚧 Blockers — @olivier",
        "Ana: Waiting for the API keys from ops",
    ] {
        assert!(report.contains(expected), "report lacks {expected:?}:\n{report}");
    }
    assert!(!report.contains("Start the billing page"), "the report shows the edited answer");

    // Paula answers late: accepted, marked late, and the same report message is updated.
    paula.say("dm", "Roadmap review").await;
    paula.say("dm", "Customer calls").await;
    paula.say("dm", "none").await;
    t.advance(chrono::Duration::minutes(5)).await;
    assert!(paula.last_bot("dm").await.contains("(recorded as late)"));
    let reports: Vec<_> = olivier
        .messages(&team)
        .await
        .into_iter()
        .filter(|m| m["body"].as_str().unwrap_or("").starts_with("📋"))
        .collect();
    assert_eq!(reports.len(), 1, "a late answer updates the report, it does not post another");
    let updated = reports[0]["body"].as_str().expect("body");
    assert!(
        updated.contains("2/4 answered (1 late)") && updated.contains("*Paula* (late)") && !updated.contains("Missing"),
        "{updated}"
    );

    // Once the report is out, answers can no longer be edited.
    ana.click("dm", &edit).await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.contains("already posted"));

    // Next day, the owner's stand-up asks whether the blocker still blocks.
    t.at(at("2026-11-24T08:30:00Z")).await;
    let tuesday = ana.last_bot("dm").await;
    assert!(tuesday.contains("You reported blocker #") && tuesday.contains("still blocking?"), "{tuesday}");

    // Left open two days, it is escalated to the PO and the PM, once.
    t.at(at("2026-11-25T08:31:00Z")).await;
    for boss in [&olivier, &paula] {
        let escalations: Vec<_> =
            boss.bot_lines("dm").await.into_iter().filter(|l| l.contains("has been open for 2 days")).collect();
        assert_eq!(escalations.len(), 1, "{escalations:?}");
        assert!(escalations[0].contains("from Ana") && escalations[0].contains("API keys"));
    }
    t.advance(chrono::Duration::hours(1)).await;
    assert_eq!(
        olivier.bot_lines("dm").await.iter().filter(|l| l.contains("has been open")).count(),
        1,
        "escalated once"
    );

    // The owner resolves it with the button; it leaves the open list.
    let (resolve, _) = ana.button("dm", "resolve:").await;
    ana.click("dm", &resolve).await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.contains("resolved: Waiting for the API keys"));
    olivier.say(&team, "/tandem blockers").await;
    t.tick().await;
    assert!(olivier.last_bot(&team).await.contains("No open blocker"));
}

on_both_databases!(stand_ups_fire_at_each_members_own_time, member_time_on_sqlite, member_time_on_postgres);

async fn stand_ups_fire_at_each_members_own_time(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    let (ana, kenji, lea) = (t.person("ana").await, t.person("kenji").await, t.person("lea").await);
    t.clock.set(at("2026-11-22T12:00:00Z"));
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" local=yes window=1h members=ana,kenji,lea"#).await;

    // Monday 09:30 in Tokyo comes first, then Paris, then New York.
    t.at(at("2026-11-23T00:30:00Z")).await;
    assert!(kenji.last_bot("dm").await.contains("1/3"));
    assert!(lea.bot_lines("dm").await.is_empty() && ana.bot_lines("dm").await.is_empty());
    t.at(at("2026-11-23T08:30:00Z")).await;
    assert!(lea.last_bot("dm").await.contains("1/3"));
    assert!(ana.bot_lines("dm").await.is_empty());
    t.at(at("2026-11-23T14:30:00Z")).await;
    assert!(ana.last_bot("dm").await.contains("1/3"));

    // One report for the day, after the last zone's window.
    for p in [&kenji, &lea, &ana] {
        let (form, _) = p.button("dm", "form:").await;
        p.click("dm", &form).await;
        t.tick().await;
        let (submit, _) = p.form("dm").await;
        p.submit_form("dm", &submit, &["a", "b", "none"]).await;
    }
    t.tick().await;
    let reports: Vec<_> = olivier.bot_lines(&team).await.into_iter().filter(|l| l.starts_with("📋")).collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    assert!(reports[0].contains("3/3 answered"), "{}", reports[0]);
}

on_both_databases!(
    a_threaded_report_gets_one_reply_per_person_and_one_more_when_late,
    threaded_on_sqlite,
    threaded_on_postgres
);

async fn a_threaded_report_gets_one_reply_per_person_and_one_more_when_late(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana, paula) = (t.person("olivier").await, t.person("ana").await, t.person("paula").await);
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" window=2h reminders=0 format=thread members=ana,paula"#).await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    for line in ["Reviewed PRs", "Pairing", "none"] {
        ana.say("dm", line).await;
    }
    t.at(at("2026-11-23T10:30:00Z")).await;
    let msgs = olivier.messages(&team).await;
    let header = msgs.iter().find(|m| m["body"].as_str().unwrap_or("").starts_with("📋")).expect("header");
    assert!(header["body"].as_str().expect("body").contains("1/2 answered; answers in the thread"));
    let replies: Vec<_> = msgs.iter().filter(|m| m["thread_of"] == header["id"]).collect();
    assert_eq!(replies.len(), 1);
    assert!(replies[0]["body"].as_str().expect("body").contains("Reviewed PRs"));

    for line in ["Specs", "Interviews", "none"] {
        paula.say("dm", line).await;
    }
    t.tick().await;
    let msgs = olivier.messages(&team).await;
    let header = msgs.iter().find(|m| m["body"].as_str().unwrap_or("").starts_with("📋")).expect("header");
    assert!(header["body"].as_str().expect("body").contains("2/2 answered (1 late)"));
    let replies: Vec<_> = msgs.iter().filter(|m| m["thread_of"] == header["id"]).collect();
    assert_eq!(replies.len(), 2);
    assert!(replies[1]["body"].as_str().expect("body").starts_with("*Paula* (late)"));
}

on_both_databases!(a_reminder_waits_for_the_end_of_quiet_hours, quiet_hours_on_sqlite, quiet_hours_on_postgres);

async fn a_reminder_waits_for_the_end_of_quiet_hours(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, paula) = (t.person("olivier").await, t.person("paula").await);
    // Quiet 10:00-11:00 Paris covers the reminder due at 10:30 Paris (09:30Z).
    paula.say("dm", "/tandem me quiet=10:00-11:00").await;
    olivier.say(&team, CREATE).await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    t.at(at("2026-11-23T09:30:00Z")).await;
    assert!(!paula.last_bot("dm").await.starts_with("Reminder"), "no reminder in quiet hours");
    t.at(at("2026-11-23T09:59:00Z")).await;
    assert!(!paula.last_bot("dm").await.starts_with("Reminder"));
    t.at(at("2026-11-23T10:00:00Z")).await;
    assert!(
        paula.last_bot("dm").await.starts_with("Reminder: *daily*"),
        "reminded when quiet hours end, before the deadline"
    );
}

on_both_databases!(blockers_follow_edits_and_are_not_opened_twice, blocker_edits_on_sqlite, blocker_edits_on_postgres);

async fn blockers_follow_edits_and_are_not_opened_twice(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier
        .say(
            &team,
            r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" window=2h members=ana,kenji"#,
        )
        .await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    for line in ["Specs", "Code", "Waiting on the API keys"] {
        ana.say("dm", line).await;
    }
    t.tick().await;
    // She edits the blocker into another one: the first is resolved, the new one is open.
    let (edit, _) = ana.button("dm", "form:").await;
    ana.click("dm", &edit).await;
    t.tick().await;
    let (submit, _) = ana.form("dm").await;
    ana.submit_form("dm", &submit, &["Specs", "Code", "Staging is down"]).await;
    olivier.say(&team, "/tandem blockers").await;
    t.tick().await;
    let open = olivier.last_bot(&team).await;
    assert!(open.contains("Staging is down") && !open.contains("API keys"), "{open}");
    // Then she edits it away: nothing stays open.
    ana.click("dm", &edit).await;
    t.tick().await;
    let (submit, _) = ana.form("dm").await;
    ana.submit_form("dm", &submit, &["Specs", "Code", "none"]).await;
    // The next day, the same blocker written again is the one already open, not a second.
    t.at(at("2026-11-24T08:30:00Z")).await;
    for line in ["More specs", "More code", "Still no API keys"] {
        ana.say("dm", line).await;
    }
    t.at(at("2026-11-25T08:30:00Z")).await;
    for line in ["Review", "Ship", "Still no API keys"] {
        ana.say("dm", line).await;
    }
    olivier.say(&team, "/tandem blockers").await;
    t.tick().await;
    let open = olivier.last_bot(&team).await;
    assert_eq!(open.matches("Still no API keys").count(), 1, "{open}");
    assert!(!open.contains("Staging"), "{open}");
}

on_both_databases!(time_off_in_the_future_does_not_excuse_today, future_away_on_sqlite, future_away_on_postgres);

async fn time_off_in_the_future_does_not_excuse_today(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let (olivier, ana) = (t.person("olivier").await, t.person("ana").await);
    olivier
        .say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" window=2h members=ana"#)
        .await;
    t.at(at("2026-11-23T08:30:00Z")).await;
    ana.say("dm", "/tandem away 2026-12-24..2026-12-31").await;
    t.at(at("2026-11-23T10:30:00Z")).await;
    let report = olivier.last_bot(&team).await;
    assert!(report.contains("Missing: Ana") && !report.contains("Away"), "{report}");
}
