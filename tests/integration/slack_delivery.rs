//! Sending to Slack within its limits: a 429 is waited out as asked, a 5xx is retried
//! later without posting twice, and a burst of 1,000 DMs is paced with none lost.

use crate::drivers::slack::{SlackWorld, with_standup};
use crate::fakes::Failure;
use crate::fakes::slack::Limits;
use crate::helpers::{Db, SlackVia};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashSet;
use tandem::clock::Clock;
use tandem::store::platform::{self, Workspace};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn a_rate_limit_is_waited_out_and_each_dm_goes_once(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.fake.fail_next("chat.postMessage", Failure::RateLimited { retry_after: std::time::Duration::from_secs(1) });
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    let posts = w.fake.calls_to("chat.postMessage");
    let limited: Vec<_> =
        posts.iter().filter(|c| c.status == 429 && c.error.as_deref() == Some("ratelimited")).collect();
    assert_eq!(limited.len(), 1, "{posts:#?}");
    let next = posts.iter().find(|c| c.at > limited[0].at).expect("a call after the 429");
    assert!(next.at - limited[0].at >= std::time::Duration::from_secs(1), "Retry-After was honoured");
    for user in ["U0PAULA", "U0ANA", "U0LEA"] {
        let texts = w.texts(&w.fake.dm_channel_of(user));
        assert_eq!(texts.iter().filter(|t| t.contains("1/3")).count(), 1, "{user}: {texts:?}");
    }
}

on_both_databases!(
    a_rate_limit_is_waited_out_and_each_dm_goes_once,
    slack_rate_limit_is_honoured_sqlite,
    slack_rate_limit_is_honoured_postgres
);

async fn a_server_error_is_retried_and_the_report_is_then_edited_not_reposted(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    w.answer_in_dm("U0ANA", &["Shipped the login page", "Billing page", "none"]).await;
    // The report's first post fails with a 500: it stays in the outbox, and goes later.
    w.fake.fail_next("chat.postMessage", Failure::ServerError);
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    assert!(w.fake.messages_in("C0STANDUP").is_empty(), "the failed post is not there");
    w.t.advance(Duration::seconds(30)).await;
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "posted on the retry");

    // A late answer then edits that message; nothing is posted twice.
    w.answer_in_dm("U0PAULA", &["Roadmap", "Customer calls", "none"]).await;
    let channel = w.fake.messages_in("C0STANDUP");
    assert_eq!(channel.len(), 1, "{channel:#?}");
    assert!(channel[0]["text"].as_str().is_some_and(|t| t.contains("Roadmap")), "{channel:#?}");
}

on_both_databases!(
    a_server_error_is_retried_and_the_report_is_then_edited_not_reposted,
    slack_server_error_is_retried_sqlite,
    slack_server_error_is_retried_postgres
);

async fn a_post_whose_answer_was_lost_is_found_not_sent_again(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    w.answer_in_dm("U0ANA", &["Shipped the login page", "Billing page", "none"]).await;
    // The report reaches the channel but Slack's answer is lost: Tandem retries later,
    // finds its post in the channel by the outbox id in its metadata, and records it.
    w.fake.fail_next("chat.postMessage", Failure::LostAnswer);
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "the post went through");
    w.t.advance(Duration::seconds(30)).await;
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "and was not posted again");
    assert!(!w.fake.calls_to("conversations.history").is_empty(), "the channel was checked");

    // The recorded post is the one a late answer edits.
    w.answer_in_dm("U0PAULA", &["Roadmap", "Customer calls", "none"]).await;
    let channel = w.fake.messages_in("C0STANDUP");
    assert_eq!(channel.len(), 1, "{channel:#?}");
    assert!(channel[0]["text"].as_str().is_some_and(|t| t.contains("Roadmap")), "{channel:#?}");
}

on_both_databases!(
    a_post_whose_answer_was_lost_is_found_not_sent_again,
    slack_lost_answer_is_not_reposted_sqlite,
    slack_lost_answer_is_not_reposted_postgres
);

async fn a_post_whose_answer_was_lost_waits_while_the_channel_cannot_be_read(db: Db) {
    let w = with_standup(db, SlackVia::EventsApi).await;
    w.t.at(at("2026-11-23T08:00:00Z")).await;
    w.answer_in_dm("U0ANA", &["Shipped the login page", "Billing page", "none"]).await;
    w.fake.fail_next("chat.postMessage", Failure::LostAnswer);
    w.t.at(at("2026-11-23T10:00:00Z")).await;
    // The look-up for the post fails too: posting again could post twice, so it waits.
    w.fake.fail_next("conversations.history", Failure::ServerError);
    w.t.advance(Duration::seconds(30)).await;
    assert_eq!(w.fake.calls_to("conversations.history").len(), 1, "the channel was looked at");
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "not posted again blind");
    w.t.advance(Duration::seconds(30)).await;
    assert_eq!(w.fake.calls_to("conversations.history").len(), 2, "and looked at again");
    assert_eq!(w.fake.messages_in("C0STANDUP").len(), 1, "found, not posted again");
}

on_both_databases!(
    a_post_whose_answer_was_lost_waits_while_the_channel_cannot_be_read,
    slack_unreadable_history_waits_sqlite,
    slack_unreadable_history_waits_postgres
);

/// 1,000 members on Slack, one stand-up: every DM goes out once, and the fake Slack
/// (which answers 429 beyond 120 calls a second; Tandem is set to 100, or a second message to one channel
/// within a second) never has to refuse one.
async fn a_burst_of_a_thousand_dms_is_paced_and_none_is_lost(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    let due = at("2026-11-24T09:00:00Z");
    let store = &w.t.app.svc.store;
    let team = tandem::demo::seed_load_team(store, "load", 1, 1000, due, false).await.expect("load team");
    {
        let mut tx = store.begin().await.expect("tx");
        let ws = Workspace { external_id: "T0LOAD".into(), team_id: team, bot_token: None };
        platform::bind_workspace(&mut tx, "slack", &ws, None, due).await.expect("bind");
        for (i, m) in tandem::store::team::members(&mut tx, team).await.expect("members").iter().enumerate() {
            assert!(platform::link_member(&mut tx, "slack", team, &format!("U{i:05}"), m.id).await.expect("link"));
        }
        tx.commit().await.expect("commit");
    }
    w.t.app.svc.sync_all_schedules(w.t.clock.now()).await.expect("plan");
    w.fake.set_limits(Limits { per_channel_per_sec: Some(1), per_method_per_sec: Some(120) });
    w.t.at(due).await;
    let ok: Vec<_> = w.fake.calls_to("chat.postMessage").into_iter().filter(|c| c.status == 200).collect();
    let channels: HashSet<String> =
        ok.iter().map(|c| c.body["channel"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(ok.len(), 1000, "every DM once");
    assert_eq!(channels.len(), 1000, "one per member");
    assert_eq!(w.fake.violations(), 0, "Tandem stayed within the limits");
    let mut c = store.pool.acquire().await.expect("conn");
    let g = tandem::store::ops::gauges(&mut c, due).await.expect("gauges");
    assert_eq!(g.outbox_pending, 0);
}

on_both_databases!(
    a_burst_of_a_thousand_dms_is_paced_and_none_is_lost,
    slack_burst_of_1000_dms_sqlite,
    slack_burst_of_1000_dms_postgres
);

/// Two messages for one channel, the first refused once by Slack (a 500): the second
/// waits behind it, so the channel shows them in the order they were written, while a
/// DM written between them goes at once.
async fn a_failed_post_holds_its_channel_so_the_order_is_kept(db: Db) {
    use tandem::core::{Effect, Locale, Message, Target};
    let w = with_standup(db, SlackVia::EventsApi).await;
    let now = w.t.clock.now();
    {
        let mut tx = w.t.app.svc.store.begin().await.expect("tx");
        let team = platform::workspace(&mut tx, "slack", crate::drivers::slack::TEAM)
            .await
            .expect("lookup")
            .expect("installed")
            .team_id;
        let paula = platform::member_by_external(&mut tx, "slack", team, "U0PAULA")
            .await
            .expect("lookup")
            .expect("Paula is a member");
        let channel = tandem::store::team::channel_id(&mut tx, team, "standup").await.expect("channel");
        let to_channel = Target::Channel { channel_id: channel };
        let note =
            |reference: &str| Message::new("error_internal", serde_json::json!({ "reference": reference }), Locale::En);
        let effects = [
            Effect::post(to_channel.clone(), note("aaaa1111")),
            Effect::post(Target::Dm { member_id: paula }, note("dddd4444")),
            Effect::post(to_channel, note("bbbb2222")),
        ];
        for effect in &effects {
            tandem::store::outbox::push(&mut tx, team, effect, now).await.expect("push");
        }
        tx.commit().await.expect("commit");
    }
    let before = w.texts("C0STANDUP").len();
    w.fake.fail_next("chat.postMessage", Failure::ServerError);
    w.t.tick().await;
    assert_eq!(w.texts("C0STANDUP").len(), before, "the second waits behind the first");
    assert!(w.texts(&w.fake.dm_channel_of("U0PAULA")).iter().any(|t| t.contains("dddd4444")), "the DM went");
    w.t.advance(Duration::seconds(5)).await;
    let texts = w.texts("C0STANDUP")[before..].to_vec();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("aaaa1111") && texts[1].contains("bbbb2222"), "in order: {texts:?}");
}

on_both_databases!(
    a_failed_post_holds_its_channel_so_the_order_is_kept,
    slack_failed_post_keeps_channel_order_sqlite,
    slack_failed_post_keeps_channel_order_postgres
);
