//! What an operator relies on: health, metrics, housekeeping.

use crate::helpers::{Db, TestApp};

on_both_databases!(metrics_count_pending_work_and_housekeeping_prunes_old_rows, ops_on_sqlite, ops_on_postgres);

async fn metrics_count_pending_work_and_housekeeping_prunes_old_rows(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana,kenji"#).await;
    let metric = |body: &str, name: &str| -> i64 {
        body.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).and_then(|v| v.parse().ok()).unwrap_or(-1)
    };
    let body = reqwest::get(format!("{}/metrics", t.base)).await.expect("metrics").text().await.expect("body");
    assert_eq!(metric(&body, "tandem_outbox_pending"), 1, "the confirmation waits for delivery:\n{body}");
    assert_eq!(metric(&body, "tandem_jobs_scheduled"), 1);
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    let body = reqwest::get(format!("{}/metrics", t.base)).await.expect("metrics").text().await.expect("body");
    assert_eq!(metric(&body, "tandem_outbox_pending"), 0);
    assert_eq!(metric(&body, "tandem_rounds_open"), 1);
    assert_eq!(metric(&body, "tandem_jobs_due"), 0);
    // Beside the database's gauges, what this process counted (other tests in this process
    // count too: at least).
    let delivered = metric(&body, "tandem_deliveries_total{platform=\"webchat\",result=\"delivered\"}");
    assert!(delivered >= 3, "the confirmation and two DMs were delivered:\n{body}");
    assert!(metric(&body, "tandem_job_lateness_seconds_count{work=\"job\"}") >= 1, "{body}");
    assert!(body.contains("# TYPE tandem_job_lateness_seconds histogram"), "{body}");
    assert!(body.ends_with("# EOF\n"), "OpenMetrics ends with # EOF");

    // A month later, old event ids and delivered messages are forgotten; the chat keeps its history.
    t.clock.advance(chrono::Duration::days(31));
    let (seen, delivered) = t.app.housekeep().await.expect("housekeeping");
    assert_eq!((seen, delivered), (2, 3), "the command and its echo; the confirmation and two DMs");
    assert!(t.person("ana").await.last_bot("dm").await.contains("Time for *daily*"));
}
