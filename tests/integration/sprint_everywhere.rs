//! Sprints, written once in the drivers' vocabulary and run on the web chat, on Slack and
//! on Discord, on both databases: the PO starts one with a goal, a developer may not end
//! it, its goal changes, a bad length changes nothing, and a cadence rolls it over at
//! midnight in the team's zone, once. Then, on the web chat, a rollover missed while
//! Tandem was down happens once at restart.

use crate::drivers::Platform;
use crate::helpers::{Db, TestApp};
use chrono::{DateTime, Utc};
use tandem::core::sprint::Sprint;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// The only team's sprints, newest first, and when its next rollover is planned.
async fn sprints(t: &TestApp) -> (Vec<Sprint>, Option<DateTime<Utc>>) {
    let (sprints, next, _) = sprints_and_zone(t).await;
    (sprints, next)
}

/// The same, with the team's zone: on Discord it comes from the first member's client.
async fn sprints_and_zone(t: &TestApp) -> (Vec<Sprint>, Option<DateTime<Utc>>, chrono_tz::Tz) {
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let teams = tandem::store::team::teams(&mut c).await.expect("teams");
    let [team] = teams.as_slice() else { panic!("one team: {teams:?}") };
    let sprints = tandem::store::sprint::recent(&mut c, team.id, 50).await.expect("sprints");
    let next = tandem::store::jobs::due_at(&mut c, "sprint_rollover", team.id, 0).await.expect("job");
    (sprints, next, team.tz)
}

async fn cadence_is_set(t: &TestApp) -> bool {
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let teams = tandem::store::team::teams(&mut c).await.expect("teams");
    tandem::store::sprint::cadence(&mut c, teams[0].id).await.expect("cadence").is_some()
}

on_every_platform!(
    a_sprint_runs_and_rolls_over,
    web_chat: a_sprint_runs_and_rolls_over_on_the_web_chat_on_sqlite, a_sprint_runs_and_rolls_over_on_the_web_chat_on_postgres;
    slack: a_sprint_runs_and_rolls_over_on_slack_on_sqlite, a_sprint_runs_and_rolls_over_on_slack_on_postgres;
    discord: a_sprint_runs_and_rolls_over_on_discord_on_sqlite, a_sprint_runs_and_rolls_over_on_discord_on_postgres;
);

async fn a_sprint_runs_and_rolls_over(w: impl Platform) {
    // On Slack and Discord Paula, the first to speak, runs the team and makes Olivier PO
    // before he arrives; on the web chat he is PO already (and she is told so).
    w.command("paula", "#team", "/tandem me").await;
    w.command("paula", "#team", "/tandem member add olivier role=po").await;
    for who in ["olivier", "ana", "lea"] {
        w.command(who, "#team", "/tandem me").await;
    }

    // Monday 2026-11-23, 08:00 in Paris: Olivier starts sprint 1, two weeks by default.
    w.command("olivier", "#team", r#"/tandem sprint start goal="Ship the checkout""#).await;
    let started = w.ephemeral_for("olivier").await;
    assert!(started.contains("Sprint 1 has started: Ship the checkout"), "{started}");
    assert!(started.contains("2026-11-23 → 2026-12-06 · 14 days"), "{started}");

    // Léa, a developer, may not end it: she is told so in French, and it still runs.
    w.command("lea", "#team", "/tandem sprint end").await;
    let refusal = w.ephemeral_for("lea").await;
    assert!(refusal.starts_with("Seul le PM, le PO ou le scrum master"), "{refusal}");
    // Written as it is typed there: `/tandem sprint end`, or `/sprint end` on Discord.
    assert!(refusal.contains("sprint end)"), "{refusal}");

    w.command("ana", "#team", "/tandem sprint show").await;
    let shown = w.ephemeral_for("ana").await;
    assert!(shown.contains("Sprint 1 — Ship the checkout") && shown.contains("14 days left"), "{shown}");

    // Olivier sharpens the goal; two days later Ana reads it with twelve days left.
    w.command("olivier", "#team", r#"/tandem sprint goal "Checkout with Apple Pay""#).await;
    assert!(w.ephemeral_for("olivier").await.contains("is now: Checkout with Apple Pay"));
    w.at(at("2026-11-25T09:00:00Z")).await;
    w.command("ana", "#team", "/tandem sprint show").await;
    let shown = w.ephemeral_for("ana").await;
    assert!(shown.contains("Checkout with Apple Pay") && shown.contains("12 days left"), "{shown}");

    // A length that is no length is refused with an example, and nothing is set.
    w.command("olivier", "#team", "/tandem sprint cadence start=2026-12-07 length=3x").await;
    let bad = w.ephemeral_for("olivier").await;
    assert!(bad.contains("`3x` is not a sprint length") && bad.contains("length=2w"), "{bad}");
    assert!(bad.contains("sprint cadence [off] [start=2026-12-07] [length=2w]"), "{bad}");
    assert!(!cadence_is_set(w.app()).await, "a refused cadence is not stored");
    // Léa asks for a sprint that does not exist: in French, with how to start one.
    w.command("lea", "#team", "/tandem sprint show 99").await;
    let none = w.ephemeral_for("lea").await;
    assert!(none.contains("Il n'y a pas de sprint 99") && none.contains("sprint start"), "{none}");

    // Sprints now start on their own every two weeks from Monday 2026-12-07.
    w.command("olivier", "#team", "/tandem sprint cadence start=2026-12-07 length=2w").await;
    let set = w.ephemeral_for("olivier").await;
    assert!(set.contains("Sprint 1 runs until 2026-12-06") && set.contains("Next start: 2026-12-07"), "{set}");

    // Sunday 23:59 in Paris: still sprint 1. Midnight: sprint 2 starts, with no goal yet.
    w.at(at("2026-12-06T22:59:00Z")).await;
    w.command("ana", "#team", "/tandem sprint show").await;
    assert!(w.ephemeral_for("ana").await.contains("Sprint 1 — Checkout with Apple Pay"));
    w.at(at("2026-12-06T23:00:00Z")).await;
    w.at(at("2026-12-07T08:00:00Z")).await;
    w.command("ana", "#team", "/tandem sprint show").await;
    let shown = w.ephemeral_for("ana").await;
    assert!(shown.contains("Sprint 2") && shown.contains("2026-12-07 → 2026-12-20"), "{shown}");
    assert!(shown.contains("No goal yet") && shown.contains("14 days left"), "{shown}");

    // Exactly once: two sprints, the first ended the day before, the next rollover planned
    // for midnight on 2026-12-21 in the team's zone (Paris, UTC on Discord).
    w.command("ana", "#team", "/tandem sprint list").await;
    let list = w.ephemeral_for("ana").await;
    assert!(list.contains("Sprint 2 · 2026-12-07 → 2026-12-20 (running)"), "{list}");
    assert!(list.contains("Sprint 1 — Checkout with Apple Pay · 2026-11-23 → 2026-12-06 (ended)"), "{list}");
    let (all, next, zone) = sprints_and_zone(w.app()).await;
    let numbers: Vec<i64> = all.iter().map(|s| s.number).collect();
    assert_eq!(numbers, vec![2, 1], "{all:#?}");
    assert!(all[1].ended_at.is_some() && all[0].ended_at.is_none(), "{all:#?}");
    let midnight = "2026-12-21T00:00:00".parse::<chrono::NaiveDateTime>().expect("local time");
    assert_eq!(next, midnight.and_local_timezone(zone).single().map(|t| t.with_timezone(&Utc)), "{zone}");
}

on_both_databases!(
    a_rollover_missed_while_down_happens_once_at_restart,
    a_rollover_missed_while_down_happens_once_at_restart_on_sqlite,
    a_rollover_missed_while_down_happens_once_at_restart_on_postgres
);

async fn a_rollover_missed_while_down_happens_once_at_restart(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem sprint start goal="Ship the checkout" length=1w"#).await;
    olivier.say(&team, "/tandem sprint cadence start=2026-11-30 length=1w").await;
    t.tick().await;
    assert_eq!(sprints(&t).await.1, Some(at("2026-11-29T23:00:00Z")), "planned for Monday's midnight in Paris");

    // Down from Sunday until Wednesday 2026-12-09, across two start days.
    t.clock.set(at("2026-12-09T09:00:00Z"));
    let t = t.restart().await;
    t.tick().await;
    let t = t.restart().await;
    t.tick().await;

    let (all, next) = sprints(&t).await;
    let numbers: Vec<i64> = all.iter().map(|s| s.number).collect();
    assert_eq!(numbers, vec![2, 1], "one rollover, to the sprint holding today: {all:#?}");
    assert_eq!((all[0].start.to_string(), all[0].end.to_string()), ("2026-12-07".into(), "2026-12-13".into()));
    assert_eq!(all[1].end.to_string(), "2026-12-06", "the first sprint ran until that one began");
    assert_eq!(next, Some(at("2026-12-13T23:00:00Z")));
}
