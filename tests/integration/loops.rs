//! The background loops do not wait for each other: deliveries held by Slack's
//! `Retry-After` do not hold a stand-up's fire.

use crate::drivers::slack::{STANDUP, with_standup};
use crate::fakes::Failure;
use crate::helpers::{Db, SlackVia};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::clock::Clock;

async fn a_long_retry_after_on_slack_does_not_hold_a_stand_ups_fire(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    // Paula asks for the list; Slack answers that reply with a 30-second Retry-After,
    // which the delivery loop waits out in place.
    w.fake.fail_next("chat.postEphemeral", Failure::RateLimited { retry_after: Duration::from_secs(30) });
    w.command("U0PAULA", STANDUP, "standup list").await;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let background = tokio::spawn(w.t.app.clone().run_background(
        Duration::from_millis(50),
        Arc::new(tokio::sync::Notify::new()),
        async move {
            let _ = stopped.await;
        },
    ));
    let limited = || w.fake.calls_to("chat.postEphemeral").iter().any(|c| c.status == 429);
    let start = Instant::now();
    while !limited() {
        assert!(start.elapsed() < Duration::from_secs(10), "the reply never reached Slack");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // 09:00 Paris comes while the reply waits: the stand-up opens all the same.
    w.t.clock.set("2026-11-23T08:00:00Z".parse().expect("instant"));
    let start = Instant::now();
    loop {
        let mut c = w.t.app.svc.store.pool.acquire().await.expect("connection");
        let open = tandem::store::ops::gauges(&mut c, w.t.clock.now()).await.expect("gauges").rounds_open;
        drop(c);
        if open == 1 {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(10), "the fire waited for the deliveries");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    background.abort();
}

on_both_databases!(
    a_long_retry_after_on_slack_does_not_hold_a_stand_ups_fire,
    loops_apart_on_sqlite,
    loops_apart_on_postgres
);
