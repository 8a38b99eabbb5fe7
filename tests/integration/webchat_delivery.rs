//! The web chat's messages of one claim are written together, in order; one that cannot
//! be written does not hold back the others.

use crate::helpers::{Db, TestApp};
use serde_json::json;
use tandem::clock::Clock;
use tandem::core::{Effect, Locale, Message, Target};

fn line(reference: &str) -> Message {
    Message::new("error_internal", json!({ "reference": reference }), Locale::En)
}

/// A test app and its team's channel `#team`.
async fn team_channel(db: Db) -> (TestApp, Target) {
    let t = TestApp::spawn(db).await;
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    let channel_id = tandem::store::team::channel_id(&mut c, t.team_id, "team").await.expect("#team");
    drop(c);
    (t, Target::Channel { channel_id })
}

/// Push the effects in one transaction, in order, and run the loops once: one claim.
async fn deliver(t: &TestApp, effects: &[Effect]) {
    let mut tx = t.app.svc.store.begin().await.expect("tx");
    for e in effects {
        tandem::store::outbox::push(&mut tx, t.team_id, e, t.clock.now()).await.expect("push");
    }
    tx.commit().await.expect("commit");
    t.tick().await;
}

on_both_databases!(
    a_web_chat_message_that_cannot_be_written_does_not_hold_back_the_others_of_its_claim,
    web_chat_claim_on_sqlite,
    web_chat_claim_on_postgres
);

async fn a_web_chat_message_that_cannot_be_written_does_not_hold_back_the_others_of_its_claim(db: Db) {
    let (t, target) = team_channel(db).await;
    let team = t.channel_param("team").await;
    let ana = t.person("ana").await;
    let effects = [
        Effect::post_keyed(target.clone(), line("first-one"), "k:first".into()),
        Effect::Update { key: "k:first".into(), message: line("first-edited") },
        // An edit of a message that was never posted cannot be written.
        Effect::Update { key: "k:never".into(), message: line("never-there") },
        Effect::post(target, line("third-one")),
    ];
    deliver(&t, &effects).await;
    let lines = ana.bot_lines(&team).await;
    let seen: Vec<&str> = ["first-one", "first-edited", "never-there", "third-one"]
        .into_iter()
        .filter(|r| lines.iter().any(|l| l.contains(r)))
        .collect();
    assert_eq!(seen, ["first-edited", "third-one"], "the edit shows, the others go on: {lines:#?}");
    let first = lines.iter().position(|l| l.contains("first-edited"));
    let third = lines.iter().position(|l| l.contains("third-one"));
    assert!(first < third, "in the order they were written: {lines:#?}");
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    let waiting: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT attempts, last_error FROM outbox WHERE delivered_at IS NULL")
            .fetch_all(&mut *c)
            .await
            .expect("undelivered");
    assert_eq!(waiting.len(), 1, "only the edit of the missing message waits: {waiting:?}");
    assert_eq!(waiting[0].0, 1, "it failed once and will be tried again");
    assert!(waiting[0].1.as_deref().is_some_and(|e| e.contains("not delivered yet")), "{waiting:?}");
}

on_both_databases!(
    plain_posts_written_together_keep_their_place_around_a_keyed_post_and_its_edit,
    web_chat_order_on_sqlite,
    web_chat_order_on_postgres
);

async fn plain_posts_written_together_keep_their_place_around_a_keyed_post_and_its_edit(db: Db) {
    let (t, target) = team_channel(db).await;
    let team = t.channel_param("team").await;
    let ana = t.person("ana").await;
    let effects = [
        Effect::post(target.clone(), line("plain-a")),
        Effect::post(target.clone(), line("plain-b")),
        Effect::post_keyed(target.clone(), line("keyed-c"), "k:c".into()),
        Effect::post(target.clone(), line("plain-d")),
        Effect::Update { key: "k:c".into(), message: line("keyed-c-edited") },
        Effect::post(target, line("plain-e")),
    ];
    deliver(&t, &effects).await;
    let lines = ana.bot_lines(&team).await;
    let order: Vec<usize> = ["plain-a", "plain-b", "keyed-c-edited", "plain-d", "plain-e"]
        .into_iter()
        .map(|r| lines.iter().position(|l| l.contains(r)).unwrap_or_else(|| panic!("{r} shows: {lines:#?}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "in the order they were written: {lines:#?}");
    assert_eq!(lines.len(), 5, "each once, the edit in place of the first text: {lines:#?}");
}
