//! Several Tandem processes on one Postgres fire each stand-up exactly once, even when
//! one of them is killed in the middle.

use crate::helpers::{Db, fresh_database};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Replica(Child);

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn replica(url: &str, name: &str) -> Replica {
    replica_with_lease(url, name, 30)
}

fn replica_with_lease(url: &str, name: &str, lease_seconds: u32) -> Replica {
    let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env("TANDEM_DATABASE_URL", url)
        .env("TANDEM_LISTEN", "127.0.0.1:0")
        .env("TANDEM_DEMO", "0")
        .env("TANDEM_TICK_MS", "50")
        .env("TANDEM_INSTANCE", name)
        .env("TANDEM_LEASE_SECONDS", lease_seconds.to_string())
        .env("TANDEM_CONFIG", "/dev/null")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start a replica");
    Replica(child)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_one_postgres_fire_each_stand_up_exactly_once() {
    let (url, _) = fresh_database(Db::Postgres).await;
    let store = tandem::store::Store::connect(&url).await.expect("store");
    // Due a few seconds ago: all 200 in the same minute.
    let due = chrono::Utc::now() - chrono::Duration::seconds(5);
    tandem::demo::seed_load_team(&store, "load", 200, 3, due, false).await.expect("seed");
    // And 50 that fire in each member's zone: 150 member jobs due at the same instant,
    // so both replicas race to create the same day's round.
    tandem::demo::seed_load_team(&store, "local", 50, 3, due, true).await.expect("seed local");

    let _a = replica(&url, "replica-a");
    let _b = replica(&url, "replica-b");
    let deadline = Instant::now() + Duration::from_secs(120);
    let count = |sql: &'static str| {
        let pool = store.pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.expect("count") }
    };
    all_fired(&store, due, 250, deadline).await;
    // Let both replicas take one more look before counting.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count("SELECT COUNT(*) FROM rounds").await, 250);
    assert_eq!(count("SELECT COUNT(DISTINCT standup_id) FROM rounds").await, 250, "every stand-up fired");
    assert_eq!(count("SELECT COUNT(*) FROM round_participants").await, 750);
    assert_eq!(count("SELECT COUNT(*) FROM round_participants WHERE status <> 'asked'").await, 0, "everyone was asked");
    let dms = count("SELECT COUNT(*) FROM webchat_messages WHERE conv_kind = 'dm' AND body LIKE '%1/1 Done?%'").await;
    assert_eq!(dms, 750, "one DM per participant per stand-up, none twice");
    let next_days = count("SELECT COUNT(*) FROM jobs WHERE kind = 'standup_open'").await;
    assert_eq!(next_days, 200 + 150, "each stand-up (and each member's fire) is planned again, once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_with_one_killed_mid_fire_open_each_round_once_and_dm_everyone_once() {
    let (url, _) = fresh_database(Db::Postgres).await;
    let store = tandem::store::Store::connect(&url).await.expect("store");
    let due = chrono::Utc::now() - chrono::Duration::seconds(5);
    tandem::demo::seed_load_team(&store, "load", 100, 3, due, true).await.expect("seed");
    let count = |sql: &'static str| {
        let pool = store.pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.expect("count") }
    };
    // Short leases, so the killed replica's claims pass to the others within the test.
    let _a = replica_with_lease(&url, "replica-a", 3);
    let mut b = replica_with_lease(&url, "replica-b", 3);
    let _c = replica_with_lease(&url, "replica-c", 3);
    let deadline = Instant::now() + Duration::from_secs(60);
    while count("SELECT COUNT(*) FROM rounds").await < 20 {
        assert!(Instant::now() < deadline, "no round opened");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = b.0.kill();
    let _ = b.0.wait();
    all_fired(&store, due, 100, deadline).await;
    assert_eq!(count("SELECT COUNT(DISTINCT standup_id) FROM rounds").await, 100, "every stand-up fired once");
    assert_eq!(count("SELECT COUNT(*) FROM round_participants").await, 300);
    let dms = count("SELECT COUNT(*) FROM webchat_messages WHERE conv_kind = 'dm' AND body LIKE '%1/1 Done?%'").await;
    assert_eq!(dms, 300, "one DM per participant per stand-up, none twice");
}

/// Wait until `rounds` rounds are open, every fire due by `due` has run and the outbox is
/// empty. Delivery runs beside the scheduler: an empty outbox does not mean every member's
/// own fire has run yet; those still due say so, and so do those that failed and wait to
/// be tried again. The three are counted in one statement (one snapshot on Postgres): read
/// apart, a fire committing between the reads would look done with its DM undelivered.
async fn all_fired(store: &tandem::store::Store, due: chrono::DateTime<chrono::Utc>, rounds: i64, deadline: Instant) {
    loop {
        let (open, pending, due_fires): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM rounds), \
                    (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL), \
                    (SELECT COUNT(*) FROM jobs WHERE kind = 'standup_open' AND (due_at <= $1 OR attempts > 0))",
        )
        .bind(due.timestamp_millis())
        .fetch_one(&store.pool)
        .await
        .expect("count");
        if open == rounds && pending == 0 && due_fires == 0 {
            return;
        }
        assert!(Instant::now() < deadline, "timed out: {open} rounds, {pending} undelivered, {due_fires} fires due");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

on_both_databases!(
    a_second_process_as_the_same_instance_is_refused_and_says_why,
    second_serve_on_sqlite,
    second_replica_name_on_postgres
);

/// Two processes under one name would take each other's work back: the second one to
/// start stops, and says what to do. On SQLite, any second `tandem serve` on the file.
async fn a_second_process_as_the_same_instance_is_refused_and_says_why(db: Db) {
    let (url, _dir) = fresh_database(db).await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let mut first = Command::new(env!("CARGO_BIN_EXE_tandem"));
    first.arg("serve").env("TANDEM_LISTEN", format!("127.0.0.1:{port}"));
    let _first =
        Replica(serve_env(&mut first, &url).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start"));
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !client.get(format!("http://127.0.0.1:{port}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
        assert!(Instant::now() < deadline, "the first process did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut second = Command::new(env!("CARGO_BIN_EXE_tandem"));
    second.arg("serve").env("TANDEM_LISTEN", "127.0.0.1:0");
    let out = serve_env(&mut second, &url).output().expect("run the second");
    assert!(!out.status.success(), "the second process stopped");
    let err = String::from_utf8_lossy(&out.stderr);
    let reason = match db {
        Db::Sqlite => "another `tandem serve` is running on",
        Db::Postgres => "another replica is running as instance \"twin\": give each replica its own TANDEM_INSTANCE",
    };
    assert!(err.contains(reason), "{err}");
}

fn serve_env<'a>(cmd: &'a mut Command, url: &str) -> &'a mut Command {
    cmd.env("TANDEM_DATABASE_URL", url)
        .env("TANDEM_DEMO", "0")
        .env("TANDEM_INSTANCE", "twin")
        // On Postgres a name in use is waited for up to two leases (a replica just
        // killed lets go a moment later): short ones here.
        .env("TANDEM_LEASE_SECONDS", "3")
        .env("TANDEM_CONFIG", "/dev/null")
        .env("TANDEM_LOG", "error")
}
