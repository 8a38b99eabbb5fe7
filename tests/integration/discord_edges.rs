//! Discord at the edges: signatures on the HTTP endpoint, an interaction sent twice, the
//! gateway down at start-up, a 429 and a lost answer from REST, autocomplete and
//! registering `/tandem`.

use crate::drivers::discord::{ANA, DiscordVia, DiscordWorld, LEA, STANDUP, sub, text, unique_id};
use crate::fakes::discord::{self as fake_discord, FakeDiscord, GUILD, dm_channel_for};
use crate::fakes::{Failure, PATIENCE, poll_until};
use crate::helpers::{Db, TestApp, discord_config};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use std::time::Duration;

fn vectors() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/discord/ed25519_vectors.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("test fixtures")).expect("json")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

async fn the_endpoint_refuses_anything_that_does_not_verify(db: Db) {
    let w = DiscordWorld::start(db, DiscordVia::Http).await;
    let v = vectors();
    let ts: i64 = v["valid"][0]["timestamp"].as_str().expect("ts").parse().expect("number");
    w.t.clock.set(Utc.timestamp_opt(ts, 0).single().expect("instant"));

    // The shared invalid vectors: tampered body, changed timestamp, other key, flipped
    // bit, not hex, truncated.
    for case in v["invalid"].as_array().expect("invalid cases") {
        let r =
            w.post(case["body"].as_str().expect("body"), case["timestamp"].as_str(), case["signature"].as_str()).await;
        assert_eq!(r.status(), 401, "{}", case["name"]);
    }
    let good = &v["valid"][1];
    let (body, ts_text, sig) =
        (good["body"].as_str().expect("body"), good["timestamp"].as_str(), good["signature"].as_str());
    assert_eq!(w.post(body, ts_text, None).await.status(), 401, "no signature");
    assert_eq!(w.post(body, None, sig).await.status(), 401, "no timestamp");
    let other_key = fake_discord::sign(&"11".repeat(32), ts_text.expect("ts"), body);
    assert_eq!(w.post(body, ts_text, Some(&other_key)).await.status(), 401, "signed with another key");
    // A valid request replayed six minutes later.
    w.t.clock.set(Utc.timestamp_opt(ts + 360, 0).single().expect("instant"));
    assert_eq!(w.post(body, ts_text, sig).await.status(), 401, "stale");
    w.t.tick().await;
    assert_eq!(w.inbox_len().await, 0, "nothing refused was stored");
    assert!(w.fake.calls_to("POST", "/api/v10/interactions/").is_empty());
    assert!(w.fake.calls_to("PATCH", "/api/v10/webhooks/").is_empty(), "nobody was answered");

    // Discord's own PING, correctly signed, gets a PONG.
    w.t.clock.set(Utc.timestamp_opt(ts, 0).single().expect("instant"));
    let ping = &v["valid"][0];
    let r = w.post(ping["body"].as_str().expect("body"), ping["timestamp"].as_str(), ping["signature"].as_str()).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.expect("json"), json!({ "type": 1 }));
}

on_both_databases!(
    the_endpoint_refuses_anything_that_does_not_verify,
    discord_signatures_sqlite,
    discord_signatures_postgres
);

async fn an_interaction_sent_twice_is_handled_once(db: Db, via: DiscordVia) {
    let w = DiscordWorld::with_standup(db, via).await;
    let id = unique_id();
    let options = sub(&["standup", "pause"], json!([text("name", "daily")]));
    let payload = fake_discord::command_interaction(
        &id,
        "1300000000000000300",
        "paula",
        "en-US",
        Some(STANDUP),
        options,
        json!(null),
    );
    let token = payload["token"].as_str().expect("token").to_string();
    let first = w.interaction(payload.clone()).await;
    match via {
        DiscordVia::Http => {
            let again = w.interaction(payload).await;
            assert_eq!(first, again, "the same acknowledgement");
        }
        DiscordVia::Gateway => {
            w.fake.dispatch("INTERACTION_CREATE", payload).await;
            let path = format!("/api/v10/interactions/{id}/");
            let both = poll_until(PATIENCE, || (w.fake.calls_to("POST", &path).len() == 2).then_some(())).await;
            assert!(both.is_some(), "both copies were received: {:#?}", w.fake.calls_to("POST", &path));
        }
    }
    w.t.tick().await;
    w.t.tick().await;
    let edits = w.fake.calls_to("PATCH", &format!("/api/v10/webhooks/{}/{token}/", fake_discord::APP_ID));
    assert_eq!(edits.len(), 1, "one answer: {edits:#?}");
    assert!(w.private_answer(&token).contains("paused"), "{}", w.private_answer(&token));
    assert!(w.fake.followups(&token).is_empty(), "no second answer");
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
    let r =
        sqlx::query("SELECT COUNT(*) FROM inbox WHERE event_id = $1").bind(&id).fetch_one(&mut *c).await.expect("q");
    assert_eq!(sqlx::Row::try_get::<i64, _>(&r, 0).expect("n"), 1);
}

async fn twice_over_http(db: Db) {
    an_interaction_sent_twice_is_handled_once(db, DiscordVia::Http).await
}

async fn twice_over_the_gateway(db: Db) {
    an_interaction_sent_twice_is_handled_once(db, DiscordVia::Gateway).await
}

on_both_databases!(twice_over_http, discord_repeated_http_sqlite, discord_repeated_http_postgres);
on_both_databases!(twice_over_the_gateway, discord_repeated_gateway_sqlite, discord_repeated_gateway_postgres);

async fn the_gateway_down_at_start_up_leaves_http_and_the_web_chat_working(db: Db) {
    let fake = FakeDiscord::start_with_gateway_down().await;
    // Even the gateway's URL is unknown at first: the first two asks fail.
    fake.fail_next("GET", "/api/v10/gateway", Failure::ServerError);
    fake.fail_next("GET", "/api/v10/gateway", Failure::ServerError);
    let t = TestApp::spawn_discord(db, &fake.api_url()).await;
    let http = reqwest::Client::new();
    let health = http.get(format!("{}/healthz", t.base)).send().await.expect("healthz");
    assert_eq!(health.status(), 200);
    let chat = http.get(format!("{}/chat", t.base)).send().await.expect("chat");
    assert_eq!(chat.status(), 200, "the web chat serves");
    let ping =
        r#"{"application_id":"1300000000000000001","id":"1300000000000001000","type":1,"token":"t","version":1}"#;
    let ts = tandem::clock::Clock::now(&t.clock).timestamp().to_string();
    let r = http
        .post(format!("{}/discord/interactions", t.base))
        .header("x-signature-timestamp", &ts)
        .header("x-signature-ed25519", fake_discord::sign(fake_discord::TEST_SEED_HEX, &ts, ping))
        .body(ping)
        .send()
        .await
        .expect("interactions");
    assert_eq!(r.status(), 200, "HTTP interactions are answered");
    assert!(fake.identifies().is_empty(), "no gateway session yet");

    // The gateway comes back: Tandem connects on its own.
    fake.gateway_up();
    let identify = fake.wait_identified(Duration::from_secs(30)).await.expect("identified once the gateway is up");
    assert_eq!(identify["shard"], json!([0, 1]));
    assert!(fake.calls_to("GET", "/api/v10/gateway").len() >= 3, "asked again after the failures");
}

on_both_databases!(
    the_gateway_down_at_start_up_leaves_http_and_the_web_chat_working,
    discord_gateway_down_sqlite,
    discord_gateway_down_postgres
);

async fn a_members_own_choice_outlasts_their_clients_locale(db: Db) {
    let w = DiscordWorld::with_standup(db, DiscordVia::Http).await;
    // Léa's Discord client is French: she started in French, in Paris's zone. She
    // chooses New York and English.
    let choose = sub(&["me"], json!([text("tz", "America/New_York"), text("locale", "en")]));
    let (token, _) = w.command(LEA, Some(STANDUP), choose, json!(null)).await;
    assert!(w.private_answer(&token).contains("America/New_York"), "{}", w.private_answer(&token));
    // Her next command still comes from a French client: her choice stays.
    let (token, _) = w.command(LEA, Some(STANDUP), sub(&["me"], json!([])), json!(null)).await;
    let settings = w.private_answer(&token);
    assert!(settings.contains("America/New_York") && !settings.contains("Europe/Paris"), "{settings}");
    assert!(settings.starts_with("Your settings:"), "in English: {settings}");
}

on_both_databases!(
    a_members_own_choice_outlasts_their_clients_locale,
    discord_own_prefs_sqlite,
    discord_own_prefs_postgres
);

async fn a_replica_runs_its_share_of_the_shards(db: Db) {
    let fake = FakeDiscord::start().await;
    let config = tandem::config::DiscordConfig { shards: Some("1/2".into()), ..discord_config(&fake.api_url()) };
    let _t = TestApp::spawn_discord_with(db, config).await;
    let identify = fake.wait_identified(Duration::from_secs(20)).await.expect("identified");
    assert_eq!(identify["shard"], json!([1, 2]), "shard 1 of 2: {identify:#}");
    assert_eq!(identify["intents"], 1 | 512 | 4096);
    // The session lives on: heartbeats are sent and acknowledged.
    let beating = poll_until(PATIENCE, || (fake.heartbeats() >= 2).then_some(())).await;
    assert!(beating.is_some(), "heartbeats: {}", fake.heartbeats());
    assert_eq!(fake.identifies().len(), 1, "only its own shard, one session");
}

on_both_databases!(a_replica_runs_its_share_of_the_shards, discord_shards_sqlite, discord_shards_postgres);

async fn a_429_is_waited_out_and_a_lost_answer_is_not_posted_twice(db: Db) {
    let w = DiscordWorld::with_standup(db, DiscordVia::Gateway).await;
    let ana_dm = dm_channel_for(ANA.0);
    let lea_dm = dm_channel_for(LEA.0);
    let ana_path = format!("/api/v10/channels/{ana_dm}/messages");
    let lea_path = format!("/api/v10/channels/{lea_dm}/messages");
    w.fake.fail_next("POST", &ana_path, Failure::RateLimited { retry_after: Duration::from_millis(300) });
    w.fake.fail_next("POST", &lea_path, Failure::LostAnswer);

    w.t.at(at("2026-11-23T08:00:00Z")).await;
    // Ana's DM: refused once with a 429, sent again after the wait, there once.
    assert_eq!(w.fake.calls_to("POST", &ana_path).len(), 2);
    assert_eq!(w.fake.messages_in(&ana_dm).len(), 1, "{:#?}", w.fake.messages_in(&ana_dm));
    // Léa's: posted, but the answer was lost; the item is retried later.
    assert_eq!(w.fake.messages_in(&lea_dm).len(), 1);
    w.t.advance(chrono::Duration::seconds(5)).await;
    let posts = w.fake.calls_to("POST", &lea_path);
    assert_eq!(posts.len(), 2, "retried: {posts:#?}");
    assert_eq!(w.fake.messages_in(&lea_dm).len(), 1, "not posted twice: {:#?}", w.fake.messages_in(&lea_dm));
    assert_eq!(posts[0].body["nonce"], posts[1].body["nonce"], "the same nonce");
    assert_eq!(posts[1].body["enforce_nonce"], true);
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
    let r = sqlx::query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetch_one(&mut *c).await.expect("q");
    assert_eq!(sqlx::Row::try_get::<i64, _>(&r, 0).expect("n"), 0, "everything delivered");
}

on_both_databases!(
    a_429_is_waited_out_and_a_lost_answer_is_not_posted_twice,
    discord_rate_limit_and_lost_answer_sqlite,
    discord_rate_limit_and_lost_answer_postgres
);

async fn stand_up_names_autocomplete_and_the_command_registers(db: Db) {
    let w = DiscordWorld::with_standup(db, DiscordVia::Http).await;
    let options = sub(&["standup", "show"], json!([{ "name": "name", "type": 3, "value": "DA", "focused": true }]));
    let p = fake_discord::autocomplete_interaction(&unique_id(), ANA.0, ANA.1, ANA.2, Some(STANDUP), options);
    let answer = w.interaction(p).await;
    assert_eq!(answer["type"], 8, "{answer:#}");
    assert_eq!(answer["data"]["choices"], json!([{ "name": "daily", "value": "daily" }]));

    let renderer = tandem::render::Renderer::load().expect("templates");
    let names =
        tandem::discord::register(&discord_config(&w.fake.api_url()), &renderer, Some(GUILD.parse().expect("id")))
            .await
            .expect("registered");
    assert_eq!(names[0], "tandem");
    assert!(names.contains(&"standup".to_string()) && names.contains(&"retro".to_string()), "{names:?}");
    let commands = w.fake.commands(Some(GUILD));
    let tandem = &commands[0];
    assert!(tandem["options"].as_array().expect("options").iter().any(|o| o["name"] == "me"), "{tandem:#}");
    let standup = commands.iter().find(|c| c["name"] == "standup").expect("/standup");
    let create = standup["options"].as_array().expect("subs").iter().find(|o| o["name"] == "create").expect("create");
    let channel = create["options"].as_array().expect("opts").iter().find(|o| o["name"] == "channel").expect("channel");
    assert_eq!((channel["type"].as_i64(), channel["required"].as_bool()), (Some(7), Some(true)));
    assert!(tandem["description_localizations"]["fr"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(w.fake.commands(None).is_empty(), "a --guild registration is not global");
}

on_both_databases!(
    stand_up_names_autocomplete_and_the_command_registers,
    discord_autocomplete_and_register_sqlite,
    discord_autocomplete_and_register_postgres
);

async fn a_stranger_in_a_dm_is_told_where_to_start(db: Db) {
    let w = DiscordWorld::start(db, DiscordVia::Http).await;
    // Zoé has never used /tandem in a server: her DM command has no team to go to.
    let zoe = ("1300000000000000399", "zoe", "fr");
    let (token, ack) = w.command(zoe, None, sub(&["blockers"], json!([])), json!(null)).await;
    assert_eq!(ack["type"], 5, "{ack:#}");
    let note = w.private_answer(&token);
    assert!(note.starts_with("Utilisez d'abord `/tandem` dans le serveur"), "{note}");
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
    let r = sqlx::query("SELECT COUNT(*) FROM members").fetch_one(&mut *c).await.expect("q");
    assert_eq!(sqlx::Row::try_get::<i64, _>(&r, 0).expect("n"), 0, "nobody was made a member");
}

on_both_databases!(a_stranger_in_a_dm_is_told_where_to_start, discord_stranger_dm_sqlite, discord_stranger_dm_postgres);
