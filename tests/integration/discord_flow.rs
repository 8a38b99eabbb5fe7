//! Discord's own side of a stand-up, over HTTP interactions: created with `/tandem` and
//! typed options behind a private placeholder, fired by the clock, answered in the DM and
//! in a modal that answers the click, reported in the channel as an embed in Discord's
//! Markdown and edited in place for a late answer. Over the gateway, the stand-up written
//! once for every platform runs (`standup_everywhere`).

use crate::drivers::discord::text;
use crate::drivers::discord::{ANA, DiscordVia, DiscordWorld, LEA, PAULA, STANDUP, create_options, sub};
use crate::fakes::discord::dm_channel_for;
use crate::helpers::Db;
use chrono::{DateTime, Utc};
use serde_json::json;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn a_whole_stand_up_runs_on_discord_over_http(db: Db) {
    let w = DiscordWorld::start(db, DiscordVia::Http).await;
    let channel = Some(STANDUP);

    // Paula, the first person of the server, creates the stand-up; Tandem acknowledges
    // with a private placeholder, then replaces it with the confirmation.
    let (token, ack) = w.command(PAULA, channel, create_options().0, create_options().1).await;
    assert_eq!((ack["type"].as_i64(), ack["data"]["flags"].as_i64()), (Some(5), Some(64)), "{ack:#}");
    let confirm = w.private_answer(&token);
    assert!(confirm.contains("Stand-up created") && confirm.contains("**daily** → #standup"), "{confirm}");
    assert!(w.fake.messages_in(STANDUP.0).is_empty(), "nothing public yet");

    // Ana and Léa say hello (`/tandem me`): they become members; Léa's client is French,
    // so her language and zone follow it.
    let (_, _) = w.command(ANA, channel, sub(&["me"], json!([])), json!(null)).await;
    let (lea_me, _) = w.command(LEA, channel, sub(&["me"], json!([])), json!(null)).await;
    let me = w.private_answer(&lea_me);
    assert!(me.contains("Europe/Paris") && me.contains("fr"), "{me}");

    // Léa (a developer) may not delete it: she is told so, privately, in French.
    let (token, _) =
        w.command(LEA, channel, sub(&["standup", "delete"], json!([text("name", "daily")])), json!(null)).await;
    let refusal = w.private_answer(&token);
    assert!(refusal.starts_with("Seul le PM, le PO ou le scrum master"), "{refusal}");

    // 09:00 Paris: each member gets a DM in their language.
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    assert!(
        w.dm_texts(ANA).last().is_some_and(|t| t.contains("1/3 What did you do since the last stand-up?")),
        "{:?}",
        w.dm_texts(ANA)
    );
    assert!(w.dm_texts(LEA).last().is_some_and(|t| t.contains("1/3 Qu'avez-vous fait")), "{:?}", w.dm_texts(LEA));
    assert!(w.dm_texts(PAULA).iter().any(|t| t.contains("Time for **daily**")), "{:?}", w.dm_texts(PAULA));

    // Ana answers one message at a time in the DM.
    w.answer_in_dm(ANA, &["Shipped the login page", "Start the billing page", "none"]).await;
    assert!(w.dm_texts(ANA).last().is_some_and(|t| t.contains("Thanks for **daily**")), "{:?}", w.dm_texts(ANA));

    // Léa opens the form from her DM's button: the modal is the answer to the click,
    // one field per question; she submits it.
    let (form, message) = w.button(LEA, "form:");
    let modal = w.click(LEA, &form, &message).await;
    assert_eq!(modal["type"], 9, "{modal:#}");
    let submit = modal["data"]["custom_id"].as_str().expect("custom id").to_string();
    assert!(submit.starts_with("answers:"), "{modal:#}");
    assert_eq!(modal["data"]["components"].as_array().map(Vec::len), Some(3), "{modal:#}");
    w.submit(LEA, &submit, &["Revue de la maquette", "Tests DST", "aucun"], Some(&message)).await;
    w.t.tick().await;
    assert!(w.dm_texts(LEA).iter().any(|t| t.contains("Merci")), "{:?}", w.dm_texts(LEA));

    // 11:00 Paris: the report in #standup, as an embed, Paula missing.
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    let posted = w.fake.messages_in(STANDUP.0);
    assert_eq!(posted.len(), 1, "{posted:#?}");
    let report = posted[0]["embeds"][0]["description"].as_str().unwrap_or_default().to_string();
    assert!(report.contains("2/3 answered") && report.contains("Shipped the login page"), "{report}");
    assert!(report.contains("Revue de la maquette") && report.contains("Missing: Paula"), "{report}");

    // Paula answers late: the same report is edited in place, not posted again.
    w.answer_in_dm(PAULA, &["Roadmap review", "Customer calls", "none"]).await;
    let posted = w.fake.messages_in(STANDUP.0);
    assert_eq!(posted.len(), 1, "a late answer edits the report: {posted:#?}");
    let updated = posted[0]["embeds"][0]["description"].as_str().unwrap_or_default();
    assert!(updated.contains("3/3 answered (1 late)") && updated.contains("Roadmap review"), "{updated}");
    assert!(!posted[0]["edited_timestamp"].is_null(), "{:#}", posted[0]);
    let edits = w.fake.calls_to("PATCH", &format!("/api/v10/channels/{}/messages/", STANDUP.0));
    assert_eq!(edits.len(), 1, "{edits:#?}");
    assert!(dm_channel_for(PAULA.0) != STANDUP.0);
}

on_both_databases!(
    a_whole_stand_up_runs_on_discord_over_http,
    a_stand_up_runs_on_discord_http_sqlite,
    a_stand_up_runs_on_discord_http_postgres
);
