//! Slack's own side of a stand-up. Over the Events API (signed HTTP requests): created with
//! `/tandem`, fired by the clock, answered in the DM and in a modal opened before the
//! acknowledgement, reported in the channel and updated with `chat.update` for a late
//! answer (over Socket Mode, the stand-up written once for every platform runs:
//! `standup_everywhere`). And the App Home.

use crate::drivers::slack::{CREATE, STANDUP, SlackWorld, callback_of, people};
use crate::helpers::{Db, SlackVia};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn a_whole_stand_up_runs_on_slack_over_the_events_api(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    people(&w);

    // Paula, the first person of the workspace, creates the stand-up in #standup; the
    // confirmation is ephemeral, for her only.
    w.command("U0PAULA", STANDUP, CREATE).await;
    w.t.tick().await;
    let confirm = w.fake.ephemerals_for("U0PAULA");
    let text = confirm.last().and_then(|m| m["text"].as_str()).unwrap_or_default().to_string();
    assert!(text.contains("Stand-up created") && text.contains("daily"), "{confirm:#?}");
    assert_eq!(confirm.last().map(|m| m["channel"].clone()), Some("C0STANDUP".into()));
    assert!(w.fake.messages_in("C0STANDUP").is_empty(), "nothing public yet");

    // Léa (a developer, French in Slack) may not delete it: she is told so, in French,
    // and only she sees it; the stand-up stays.
    w.command("U0LEA", STANDUP, "standup delete daily").await;
    w.t.tick().await;
    let refusal = w.fake.ephemerals_for("U0LEA");
    let text = refusal.last().and_then(|m| m["text"].as_str()).unwrap_or_default().to_string();
    assert!(text.starts_with("Seul le PM, le PO ou le scrum master"), "{refusal:#?}");
    assert!(w.fake.messages_in("C0STANDUP").is_empty());

    // 09:00 Paris: each member gets a DM in their language (Léa's Slack locale is fr-FR).
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    let ana_dm = w.fake.dm_channel_of("U0ANA");
    let lea_dm = w.fake.dm_channel_of("U0LEA");
    let paula_dm = w.fake.dm_channel_of("U0PAULA");
    assert!(w.last_text(&ana_dm).contains("1/3 What did you do since the last stand-up?"), "{:?}", w.texts(&ana_dm));
    assert!(w.last_text(&lea_dm).contains("1/3 Qu'avez-vous fait"), "{:?}", w.texts(&lea_dm));
    assert!(w.last_text(&paula_dm).contains("Time for *daily*"), "{:?}", w.texts(&paula_dm));

    // Ana answers one message at a time in the DM.
    w.dm("U0ANA", "Shipped the login page").await;
    w.t.tick().await;
    assert!(w.last_text(&ana_dm).contains("2/3 What will you do today?"), "{:?}", w.texts(&ana_dm));
    w.dm("U0ANA", "Start the billing page").await;
    w.t.tick().await;
    w.dm("U0ANA", "none").await;
    w.t.tick().await;
    assert!(w.last_text(&ana_dm).contains("Thanks for *daily*"), "{:?}", w.texts(&ana_dm));

    // Léa opens the form from her DM's button: the modal opens at once (the trigger
    // lasts 3 s), with one field per question, and she submits it.
    let form = w.button(&lea_dm, "form:");
    w.click("U0LEA", &lea_dm, &form).await;
    let views = w.fake.views();
    let modal = views.last().expect("a modal was opened");
    assert_eq!(modal["method"], "views.open");
    let callback = callback_of(modal);
    assert!(callback.starts_with("answers:"), "{modal:#}");
    let inputs = modal["view"]["blocks"].as_array().map(|b| b.iter().filter(|b| b["type"] == "input").count());
    assert_eq!(inputs, Some(3), "{modal:#}");
    w.submit("U0LEA", &callback, &["Revue de la maquette", "Tests DST", "aucun"]).await;
    w.t.tick().await;
    assert!(w.last_text(&lea_dm).contains("Merci"), "{:?}", w.texts(&lea_dm));

    // 11:00 Paris: the report in #standup, Paula missing.
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    let channel = w.fake.messages_in("C0STANDUP");
    assert_eq!(channel.len(), 1, "{channel:#?}");
    let report = channel[0]["text"].as_str().unwrap_or_default().to_string();
    let report_ts = channel[0]["ts"].clone();
    assert!(report.contains("2/3 answered") && report.contains("Shipped the login page"), "{report}");
    assert!(report.contains("Revue de la maquette") && report.contains("Missing: Paula Martin"), "{report}");

    // Paula answers late: the same report is edited in place, not posted again.
    w.answer_in_dm("U0PAULA", &["Roadmap review", "Customer calls", "none"]).await;
    let channel = w.fake.messages_in("C0STANDUP");
    assert_eq!(channel.len(), 1, "a late answer edits the report: {channel:#?}");
    let updated = channel[0]["text"].as_str().unwrap_or_default();
    assert!(updated.contains("3/3 answered (1 late)") && updated.contains("Roadmap review"), "{updated}");
    let updates = w.fake.calls_to("chat.update");
    assert!(updates.iter().any(|c| c.body["ts"] == report_ts && c.status == 200), "{updates:#?}");
}

on_both_databases!(
    a_whole_stand_up_runs_on_slack_over_the_events_api,
    a_stand_up_runs_on_slack_events_api_sqlite,
    a_stand_up_runs_on_slack_events_api_postgres
);

async fn the_app_home_shows_my_week_and_resolves_my_blocker(db: Db) {
    let w = crate::drivers::slack::with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    w.answer_in_dm("U0ANA", &["Shipped the login page", "Billing page", "Waiting for the API keys"]).await;
    let opened = serde_json::json!({
        "token": "t", "team_id": crate::drivers::slack::TEAM, "api_app_id": "A0FAKEAPP", "type": "event_callback",
        "event_id": crate::drivers::slack::unique("Ev"), "event_time": 1_767_240_000,
        "event": { "type": "app_home_opened", "user": "U0ANA", "channel": "D0ANA", "tab": "home", "event_ts": "1767240000.000100" },
    });
    w.event(opened.clone()).await;
    w.t.tick().await;
    let views = w.fake.views();
    let home = views.last().expect("the home tab was published");
    assert_eq!((home["method"].as_str(), home["user_id"].as_str()), (Some("views.publish"), Some("U0ANA")));
    let text = home["view"]["blocks"].to_string();
    assert!(text.contains("*daily* — 2026-11-24 03:00"), "next stand-up in Ana's zone: {text}");
    assert!(text.contains("Waiting for the API keys"), "her open blocker: {text}");
    assert!(text.contains("2026-11-23 *daily* — answered"), "her week: {text}");

    // The resolve button on the home tab resolves it; the next visit shows none.
    let resolve = home["view"]["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find_map(|e| e["action_id"].as_str().filter(|a| a.starts_with("resolve:")).map(str::to_string))
        .expect("a resolve button");
    w.click("U0ANA", "D0ANA", &resolve).await;
    w.t.tick().await;
    let mut again = opened;
    again["event_id"] = crate::drivers::slack::unique("Ev").into();
    w.event(again).await;
    w.t.tick().await;
    let text = w.fake.views().last().map(|v| v["view"]["blocks"].to_string()).unwrap_or_default();
    assert!(text.contains("None. 🎉") && !text.contains("Waiting for the API keys"), "{text}");
}

on_both_databases!(the_app_home_shows_my_week_and_resolves_my_blocker, slack_app_home_sqlite, slack_app_home_postgres);
