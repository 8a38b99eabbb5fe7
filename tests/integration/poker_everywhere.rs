//! Planning poker, written once in the drivers' vocabulary and run on the web chat, on
//! Slack and on Discord, on both databases: a story is put to the vote; buttons and
//! commands play cards, which nobody sees until the reveal — the message shows who has
//! voted; a card not in the deck is refused; the reveal shows each vote, the spread, the
//! median and a flag to discuss; a re-vote, an accepted estimate, the queue's next story,
//! and a deadline that reveals by itself.

use crate::drivers::Platform;
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

on_every_platform!(
    a_story_is_estimated_in_planning_poker,
    web_chat: a_story_is_estimated_on_the_web_chat_on_sqlite, a_story_is_estimated_on_the_web_chat_on_postgres;
    slack: a_story_is_estimated_on_slack_on_sqlite, a_story_is_estimated_on_slack_on_postgres;
    discord: a_story_is_estimated_on_discord_on_sqlite, a_story_is_estimated_on_discord_on_postgres;
);

async fn a_story_is_estimated_in_planning_poker(w: impl Platform) {
    w.command("paula", "#team", "/tandem me").await;
    w.command("paula", "#team", "/tandem member add olivier role=po").await;
    for who in ["olivier", "ana", "kenji", "lea"] {
        w.command(who, "#team", "/tandem me").await;
    }
    let start = r#"/tandem poker start stories="CHECKOUT-12 Pay with Apple Pay|CHECKOUT-13 Refunds" voters=@ana,@kenji,@lea link=https://acme.atlassian.net/browse/CHECKOUT-12 channel=#standup"#;
    w.command("olivier", "#team", start).await;
    assert!(w.ephemeral_for("olivier").await.contains("Story #1 is up for estimation"), "started");
    let story = w.channel_texts("#standup").await.remove(0);
    assert!(story.contains("CHECKOUT-12 Pay with Apple Pay") && story.contains("Voting: 0/3"), "{story}");
    assert!(story.contains("https://acme.atlassian.net/browse/CHECKOUT-12"), "the link is kept: {story}");

    // Ana votes by button, Kenji by command with a reason; nobody sees a value.
    w.click_in("ana", "#standup", "poker_vote:1:1").await;
    w.command("kenji", "#standup", r#"/tandem poker vote 8 reason="Apple's sandbox is slow""#).await;
    assert!(w.ephemeral_for("kenji").await.contains("You played 8"), "Kenji is told his card, privately");
    w.command("lea", "#standup", "/tandem poker vote 7").await;
    assert!(
        w.ephemeral_for("lea").await.contains("n'est pas une carte de ce jeu"),
        "a card not in the deck, in French"
    );
    let story = w.channel_texts("#standup").await.remove(0);
    assert!(story.contains("Voting: 2/3") && story.contains("✅ Ana") && story.contains("⏳ L"), "{story}");
    let hidden = !story.contains("Apple's sandbox") && !story.contains("Ana:") && !story.contains("Kenji:");
    assert!(hidden, "no value before the reveal: {story}");

    // Only the facilitator reveals; then each vote, the spread and a flag to discuss.
    w.command("ana", "#standup", "/tandem poker reveal").await;
    assert!(w.ephemeral_for("ana").await.starts_with("Only the person who started"), "a voter may not reveal");
    w.command("olivier", "#standup", "/tandem poker reveal").await;
    assert!(w.ephemeral_for("olivier").await.starts_with("2/3 have voted"), "not before everyone has voted");
    w.command("olivier", "#standup", "/tandem poker reveal force=yes").await;
    let story = w.channel_texts("#standup").await.remove(0);
    for expected in ["Ana: 1", "Kenji: 8 — Apple's sandbox is slow", "Spread: 1–8", "median 4.5", "Discuss"] {
        assert!(story.contains(expected), "the reveal lacks {expected:?}:\n{story}");
    }
    w.command("lea", "#standup", "/tandem poker vote 5").await;
    assert!(
        w.ephemeral_for("lea").await.contains("Le vote sur CHECKOUT-12 Pay with Apple Pay est terminé"),
        "a vote after the reveal"
    );

    // A re-vote: values hidden again; this time close together, and accepted.
    w.command("olivier", "#standup", "/tandem poker revote").await;
    for (who, card) in [("ana", "5"), ("kenji", "8"), ("lea", "5")] {
        w.command(who, "#standup", &format!("/tandem poker vote {card}")).await;
    }
    let story = w.channel_texts("#standup").await.remove(0);
    assert!(story.contains("round 2") && story.contains("Voting: 3/3") && !story.contains("Ana: 1"), "{story}");
    assert!(w.last_dm("olivier").await.starts_with("Everyone has voted on #1"), "the facilitator is told");
    w.command("olivier", "#standup", "/tandem poker reveal").await;
    let story = w.channel_texts("#standup").await.remove(0);
    assert!(story.contains("Spread: 5–8") && !story.contains("Discuss"), "neighbours need no discussion: {story}");
    w.command("olivier", "#standup", "/tandem poker accept 5").await;
    assert!(w.ephemeral_for("olivier").await.contains("Next up: CHECKOUT-13 Refunds"), "the queue moves on");
    let posts = w.channel_texts("#standup").await;
    assert_eq!(posts.len(), 2, "the next story has its own message: {posts:#?}");
    assert!(posts[0].contains("Estimate: 5"), "{}", posts[0]);

    // A story with a deadline reveals by itself, once, with whatever was played.
    w.command("ana", "#standup", "/tandem poker vote 3 story=2").await;
    w.command("olivier", "#standup", r#"/tandem poker start "CHECKOUT-14 Receipts" voters=@ana,@kenji close=2h"#).await;
    w.command("kenji", "#standup", "/tandem poker vote 2 story=3").await;
    w.at(at("2026-11-23T09:01:00Z")).await;
    let posts = w.channel_texts("#standup").await;
    let receipts = posts.iter().find(|p| p.contains("CHECKOUT-14")).expect("story 3");
    assert!(receipts.contains("Kenji: 2") && receipts.contains("Votes (1/2)"), "{receipts}");
    w.command("olivier", "#standup", "/tandem poker history").await;
    let history = w.ephemeral_for("olivier").await;
    assert!(history.contains("#1 CHECKOUT-12 Pay with Apple Pay — 5"), "{history}");
}

on_both_databases!(
    a_reveal_deadline_missed_while_down_reveals_once_and_no_vote_is_lost,
    poker_restart_on_sqlite,
    poker_restart_on_postgres
);

async fn a_reveal_deadline_missed_while_down_reveals_once_and_no_vote_is_lost(db: crate::helpers::Db) {
    let t = crate::helpers::TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, r#"/tandem poker start "CHECKOUT-14 Receipts" voters=@ana,@kenji close=1h"#).await;
    t.person("ana").await.say(&team, "/tandem poker vote 3").await;
    // The vote is stored; Tandem stops before anything is delivered, and stays down past the
    // deadline.
    let t = t.restart().await;
    t.at(at("2026-11-23T09:30:00Z")).await;
    let t = t.restart().await;
    t.advance(chrono::Duration::minutes(1)).await;
    let lines = t.person("olivier").await.bot_lines(&team).await;
    let stories: Vec<&String> = lines.iter().filter(|l| l.starts_with("🃏")).collect();
    assert_eq!(stories.len(), 1, "one message, edited: {lines:#?}");
    assert!(stories[0].contains("Ana: 3") && stories[0].contains("Votes (1/2)"), "{}", stories[0]);
}
