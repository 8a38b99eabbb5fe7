//! The effects the coming rituals need, before any capability uses them: pushed straight
//! into the outbox for a team on each platform, delivered, and read back as a person sees
//! them — a message deleted, an image with its bytes, a form of choice fields whose picks
//! come back as its values in field order.

use crate::drivers::Platform;
use crate::helpers::{Db, TestApp};
use chrono::{DateTime, Utc};
use serde_json::json;
use tandem::clock::Clock;
use tandem::core::{Conversation, Effect, Form, FormField, Image, Locale, Message, Target};

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

/// Bytes that start like a PNG and hold every byte value, so nothing is lost on the way.
fn chart_png() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..4).flat_map(|_| 0u8..=255));
    png
}

/// A line the person can recognise: the internal-error template quoting `reference`.
fn line(reference: &str) -> Message {
    Message::new("error_internal", json!({ "reference": reference }), Locale::En)
}

/// Everyone says hello in #standup, so that on Slack and Discord the team, its members and
/// the channel exist; returns the team and the #standup channel.
async fn hello(w: &impl Platform) -> (i64, i64) {
    for who in ["paula", "ana", "kenji", "lea"] {
        w.command(who, "#standup", "/tandem me").await;
    }
    let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
    let r = sqlx::query("SELECT team_id FROM members WHERE name = 'paula'").fetch_one(&mut *c).await.expect("paula");
    let team: i64 = sqlx::Row::try_get(&r, 0).expect("team");
    let channel = tandem::store::team::channel_id(&mut c, team, "standup").await.expect("#standup");
    (team, channel)
}

async fn push(w: &impl Platform, team: i64, effect: Effect) {
    let store = &w.app().app.svc.store;
    let mut tx = store.begin().await.expect("tx");
    tandem::store::outbox::push(&mut tx, team, &effect, w.app().clock.now()).await.expect("push");
    tx.commit().await.expect("commit");
    w.tick().await;
}

async fn nothing_waits(w: &impl Platform) {
    let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
    let gauges = tandem::store::ops::gauges(&mut c, w.app().clock.now()).await.expect("gauges");
    assert_eq!(gauges.outbox_pending, 0, "every effect was delivered");
}

on_every_platform!(
    a_deleted_message_disappears_and_deleting_one_never_posted_changes_nothing,
    web_chat: a_delete_on_the_web_chat_on_sqlite, a_delete_on_the_web_chat_on_postgres;
    slack: a_delete_on_slack_on_sqlite, a_delete_on_slack_on_postgres;
    discord: a_delete_on_discord_on_sqlite, a_delete_on_discord_on_postgres;
);

async fn a_deleted_message_disappears_and_deleting_one_never_posted_changes_nothing(w: impl Platform) {
    let (team, channel_id) = hello(&w).await;
    let target = Target::Channel { channel_id };
    push(&w, team, Effect::post_keyed(target.clone(), line("poll-one"), "poll:1".into())).await;
    push(&w, team, Effect::post_keyed(target, line("poll-two"), "poll:2".into())).await;
    let before = w.channel_texts("#standup").await;
    assert_eq!(before.len(), 2, "{before:#?}");

    push(&w, team, Effect::Delete { key: "poll:1".into() }).await;
    let after = w.channel_texts("#standup").await;
    assert_eq!(after.len(), 1, "the deleted post is gone: {after:#?}");
    assert!(after[0].contains("poll-two"), "the other one stays: {after:#?}");

    push(&w, team, Effect::Delete { key: "poll:never-posted".into() }).await;
    push(&w, team, Effect::Delete { key: "poll:1".into() }).await;
    assert_eq!(w.channel_texts("#standup").await, after, "nothing else changed");
    nothing_waits(&w).await;
}

on_every_platform!(
    an_image_reaches_the_channel_with_its_bytes_intact,
    web_chat: an_image_on_the_web_chat_on_sqlite, an_image_on_the_web_chat_on_postgres;
    slack: an_image_on_slack_on_sqlite, an_image_on_slack_on_postgres;
    discord: an_image_on_discord_on_sqlite, an_image_on_discord_on_postgres;
);

async fn an_image_reaches_the_channel_with_its_bytes_intact(w: impl Platform) {
    let (team, channel_id) = hello(&w).await;
    let chart = Image::png("chart.png", "Votes per option", chart_png());
    let message = line("poll-results").as_card().with_image(chart);
    push(&w, team, Effect::post(Target::Channel { channel_id }, message)).await;
    let images = w.channel_images("#standup").await;
    assert_eq!(images.len(), 1, "one image");
    assert_eq!(images[0].0, "Votes per option", "with its alt text");
    assert!(images[0].1 == chart_png(), "the bytes arrived intact ({} bytes)", images[0].1.len());
    assert!(w.channel_texts("#standup").await[0].contains("poll-results"), "with its message");
    nothing_waits(&w).await;
}

/// 09:00 Paris on weekdays, answers for two hours.
const CREATE: &str = r#"/tandem standup create daily channel=#standup schedule="0 9 * * MON-FRI" tz=Europe/Paris window=2h members=ana,kenji,lea,paula"#;

on_every_platform!(
    choices_picked_in_a_form_come_back_as_its_values_in_field_order,
    web_chat: choices_on_the_web_chat_on_sqlite, choices_on_the_web_chat_on_postgres;
    slack: choices_on_slack_on_sqlite, choices_on_slack_on_postgres;
    discord: choices_on_discord_on_sqlite, choices_on_discord_on_postgres;
);

/// The stand-up's answer form is the one form Tandem reads today: sent as choice fields,
/// its values come back as Ana's answers, which her thanks repeat.
async fn choices_picked_in_a_form_come_back_as_its_values_in_field_order(w: impl Platform) {
    let (team, _) = hello(&w).await;
    w.command("paula", "#standup", CREATE).await;
    w.at(at("2026-11-23T08:00:00Z")).await;
    let (round, ana) = {
        let mut c = w.app().app.svc.store.pool.acquire().await.expect("conn");
        let r = sqlx::query("SELECT id FROM rounds").fetch_one(&mut *c).await.expect("the round");
        let m = sqlx::query("SELECT id FROM members WHERE name = 'ana'").fetch_one(&mut *c).await.expect("ana");
        (sqlx::Row::try_get::<i64, _>(&r, 0).expect("id"), sqlx::Row::try_get::<i64, _>(&m, 0).expect("id"))
    };
    let done = [("login", "Login page"), ("billing", "Billing page"), ("tests", "Flaky tests")];
    let today = [("pairing", "Pairing"), ("review", "Reviews")];
    let blockers = [("none", "No blocker"), ("keys", "Waiting for keys")];
    let fields = vec![
        FormField::choice("Done?", done, 3).expect("a choice"),
        FormField::choice("Today?", today, 1).expect("a choice"),
        FormField::choice("Blocked?", blockers, 1).expect("a choice").with_picked(&["keys"]),
    ];
    let mut message = Message::new("standup_form", json!({ "standup": "daily", "day": "2026-11-23" }), Locale::En);
    message.form = Some(Form { submit: tandem::core::standup::action::answer_form(round), fields, opener: None });
    push(&w, team, Effect::post(Target::Dm { member_id: ana }, message)).await;

    let shown = w.choice_form("ana").await;
    let labels: Vec<&str> = shown.iter().map(|(l, _)| l.as_str()).collect();
    assert!(labels.iter().zip(["Done?", "Today?", "Blocked?"]).all(|(l, q)| l.contains(q)), "{shown:#?}");
    assert_eq!(shown[0].1, ["Login page", "Billing page", "Flaky tests"], "the options, in order");

    w.choose_and_submit("ana", &[&["Flaky tests", "Login page"], &["Reviews"], &["No blocker"]]).await;
    let thanks = w.last_dm("ana").await;
    assert!(thanks.starts_with("Thanks for daily"), "{:#?}", w.dm_texts("ana").await);
    assert!(thanks.contains("login\ntests"), "two picks, in the options' order: {thanks}");
    let (review, none) = (thanks.find("review"), thanks.find("none"));
    assert!(review.is_some() && none.is_some() && review < none, "in field order: {thanks}");
}

on_both_databases!(
    a_web_chat_image_is_served_only_to_members_of_its_team,
    web_chat_images_on_sqlite,
    web_chat_images_on_postgres
);

async fn a_web_chat_image_is_served_only_to_members_of_its_team(db: Db) {
    let t = TestApp::spawn(db).await;
    let ana_id = t.member_id("ana").await;
    let channel_id = {
        let mut tx = t.app.svc.store.begin().await.expect("tx");
        let channel = tandem::store::team::channel_id(&mut tx, t.team_id, "team").await.expect("#team");
        let private =
            Target::Ephemeral { member_id: ana_id, conversation: Conversation::Channel { channel_id: channel } };
        let chart = Image::png("chart.png", "Votes", chart_png());
        let now = t.clock.now();
        let public = Effect::post(Target::Channel { channel_id: channel }, line("r").with_image(chart.clone()));
        tandem::store::outbox::push(&mut tx, t.team_id, &public, now).await.expect("push");
        let only_ana = Effect::post(private, line("r").with_image(chart));
        tandem::store::outbox::push(&mut tx, t.team_id, &only_ana, now).await.expect("push");
        tx.commit().await.expect("commit");
        channel
    };
    t.tick().await;
    let ana = t.person("ana").await;
    let conv = format!("channel:{channel_id}");
    let ids: Vec<i64> = ana.messages(&conv).await.iter().filter_map(|m| m["id"].as_i64()).collect();
    assert_eq!(ids.len(), 2, "Ana sees both");
    let url = |id: i64| format!("{}/chat/images/{id}", t.base);
    let get = |client: reqwest::Client, u: String| async move { client.get(u).send().await.expect("get").status() };
    assert_eq!(get(ana.client.clone(), url(ids[1])).await, 200, "her own private image");
    let kenji = t.person("kenji").await;
    assert_eq!(get(kenji.client.clone(), url(ids[0])).await, 200, "a team member reads the channel's image");
    assert_eq!(get(kenji.client.clone(), url(ids[1])).await, 404, "not Ana's private one");
    assert_eq!(get(reqwest::Client::new(), url(ids[0])).await, 401, "nobody signed in");

    // Someone of another team, signed in, gets nothing either.
    let other = {
        let mut tx = t.app.svc.store.begin().await.expect("tx");
        let now = t.clock.now();
        let team =
            tandem::store::team::create_team(&mut tx, "rivals", Locale::En, "Europe/Paris", now).await.expect("team");
        let m = tandem::store::team::NewMember {
            name: "rita",
            display_name: "Rita",
            role: tandem::core::model::Role::Developer,
            tz: "Europe/Paris",
            locale: Locale::En,
        };
        let id = tandem::store::team::add_member(&mut tx, team, &m, now).await.expect("member");
        tx.commit().await.expect("commit");
        id
    };
    let rita = crate::drivers::web_chat::browser(&t.base);
    crate::drivers::web_chat::sign_in(&rita, &t.base, other).await;
    assert_eq!(get(rita, url(ids[0])).await, 404, "another team's member");
}
