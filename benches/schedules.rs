//! `cargo bench --bench schedules`: 100,000 stand-ups on one database (100 teams of 1,000
//! stand-ups and one member each), spread over the minutes of the day, 5,000 of them at
//! 09:00. On a SQLite file, and on Postgres when `TANDEM_BENCH_POSTGRES_URL` (or
//! `TANDEM_TEST_POSTGRES_URL`, as `.ci/run` sets) names a server.
//!
//! - start-up: `App::on` plans every stand-up (first start: no job yet; restart: all there);
//! - idle: the background loops running for `IDLE` with nothing due, as CPU time of this
//!   process (user + system, from `/proc/self/stat`) over the wall time;
//! - the minute: the app's clock is moved to 09:00 and the time until each fire has
//!   opened its round is read off the rounds table every 10 ms: p50, p99, last.

mod common;

use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::app::DatabaseThread;
use tandem::secret::Secret;

const TEAMS: usize = 100;
const PER_TEAM: usize = 1_000;
/// One stand-up in 20 fires at 09:00: 5,000.
const AT_NINE_EVERY: usize = 20;
const IDLE: Duration = Duration::from_secs(10);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::var("TANDEM_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(3);
    let pg = std::env::var("TANDEM_BENCH_POSTGRES_URL").or_else(|_| std::env::var("TANDEM_TEST_POSTGRES_URL")).ok();
    if pg.is_none() {
        println!("no TANDEM_BENCH_POSTGRES_URL: SQLite only");
    }
    println!(
        "{} stand-ups, {} due at 09:00, median of {runs} runs:",
        TEAMS * PER_TEAM,
        TEAMS * PER_TEAM / AT_NINE_EVERY
    );
    // `TANDEM_BENCH_ONLY=sqlite` (or `postgres`): that database alone (to profile it).
    let only = std::env::var("TANDEM_BENCH_ONLY").ok();
    for db in ["sqlite", "postgres"] {
        if (db == "postgres" && pg.is_none()) || only.as_deref().is_some_and(|o| o != db) {
            continue;
        }
        let mut all = Vec::new();
        for _ in 0..runs {
            let (url, _dir) = match db {
                "sqlite" => {
                    let dir = tempfile::tempdir().expect("temp dir");
                    (format!("sqlite://{}", dir.path().join("b.db").display()), Some(dir))
                }
                _ => (fresh_postgres(pg.as_deref().unwrap_or_default()).await, None),
            };
            let run = run(&url).await;
            if db == "postgres" {
                // Gone before the next run, rather than left to autovacuum during it.
                drop_postgres(pg.as_deref().unwrap_or_default(), &url).await;
            }
            println!(
                "  {db:<8} first start {:5.2} s, restart {:5.2} s, idle CPU {:5.2} %, 09:00 p50 {:5.2} s p99 {:5.2} s last {:5.2} s",
                run[0], run[1], run[2], run[3], run[4], run[5]
            );
            all.push(run);
        }
        let median = |i: usize| {
            let mut xs: Vec<f64> = all.iter().map(|r| r[i]).collect();
            xs.sort_by(|a, b| a.total_cmp(b));
            xs[xs.len() / 2]
        };
        println!(
            "{db:<10} first start {:.2} s, restart {:.2} s, idle CPU {:.2} % of a core, lateness at 09:00: p50 {:.2} s, p99 {:.2} s, last {:.2} s",
            median(0),
            median(1),
            median(2),
            median(3),
            median(4),
            median(5)
        );
    }
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// Stand-up `i`'s time: 09:00 for one in `AT_NINE_EVERY`, else another minute of the day
/// outside 08:50–09:10 (so that nothing else is due while the loops idle before 09:00).
fn schedule(i: usize) -> String {
    if i.is_multiple_of(AT_NINE_EVERY) {
        return "0 9 * * *".into();
    }
    let mut minute = (i * 7) % 1440;
    if (530..=550).contains(&minute) {
        minute += 30;
    }
    format!("{} {} * * *", minute % 60, minute / 60)
}

/// [first start s, restart s, idle CPU %, p50 s, p99 s, last s]
async fn run(url: &str) -> [f64; 6] {
    let config =
        tandem::config::Config { database_url: Secret::new(url), demo: false, ..tandem::config::Config::default() };
    // Monday 08:58: each stand-up's next fire is planned from here.
    let clock = tandem::clock::ManualClock::new(at("2026-12-07T08:58:00Z"));
    // Where `tandem serve` does its database's work: on SQLite, a thread of its own.
    let db = DatabaseThread::for_url(url).expect("database thread");
    let db = db.as_ref();
    let now = tandem::clock::Clock::now(&clock);
    let url_owned = url.to_string();
    let store = DatabaseThread::run_or_here(db, async move { tandem::store::Store::connect(&url_owned).await })
        .await
        .expect("on the database thread")
        .expect("store");
    for t in 0..TEAMS {
        let offset = t * PER_TEAM;
        let sched = move |i: usize| schedule(offset + i);
        tandem::demo::seed_scheduled_team(&store, &format!("team{t}"), PER_TEAM, 1, &sched, now).await.expect("seed");
    }
    let start = |store: tandem::store::Store| {
        let (config, clock) = (config.clone(), clock.clone());
        DatabaseThread::run_or_here(db, async move { tandem::app::App::on(store, &config, Arc::new(clock)).await })
    };
    let t0 = Instant::now();
    let app = start(store.clone()).await.expect("database thread").expect("first start");
    let first = t0.elapsed().as_secs_f64();
    let t0 = Instant::now();
    drop(start(store.clone()).await.expect("database thread").expect("restart"));
    let restart = t0.elapsed().as_secs_f64();

    // Monday 08:59:30: the loops run, nothing is due for 30 s of the app's time.
    clock.set(at("2026-12-07T08:59:30Z"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let background = DatabaseThread::spawn_or_here(
        db,
        app.clone().run_background(Duration::from_secs(1), Arc::new(tokio::sync::Notify::new()), async move {
            let _ = stopped.await;
        }),
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (cpu0, wall0) = (common::cpu_seconds(std::process::id()), Instant::now());
    tokio::time::sleep(IDLE).await;
    let idle = 100.0 * (common::cpu_seconds(std::process::id()) - cpu0) / wall0.elapsed().as_secs_f64();

    let due = TEAMS * PER_TEAM / AT_NINE_EVERY;
    clock.set(at("2026-12-07T09:00:00Z"));
    let t0 = Instant::now();
    let (mut p50, mut p99) = (None, None);
    let last = loop {
        let opened = rounds(&store).await;
        let s = t0.elapsed().as_secs_f64();
        if opened * 2 >= due && p50.is_none() {
            p50 = Some(s);
        }
        if opened * 100 >= due * 99 && p99.is_none() {
            p99 = Some(s);
        }
        if opened >= due {
            break s;
        }
        assert!(s < 300.0, "only {opened} of {due} fires opened in 300 s");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    let _ = stop.send(());
    background.await.expect("background loops");
    [first, restart, idle, p50.unwrap_or(last), p99.unwrap_or(last), last]
}

async fn rounds(store: &tandem::store::Store) -> usize {
    let mut c = store.pool.acquire().await.expect("connection");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rounds").fetch_one(&mut *c).await.expect("count");
    n as usize
}

async fn fresh_postgres(admin: &str) -> String {
    sqlx::any::install_default_drivers();
    let name = format!("tandem_bench_{:016x}", rand::random::<u64>());
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin).await.expect("connect to Postgres");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.expect("create");
    let base = admin.rsplit_once('/').map(|(b, _)| b).expect("admin URL ends with /database");
    format!("{base}/{name}")
}

async fn drop_postgres(admin: &str, url: &str) {
    let name = url.rsplit_once('/').map(|(_, n)| n).expect("URL ends with /database");
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(admin).await.expect("connect to Postgres");
    sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
        .execute(&mut conn)
        .await
        .expect("drop");
}
