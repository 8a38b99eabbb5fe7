//! Claims held while the work runs, and commits on disk before they return.

use crate::helpers::{Db, fresh_database};
use chrono::Duration;
use serde_json::json;
use tandem::core::{Effect, Locale, Message, Target};
use tandem::store::{Store, inbox, jobs, leases, outbox};

on_both_databases!(
    a_living_process_keeps_its_claims_and_a_restarted_one_takes_them_back,
    leases_on_sqlite,
    leases_on_postgres
);

async fn a_living_process_keeps_its_claims_and_a_restarted_one_takes_them_back(db: Db) {
    let (url, _dir) = fresh_database(db).await;
    let store = Store::connect(&url).await.expect("store");
    let now = chrono::Utc::now();
    let team = tandem::demo::seed_load_team(&store, "load", 3, 1, now, false).await.expect("seed");
    // One message to deliver and one received event to handle, besides the three fires.
    let mut c = store.pool.acquire().await.expect("connection");
    let channel_id = tandem::store::team::channel_id(&mut c, team, "team").await.expect("channel");
    let note = Message::new("error_internal", json!({ "reference": "r" }), Locale::En);
    outbox::push(&mut c, team, &Effect::post(Target::Channel { channel_id }, note), now).await.expect("push");
    let event = inbox::Received { platform: "slack", event_id: "Ev1", payload: "{}" };
    inbox::push_many(&mut c, &[event], now).await.expect("receive");
    drop(c);
    let lease = Duration::seconds(30);
    let claim = |owner: &'static str, at| {
        let store = store.clone();
        async move {
            let fires = jobs::claim(&store, &["standup_open"], owner, at, lease, 10).await.expect("claim").len();
            let posts = outbox::claim(&store, owner, at, lease, 10).await.expect("claim").len();
            let events = inbox::claim(&store, owner, at, lease, 10).await.expect("claim").len();
            (fires, posts, events)
        }
    };
    assert_eq!(claim("a", now).await, (3, 1, 1));
    // Renewed by its heartbeat, a's claims outlive the lease they were taken with.
    let mut c = store.pool.acquire().await.expect("connection");
    let later = now + Duration::seconds(20);
    assert_eq!(leases::renew(&mut c, "a", later, later + lease).await.expect("renew"), 5);
    assert_eq!(leases::renew(&mut c, "b", later, later + lease).await.expect("renew"), 0, "b holds nothing");
    drop(c);
    assert_eq!(claim("b", now + Duration::seconds(40)).await, (0, 0, 0), "a's work is still a's");
    // a starts again: what its last run held is free at once, for anyone.
    let mut c = store.pool.acquire().await.expect("connection");
    assert_eq!(leases::release(&mut c, Some("a")).await.expect("release"), 5);
    drop(c);
    assert_eq!(claim("b", now + Duration::seconds(41)).await, (3, 1, 1));
}

#[tokio::test]
async fn every_sqlite_commit_is_on_disk_before_it_returns() {
    let (url, _dir) = fresh_database(Db::Sqlite).await;
    let store = Store::connect(&url).await.expect("store");
    // 2 is FULL: in WAL mode, NORMAL (1) would lose the last commits on a power loss.
    let level: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&store.pool).await.expect("pragma");
    assert_eq!(level, 2);
}
