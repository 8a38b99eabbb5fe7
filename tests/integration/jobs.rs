//! Scheduled jobs: a failing one backs off and ends dead, visibly; a kind this binary does
//! not know is left for one that does.

use crate::helpers::{Db, TestApp};
use chrono::Duration;
use tandem::clock::Clock;

async fn metric(t: &TestApp, name: &str) -> i64 {
    let body = reqwest::get(format!("{}/metrics", t.base)).await.expect("metrics").text().await.expect("body");
    body.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).and_then(|v| v.parse().ok()).unwrap_or(-1)
}

async fn failures(t: &TestApp) -> usize {
    t.app.tick().await.expect("tick").0.failed
}

on_both_databases!(
    a_job_that_keeps_failing_backs_off_and_is_set_aside_as_dead_after_five_tries,
    dead_jobs_on_sqlite,
    dead_jobs_on_postgres
);

async fn a_job_that_keeps_failing_backs_off_and_is_set_aside_as_dead_after_five_tries(db: Db) {
    let t = TestApp::spawn(db).await;
    // A deadline for a round that does not exist fails every time it runs.
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    tandem::store::jobs::schedule(&mut c, "standup_deadline", 999_999, 0, t.clock.now()).await.expect("job");
    drop(c);
    assert_eq!(failures(&t).await, 1, "the first run fails");
    let mut waits = Vec::new();
    for attempt in 2..=tandem::store::jobs::MAX_ATTEMPTS {
        assert_eq!(failures(&t).await, 0, "not tried again at once before attempt {attempt}");
        let mut waited = 0;
        loop {
            t.clock.advance(Duration::seconds(15));
            waited += 15;
            if failures(&t).await == 1 {
                break;
            }
            assert!(waited < 86_400, "attempt {attempt} never came");
        }
        waits.push(waited);
    }
    assert_eq!(waits, [30, 60, 120, 240], "each wait doubles");
    assert_eq!(metric(&t, "tandem_jobs_dead").await, 1, "after five failures the job is set aside and counted");
    assert_eq!(metric(&t, "tandem_jobs_scheduled").await, 0);
    t.clock.advance(Duration::days(30));
    assert_eq!(failures(&t).await, 0, "a dead job is not tried again");
}

on_both_databases!(
    a_job_of_a_kind_this_binary_does_not_know_is_left_for_one_that_does,
    unknown_kinds_on_sqlite,
    unknown_kinds_on_postgres
);

async fn a_job_of_a_kind_this_binary_does_not_know_is_left_for_one_that_does(db: Db) {
    let t = TestApp::spawn(db).await;
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    tandem::store::jobs::schedule(&mut c, "a_future_kind", 7, 0, t.clock.now()).await.expect("job");
    drop(c);
    let (report, _) = t.app.tick().await.expect("tick");
    assert_eq!((report.ran, report.failed), (0, 0), "{report:?}");
    let mut c = t.app.svc.store.pool.acquire().await.expect("connection");
    let row = sqlx::query("SELECT lease_owner, attempts FROM jobs WHERE kind = 'a_future_kind'")
        .fetch_one(&mut *c)
        .await
        .expect("still there");
    let owner: Option<String> = sqlx::Row::try_get(&row, 0).expect("owner");
    let attempts: i64 = sqlx::Row::try_get(&row, 1).expect("attempts");
    assert_eq!((owner, attempts), (None, 0), "not leased, not counted as a failure");
}

on_both_databases!(
    a_start_up_plans_each_members_fire_once_in_a_team_of_seven_hundred,
    start_up_plan_on_sqlite,
    start_up_plan_on_postgres
);

/// A stand-up held in each member's zone, 700 members, nothing planned yet (a first
/// start): every member gets one fire at their next 09:00, written a few hundred rows a
/// statement, and planning again (a restart) writes no second one.
async fn a_start_up_plans_each_members_fire_once_in_a_team_of_seven_hundred(db: Db) {
    let t = TestApp::spawn(db).await;
    let now = t.clock.now();
    let store = &t.app.svc.store;
    let team = tandem::demo::seed_load_team(store, "wide", 1, 700, now, true).await.expect("team");
    let fires = "SELECT COUNT(*), COUNT(DISTINCT member_id), MIN(due_at), MAX(due_at) FROM jobs \
                 WHERE kind = 'standup_open' AND subject_id IN (SELECT id FROM standups WHERE team_id = $1)";
    let read = || async {
        let mut c = store.pool.acquire().await.expect("connection");
        let r = sqlx::query(fires).bind(team).fetch_one(&mut *c).await.expect("count");
        let get = |i: usize| sqlx::Row::try_get::<i64, _>(&r, i).expect("column");
        (get(0), get(1), get(2), get(3))
    };
    {
        let mut c = store.pool.acquire().await.expect("connection");
        sqlx::query("DELETE FROM jobs WHERE kind = 'standup_open'").execute(&mut *c).await.expect("forget the plan");
    }
    t.app.svc.sync_all_schedules(now).await.expect("plan");
    let (n, members, first, last) = read().await;
    assert_eq!((n, members), (700, 700), "one fire per member");
    let next_nine = tandem::store::from_ms(first);
    assert_eq!(first, last, "all at the same 09:00 (every member is in UTC)");
    assert!(next_nine > now && next_nine - now <= Duration::days(1), "the next 09:00 after {now}: {next_nine}");
    assert_eq!(next_nine.format("%H:%M").to_string(), "09:00");
    t.app.svc.sync_all_schedules(now).await.expect("plan again");
    assert_eq!(read().await.0, 700, "planning again adds none");
}
