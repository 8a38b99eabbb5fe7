//! `cargo bench --bench live`: what open web chat pages cost `tandem serve` while nothing
//! happens. Each page holds its live stream (`/chat/events`) open, as a browser does; the
//! process's CPU time (user + system, from `/proc/PID/stat`) is read over `WINDOW` with no
//! page, one, and a hundred, each signed in with a session of its own. Median of `RUNS`.

mod common;

use common::{cpu_seconds, until_healthy};
use std::time::{Duration, Instant};

const RUNS: usize = 3;
const WINDOW: Duration = Duration::from_secs(20);
const PAGES: [usize; 3] = [0, 1, 100];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut figures = vec![Vec::new(); PAGES.len()];
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut child, base) = serve(&format!("sqlite://{}", dir.path().join("live.db").display()));
        until_healthy(&base).await;
        for (i, &pages) in PAGES.iter().enumerate() {
            let streams = open_pages(&base, pages).await;
            // Let the streams settle (each reads its conversations once when it opens).
            tokio::time::sleep(Duration::from_secs(3)).await;
            let (cpu0, t0) = (cpu_seconds(child.id()), Instant::now());
            tokio::time::sleep(WINDOW).await;
            let share = 100.0 * (cpu_seconds(child.id()) - cpu0) / t0.elapsed().as_secs_f64();
            println!("  {pages:>3} open pages: {share:.2} % of a core");
            figures[i].push(share);
            drop(streams);
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    println!("tandem serve with nothing happening, median of {RUNS} runs of {} s:", WINDOW.as_secs());
    for (pages, mut xs) in PAGES.iter().zip(figures) {
        xs.sort_by(|a, b| a.total_cmp(b));
        println!("{pages:>3} open pages: {:.2} % of a core", xs[xs.len() / 2]);
    }
}

/// `pages` signed-in pages, each with its live stream open (held until dropped).
async fn open_pages(base: &str, pages: usize) -> Vec<reqwest::Response> {
    let mut streams = Vec::with_capacity(pages);
    for _ in 0..pages {
        let mut origin = reqwest::header::HeaderMap::new();
        origin.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
        let client = reqwest::Client::builder().cookie_store(true).default_headers(origin).build().expect("client");
        let page = client.get(format!("{base}/chat")).send().await.expect("page").text().await.expect("html");
        let token = page.split_once(r#"name="csrf" value=""#).expect("a form token").1.split('"').next();
        // The demo team's first member.
        let form = [("member_id", "1"), ("csrf", token.unwrap_or_default())];
        let r = client.post(format!("{base}/chat/login")).form(&form).send().await.expect("login");
        assert!(r.status().is_success(), "login: {}", r.status());
        let stream = client.get(format!("{base}/chat/events")).send().await.expect("live stream");
        assert!(stream.status().is_success(), "live stream: {}", stream.status());
        streams.push(stream);
    }
    streams
}

/// `tandem serve` on `url` with its demo team, on a free port; its base URL (the pages'
/// origin names the host they are sent to, as the web chat's form check asks).
fn serve(url: &str) -> (std::process::Child, String) {
    let (child, port) = common::serve(url, &[]);
    (child, format!("http://127.0.0.1:{port}"))
}
