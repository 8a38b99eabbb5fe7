//! `kill -9` at random points of a 50-member stand-up, on each database: the `tandem`
//! binary against the fake Slack (ten kills, during the DMs and the answers) and the fake
//! Discord (five, during the DMs), restarted after each kill. Every member is asked once
//! and thanked once, every answer Slack got a 200 for is kept, the report is posted once,
//! and a restarted process takes back its own work at once.

use crate::fakes::discord::FakeDiscord;
use crate::fakes::slack::{FakeSlack, message_im_event, sign};
use crate::helpers::{Db, fresh_database};
use rand::{Rng, SeedableRng};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MEMBERS: usize = 50;
const WORKSPACE: &str = "T0FAKETEAM";
const CHANNEL: &str = "C0CRASH01";
const SIGNING_SECRET: &str = "crash-test-signing-secret";
/// Longer than any run of this test needs, shorter than a lease (30 s): work left claimed
/// by a killed process and not taken back at restart shows as a timeout.
const PATIENCE: Duration = Duration::from_secs(20);

on_both_databases!(
    killed_at_random_points_tandem_asks_everyone_once_keeps_every_answer_and_reports_once,
    crash_on_sqlite,
    crash_on_postgres
);

async fn killed_at_random_points_tandem_asks_everyone_once_keeps_every_answer_and_reports_once(db: Db) {
    let (url, dir) = fresh_database(db).await;
    let store = tandem::store::Store::connect(&url).await.expect("store");
    let due = chrono::Utc::now() - chrono::Duration::seconds(2);
    let team = tandem::demo::seed_load_team(&store, "crash", 1, MEMBERS, due, false).await.expect("seed");
    tandem::demo::bind_load_team(&store, team, "slack", WORKSPACE, "U", CHANNEL, due).await.expect("bind");
    let slack = FakeSlack::start().await;
    // Most kills then land between a post taking effect and Tandem hearing of it.
    slack.set_latency(Duration::from_millis(40));
    let work = dir.unwrap_or_else(|| tempfile::tempdir().expect("temp dir"));
    let mut tandem = Tandem::on_slack(&url, slack.api_url(), work.path());
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x7a4d_e113);

    // Five kills during the fan-out, each a few DMs after the last restart.
    for _ in 0..5 {
        let target = (dms_posted(&slack) + rng.random_range(1..=8)).min(MEMBERS - 1);
        wait(|| dms_posted(&slack) >= target, "DMs before a kill").await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..30))).await;
        tandem.restart();
    }
    wait(|| dms_posted(&slack) >= MEMBERS, "every DM after the last restart").await;

    // Five kills while the answers arrive: each one while a request is on its way.
    let client = reqwest::Client::new();
    let mut kills: HashSet<usize> = HashSet::new();
    while kills.len() < 5 {
        kills.insert(rng.random_range(0..MEMBERS));
    }
    let mut acknowledged = Vec::new();
    let mut unanswered: Vec<usize> = (0..MEMBERS).collect();
    let started = Instant::now();
    while !unanswered.is_empty() {
        assert!(started.elapsed() < PATIENCE * 3, "answers still refused: {unanswered:?}");
        let mut refused = Vec::new();
        for n in unanswered {
            let kill_now = kills.remove(&n);
            let answer = send_answer(&client, tandem.port, n);
            let delivered = if kill_now {
                let delay = Duration::from_millis(rng.random_range(0..4));
                let (delivered, ()) = tokio::join!(answer, async {
                    tokio::time::sleep(delay).await;
                    tandem.kill();
                });
                delivered
            } else {
                answer.await
            };
            if delivered {
                acknowledged.push(n)
            } else {
                refused.push(n)
            }
            if !tandem.running() {
                tandem.restart();
            }
        }
        // Slack sends again what was not acknowledged, with the same event id.
        unanswered = refused;
    }

    wait(|| reports(&slack).is_some(), "the report").await;
    wait_async(|| outbox_empty(&store), "an empty outbox").await;
    tandem.stop();

    for n in 0..MEMBERS {
        let dm = slack.messages_in(&user(n));
        let texts: Vec<&str> = dm.iter().map(|m| m["text"].as_str().unwrap_or_default()).collect();
        assert_eq!(texts.len(), 2, "{}: asked once and thanked once, nothing twice: {texts:#?}", user(n));
        assert!(texts[0].contains("Done?") && texts[1].contains(&format!("answer {n}")), "{texts:#?}");
    }
    assert_eq!(reports(&slack).map(|r| r.len()), Some(1), "one report");
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers").fetch_one(&store.pool).await.expect("count");
    assert_eq!(answers, MEMBERS as i64, "every acknowledged answer is kept, once");
    let report = reports(&slack).and_then(|r| r.first().cloned()).unwrap_or_default();
    for n in acknowledged {
        assert!(report.contains(&format!("answer {n}")), "answer {n} is in the report");
    }
}

on_both_databases!(
    killed_during_a_discord_fan_out_tandem_dms_everyone_exactly_once,
    discord_crash_on_sqlite,
    discord_crash_on_postgres
);

async fn killed_during_a_discord_fan_out_tandem_dms_everyone_exactly_once(db: Db) {
    const GUILD: &str = "1300000000000000500";
    let (url, dir) = fresh_database(db).await;
    let store = tandem::store::Store::connect(&url).await.expect("store");
    let due = chrono::Utc::now() - chrono::Duration::seconds(2);
    let team = tandem::demo::seed_load_team(&store, "crash", 1, MEMBERS, due, false).await.expect("seed");
    tandem::demo::bind_load_team(&store, team, "discord", GUILD, "40000000000", "1300000000000000501", due)
        .await
        .expect("bind");
    let discord = FakeDiscord::start().await;
    let api = discord.api_url();
    let work = dir.unwrap_or_else(|| tempfile::tempdir().expect("temp dir"));
    let platform = [
        ("DISCORD_TOKEN", "discord-test-token"),
        ("DISCORD_APPLICATION_ID", crate::fakes::discord::APP_ID),
        ("TANDEM_DISCORD_API_URL", api.as_str()),
        ("TANDEM_DISCORD_MESSAGES_PER_MINUTE", "60000"),
    ];
    let mut tandem = Tandem::start(&url, &platform, work.path());
    let posted = |d: &FakeDiscord| {
        (0..MEMBERS)
            .filter_map(|n| d.dm_channel_of(&format!("40000000000{n:07}")))
            .map(|dm| d.messages_in(&dm).len())
            .collect::<Vec<_>>()
    };
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x0d15_c0bd);
    for _ in 0..5 {
        let target = (posted(&discord).iter().filter(|n| **n > 0).count() + rng.random_range(1..=8)).min(MEMBERS - 1);
        wait(|| posted(&discord).iter().filter(|n| **n > 0).count() >= target, "DMs before a kill").await;
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..30))).await;
        tandem.restart();
    }
    wait(|| posted(&discord).iter().filter(|n| **n > 0).count() >= MEMBERS, "every DM after the last restart").await;
    wait_async(|| outbox_empty(&store), "an empty outbox").await;
    tandem.stop();
    assert_eq!(posted(&discord), vec![1; MEMBERS], "one DM each, none twice");
}

/// The `tandem serve` under test, on a port of its own that stays the same across restarts.
struct Tandem {
    child: Option<Child>,
    port: u16,
    env: Vec<(String, String)>,
    log: std::path::PathBuf,
}

impl Tandem {
    /// On Slack (HTTP events, signed) through the fake at `slack_api`.
    fn on_slack(url: &str, slack_api: &str, dir: &std::path::Path) -> Tandem {
        let platform = [
            ("SLACK_BOT_TOKEN", "xoxb-crash-test"),
            ("SLACK_SIGNING_SECRET", SIGNING_SECRET),
            ("TANDEM_SLACK_API_URL", slack_api),
            ("TANDEM_SLACK_MESSAGES_PER_MINUTE", "6000"),
        ];
        Tandem::start(url, &platform, dir)
    }

    fn start(url: &str, platform: &[(&str, &str)], dir: &std::path::Path) -> Tandem {
        let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
        let listen = format!("127.0.0.1:{port}");
        let common = [
            ("TANDEM_DATABASE_URL", url),
            ("TANDEM_LISTEN", &listen),
            ("TANDEM_DEMO", "0"),
            ("TANDEM_TICK_MS", "50"),
            ("TANDEM_CONFIG", "/dev/null"),
            ("TANDEM_LOG", "info"),
        ];
        let env = common.iter().chain(platform).map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let mut t = Tandem { child: None, port, env, log: dir.join("tandem.log") };
        t.spawn();
        t
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
            .arg("serve")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            // The instance name is left to its default: the same across restarts.
            .env_remove("TANDEM_INSTANCE")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start tandem");
        self.child = Some(child);
    }

    /// `kill -9`, and wait for the process to be gone.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    fn restart(&mut self) {
        self.kill();
        self.spawn();
    }

    fn running(&self) -> bool {
        self.child.is_some()
    }

    /// SIGTERM, then wait: nothing more is sent after this.
    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let _ = child.wait();
        }
    }
}

impl Drop for Tandem {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(40).collect();
            eprintln!("tandem's log, last lines first:\n{}", tail.join("\n"));
        }
    }
}

fn user(n: usize) -> String {
    format!("U{n:07}")
}

/// One member's answer as Slack sends it (signed, over HTTP); true when acknowledged.
async fn send_answer(client: &reqwest::Client, port: u16, n: usize) -> bool {
    let dm = format!("D{n:07}");
    let body = message_im_event(WORKSPACE, &user(n), &dm, &format!("answer {n}"), &format!("Ev{n:08}")).to_string();
    let ts = chrono::Utc::now().timestamp();
    let sent = client
        .post(format!("http://127.0.0.1:{port}/slack/events"))
        .header("content-type", "application/json")
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SIGNING_SECRET, ts, &body))
        .timeout(Duration::from_secs(5))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) => r.status().is_success(),
        // Not up yet after a restart, or killed mid-request: Slack will send it again.
        Err(_) => {
            tokio::time::sleep(Duration::from_millis(20)).await;
            false
        }
    }
}

/// DMs posted so far (the DM channels are `D…`).
fn dms_posted(slack: &FakeSlack) -> usize {
    (0..MEMBERS).map(|n| slack.messages_in(&user(n)).len().min(1)).sum()
}

/// The texts of the reports in the team channel, if any.
fn reports(slack: &FakeSlack) -> Option<Vec<String>> {
    let posts = slack.messages_in(CHANNEL);
    let texts: Vec<String> = posts.iter().filter_map(|m| m["text"].as_str()).map(str::to_owned).collect();
    (!texts.is_empty()).then_some(texts)
}

async fn outbox_empty(store: &tandem::store::Store) -> Option<()> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL")
        .fetch_one(&store.pool)
        .await
        .ok()?;
    (n == 0).then_some(())
}

async fn wait(mut done: impl FnMut() -> bool, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn wait_async<F: Future<Output = Option<()>>>(mut probe: impl FnMut() -> F, what: &str) {
    let deadline = Instant::now() + PATIENCE;
    while probe().await.is_none() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
