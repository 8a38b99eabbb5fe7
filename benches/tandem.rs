//! `cargo bench`: medians of the hot paths, measured side by side in one run.
//!
//! - schedule: `next_after` for a fixed, a wildcard and a rare expression, across DST;
//! - fan-out: one scheduler tick that opens 200 stand-ups of 5 members (1,000 DMs) and
//!   delivers them, on a fresh SQLite file.
//!
//! A plain harness (no criterion) keeps the build small; each figure is the median of
//! several runs, printed with its spread.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use std::time::Instant;
use tandem::core::schedule::Schedule;

fn median(mut xs: Vec<f64>) -> (f64, f64, f64) {
    xs.sort_by(|a, b| a.total_cmp(b));
    (xs[0], xs[xs.len() / 2], xs[xs.len() - 1])
}

fn bench_schedules() {
    let start: DateTime<Utc> = "2026-03-27T12:00:00Z".parse().expect("instant");
    let paris: chrono_tz::Tz = "Europe/Paris".parse().expect("zone");
    for expr in ["30 9 * * MON-FRI", "*/15 * * * *", "0 9 1 * MON", "0 0 29 2 MON", "0 9 L * *"] {
        let s = Schedule::parse(expr).expect("schedule");
        let mut runs = Vec::new();
        for _ in 0..15 {
            let t0 = Instant::now();
            let mut t = start;
            for _ in 0..1000 {
                t = s.next_after(paris, t).unwrap_or(t + Duration::days(1));
            }
            runs.push(t0.elapsed().as_secs_f64() * 1e6 / 1000.0);
        }
        let (lo, med, hi) = median(runs);
        println!("schedule {expr:<18} next_after: median {med:8.2} µs (min {lo:.2}, max {hi:.2})");
    }
}

async fn bench_fan_out() {
    let mut runs = Vec::new();
    for _ in 0..5 {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let now: DateTime<Utc> = "2026-11-23T09:00:00Z".parse().expect("instant");
        let clock = tandem::clock::ManualClock::new(now);
        let config = tandem::config::Config {
            database_url: tandem::secret::Secret::new(url),
            demo: false,
            ..tandem::config::Config::default()
        };
        let app = tandem::app::App::build(&config, Arc::new(clock)).await.expect("app");
        tandem::demo::seed_load_team(&app.svc.store, "load", 200, 5, now, false).await.expect("seed");
        let t0 = Instant::now();
        let (jobs, sent) = app.tick().await.expect("tick");
        runs.push(t0.elapsed().as_secs_f64() * 1000.0);
        assert_eq!((jobs.ran, sent), (200, 1000));
    }
    let (lo, med, hi) = median(runs);
    println!("fan-out 200 stand-ups × 5 members (1,000 DMs), SQLite: median {med:.0} ms (min {lo:.0}, max {hi:.0})");
}

fn main() {
    bench_schedules();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(bench_fan_out());
}
