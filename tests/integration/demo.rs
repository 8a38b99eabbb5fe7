//! The demo a newcomer opens: #team already shows something, and a stand-up waits in the DM.

use crate::helpers::{Db, fresh_database, monday_morning};
use std::sync::Arc;
use tandem::app::App;
use tandem::clock::ManualClock;
use tandem::config::Config;
use tandem::secret::Secret;

on_both_databases!(
    the_demo_greets_the_newcomer_in_team_with_a_report_and_a_stand_up_waiting_in_the_dm,
    demo_on_sqlite,
    demo_on_postgres
);

async fn the_demo_greets_the_newcomer_in_team_with_a_report_and_a_stand_up_waiting_in_the_dm(db: Db) {
    let (url, _dir) = fresh_database(db).await;
    let config = Config { database_url: Secret::new(&url), demo: true, ..Config::default() };
    let app = App::build(&config, Arc::new(ManualClock::new(monday_morning()))).await.expect("Tandem starts");
    assert!(
        tandem::demo::seed_if_empty(&app.svc, monday_morning()).await.expect("seed"),
        "an empty database is seeded"
    );
    app.tick().await.expect("deliver");
    let bodies = |sql: &'static str| {
        let pool = app.svc.store.pool.clone();
        async move { sqlx::query_scalar::<_, String>(sql).fetch_all(&pool).await.expect("messages") }
    };
    let team = bodies("SELECT body FROM webchat_messages WHERE conv_kind = 'channel' ORDER BY id").await;
    assert!(team.first().is_some_and(|m| m.starts_with("Hello team!")), "{team:#?}");
    let report = team.iter().find(|m| m.starts_with("📋 *kickoff*")).expect("the kick-off report is in #team");
    assert!(report.contains("5/5 answered") && report.contains("Flaky login tests"), "{report}");
    let dms = bodies("SELECT body FROM webchat_messages WHERE conv_kind = 'dm' ORDER BY id").await;
    assert!(dms.iter().any(|m| m.contains("Time for *daily*")), "today's stand-up waits in the DMs: {dms:#?}");
    assert!(!tandem::demo::seed_if_empty(&app.svc, monday_morning()).await.expect("seed"), "seeded once");
}
