//! A whole stand-up, written once in the drivers' vocabulary and run on the web chat, on
//! Slack and on Discord, on both databases: created by the PM, refused to a developer,
//! fired by the clock, answered in the DM, by the form and skipped, reported in the
//! channel at the deadline, and the report edited in place for a late answer.

use crate::drivers::Platform;
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// 09:00 Paris on weekdays, answers for two hours, one reminder after an hour.
const CREATE: &str = r#"/tandem standup create daily channel=#standup schedule="0 9 * * MON-FRI" tz=Europe/Paris window=2h reminders=1 remind_after=1h members=ana,kenji,lea,paula"#;

on_every_platform!(
    a_whole_stand_up_runs,
    web_chat: a_whole_stand_up_runs_on_the_web_chat_on_sqlite, a_whole_stand_up_runs_on_the_web_chat_on_postgres;
    slack: a_whole_stand_up_runs_on_slack_on_sqlite, a_whole_stand_up_runs_on_slack_on_postgres;
    discord: a_whole_stand_up_runs_on_discord_on_sqlite, a_whole_stand_up_runs_on_discord_on_postgres;
);

async fn a_whole_stand_up_runs(w: impl Platform) {
    // Everyone says hello in #standup; on Slack and Discord the first to speak, Paula, runs
    // the team. Léa reads French, and her zone is Paris, wherever she comes from.
    for who in ["paula", "ana", "kenji", "lea"] {
        w.command(who, "#standup", "/tandem me").await;
    }
    let settings = w.ephemeral_for("lea").await;
    assert!(settings.starts_with("Vos paramètres") && settings.contains("Europe/Paris"), "{settings}");

    // Paula creates the stand-up: only she sees the confirmation; nothing is public yet.
    w.command("paula", "#standup", CREATE).await;
    let created = w.ephemeral_for("paula").await;
    assert!(created.contains("Stand-up created") && created.contains("daily"), "{created}");
    assert_eq!(w.channel_texts("#standup").await, Vec::<String>::new(), "nothing public yet");

    // Léa, a developer, may not delete it: she is told so, in French, and only she sees it.
    w.command("lea", "#standup", "/tandem standup delete daily").await;
    let refusal = w.ephemeral_for("lea").await;
    assert!(refusal.starts_with("Seul le PM, le PO ou le scrum master"), "{refusal}");
    assert!(!w.ephemeral_for("ana").await.contains("Seul le PM"), "a refusal is only for its author");
    assert_eq!(w.channel_texts("#standup").await, Vec::<String>::new());

    // 09:00 Paris: the stand-up still stands; each participant gets the first question in
    // their language.
    w.at(at("2026-11-23T08:00:00Z")).await;
    for who in ["ana", "kenji", "paula"] {
        let first = w.last_dm(who).await;
        assert!(
            first.contains("Time for daily") && first.contains("1/3 What did you do since the last stand-up?"),
            "{who}: {first}"
        );
    }
    let lea_first = w.last_dm("lea").await;
    assert!(lea_first.contains("C'est l'heure de daily") && lea_first.contains("1/3 Qu'avez-vous fait"), "{lea_first}");

    // Ana answers one question at a time in the DM; her third answer is a blocker.
    w.say_in_dm("ana", "Shipped the login page").await;
    assert_eq!(w.last_dm("ana").await, "2/3 What will you do today? — daily");
    w.say_in_dm("ana", "Start the billing page").await;
    w.say_in_dm("ana", "Waiting for the API keys from ops").await;
    let thanks = w.last_dm("ana").await;
    assert!(thanks.starts_with("Thanks for daily") && thanks.contains("Waiting for the API keys"), "{thanks}");

    // Léa answers by the form: it asks the three questions, in French.
    w.click("lea", "form:").await;
    let questions = w.form_questions("lea").await;
    assert_eq!(questions.len(), 3, "{questions:?}");
    assert!(questions[0].starts_with("Qu'avez-vous fait"), "{questions:?}");
    w.submit_form("lea", &["Revue de la maquette", "Tests DST", "aucun"]).await;
    assert!(w.last_dm("lea").await.starts_with("Merci"), "{:?}", w.dm_texts("lea").await);

    // Paula skips today with the button.
    w.click("paula", "skip:").await;

    // 10:00 Paris: only Kenji, who has not answered, is reminded.
    w.at(at("2026-11-23T09:00:00Z")).await;
    assert!(w.last_dm("kenji").await.starts_with("Reminder: daily"), "{:?}", w.dm_texts("kenji").await);
    for who in ["ana", "lea", "paula"] {
        let texts = w.dm_texts(who).await;
        assert!(!texts.iter().any(|t| t.starts_with("Reminder") || t.starts_with("Rappel")), "{who}: {texts:?}");
    }

    // 11:00 Paris: the report lands in #standup, once.
    w.at(at("2026-11-23T10:00:00Z")).await;
    let posted = w.channel_texts("#standup").await;
    assert_eq!(posted.len(), 1, "one report: {posted:#?}");
    for expected in [
        "daily — 2026-11-23 · 2/4 answered",
        "Shipped the login page",
        "Revue de la maquette",
        "Missing: Kenji",
        "Skipped: Paula",
        "🚧 Blockers",
        "Ana: Waiting for the API keys from ops",
    ] {
        assert!(posted[0].contains(expected), "the report lacks {expected:?}:\n{}", posted[0]);
    }

    // Kenji answers late: accepted, marked late, and the same report is updated.
    for answer in ["Fixed the flaky test", "Pairing with Ana", "none"] {
        w.say_in_dm("kenji", answer).await;
    }
    assert!(w.last_dm("kenji").await.contains("(recorded as late)"), "{:?}", w.dm_texts("kenji").await);
    let posted = w.channel_texts("#standup").await;
    assert_eq!(posted.len(), 1, "a late answer edits the report: {posted:#?}");
    let updated = &posted[0];
    assert!(updated.contains("3/4 answered (1 late)") && updated.contains("Kenji (late)"), "{updated}");
    assert!(updated.contains("Fixed the flaky test") && !updated.contains("Missing"), "{updated}");
}
