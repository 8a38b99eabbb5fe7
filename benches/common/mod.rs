//! What the benches share.

#![allow(dead_code)] // reason: each bench uses some of these, none all

/// CPU time of process `pid` so far (user + system), in seconds, from `/proc/PID/stat`
/// (Linux; in clock ticks of 1/100 s).
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("stat");
    let after = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or_default();
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based, from the pid).
    let ticks = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<f64>().ok()).unwrap_or_default();
    (ticks(14) + ticks(15)) / 100.0
}

/// Wait until the server at `base` answers `/healthz`.
pub async fn until_healthy(base: &str) {
    let health = format!("{base}/healthz");
    while reqwest::get(&health).await.map(|r| !r.status().is_success()).unwrap_or(true) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// `tandem serve` (this build's) on `url` and a free port, with `settings` added to its
/// environment; its output dropped. Returns the process and the port.
pub fn serve(url: &str, settings: &[(&str, &str)]) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .arg("serve")
        .env("TANDEM_DATABASE_URL", url)
        .env("TANDEM_LISTEN", format!("127.0.0.1:{port}"))
        .env("RUST_LOG", "error")
        .envs(settings.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("tandem serve");
    (child, port)
}
