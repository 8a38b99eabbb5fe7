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
    use tandem::core::Locale;
    use tandem::core::model::{Question, ReportFormat, Role, StandupSettings};
    use tandem::store::jobs::JobKind;
    use tandem::store::teams::NewMember;
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
        let mut tx = app.svc.store.begin().await.expect("tx");
        let team = tandem::store::teams::create_team(&mut tx, "bench", Locale::En, "UTC", now).await.expect("team");
        for i in 0..5 {
            let m = NewMember {
                name: &format!("dev{i}"),
                display_name: "Dev",
                role: Role::Developer,
                tz: "UTC",
                locale: Locale::En,
            };
            tandem::store::teams::add_member(&mut tx, team, &m, now).await.expect("member");
        }
        let channel = tandem::store::teams::channel_id(&mut tx, team, "team").await.expect("channel");
        for i in 0..200 {
            let s = StandupSettings {
                name: format!("s{i}"),
                channel: "team".into(),
                schedule: "0 9 * * *".into(),
                tz: "UTC".into(),
                member_local_time: false,
                questions: vec![Question { text: "Done?".into(), blocker: false, key: None }],
                window_minutes: 120,
                report_format: ReportFormat::Summary,
                max_reminders: 1,
                remind_after_minutes: 60,
                escalate_after_days: 2,
                participants: vec![],
            };
            let id = tandem::store::standups::create(&mut tx, team, channel, &s, None, now)
                .await
                .expect("create")
                .expect("id");
            tandem::store::jobs::schedule(&mut tx, JobKind::StandupOpen, id, 0, now).await.expect("job");
        }
        tx.commit().await.expect("commit");
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
