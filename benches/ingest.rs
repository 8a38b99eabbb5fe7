//! `cargo bench --bench ingest`: signed Slack `message.im` callbacks at 32 concurrent
//! connections, against Tandem's `/slack/events` and, in the same run, a minimal server of
//! the same shape (axum, the HMAC check, one SQLite insert per event: committed with
//! `synchronous=FULL` like Tandem, and with `NORMAL`, which a power loss can undo). Then
//! the time Tandem takes to handle what it stored (DM answers to an open stand-up) as
//! `tandem serve` does it, on the database thread, and, in the same run, without it.
//!
//! Each figure is the median of several runs on fresh SQLite files, printed with the
//! ratio to the reference measured beside it.

mod common;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use hmac::Mac;
use hmac::digest::KeyInit;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::app::DatabaseThread;

const EVENTS: usize = 20_000;
const CONNECTIONS: usize = 32;
const RUNS: usize = 3;
const SECRET: &str = "bench-signing-secret";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut rows: Vec<(&str, Vec<Load>)> =
        vec![("reference, NORMAL", vec![]), ("reference, FULL", vec![]), ("Tandem", vec![])];
    let (mut handling, mut across) = (Vec::new(), Vec::new());
    // `TANDEM_BENCH_ONLY=handling`: Tandem's load and handling alone (to profile them).
    let only_handling = std::env::var("TANDEM_BENCH_ONLY").is_ok_and(|v| v == "handling");
    for _ in 0..RUNS {
        if !only_handling {
            rows[0].1.push(load(reference("NORMAL").await, "UREF").await);
            rows[1].1.push(load(reference("FULL").await, "UREF").await);
        }
        // As `tandem serve` runs: the store and its work on the database thread.
        let (port, app, dir, db) = tandem_server(true).await;
        let ingest = load(port, "U").await;
        handling.push(handle_all(app, db.as_ref()).await);
        drop(dir);
        // The same, its statements sent from the runtime's threads on either CPU.
        let (port, app, dir, db) = tandem_server(false).await;
        let ingest_across = load(port, "U").await;
        across.push(handle_all(app, db.as_ref()).await);
        drop(dir);
        if only_handling {
            println!(
                "{:.0} req/s ({:.0} without the database thread); handled {:.0}/s on it, {:.0}/s without",
                ingest.per_sec,
                ingest_across.per_sec,
                handling.last().unwrap_or(&0.0),
                across.last().unwrap_or(&0.0)
            );
        }
        rows[2].1.push(ingest);
    }
    if only_handling {
        return;
    }
    let normal = median(rows[0].1.iter().map(|l| l.per_sec).collect());
    let full = median(rows[1].1.iter().map(|l| l.per_sec).collect());
    println!("{EVENTS} signed message.im callbacks, {CONNECTIONS} connections, median of {RUNS} runs:");
    println!("{:<20} {:>9} {:>8} {:>8} {:>9} {:>9}", "server", "req/s", "p50 ms", "p99 ms", "÷ NORMAL", "÷ FULL");
    for (name, loads) in &rows {
        let per_sec = median(loads.iter().map(|l| l.per_sec).collect());
        let p50 = median(loads.iter().map(|l| l.p50).collect());
        let p99 = median(loads.iter().map(|l| l.p99).collect());
        println!("{name:<20} {per_sec:>9.0} {p50:>8.1} {p99:>8.1} {:>9.2} {:>9.2}", per_sec / normal, per_sec / full);
    }
    let (on_thread, across) = (median(handling), median(across));
    println!(
        "handling the stored answers: {on_thread:.0} events/s on the database thread, {across:.0} without ({:.2}×), medians",
        on_thread / across
    );
    let mut own = Vec::new();
    for _ in 0..RUNS {
        own.push(own_process().await);
    }
    let m = |f: fn(&Own) -> f64| median(own.iter().map(f).collect());
    println!(
        "tandem serve in its own process: {:.0} req/s, p99 {:.1} ms; RSS at rest {:.1} MiB (empty database), {:.1} MiB (2,000 members, 2 s after start), peak {:.1} MiB through the burst and its handling ({:.0} s to handle it all)",
        m(|o| o.load.per_sec),
        m(|o| o.load.p99),
        m(|o| o.empty_mib),
        m(|o| o.idle_mib),
        m(|o| o.peak_mib),
        m(|o| o.drained_s)
    );
}

struct Own {
    load: Load,
    /// At rest on an empty database.
    empty_mib: f64,
    /// At rest on the seeded file, 2 s after start.
    idle_mib: f64,
    peak_mib: f64,
    drained_s: f64,
}

/// The `tandem` binary on a SQLite file seeded as `tandem_server` seeds it, loaded the
/// same way while its own loops handle what it stores: its resident memory at rest and
/// at its peak (`VmRSS`, `VmHWM` of `/proc/PID/status`).
async fn own_process() -> Own {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("own.db");
    let url = format!("sqlite://{}", db.display());
    {
        let store = tandem::store::Store::connect(&url).await.expect("store");
        let now = chrono::Utc::now();
        let team = tandem::demo::seed_load_team(&store, "bench", 1, MEMBERS, now, false).await.expect("seed");
        tandem::demo::bind_load_team(&store, team, "slack", "T0BENCH", "U", "C0BENCH", now).await.expect("bind");
        record_dms(&store, team).await;
        store.pool.close().await;
    }
    let empty_mib = {
        let url = format!("sqlite://{}", dir.path().join("empty.db").display());
        let (mut child, port) = serve(&url);
        common::until_healthy(&format!("http://127.0.0.1:{port}")).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss = status_kib(child.id(), "VmRSS") / 1024.0;
        let _ = child.kill();
        let _ = child.wait();
        rss
    };
    let (mut child, port) = serve(&url);
    let pid = child.id();
    common::until_healthy(&format!("http://127.0.0.1:{port}")).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let idle_mib = status_kib(pid, "VmRSS") / 1024.0;
    let load = load(port, "U").await;
    let t0 = Instant::now();
    let store = tandem::store::Store::connect(&url).await.expect("read the file");
    loop {
        let mut c = store.pool.acquire().await.expect("connection");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL")
            .fetch_one(&mut *c)
            .await
            .expect("count");
        if left == 0 || t0.elapsed() > Duration::from_secs(600) {
            break;
        }
        drop(c);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let drained_s = t0.elapsed().as_secs_f64();
    let peak_mib = status_kib(pid, "VmHWM") / 1024.0;
    let _ = child.kill();
    let _ = child.wait();
    Own { load, empty_mib, idle_mib, peak_mib, drained_s }
}

/// `tandem serve` on `url`, Slack configured, on a free port.
fn serve(url: &str) -> (std::process::Child, u16) {
    let settings = [
        ("TANDEM_DEMO", "false"),
        ("SLACK_BOT_TOKEN", "xoxb-bench"),
        ("SLACK_SIGNING_SECRET", SECRET),
        // Nowhere: the answers' thanks wait in the outbox, as when Slack is slow.
        ("TANDEM_SLACK_API_URL", "http://127.0.0.1:9/api"),
    ];
    common::serve(url, &settings)
}

/// A `kB` line of `/proc/PID/status`.
fn status_kib(pid: u32, key: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':')?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or_default()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

struct Load {
    per_sec: f64,
    p50: f64,
    p99: f64,
}

/// Send `EVENTS` signed callbacks to `port` over `CONNECTIONS` keep-alive connections.
async fn load(port: u16, user_prefix: &'static str) -> Load {
    let client = reqwest::Client::builder().pool_max_idle_per_host(CONNECTIONS).build().expect("client");
    let url = Arc::new(format!("http://127.0.0.1:{port}/slack/events"));
    let t0 = Instant::now();
    let workers = (0..CONNECTIONS).map(|w| {
        let (client, url) = (client.clone(), url.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            for n in (w..EVENTS).step_by(CONNECTIONS) {
                let body = event(user_prefix, n);
                let ts = chrono::Utc::now().timestamp().to_string();
                let sent = Instant::now();
                let r = client
                    .post(url.as_str())
                    .header("content-type", "application/json")
                    .header("x-slack-request-timestamp", &ts)
                    .header("x-slack-signature", sign(&ts, &body))
                    .body(body)
                    .send()
                    .await
                    .expect("sent");
                assert!(r.status().is_success(), "{}", r.status());
                latencies.push(sent.elapsed().as_secs_f64() * 1000.0);
            }
            latencies
        })
    });
    let mut all = Vec::with_capacity(EVENTS);
    for w in workers {
        all.extend(w.await.expect("worker"));
    }
    let per_sec = EVENTS as f64 / t0.elapsed().as_secs_f64();
    all.sort_by(|a, b| a.total_cmp(b));
    Load { per_sec, p50: all[all.len() / 2], p99: all[all.len() * 99 / 100] }
}

/// Member `n % MEMBERS` answers in their DM.
fn event(user_prefix: &str, n: usize) -> String {
    let member = n % MEMBERS;
    serde_json::json!({
        "token": "t", "team_id": "T0BENCH", "api_app_id": "A0BENCH", "type": "event_callback",
        "event_id": format!("Ev{n:010}"), "event_time": 1_767_240_000,
        "event": {"type": "message", "channel_type": "im", "channel": format!("D{member:07}"),
                  "user": format!("{user_prefix}{member:07}"), "text": format!("answer {n}"),
                  "ts": format!("1767240000.{n:06}"), "event_ts": format!("1767240000.{n:06}")},
    })
    .to_string()
}

fn sign(ts: &str, body: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).expect("key");
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// Members of the bench team, each asked one question by the open stand-up.
const MEMBERS: usize = 2_000;

/// Tandem on a fresh SQLite file, Slack over HTTP, a stand-up open for every member; the
/// store opened on a database thread as `tandem serve` does it, or (`on_thread` false) on
/// this runtime.
async fn tandem_server(on_thread: bool) -> (u16, tandem::app::App, tempfile::TempDir, Option<DatabaseThread>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let config = tandem::config::Config {
        database_url: tandem::secret::Secret::new(url),
        demo: false,
        slack: tandem::config::SlackConfig {
            bot_token: Some(tandem::secret::Secret::new("xoxb-bench")),
            signing_secret: Some(tandem::secret::Secret::new(SECRET)),
            ..Default::default()
        },
        ..tandem::config::Config::default()
    };
    let db = on_thread.then(|| DatabaseThread::start().expect("database thread"));
    let setup = async move {
        let now = chrono::Utc::now();
        let app = tandem::app::App::build(&config, Arc::new(tandem::clock::SystemClock)).await.expect("app");
        let store = &app.svc.store;
        let team = tandem::demo::seed_load_team(store, "bench", 1, MEMBERS, now, false).await.expect("seed");
        tandem::demo::bind_load_team(store, team, "slack", "T0BENCH", "U", "C0BENCH", now).await.expect("bind");
        record_dms(store, team).await;
        app.svc.run_due_jobs(now).await.expect("open the round");
        app
    };
    let app = DatabaseThread::run_or_here(db.as_ref(), setup).await.expect("on the database thread");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let router = tandem::http::router(app.clone(), Arc::new(tokio::sync::Notify::new()));
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    (port, app, dir, db)
}

/// Handle everything stored, where the store was opened; events a second.
async fn handle_all(app: tandem::app::App, db: Option<&DatabaseThread>) -> f64 {
    let t0 = Instant::now();
    let work = async move { app.handle_inbox(app.clock.now()).await.expect("handle") };
    let handled = DatabaseThread::run_or_here(db, work).await.expect("on the database thread");
    handled as f64 / t0.elapsed().as_secs_f64()
}

/// Each member's DM with the bot on record, as the delivery of the questions leaves it
/// (Slack's `conversations.open` names it): the DMs of `event` come from there.
async fn record_dms(store: &tandem::store::Store, team: i64) {
    let mut tx = store.begin().await.expect("transaction");
    for m in tandem::store::team::members(&mut tx, team).await.expect("members") {
        let n: usize = m.name.strip_prefix("dev").and_then(|n| n.parse().ok()).expect("a load member's name");
        tandem::store::platform::set_dm_channel(&mut tx, "slack", m.id, &format!("D{n:07}")).await.expect("dm");
    }
    tx.commit().await.expect("commit");
}

/// The minimal server: check the signature, read the event id, insert, answer 200.
async fn reference(synchronous: &'static str) -> u16 {
    let dir = Box::leak(Box::new(tempfile::tempdir().expect("temp dir")));
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("ref.db").display());
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .after_connect(move |c, _| {
            Box::pin(async move {
                use sqlx::Executor;
                c.execute("PRAGMA journal_mode = WAL").await?;
                c.execute(sqlx::AssertSqlSafe(format!("PRAGMA synchronous = {synchronous}"))).await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .expect("reference db");
    sqlx::query("CREATE TABLE inbox (id INTEGER PRIMARY KEY, event_id TEXT UNIQUE, payload TEXT)")
        .execute(&pool)
        .await
        .expect("table");
    let route = axum::routing::post(move |headers: HeaderMap, body: Bytes| {
        let pool = pool.clone();
        async move {
            let header = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let body = String::from_utf8_lossy(&body).into_owned();
            if sign(&header("x-slack-request-timestamp"), &body) != header("x-slack-signature") {
                return StatusCode::UNAUTHORIZED;
            }
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let id = v["event_id"].as_str().unwrap_or_default().to_string();
            let stored = sqlx::query("INSERT INTO inbox (event_id, payload) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(body)
                .execute(&pool)
                .await;
            if stored.is_ok() { StatusCode::OK } else { StatusCode::INTERNAL_SERVER_ERROR }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let app = axum::Router::new().route("/slack/events", route);
    tokio::spawn(async move { axum::serve(listener, app).await.expect("serve") });
    tokio::time::sleep(Duration::from_millis(50)).await;
    port
}
