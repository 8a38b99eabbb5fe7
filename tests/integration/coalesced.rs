//! Fifty changes to one message in a moment make one edit, with the last content.

use crate::drivers::slack::with_standup;
use crate::helpers::{Db, SlackVia};
use chrono::{DateTime, Utc};
use tandem::core::{Effect, Locale, Message};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn fifty_updates_of_one_message_waiting_together_are_delivered_as_one_edit(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    w.answer_in_dm("U0ANA", &["Shipped the login page", "Billing page", "none"]).await;
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "the report is posted");
    let store = &w.t.app.svc.store;
    let mut tx = store.begin().await.expect("tx");
    let key: String = sqlx::Row::try_get(
        &sqlx::query("SELECT msg_key FROM delivered_messages WHERE msg_key LIKE 'report:%'")
            .fetch_one(&mut *tx)
            .await
            .expect("the report's key"),
        0,
    )
    .expect("key");
    let team = tandem::store::platform::workspace(&mut tx, "slack", crate::drivers::slack::TEAM)
        .await
        .expect("query")
        .expect("the workspace's team")
        .team_id;
    for n in 0..50 {
        let message = Message::new("error_internal", serde_json::json!({ "reference": format!("v{n}") }), Locale::En);
        let update = Effect::Update { key: key.clone(), message };
        tandem::store::outbox::push(&mut tx, team, &update, at("2026-11-23T10:01:00Z")).await.expect("push");
    }
    tx.commit().await.expect("commit");
    w.t.at(at("2026-11-23T10:01:00Z")).await;
    let edits: Vec<_> = w.fake.calls_to("chat.update").into_iter().filter(|c| c.status == 200).collect();
    assert_eq!(edits.len(), 1, "one edit for fifty changes: {edits:#?}");
    let channel = w.fake.messages_in("C0STANDUP");
    assert_eq!(channel.len(), 1);
    assert!(channel[0]["text"].as_str().is_some_and(|t| t.contains("Reference: v49")), "the last one: {channel:#?}");
    let mut c = store.pool.acquire().await.expect("conn");
    assert_eq!(tandem::store::ops::gauges(&mut c, at("2026-11-23T10:01:00Z")).await.expect("gauges").outbox_pending, 0);
}

on_both_databases!(
    fifty_updates_of_one_message_waiting_together_are_delivered_as_one_edit,
    coalesced_updates_on_sqlite,
    coalesced_updates_on_postgres
);
