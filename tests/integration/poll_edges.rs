//! Polls over restarts: no vote is lost, and a deadline passed while Tandem was down
//! closes the poll once when it is back.

use crate::helpers::{Db, TestApp};

on_both_databases!(
    a_restart_loses_no_vote_and_a_missed_deadline_closes_the_poll_once,
    poll_restart_on_sqlite,
    poll_restart_on_postgres
);

async fn a_restart_loses_no_vote_and_a_missed_deadline_closes_the_poll_once(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem poll "Lunch at noon?" options="Yes|No" close=1h"#).await;
    t.tick().await;
    t.person("ana").await.click(&team, "poll_vote:1:0").await;
    // Kenji's vote is stored but its edit not yet delivered when the process stops.
    t.person("kenji").await.click(&team, "poll_vote:1:1").await;
    let t = t.restart().await;
    t.tick().await;
    t.person("lea").await.click(&team, "poll_vote:1:0").await;
    t.tick().await;
    let posts = t.person("olivier").await.bot_lines(&team).await;
    let poll = posts.iter().find(|l| l.contains("Poll 1:")).expect("the poll");
    assert!(poll.contains("3 voted"), "no vote is lost: {poll}");

    // Down over the deadline: back two hours later, the poll closes once.
    let t = t.restart().await;
    t.at("2026-11-23T09:30:00Z".parse().expect("instant")).await;
    let t = t.restart().await;
    t.advance(chrono::Duration::minutes(5)).await;
    let posts = t.person("olivier").await.bot_lines(&team).await;
    let results: Vec<_> = posts.iter().filter(|l| l.contains("Poll 1 closed")).collect();
    assert_eq!(results.len(), 1, "{posts:#?}");
    assert!(results[0].contains("Yes wins with 2 votes"), "{}", results[0]);
}
