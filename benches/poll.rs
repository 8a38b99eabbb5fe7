//! `cargo bench --bench poll`: 1,000 votes on one live poll within one minute of the fake
//! clock, on a fresh SQLite file, the delivery loop ticking once a second as `serve` does.
//! Prints the edits of the poll's message actually delivered (the outbox coalesces the
//! rest), the time to handle every vote and deliver the final tally, and checks the tally.

use chrono::{DateTime, Duration, Utc};
use sqlx::Row;
use std::sync::Arc;
use std::time::Instant;
use tandem::core::{Conversation, Inbound, InboundKind};

const VOTES: usize = 1000;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let now: DateTime<Utc> = "2026-11-23T10:00:00Z".parse().expect("instant");
    let clock = tandem::clock::ManualClock::new(now);
    let config = tandem::config::Config {
        database_url: tandem::secret::Secret::new(url),
        demo: false,
        ..tandem::config::Config::default()
    };
    let app = tandem::app::App::build(&config, Arc::new(clock.clone())).await.expect("app");
    let team = tandem::demo::seed_load_team(&app.svc.store, "load", 0, VOTES, now, false).await.expect("seed");
    let (members, channel_id) = {
        let mut c = app.svc.store.pool.acquire().await.expect("conn");
        let members: Vec<i64> =
            tandem::store::team::members(&mut c, team).await.expect("members").iter().map(|m| m.id).collect();
        (members, tandem::store::team::channel_id(&mut c, team, "team").await.expect("channel"))
    };
    let channel = Conversation::Channel { channel_id };
    let event = |i: usize, member: i64, kind: InboundKind| Inbound {
        platform: "webchat".into(),
        event_id: format!("bench-{i}"),
        member_id: member,
        conversation: channel,
        kind,
    };
    let ask = r#"poll "Which day for the offsite?" options="Mon|Tue|Wed|Thu|Fri""#.to_string();
    app.svc.handle(&event(0, members[0], InboundKind::Command(ask)), now).await.expect("poll");
    app.tick().await.expect("tick");

    let t0 = Instant::now();
    let (mut edits, mut ticks) = (0, 0);
    let step = Duration::milliseconds(60_000 / VOTES as i64);
    let mut next_tick = now + Duration::seconds(1);
    for (i, member) in members.iter().enumerate() {
        let at = now + step * i as i32;
        clock.set(at);
        let click = InboundKind::Click(format!("poll_vote:1:{}", i % 5));
        app.svc.handle(&event(i + 1, *member, click), at).await.expect("vote");
        if at >= next_tick {
            edits += tick(&app).await;
            ticks += 1;
            next_tick += Duration::seconds(1);
        }
    }
    clock.set(now + Duration::seconds(61));
    edits += tick(&app).await;
    let elapsed = t0.elapsed();

    let mut c = app.svc.store.pool.acquire().await.expect("conn");
    let row = sqlx::query("SELECT body FROM webchat_messages WHERE body LIKE '%Poll 1:%' ORDER BY id LIMIT 1")
        .fetch_one(&mut *c)
        .await
        .expect("the poll's message");
    let body: String = row.get(0);
    assert!(body.contains("1000 voted"), "the final tally shows every vote: {body}");
    println!(
        "poll: {VOTES} votes in one minute, {ticks} delivery ticks: {edits} edits of the poll's message delivered; \
         every vote handled and the final tally delivered in {:.2} s (SQLite, debug or release as built)",
        elapsed.as_secs_f64()
    );
}

/// One tick of the three loops; 1 when an edit of the poll's message was waiting (the
/// outbox delivers the latest and skips the others), else 0.
async fn tick(app: &tandem::app::App) -> usize {
    let waiting = {
        let mut c = app.svc.store.pool.acquire().await.expect("conn");
        let r = sqlx::query("SELECT COUNT(*) FROM outbox WHERE update_key = 'poll:1' AND delivered_at IS NULL")
            .fetch_one(&mut *c)
            .await
            .expect("count");
        r.get::<i64, _>(0)
    };
    app.tick().await.expect("tick");
    usize::from(waiting > 0)
}
