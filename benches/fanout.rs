//! `cargo bench --bench fanout`: one stand-up's 1,000 DMs delivered through the real
//! slack-morphism and serenity clients to the fake Slack and Discord of the tests, each
//! answering 150 ms after a call and refusing (429) what goes over the limits: one message
//! a second per channel, and `PER_SEC` calls a second for the workspace (Slack) or the bot
//! (Discord, its global limit). Tandem is told the same pace.
//!
//! The limits allow the last of N calls to go at (N - 1) / PER_SEC s and come back 150 ms
//! later: that is the reference each run is divided by. Every run also counts the posts
//! that arrived (each member's DM exactly once) and the calls refused.

#[allow(dead_code, unused_imports)] // the fakes serve the integration tests; this uses a part of them
#[path = "../tests/integration/fakes/mod.rs"]
mod fakes;

use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::config::{Config, DiscordConfig, SlackConfig};
use tandem::secret::Secret;

const MEMBERS: usize = 1_000;
const PER_SEC: u32 = 50;
const LATENCY: Duration = Duration::from_millis(150);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runs: usize = std::env::var("TANDEM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let allowed = (MEMBERS - 1) as f64 / f64::from(PER_SEC) + LATENCY.as_secs_f64();
    println!(
        "{MEMBERS} DMs, {} ms answers, limits 1/s per channel and {PER_SEC}/s in all; the limits allow {allowed:.2} s",
        LATENCY.as_millis()
    );
    for platform in ["slack", "discord"] {
        let mut secs = Vec::new();
        for _ in 0..runs {
            let run = match platform {
                "slack" => slack().await,
                _ => discord().await,
            };
            assert_eq!((run.posts, run.distinct), (MEMBERS, MEMBERS), "{platform}: every DM once");
            println!(
                "  {platform:<8} {:6.2} s  ({:.3}× the limits), {} posts to {} DMs, {} refused",
                run.secs,
                run.secs / allowed,
                run.posts,
                run.distinct,
                run.violations
            );
            secs.push(run.secs);
        }
        secs.sort_by(|a, b| a.total_cmp(b));
        let median = secs[secs.len() / 2];
        println!(
            "{platform:<10} median {median:.2} s over {runs} runs: {:.3}× the time the limits allow",
            median / allowed
        );
    }
}

struct Run {
    secs: f64,
    posts: usize,
    distinct: usize,
    violations: usize,
}

fn due() -> DateTime<Utc> {
    "2026-12-07T09:00:00Z".parse().expect("instant")
}

fn config(url: &str) -> Config {
    Config {
        database_url: Secret::new(url),
        demo: false,
        secret_key: Some(Secret::new("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")),
        ..Config::default()
    }
}

/// The app on a fresh SQLite file, one stand-up of `MEMBERS` members bound to `platform`
/// (its `workspace`, its team `channel`) with their DMs known (`dm` names member n's DM),
/// its fire run: the DMs wait in the outbox. Returns the seconds taken to deliver them all.
async fn fan_out(
    config: Config,
    platform: &str,
    (workspace, channel): (&str, &str),
    dm: impl Fn(u64) -> String,
) -> f64 {
    let dir = tempfile::tempdir().expect("temp dir");
    let config =
        Config { database_url: Secret::new(format!("sqlite://{}", dir.path().join("b.db").display())), ..config };
    let clock = tandem::clock::ManualClock::new(due());
    let app = tandem::app::App::build(&config, Arc::new(clock)).await.expect("app");
    let store = &app.svc.store;
    let team = tandem::demo::seed_load_team(store, "load", 1, MEMBERS, due(), false).await.expect("seed");
    let user = if platform == "slack" { "U" } else { "1" };
    tandem::demo::bind_load_team(store, team, platform, workspace, user, channel, due()).await.expect("bind");
    {
        let mut tx = store.begin().await.expect("tx");
        for m in tandem::store::team::members(&mut tx, team).await.expect("members") {
            let n: u64 = m.name.strip_prefix("dev").and_then(|n| n.parse().ok()).expect("devN");
            tandem::store::platform::set_dm_channel(&mut tx, platform, m.id, &dm(n)).await.expect("dm");
        }
        tx.commit().await.expect("commit");
    }
    let report = app.svc.run_due_jobs(due()).await.expect("fire");
    assert_eq!(report.ran, 1, "the stand-up opened");
    let t0 = Instant::now();
    let mut sent = 0;
    while sent < MEMBERS {
        sent += app.outbox.deliver_due(due()).await.expect("deliver");
    }
    t0.elapsed().as_secs_f64()
}

async fn slack() -> Run {
    let fake = fakes::slack::FakeSlack::start().await;
    fake.set_latency(LATENCY);
    fake.set_limits(fakes::slack::Limits { per_channel_per_sec: Some(1), per_method_per_sec: Some(PER_SEC) });
    let slack = SlackConfig {
        bot_token: Some(Secret::new("xoxb-bench-token")),
        signing_secret: Some(Secret::new("bench-signing-secret")),
        api_url: fake.api_url().to_string(),
        messages_per_minute: PER_SEC * 60,
        ..SlackConfig::default()
    };
    let secs = fan_out(Config { slack, ..config("") }, "slack", ("T0LOAD", "C0TEAM"), |n| format!("D{n:07}")).await;
    let ok: Vec<_> = fake.calls_to("chat.postMessage").into_iter().filter(|c| c.status == 200).collect();
    let mut per_channel: HashMap<String, usize> = HashMap::new();
    for c in &ok {
        *per_channel.entry(c.body["channel"].as_str().unwrap_or_default().to_string()).or_default() += 1;
    }
    let distinct = per_channel.values().filter(|n| **n == 1).count();
    Run { secs, posts: ok.len(), distinct, violations: fake.violations() }
}

async fn discord() -> Run {
    let fake = fakes::discord::FakeDiscord::start().await;
    fake.set_latency(LATENCY);
    fake.set_global_limit(PER_SEC);
    fake.set_channel_limit(1);
    let discord = DiscordConfig {
        token: Some(Secret::new("discord-bench-token")),
        application_id: Some(fakes::discord::APP_ID.parse().expect("id")),
        public_key: Some(fakes::discord::TEST_PUBLIC_KEY_HEX.into()),
        api_url: Some(fake.api_url()),
        messages_per_minute: PER_SEC * 60,
        ..DiscordConfig::default()
    };
    let dm = |n: u64| format!("{}", 1_400_000_000_000_000_000 + n);
    let secs =
        fan_out(Config { discord, ..config("") }, "discord", (fakes::discord::GUILD, "1399999999999999999"), dm).await;
    let mut posts = 0;
    let mut distinct = 0;
    for n in 0..MEMBERS as u64 {
        let got = fake.messages_in(&dm(n)).len();
        posts += got;
        distinct += usize::from(got == 1);
    }
    Run { secs, posts, distinct, violations: fake.violations() }
}
