//! What Slack sends that Tandem must refuse or recognise: unsigned, stale or tampered
//! requests; retries of an event already handled.

use crate::drivers::slack::{SlackWorld, TEAM, unique, with_standup};
use crate::fakes::slack as fake_slack;
use crate::helpers::{Db, SLACK_SECRET, SlackVia};
use chrono::{DateTime, Utc};
use tandem::clock::Clock;

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn requests_that_do_not_verify_are_refused_and_change_nothing(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    w.fake.add_user("U0ANA", "ana", "Ana Lopez", "America/New_York", "en-US");
    let body = fake_slack::message_im_event(TEAM, "U0ANA", "D0ANA", "/tandem help", &unique("Ev")).to_string();
    let now = w.t.clock.now().timestamp();
    let good = fake_slack::sign(SLACK_SECRET, now, &body);
    let tampered = body.replace("help", "hel p");
    let cases: [(&str, &str, Option<i64>, Option<String>); 7] = [
        ("another secret", &body, Some(now), Some(fake_slack::sign("not-the-secret", now, &body))),
        ("timestamp 301 s old", &body, Some(now - 301), Some(fake_slack::sign(SLACK_SECRET, now - 301, &body))),
        ("timestamp 301 s ahead", &body, Some(now + 301), Some(fake_slack::sign(SLACK_SECRET, now + 301, &body))),
        ("body changed after signing", &tampered, Some(now), Some(good.clone())),
        ("timestamp changed after signing", &body, Some(now + 1), Some(good.clone())),
        ("no signature", &body, Some(now), None),
        ("no timestamp", &body, None, Some(good.clone())),
    ];
    for (why, body, ts, sig) in cases {
        let r = w.post_event(body, ts, sig).await;
        assert_eq!(r.status(), 401, "{why}");
    }
    w.t.tick().await;
    assert_eq!(w.inbox_len().await, 0, "nothing refused was stored");
    assert!(w.fake.calls().is_empty(), "nothing refused was acted on: {:?}", w.fake.calls());

    // The same request, signed right, goes through; a 299 s old one still does.
    assert_eq!(w.post_event(&body, Some(now), Some(good)).await.status(), 200);
    let again = fake_slack::message_im_event(TEAM, "U0ANA", "D0ANA", "/tandem help", &unique("Ev")).to_string();
    let sig = fake_slack::sign(SLACK_SECRET, now - 299, &again);
    assert_eq!(w.post_event(&again, Some(now - 299), Some(sig)).await.status(), 200);
    assert_eq!(w.inbox_len().await, 2);

    // Slack's endpoint check: the challenge comes back.
    let challenge =
        r#"{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}"#;
    let r = w.post_event(challenge, Some(now), Some(fake_slack::sign(SLACK_SECRET, now, challenge))).await;
    assert_eq!(r.status(), 200);
    let echoed: serde_json::Value = r.json().await.expect("json");
    assert_eq!(echoed["challenge"], "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

on_both_databases!(
    requests_that_do_not_verify_are_refused_and_change_nothing,
    unverified_slack_requests_are_refused_sqlite,
    unverified_slack_requests_are_refused_postgres
);

async fn a_retried_event_is_handled_once(db: Db, via: SlackVia) {
    let w = with_standup(db, via).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    let dm = w.fake.dm_channel_of("U0ANA");
    let before = w.texts(&dm).len();
    let ev = fake_slack::message_im_event(TEAM, "U0ANA", &dm, "Shipped the login page", "Ev0RETRIED");
    // Slack sends it again when the first acknowledgement seems lost.
    w.event(ev.clone()).await;
    w.event(ev).await;
    w.t.tick().await;
    let after = w.texts(&dm);
    assert_eq!(after.len(), before + 1, "one answer, one next question: {after:?}");
    assert!(after.last().is_some_and(|t| t.contains("2/3")), "{after:?}");
}

async fn retried_over_http(db: Db) {
    a_retried_event_is_handled_once(db, SlackVia::EventsApi).await
}

async fn retried_over_the_socket(db: Db) {
    a_retried_event_is_handled_once(db, SlackVia::SocketMode).await
}

on_both_databases!(
    retried_over_http,
    a_retried_http_event_is_handled_once_sqlite,
    a_retried_http_event_is_handled_once_postgres
);
on_both_databases!(
    retried_over_the_socket,
    a_retried_socket_event_is_handled_once_sqlite,
    a_retried_socket_event_is_handled_once_postgres
);
