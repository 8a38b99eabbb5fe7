//! People on Discord, as the fake Discord would send their actions to Tandem: over the
//! gateway websocket, or as signed requests to the HTTP interactions endpoint.
//! `DiscordWorld` speaks Discord's ids and payloads; `Discord` (`platform`) is the same
//! behind the `Platform` vocabulary.

mod platform;

pub use platform::Discord;

use crate::fakes::discord::{self as fake_discord, FakeDiscord, TEST_SEED_HEX};
use crate::fakes::{PATIENCE, poll_until, poll_until_async};
use crate::helpers::{Db, TestApp};
use serde_json::{Value, json};
use std::time::Duration;
use tandem::clock::Clock;

/// Paula (first of the server, English), Ana (English, US) and Léa (French client).
pub const PAULA: (&str, &str, &str) = ("1300000000000000300", "paula", "en-US");
pub const ANA: (&str, &str, &str) = ("1300000000000000301", "ana", "en-US");
pub const LEA: (&str, &str, &str) = ("1300000000000000302", "lea", "fr");
pub const STANDUP: (&str, &str) = ("1300000000000000200", "standup");

/// How an interaction reaches Tandem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscordVia {
    Gateway,
    Http,
}

/// Tandem and the fake Discord it talks to.
pub struct DiscordWorld {
    pub t: TestApp,
    pub fake: FakeDiscord,
    pub via: DiscordVia,
    http: reqwest::Client,
}

pub fn unique_id() -> String {
    format!("14{:017}", rand::random::<u64>() % 100_000_000_000_000_000)
}

/// `/tandem` options: a subcommand path and its typed options.
pub fn sub(words: &[&str], options: Value) -> Value {
    let mut inner = json!([{ "name": words[words.len() - 1], "type": 1, "options": options }]);
    if words.len() == 2 {
        inner = json!([{ "name": words[0], "type": 2, "options": inner }]);
    }
    inner
}

/// A string option.
pub fn text(name: &str, value: &str) -> Value {
    json!({ "name": name, "type": 3, "value": value })
}

/// `/tandem standup create` as Discord sends it: a channel option with its resolved name.
pub fn create_options() -> (serde_json::Value, serde_json::Value) {
    let options = sub(
        &["standup", "create"],
        json!([
            text("name", "daily"),
            { "name": "channel", "type": 7, "value": STANDUP.0 },
            text("schedule", "0 9 * * MON-FRI"),
            text("tz", "Europe/Paris"),
        ]),
    );
    let resolved = json!({ "channels": { STANDUP.0: {
        "id": STANDUP.0, "name": STANDUP.1, "type": 0, "permissions": "2248473465835073", "flags": 0,
        "parent_id": null, "guild_id": crate::fakes::discord::GUILD } } });
    (options, resolved)
}

impl DiscordWorld {
    /// Tandem with its gateway connected to a fresh fake Discord.
    pub async fn start(db: Db, via: DiscordVia) -> DiscordWorld {
        let fake = FakeDiscord::start().await;
        let t = TestApp::spawn_discord(db, &fake.api_url()).await;
        Self::connected(t, fake, via).await
    }

    /// Tandem `t`, once its gateway has identified with `fake`.
    pub async fn connected(t: TestApp, fake: FakeDiscord, via: DiscordVia) -> DiscordWorld {
        let identify = fake.wait_identified(Duration::from_secs(20)).await.expect("the gateway identified");
        assert_eq!(identify["intents"], 1 | 512 | 4096, "guilds, guild messages, DMs; no message content");
        DiscordWorld { t, fake, via, http: reqwest::Client::new() }
    }

    /// An interaction, by the chosen way; returns Tandem's answer (the HTTP body, or the
    /// callback it posted).
    pub async fn interaction(&self, payload: Value) -> Value {
        match self.via {
            DiscordVia::Http => {
                let r = self.post_signed(&payload.to_string()).await;
                assert_eq!(r.status(), 200, "interaction refused");
                r.json().await.expect("json answer")
            }
            DiscordVia::Gateway => {
                let id = payload["id"].as_str().expect("id").to_string();
                self.fake.dispatch("INTERACTION_CREATE", payload).await;
                let answer = poll_until(PATIENCE, || self.fake.interaction_callbacks(&id).pop()).await;
                answer.unwrap_or_else(|| panic!("interaction {id} was never acknowledged"))
            }
        }
    }

    /// POST a body to `/discord/interactions`, signed now with the test key.
    pub async fn post_signed(&self, body: &str) -> reqwest::Response {
        let ts = self.t.clock.now().timestamp().to_string();
        let sig = fake_discord::sign(TEST_SEED_HEX, &ts, body);
        self.post(body, Some(&ts), Some(&sig)).await
    }

    /// A raw request to the interactions endpoint, with whatever headers are given.
    pub async fn post(&self, body: &str, ts: Option<&str>, signature: Option<&str>) -> reqwest::Response {
        let mut req = self
            .http
            .post(format!("{}/discord/interactions", self.t.base))
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(ts) = ts {
            req = req.header("x-signature-timestamp", ts);
        }
        if let Some(sig) = signature {
            req = req.header("x-signature-ed25519", sig);
        }
        req.send().await.expect("request to Tandem")
    }

    /// `who` runs `/tandem …` in `channel` (a DM when `None`), then Tandem handles it;
    /// returns the interaction's token and Tandem's acknowledgement.
    pub async fn command(
        &self,
        who: (&str, &str, &str),
        channel: Option<(&str, &str)>,
        options: Value,
        resolved: Value,
    ) -> (String, Value) {
        let id = unique_id();
        let payload = fake_discord::command_interaction(&id, who.0, who.1, who.2, channel, options, resolved);
        let token = payload["token"].as_str().expect("token").to_string();
        let answer = self.interaction(payload).await;
        self.t.tick().await;
        (token, answer)
    }

    /// What Tandem answered privately to the interaction with `token` (the placeholder's
    /// replacement), as plain text.
    pub fn private_answer(&self, token: &str) -> String {
        self.fake.original_response(token).map(|m| body_text(&m)).unwrap_or_default()
    }

    /// The three people, and the `daily` stand-up Paula created in #standup (09:00 Paris,
    /// not fired yet); Ana and Léa met Tandem with `/tandem me`.
    pub async fn with_standup(db: Db, via: DiscordVia) -> DiscordWorld {
        let w = DiscordWorld::start(db, via).await;
        let (options, resolved) = create_options();
        let (token, _) = w.command(PAULA, Some(STANDUP), options, resolved).await;
        assert!(w.private_answer(&token).contains("Stand-up created"), "{}", w.private_answer(&token));
        w.command(ANA, Some(STANDUP), sub(&["me"], json!([])), json!(null)).await;
        w.command(LEA, Some(STANDUP), sub(&["me"], json!([])), json!(null)).await;
        w
    }

    /// `who` writes `text` in their DM with the bot, and waits until it is stored.
    pub async fn dm(&self, who: (&str, &str, &str), text: &str) {
        let before = self.inbox_len().await;
        let d = fake_discord::dm_message(&unique_id(), who.0, who.1, &fake_discord::dm_channel_for(who.0), text);
        self.fake.dispatch("MESSAGE_CREATE", d).await;
        let stored = || async move { (self.inbox_len().await > before).then_some(()) };
        poll_until_async(PATIENCE, stored).await.unwrap_or_else(|| panic!("the DM {text:?} never reached the inbox"));
    }

    /// `who` answers the DM's questions one message at a time, each handled in turn.
    pub async fn answer_in_dm(&self, who: (&str, &str, &str), answers: &[&str]) {
        for a in answers {
            self.dm(who, a).await;
            self.t.tick().await;
        }
    }

    /// Texts (content, or embed description) of the messages in a channel, oldest first.
    pub fn texts(&self, channel: &str) -> Vec<String> {
        self.fake.messages_in(channel).iter().map(body_text).collect()
    }

    #[allow(dead_code)] // reason: kept beside `texts` for scenarios that read one channel
    pub fn last_text(&self, channel: &str) -> String {
        self.texts(channel).pop().unwrap_or_default()
    }

    pub fn dm_texts(&self, who: (&str, &str, &str)) -> Vec<String> {
        self.texts(&fake_discord::dm_channel_for(who.0))
    }

    /// The latest button in `who`'s DM whose custom id starts with `prefix`, with the id
    /// of the message it is on.
    pub fn button(&self, who: (&str, &str, &str), prefix: &str) -> (String, String) {
        self.button_in(&fake_discord::dm_channel_for(who.0), prefix)
    }

    /// The latest button in `channel` whose custom id starts with `prefix`: (custom id,
    /// message id).
    pub fn button_in(&self, channel: &str, prefix: &str) -> (String, String) {
        let msgs = self.fake.messages_in(channel);
        msgs.iter()
            .rev()
            .find_map(|m| {
                let id = m["id"].as_str().unwrap_or_default().to_string();
                m["components"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
                    .find_map(|b| b["custom_id"].as_str().filter(|c| c.starts_with(prefix)).map(str::to_string))
                    .map(|c| (c, id))
            })
            .unwrap_or_else(|| panic!("no {prefix} button in {channel}: {msgs:#?}"))
    }

    /// `who` clicks `custom_id` on the bot's DM message `message_id`; returns the answer.
    pub async fn click(&self, who: (&str, &str, &str), custom_id: &str, message_id: &str) -> Value {
        let dm = fake_discord::dm_channel_for(who.0);
        let p = fake_discord::button_interaction(&unique_id(), who.0, who.1, who.2, &dm, custom_id, message_id);
        self.interaction(p).await
    }

    /// `who` submits the modal `custom_id` opened from the DM message `message_id`.
    pub async fn submit(&self, who: (&str, &str, &str), custom_id: &str, answers: &[&str], message_id: Option<&str>) {
        let ids: Vec<String> = (0..answers.len()).map(|i| format!("q{i}")).collect();
        let values: Vec<(&str, &str)> = ids.iter().map(String::as_str).zip(answers.iter().copied()).collect();
        let dm = fake_discord::dm_channel_for(who.0);
        let p = fake_discord::modal_submit_interaction(
            &unique_id(),
            who.0,
            who.1,
            who.2,
            &dm,
            custom_id,
            &values,
            message_id,
        );
        self.interaction(p).await;
    }

    /// How many events the inbox holds (stored ones, handled or not).
    pub async fn inbox_len(&self) -> i64 {
        let mut c = self.t.app.svc.store.pool.acquire().await.expect("conn");
        let r = sqlx::query("SELECT COUNT(*) FROM inbox").fetch_one(&mut *c).await.expect("count");
        sqlx::Row::try_get(&r, 0).expect("count")
    }
}

/// A message's text: its content, or its embed's description.
pub fn body_text(m: &Value) -> String {
    let content = m["content"].as_str().unwrap_or_default();
    if !content.is_empty() {
        return content.to_string();
    }
    m["embeds"][0]["description"].as_str().unwrap_or_default().to_string()
}
