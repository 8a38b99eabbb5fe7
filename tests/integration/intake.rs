//! The door's group commit: events arriving together are stored together, each once.

use crate::helpers::{Db, fresh_database};
use tandem::store::Store;
use tandem::store::intake::Intake;

on_both_databases!(
    events_arriving_together_are_each_stored_once_and_a_repeat_is_told_apart,
    intake_on_sqlite,
    intake_on_postgres
);

async fn events_arriving_together_are_each_stored_once_and_a_repeat_is_told_apart(db: Db) {
    let (url, _dir) = fresh_database(db).await;
    let store = Store::connect(&url).await.expect("store");
    let intake = Intake::start(store.clone());
    let now = chrono::Utc::now();
    // 300 deliveries of 200 events at once: Slack retrying 100 of them meanwhile.
    let pushes = (0..300).map(|n| {
        let intake = intake.clone();
        tokio::spawn(async move {
            let id = format!("Ev{:05}", n % 200);
            (id.clone(), intake.push("slack", &id, format!("{{\"event\":{n}}}"), now).await.expect("stored"))
        })
    });
    let mut new = std::collections::HashMap::new();
    for p in pushes {
        let (id, stored) = p.await.expect("task");
        *new.entry(id).or_insert(0) += i32::from(stored);
    }
    assert_eq!(new.len(), 200);
    assert!(new.values().all(|n| *n == 1), "each event stored by exactly one of its deliveries: {new:?}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox").fetch_one(&store.pool).await.expect("count");
    assert_eq!(rows, 200);
}
