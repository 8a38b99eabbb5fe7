//! What an operator sees of a running `tandem serve`: JSON logs with the request's id on
//! each line, `/readyz`, and a stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_the_request_id_readyz_answers_and_sigterm_stops_the_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let port = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port();
    let child = Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env("TANDEM_DATABASE_URL", &url)
        .env("TANDEM_LISTEN", format!("127.0.0.1:{port}"))
        .env("TANDEM_DEMO", "0")
        .env("TANDEM_CONFIG", "/dev/null")
        .env("TANDEM_LOG_FORMAT", "json")
        .env("TANDEM_LOG", "info")
        .env("SLACK_BOT_TOKEN", "xoxb-operator-test")
        .env("SLACK_SIGNING_SECRET", "operator-test-secret")
        .env("TANDEM_SLACK_API_URL", "http://127.0.0.1:9/api")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tandem");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let ready = loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await {
            break r;
        }
        assert!(Instant::now() < deadline, "tandem did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.expect("body"), "ready\n");

    // A forged Slack request is refused, and the refusal's log line names the request.
    let refused = client
        .post(format!("{base}/slack/events"))
        .header("x-request-id", "req-operator-42")
        .header("x-slack-request-timestamp", chrono::Utc::now().timestamp().to_string())
        .header("x-slack-signature", "v0=forged")
        .body("{}")
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.headers()["x-request-id"], "req-operator-42");
    let made = client.get(format!("{base}/healthz")).send().await.expect("sent");
    assert_eq!(made.headers()["x-request-id"].len(), 16, "an id is made when none is given");

    let t0 = Instant::now();
    let term = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().expect("kill");
    assert!(term.success());
    let out = child.wait_with_output().expect("stopped");
    assert!(out.status.success(), "a stop asked for is a clean exit: {:?}", out.status);
    assert!(t0.elapsed() < Duration::from_secs(10), "stopped within 10 s of SIGTERM");
    let log = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> =
        log.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    let refusal = lines
        .iter()
        .find(|l| l["fields"]["message"] == "refused a Slack request")
        .unwrap_or_else(|| panic!("no refusal logged: {log}"));
    assert_eq!(refusal["span"]["request_id"], "req-operator-42", "{refusal:#}");
    assert_eq!(refusal["level"], "WARN");
    assert!(lines.iter().any(|l| l["fields"]["message"] == "shutting down"), "{log}");
}
