//! Received events are handled a claim at a time, in one transaction: each event's changes
//! stand or fall alone, and an event the transaction cannot go on from sends the claim's
//! events one by one, each answered once.

use crate::drivers::slack::{SlackWorld, TEAM, with_standup};
use crate::fakes::slack as fake_slack;
use crate::helpers::{Db, SlackVia};
use chrono::{DateTime, Utc};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// `user`'s DM line `text`, as Slack sends it, with the event id `id`.
async fn dm(w: &SlackWorld, user: &str, text: &str, id: &str) {
    w.event(fake_slack::message_im_event(TEAM, user, &w.fake.dm_channel_of(user), text, id)).await;
}

async fn bot_lines_since(w: &SlackWorld, user: &str, before: usize) -> Vec<String> {
    w.texts(&w.fake.dm_channel_of(user)).split_off(before)
}

async fn events_handled_together_keep_each_ones_changes_and_answer_each_once(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await; // 09:00 in Paris: everyone is asked
    let seen = |u: &str| w.texts(&w.fake.dm_channel_of(u)).len();
    let (ana, lea) = (seen("U0ANA"), seen("U0LEA"));
    // Stored before one tick, so handled in one claim: Ana's two answers around a line of
    // hers refused as too long, Léa's answer, and a retry of Ana's first line.
    dm(&w, "U0ANA", "Shipped the login page", "Ev0ANA1").await;
    let too_long = "x".repeat(tandem::core::text::MAX_TEXT_CHARS + 1);
    dm(&w, "U0ANA", &too_long, "Ev0ANA2").await;
    dm(&w, "U0LEA", "J'ai fini la revue", "Ev0LEA1").await;
    dm(&w, "U0ANA", "Shipped the login page", "Ev0ANA1").await;
    dm(&w, "U0ANA", "Reviewing the API", "Ev0ANA3").await;
    w.t.tick().await;

    let ana_saw = bot_lines_since(&w, "U0ANA", ana).await;
    assert_eq!(ana_saw.len(), 3, "question 2, the refusal, question 3 — nothing twice: {ana_saw:#?}");
    assert!(ana_saw[0].contains("2/3"), "{ana_saw:#?}");
    assert!(ana_saw[2].contains("3/3"), "{ana_saw:#?}");
    let lea_saw = bot_lines_since(&w, "U0LEA", lea).await;
    assert_eq!(lea_saw.len(), 1, "{lea_saw:#?}");
    assert!(lea_saw[0].contains("2/3"), "{lea_saw:#?}");
    assert!(ana_saw[1].contains("too long"), "{ana_saw:#?}");

    // Both of Ana's answers are kept, in order; the long line is no answer.
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("connection");
    let answers: Vec<String> = sqlx::query_scalar(
        "SELECT a.body FROM answers a JOIN members m ON m.id = a.member_id \
         WHERE m.name = 'ana' ORDER BY a.question_index",
    )
    .fetch_all(&mut *c)
    .await
    .expect("answers");
    assert_eq!(answers, ["Shipped the login page", "Reviewing the API"]);
    let undone: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM inbox WHERE done_at IS NULL").fetch_one(&mut *c).await.expect("count");
    assert_eq!(undone, 0, "every stored event is marked handled");
}

async fn an_event_that_breaks_its_claim_holds_back_none_of_the_others(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    let seen = |u: &str| w.texts(&w.fake.dm_channel_of(u)).len();
    let (ana, lea, paula) = (seen("U0ANA"), seen("U0LEA"), seen("U0PAULA"));
    // Paula's stored language is corrupt (a hand edit): reading her fails the claim's
    // transaction, after Ana's answer was handled in it.
    {
        let mut c = w.t.app.svc.store.pool.acquire().await.expect("connection");
        sqlx::query("UPDATE members SET locale = 'klingon' WHERE name = 'paula'")
            .execute(&mut *c)
            .await
            .expect("corrupt");
    }
    dm(&w, "U0ANA", "Shipped the login page", "Ev0ANA1").await;
    dm(&w, "U0PAULA", "Planning the sprint", "Ev0PAULA1").await;
    dm(&w, "U0LEA", "J'ai fini la revue", "Ev0LEA1").await;
    w.t.tick().await;

    let ana_saw = bot_lines_since(&w, "U0ANA", ana).await;
    assert_eq!(ana_saw.len(), 1, "Ana's answer is taken once, though its first handling was undone: {ana_saw:#?}");
    assert!(ana_saw[0].contains("2/3"), "{ana_saw:#?}");
    let lea_saw = bot_lines_since(&w, "U0LEA", lea).await;
    assert_eq!(lea_saw.len(), 1, "{lea_saw:#?}");
    assert!(lea_saw[0].contains("2/3"), "{lea_saw:#?}");
    assert_eq!(bot_lines_since(&w, "U0PAULA", paula).await, Vec::<String>::new());

    let mut c = w.t.app.svc.store.pool.acquire().await.expect("connection");
    let (attempts, error, done): (i64, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT attempts, last_error, done_at FROM inbox WHERE event_id = 'Ev0PAULA1'")
            .fetch_one(&mut *c)
            .await
            .expect("paula's event");
    assert_eq!((attempts, done), (1, None), "kept to be tried again later");
    assert!(error.is_some_and(|e| e.contains("member locale")), "with its error");
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM answers").fetch_one(&mut *c).await.expect("count");
    assert_eq!(answers, 2, "Ana's and Léa's, once each");
}

on_both_databases!(
    events_handled_together_keep_each_ones_changes_and_answer_each_once,
    events_handled_together_sqlite,
    events_handled_together_postgres
);
on_both_databases!(
    an_event_that_breaks_its_claim_holds_back_none_of_the_others,
    a_claim_broken_by_one_event_sqlite,
    a_claim_broken_by_one_event_postgres
);
