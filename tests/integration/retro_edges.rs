//! Retros beyond the main scenario: a named retro shows its authors; twenty cards arriving
//! together make one edit of the board; a restart mid-phase loses no card and sends no DM
//! twice, and a deadline missed while down is applied once; with a stand-up and a retro
//! both waiting, numbered lines are cards and the others stand-up answers.

use crate::drivers::Platform;
use crate::drivers::slack::Slack;
use crate::helpers::{Db, TestApp};
use chrono::Duration;

on_both_databases!(a_named_retro_shows_who_wrote_each_card, named_retro_on_sqlite, named_retro_on_postgres);

async fn a_named_retro_shows_who_wrote_each_card(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, "/tandem retro create named channel=team anonymous=no participants=ana,kenji health=no").await;
    olivier.say(&team, "/tandem retro run named").await;
    t.tick().await;
    let (ana, kenji) = (t.person("ana").await, t.person("kenji").await);
    ana.say("dm", "1 Pair on the hard bugs").await;
    kenji.say("dm", "2 Long stand-ups").await;
    olivier.say(&team, "/tandem retro advance named").await;
    t.tick().await;
    let board = olivier.bot_lines(&team).await.into_iter().find(|l| l.starts_with("🔁")).expect("the board");
    assert!(board.contains("1. [Start: what should we start doing?] Pair on the hard bugs — Ana"), "{board}");
    assert!(board.contains("2. [Stop: what should we stop doing?] Long stand-ups — Kenji"), "{board}");
    // A theme number that does not exist is refused, and nothing changes.
    olivier.say(&team, "/tandem retro advance named").await;
    ana.say("dm", "/tandem retro vote 9").await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.contains("There is no theme 9: there are 2"), "{:?}", ana.bot_lines("dm").await);
    let ana_id = t.member_id("ana").await;
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let run = tandem::store::retro::open_runs(&mut c, 1).await.expect("runs").remove(0);
    let cards = tandem::store::retro::cards::list(&mut c, run.id).await.expect("cards");
    assert_eq!(cards[0].author, format!("m:{ana_id}"), "a named card keeps its author");
    assert!(tandem::store::retro::cards::tally(&mut c, run.id).await.expect("tally").0.is_empty(), "no vote counted");
}

on_both_databases!(
    twenty_cards_arriving_together_make_one_board_edit,
    twenty_cards_on_sqlite,
    twenty_cards_on_postgres
);

async fn twenty_cards_arriving_together_make_one_board_edit(db: Db) {
    let w = Slack::over_socket_mode(db).await;
    for who in ["paula", "ana", "kenji", "lea"] {
        w.command(who, "#team", "/tandem me").await;
    }
    w.command("paula", "#team", "/tandem retro create burst channel=#standup participants=paula,ana,kenji,lea").await;
    w.command("paula", "#team", "/tandem retro run burst").await;
    let edits = || w.w.fake.calls_to("chat.update").into_iter().filter(|c| c.status == 200).count();
    let before = edits();
    // Twenty cards within the same minute, five from each, before the board is edited.
    for n in 0..20 {
        let who = ["paula", "ana", "kenji", "lea"][n % 4];
        w.w.dm(&crate::drivers::slack::platform::user_id(who), &format!("1 Card number {n}")).await;
    }
    w.tick().await;
    assert_eq!(edits() - before, 1, "twenty changes of the board, one edit");
    let board = w.channel_texts("#standup").await.remove(0);
    assert!(board.contains("4/4 have contributed"), "the edit carries the last state: {board}");
}

on_both_databases!(
    a_restart_mid_phase_loses_no_card_and_a_missed_deadline_applies_once,
    retro_restart_on_sqlite,
    retro_restart_on_postgres
);

async fn a_restart_mid_phase_loses_no_card_and_a_missed_deadline_applies_once(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, "/tandem retro create r channel=team participants=ana,lea collect=2h group=1h").await;
    olivier.say(&team, "/tandem retro run r").await;
    t.tick().await;
    let ana = t.person("ana").await;
    ana.say("dm", "1 Written just before the crash").await;
    // The card is stored; its confirmation is not delivered yet when the process stops.
    let t = t.restart().await;
    t.tick().await;
    let ana = t.person("ana").await;
    let lines = ana.bot_lines("dm").await;
    assert_eq!(lines.iter().filter(|l| l.contains("Retro *r* is open")).count(), 1, "no DM twice: {lines:#?}");
    assert_eq!(lines.iter().filter(|l| l.starts_with("Added to *r*: card 1")).count(), 1, "{lines:#?}");
    // Down across the collect deadline: it applies once at restart (grouping then lasts its
    // hour from there), and a second restart changes nothing.
    let t = t.restart().await;
    t.advance(Duration::hours(5)).await;
    let t = t.restart().await;
    t.advance(Duration::minutes(1)).await;
    let grouping = board(&t, &team).await;
    assert!(grouping.contains("grouping") && grouping.contains("Written just before the crash"), "{grouping}");
    t.advance(Duration::minutes(60)).await;
    let t = t.restart().await;
    t.advance(Duration::minutes(1)).await;
    assert!(board(&t, &team).await.contains("voting"), "the group deadline, once");
    let lines = t.person("lea").await.bot_lines("dm").await;
    assert_eq!(lines.iter().filter(|l| l.starts_with("🗳")).count(), 1, "one ballot, whatever the restarts: {lines:#?}");
}

/// The retro `r`'s board as Olivier reads it in `conv`.
async fn board(t: &TestApp, conv: &str) -> String {
    t.person("olivier").await.bot_lines(conv).await.into_iter().find(|l| l.starts_with("🔁 *r*")).expect("the board")
}

on_both_databases!(
    with_a_stand_up_and_a_retro_waiting_numbered_lines_are_cards_and_others_answers,
    stand_up_and_retro_on_sqlite,
    stand_up_and_retro_on_postgres
);

async fn with_a_stand_up_and_a_retro_waiting_numbered_lines_are_cards_and_others_answers(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let olivier = t.person("olivier").await;
    olivier.say(&team, "/tandem retro create r channel=team participants=ana health=no").await;
    olivier.say(&team, "/tandem retro run r").await;
    olivier
        .say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * MON-FRI" tz=Europe/Paris local=no members=ana"#)
        .await;
    // 09:30 Paris: the stand-up asks Ana after the retro did.
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;
    let ana = t.person("ana").await;
    ana.say("dm", "2 Meetings run long").await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.starts_with("Added to *r*: card 1"), "{:?}", ana.bot_lines("dm").await);
    ana.say("dm", "Fixed the flaky test").await;
    t.tick().await;
    assert!(ana.last_bot("dm").await.starts_with("2/3"), "the stand-up took it: {:?}", ana.bot_lines("dm").await);
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let run = tandem::store::retro::open_runs(&mut c, 1).await.expect("runs").remove(0);
    let cards = tandem::store::retro::cards::list(&mut c, run.id).await.expect("cards");
    assert_eq!(
        cards.iter().map(|k| k.body.as_str()).collect::<Vec<_>>(),
        ["Meetings run long"],
        "no answer became a card"
    );
}
