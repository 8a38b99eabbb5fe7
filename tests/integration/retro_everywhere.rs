//! A whole anonymous retro, written once in the drivers' vocabulary and run on the web
//! chat, on Slack and on Discord, on both databases, driven by the fake clock: it opens at
//! the sprint's end; cards come by DM lines and by the form, one is edited; only the one
//! who wrote nothing is reminded; health is rated; the facilitator groups; votes are held
//! to their limits; an action is agreed; the summary is posted — and then nothing in the
//! database links a card, a rating or a vote to its author. The next sprint's retro opens
//! with the open action, its owner's stand-up DM asks about it, and marking it done edits
//! both.

use crate::drivers::Platform;
use crate::retro_tables::rows_of_every_table;
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

const CREATE: &str = "/tandem retro create sprint channel=#standup participants=olivier,ana,kenji,lea votes=3 max_per_item=2 group=2h vote=4h actions=2h";

on_every_platform!(
    a_whole_anonymous_retro_runs,
    web_chat: a_whole_anonymous_retro_runs_on_the_web_chat_on_sqlite, a_whole_anonymous_retro_runs_on_the_web_chat_on_postgres;
    slack: a_whole_anonymous_retro_runs_on_slack_on_sqlite, a_whole_anonymous_retro_runs_on_slack_on_postgres;
    discord: a_whole_anonymous_retro_runs_on_discord_on_sqlite, a_whole_anonymous_retro_runs_on_discord_on_postgres;
);

async fn a_whole_anonymous_retro_runs(w: impl Platform) {
    w.command("paula", "#team", "/tandem me").await;
    w.command("paula", "#team", "/tandem member add olivier role=po").await;
    for who in ["olivier", "ana", "kenji", "lea"] {
        w.command(who, "#team", "/tandem me").await;
    }
    // Monday 2026-11-23: a one-week sprint, and a retro at its end (15:00 on its last day).
    w.command("olivier", "#team", "/tandem sprint start length=1w").await;
    w.command("olivier", "#team", CREATE).await;
    let created = w.ephemeral_for("olivier").await;
    assert!(created.contains("Retro created") && created.contains("anonymous"), "{created}");
    assert!(created.contains("Next run: ") && created.contains("11-29"), "{created}");

    // Sunday 29th, the sprint's last day, 15:05 in the team's zone (Paris, or UTC on
    // Discord, whose team zone comes from the first member's client).
    w.at(at("2026-11-29T14:05:00Z")).await;
    w.at(at("2026-11-29T15:05:00Z")).await;
    for who in ["olivier", "ana", "kenji"] {
        let dm = w.last_dm(who).await;
        assert!(dm.contains("Retro sprint for sprint 1 is open until"), "{who}: {dm}");
        assert!(dm.contains("1. Start: what should we start doing?") && dm.contains("anonymous"), "{who}: {dm}");
    }
    let lea = w.last_dm("lea").await;
    assert!(lea.contains("La rétro sprint du sprint 1 est ouverte") && lea.contains("1. Commencer"), "{lea}");
    let board = w.channel_texts("#standup").await;
    assert_eq!(board.len(), 1, "{board:#?}");
    assert!(board[0].contains("0/4 have contributed"), "{}", board[0]);

    // Cards by DM lines, by prompt number; one edited; one too long, refused.
    w.say_in_dm("ana", "1 Review in pairs\n2 Friday deploys").await;
    assert!(w.last_dm("ana").await.starts_with("Added to sprint: card 1, card 2"), "{:?}", w.dm_texts("ana").await);
    w.say_in_dm("kenji", "3 Daily demos").await;
    w.command("ana", "dm", r#"/tandem retro edit-card 2 "Stop Friday deploys""#).await;
    assert_eq!(w.ephemeral_for("ana").await, "Card 2 changed.", "{:?}", w.dm_texts("ana").await);
    w.command("kenji", "dm", r#"/tandem retro edit-card 1 "Mine now""#).await;
    assert!(w.ephemeral_for("kenji").await.contains("There is no card 1 of yours"), "another's card stays theirs");
    w.say_in_dm("ana", &format!("1 {}", "x".repeat(501))).await;
    assert!(w.last_dm("ana").await.contains("at most 500 characters"), "{:?}", w.dm_texts("ana").await);

    // Léa writes hers in the form, in French.
    w.click("lea", "retro_cards:").await;
    let questions = w.form_questions("lea").await;
    assert_eq!(questions.len(), 3, "{questions:?}");
    assert!(questions[0].starts_with("Commencer"), "{questions:?}");
    w.submit_form("lea", &["Tests de bout en bout", "", "Les revues en binôme"]).await;
    assert!(
        w.last_dm("lea").await.starts_with("C'est noté dans sprint : carte 4, carte 5"),
        "{:?}",
        w.dm_texts("lea").await
    );

    // Health: two by command, Léa by the form of choices.
    w.command("ana", "dm", "/tandem retro rate 4").await;
    w.command("kenji", "dm", "/tandem retro rate 2").await;
    w.command("kenji", "dm", "/tandem retro rate 9").await;
    assert!(w.ephemeral_for("kenji").await.contains("from 1 to 5"), "a score out of range is refused");
    w.click("lea", "retro_health:").await;
    let form = w.choice_form("lea").await;
    assert_eq!(form.len(), 1, "{form:?}");
    w.choose_and_submit("lea", &[&["5"]]).await;

    // Four hours before the deadline only Olivier, who wrote nothing, is reminded.
    w.at(at("2026-11-30T11:30:00Z")).await;
    assert!(w.last_dm("olivier").await.starts_with("Reminder: retro sprint"), "{:?}", w.dm_texts("olivier").await);
    for who in ["ana", "kenji", "lea"] {
        let texts = w.dm_texts(who).await;
        assert!(!texts.iter().any(|t| t.starts_with("Reminder") || t.starts_with("Rappel")), "{who}: {texts:?}");
    }
    let board = w.channel_texts("#standup").await;
    assert_eq!(board.len(), 1, "the board is edited in place: {board:#?}");
    assert!(board[0].contains("3/4 have contributed (anonymous)"), "{}", board[0]);

    // The deadline: grouping. The board shows the cards by number, and health from 3.
    w.at(at("2026-11-30T15:30:00Z")).await;
    let board = w.channel_texts("#standup").await.remove(0);
    assert!(board.contains("grouping into themes"), "{board}");
    assert!(board.contains("1. [Start: what should we start doing?] Review in pairs"), "{board}");
    assert!(board.contains("2. [Stop: what should we stop doing?] Stop Friday deploys"), "{board}");
    assert!(!board.contains("Ana") && !board.contains("Kenji"), "no author on an anonymous board: {board}");
    assert!(board.contains("How did the sprint feel?: 3.7/5 from 3"), "{board}");

    // Only the facilitator groups.
    w.command("lea", "#standup", r#"/tandem retro group 1 5 as "Reviews""#).await;
    let refusal = w.ephemeral_for("lea").await;
    assert!(refusal.starts_with("Seul l'animateur de sprint"), "a developer may not group: {refusal}");
    w.command("olivier", "#standup", r#"/tandem retro group 1 99 as "Reviews""#).await;
    assert!(w.ephemeral_for("olivier").await.contains("There is no card 99"), "an unknown card changes nothing");
    w.command("olivier", "#standup", r#"/tandem retro group 1 5 as "Reviews""#).await;
    assert_eq!(w.ephemeral_for("olivier").await, "Cards 1, 5 are in theme 1, “Reviews”.");

    // Olivier moves to the vote: the other cards become themes of their own.
    w.command("olivier", "#standup", "/tandem retro advance sprint").await;
    let board = w.channel_texts("#standup").await.remove(0);
    assert!(board.contains("1. Reviews (cards 1, 5)") && board.contains("3. Daily demos (cards 3)"), "{board}");
    assert!(w.last_dm("ana").await.contains("Vote for retro sprint"), "{:?}", w.dm_texts("ana").await);

    // Votes, within the limits: 3 each, at most 2 on one theme.
    w.command("ana", "dm", "/tandem retro vote 1 1").await;
    assert!(w.ephemeral_for("ana").await.contains("2/3 used"), "two dots on theme 1");
    w.command("ana", "dm", "/tandem retro vote 1").await;
    assert!(w.ephemeral_for("ana").await.contains("At most 2 votes on one theme"), "max per theme");
    w.command("ana", "dm", "/tandem retro vote 3").await;
    w.command("ana", "dm", "/tandem retro vote 2").await;
    assert!(w.ephemeral_for("ana").await.contains("You have 3 votes and 0 left"), "the allowance");
    w.click("kenji", "retro_vote:1:2").await;
    w.command("lea", "dm", "/tandem retro vote 1").await;
    let board = w.channel_texts("#standup").await.remove(0);
    assert!(board.contains("3 have voted") && !board.contains("votes)") && !board.contains("— 3 votes"), "{board}");

    // Voting ends: themes by votes. A late vote is refused.
    w.at(at("2026-11-30T19:31:00Z")).await;
    let board = w.channel_texts("#standup").await.remove(0);
    assert!(board.contains("agreeing on actions") && board.contains("1. Reviews (cards 1, 5) — 3 votes"), "{board}");
    assert!(board.contains("2. Stop Friday deploys (cards 2) — 1 vote\n"), "Kenji's vote by button: {board}");
    w.command("ana", "dm", "/tandem retro vote 2").await;
    assert!(w.ephemeral_for("ana").await.contains("agreeing on actions"), "a vote after the vote");

    // An action, then the close: the summary is posted and kept.
    w.command("kenji", "#standup", r#"/tandem action add "Pair on every review" owner=@ana due=2026-12-04 theme=1"#)
        .await;
    assert!(w.ephemeral_for("kenji").await.starts_with("Action #1 added"), "an action");
    w.at(at("2026-11-30T21:32:00Z")).await;
    let posts = w.channel_texts("#standup").await;
    assert_eq!(posts.len(), 2, "board and summary: {posts:#?}");
    for expected in ["retro summary", "Reviews — 3 votes", "Pair on every review — Ana, due 2026-12-04", "3.7/5 from 3"]
    {
        assert!(posts[1].contains(expected), "the summary lacks {expected:?}:\n{}", posts[1]);
    }

    // Nothing links a card, a rating or a vote to a person any more.
    nothing_links_input_to_its_author(
        &w,
        &["Review in pairs", "Daily demos", "Tests de bout en bout", "Les revues en binôme"],
    )
    .await;

    // The next sprint: its retro opens with the open action, and the owner's stand-up DM
    // asks about it before it is due.
    w.command("olivier", "#team", "/tandem sprint end").await;
    w.command("olivier", "#team", "/tandem sprint start length=1w").await;
    w.command("olivier", "#team", r#"/tandem standup create daily channel=#standup schedule="0 9 * * MON-FRI" tz=Europe/Paris local=no members=ana"#).await;
    w.at(at("2026-12-03T08:01:00Z")).await;
    let note = w.last_dm("ana").await;
    assert!(
        note.contains("Your action #1 is due 2026-12-04: Pair on every review. Done?"),
        "{:?}",
        w.dm_texts("ana").await
    );
    // Sprint 2 ends on Sunday 6th: its retro opens at 15:00; Monday's stand-up report lists
    // the action, overdue.
    w.at(at("2026-12-06T14:05:00Z")).await;
    w.at(at("2026-12-06T15:05:00Z")).await;
    w.at(at("2026-12-07T08:01:00Z")).await;
    w.at(at("2026-12-07T10:01:00Z")).await;
    let posts = w.channel_texts("#standup").await;
    let board = posts.iter().rev().find(|p| p.contains("sprint 2")).unwrap_or_else(|| panic!("{posts:#?}"));
    assert!(
        board.contains("Last time we agreed:") && board.contains("⏳ open #1 Pair on every review — Ana"),
        "{board}"
    );
    let report = posts.iter().rev().find(|p| p.contains("daily —")).unwrap_or_else(|| panic!("{posts:#?}"));
    assert!(report.contains("⏰ Overdue action #1: Pair on every review — Ana (due 2026-12-04)"), "{report}");

    // Ana marks it done from her DM: the note and the board follow.
    w.click("ana", "action_done:").await;
    assert!(
        w.dm_texts("ana").await.iter().any(|t| t == "✅ Action #1 done: Pair on every review"),
        "{:?}",
        w.dm_texts("ana").await
    );
    let posts = w.channel_texts("#standup").await;
    let board = posts.iter().rev().find(|p| p.contains("sprint 2")).expect("board");
    assert!(board.contains("✅ done #1 Pair on every review"), "{board}");
}

/// Every row holding a card's text is public (a channel post, the kept summary), a ballot
/// every voter got alike, or the card itself with no author key; ratings share no key,
/// votes are totals; the run's secret is gone; no stored platform payload holds a card, a
/// rating or a vote.
async fn nothing_links_input_to_its_author(w: &impl Platform, cards: &[&str]) {
    let rows = rows_of_every_table(w.app()).await;
    let mut raters = std::collections::HashSet::new();
    for (table, row) in &rows {
        let holds_card = cards.iter().any(|c| row.contains(c));
        match table.as_str() {
            "retro_runs" => assert!(row.contains("secret=NULL"), "the run's secret is deleted: {row}"),
            "retro_cards" => assert!(row.contains("author= "), "a closed anonymous card has no author key: {row}"),
            "retro_votes" => assert!(row.contains("voter= "), "votes are totals per theme: {row}"),
            "retro_ratings" => {
                let rater = row.split(' ').find_map(|c| c.strip_prefix("rater=")).expect("rater");
                assert!(raters.insert(rater.to_string()), "no two ratings share a key: {rater}");
            }
            "inbox" => {
                let input =
                    ["retro rate", "retro vote", "retro_vote", "retro_health_form", "retro_card_form", "edit-card"];
                assert!(!holds_card && !input.iter().any(|i| row.contains(i)), "the stored payload is scrubbed: {row}");
            }
            "webchat_messages" if holds_card => {
                let public = row.contains("conv_kind=channel") && row.contains("visible_to=NULL");
                assert!(public || row.contains("body=🗳"), "only public posts and ballots keep a card: {row}");
                assert!(row.contains("author_member=NULL"), "nobody's own line keeps a card: {row}");
            }
            "outbox" if holds_card => {
                let public = row.contains(r#""kind":"channel""#) || row.contains(r#""op":"update""#);
                assert!(
                    public || row.contains(r#""template":"retro_dm_vote""#),
                    "only public posts and ballots keep a card: {row}"
                );
            }
            _ => {}
        }
    }
    assert!(rows.iter().any(|(t, _)| t == "retro_cards"), "the cards are kept");
}
