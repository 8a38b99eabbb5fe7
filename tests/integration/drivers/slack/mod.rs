//! People on Slack, as the fake Slack would send their actions to Tandem: over the
//! Socket Mode websocket, or signed HTTP requests to the Events API endpoints. `SlackWorld`
//! speaks Slack's ids and payloads; `Slack` (`platform`) is the same behind the `Platform`
//! vocabulary.

pub mod platform;

pub use platform::Slack;

use crate::fakes::slack::{self as fake_slack, FakeSlack};
use crate::helpers::{Db, SLACK_SECRET, SlackVia, TestApp};
use serde_json::Value;
use tandem::clock::Clock;

pub const TEAM: &str = "T0ACME";
pub const STANDUP: (&str, &str) = ("C0STANDUP", "standup");
pub const CREATE: &str = r#"standup create daily channel=<#C0STANDUP|standup> schedule="0 9 * * MON-FRI" tz=Europe/Paris members=<@U0PAULA>,<@U0ANA>,<@U0LEA>"#;

/// Paula (Paris, first of the workspace), Ana (New York) and Léa (Paris, French).
pub fn people(w: &SlackWorld) {
    w.fake.add_user("U0PAULA", "paula", "Paula Martin", "Europe/Paris", "en-US");
    w.fake.add_user("U0ANA", "ana", "Ana Lopez", "America/New_York", "en-US");
    w.fake.add_user("U0LEA", "lea", "Léa Dubois", "Europe/Paris", "fr-FR");
}

/// The three people, and the `daily` stand-up created by Paula in #standup (09:00 Paris,
/// not fired yet).
pub async fn with_standup(db: Db, via: SlackVia) -> SlackWorld {
    let w = SlackWorld::start(db, via).await;
    people(&w);
    w.command("U0PAULA", STANDUP, CREATE).await;
    w.t.tick().await;
    assert!(!w.fake.ephemerals_for("U0PAULA").is_empty(), "the stand-up was created");
    w
}

/// Tandem and the fake Slack it talks to.
pub struct SlackWorld {
    pub t: TestApp,
    pub fake: FakeSlack,
    pub via: SlackVia,
    http: reqwest::Client,
}

/// Which Events API endpoint a payload goes to.
#[derive(Debug, Clone, Copy)]
enum Endpoint {
    Events,
    Commands,
    Interactions,
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{:016x}", rand::random::<u64>())
}

impl SlackWorld {
    pub async fn start(db: Db, via: SlackVia) -> SlackWorld {
        let fake = FakeSlack::start().await;
        let t = TestApp::spawn_slack(db, fake.api_url(), via).await;
        SlackWorld { t, fake, via, http: reqwest::Client::new() }
    }

    /// The same with no key to seal stored secrets.
    pub async fn start_without_key(db: Db, via: SlackVia) -> SlackWorld {
        let fake = FakeSlack::start().await;
        let t = TestApp::spawn_slack_with(db, fake.api_url(), via, None).await;
        SlackWorld { t, fake, via, http: reqwest::Client::new() }
    }

    /// Tandem restarted on the same database with `change` made to its configuration.
    pub async fn restart_with(self, change: impl FnOnce(&mut tandem::config::Config)) -> SlackWorld {
        let mut config = crate::helpers::config(
            &self.t.db_url,
            crate::helpers::slack_config(self.fake.api_url(), self.via),
            Default::default(),
        );
        change(&mut config);
        SlackWorld { t: self.t.restart_with(config).await, fake: self.fake, via: self.via, http: self.http }
    }

    /// `user` types `/tandem {text}` in `channel`; returns the trigger id.
    pub async fn command(&self, user: &str, channel: (&str, &str), text: &str) -> String {
        self.command_in(TEAM, user, channel, text).await
    }

    /// The same, in another workspace.
    pub async fn command_in(&self, team: &str, user: &str, channel: (&str, &str), text: &str) -> String {
        let trigger = unique("trigger.");
        let fields = fake_slack::slash_command_form(team, channel.0, channel.1, user, user, text, &trigger);
        match self.via {
            SlackVia::SocketMode => {
                let payload: serde_json::Map<String, Value> =
                    fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
                self.socket("slash_commands", Value::Object(payload)).await;
            }
            SlackVia::EventsApi => {
                let body = serde_urlencoded::to_string(&fields).expect("form");
                self.post_ok(Endpoint::Commands, &body, "application/x-www-form-urlencoded").await;
            }
        }
        trigger
    }

    /// `user` writes `text` in their DM with the bot.
    pub async fn dm(&self, user: &str, text: &str) {
        let ev = fake_slack::message_im_event(TEAM, user, &self.fake.dm_channel_of(user), text, &unique("Ev"));
        self.event(ev).await;
    }

    /// `user` answers the DM's questions one message at a time, each handled in turn.
    pub async fn answer_in_dm(&self, user: &str, answers: &[&str]) {
        for answer in answers {
            self.dm(user, answer).await;
            self.t.tick().await;
        }
    }

    /// An Events API callback, by the chosen way.
    pub async fn event(&self, ev: Value) {
        match self.via {
            SlackVia::SocketMode => self.socket("events_api", ev).await,
            SlackVia::EventsApi => self.post_ok(Endpoint::Events, &ev.to_string(), "application/json").await,
        }
    }

    /// `user` clicks the button `action` on the bot's latest message in `channel`.
    pub async fn click(&self, user: &str, channel: &str, action: &str) {
        let ts = self.fake.messages_in(channel).last().map(|m| m["ts"].as_str().unwrap_or_default().to_string());
        let payload =
            fake_slack::block_actions(TEAM, user, channel, &ts.unwrap_or_default(), action, action, &unique("t."));
        self.interaction(payload).await;
    }

    /// `user` clicks `action` on the bot's message `ts` in `channel`, the message's selects
    /// holding `state` (`{block_id: {action_id: value}}`), as Slack sends it.
    pub async fn click_with_state(&self, user: &str, channel: &str, ts: &str, action: &str, state: Value) {
        let mut payload = fake_slack::block_actions(TEAM, user, channel, ts, action, action, &unique("t."));
        payload["state"]["values"] = state;
        self.interaction(payload).await;
    }

    /// `user` submits the modal `callback_id` with one answer per question.
    pub async fn submit(&self, user: &str, callback_id: &str, answers: &[&str]) {
        let blocks: Vec<String> = (0..answers.len()).map(|i| format!("q{i}")).collect();
        let values: Vec<(&str, &str, &str)> =
            blocks.iter().zip(answers).map(|(b, a)| (b.as_str(), "answer", *a)).collect();
        self.interaction(fake_slack::view_submission(TEAM, user, callback_id, "", &values)).await;
    }

    async fn interaction(&self, payload: Value) {
        match self.via {
            SlackVia::SocketMode => self.socket("interactive", payload).await,
            SlackVia::EventsApi => {
                let body = serde_urlencoded::to_string([("payload", payload.to_string())]).expect("form");
                self.post_ok(Endpoint::Interactions, &body, "application/x-www-form-urlencoded").await;
            }
        }
    }

    async fn socket(&self, kind: &str, payload: Value) {
        let (id, envelope) = fake_slack::socket_envelope(kind, payload, kind != "events_api");
        self.fake.socket_send(envelope).await;
        self.fake.wait_ack(&id).await;
    }

    async fn post_ok(&self, endpoint: Endpoint, body: &str, content_type: &str) {
        let ts = self.t.clock.now().timestamp();
        let r = self.post(endpoint, body, content_type, Some(ts), Some(fake_slack::sign(SLACK_SECRET, ts, body))).await;
        assert_eq!(r.status(), 200, "{endpoint:?} refused: {}", r.text().await.unwrap_or_default());
    }

    /// A raw request to an Events API endpoint, with whatever headers are given.
    async fn post(
        &self,
        endpoint: Endpoint,
        body: &str,
        content_type: &str,
        ts: Option<i64>,
        signature: Option<String>,
    ) -> reqwest::Response {
        let path = match endpoint {
            Endpoint::Events => "events",
            Endpoint::Commands => "commands",
            Endpoint::Interactions => "interactions",
        };
        let mut req = self
            .http
            .post(format!("{}/slack/{path}", self.t.base))
            .header("content-type", content_type)
            .body(body.to_string());
        if let Some(ts) = ts {
            req = req.header("x-slack-request-timestamp", ts.to_string());
        }
        if let Some(sig) = signature {
            req = req.header("x-slack-signature", sig);
        }
        req.send().await.expect("request to Tandem")
    }

    /// POST a JSON event body with the given timestamp and signature headers.
    pub async fn post_event(&self, body: &str, ts: Option<i64>, signature: Option<String>) -> reqwest::Response {
        self.post(Endpoint::Events, body, "application/json", ts, signature).await
    }

    /// Texts of the messages in a Slack channel (or a user's DM), oldest first.
    pub fn texts(&self, channel: &str) -> Vec<String> {
        self.fake.messages_in(channel).iter().map(|m| m["text"].as_str().unwrap_or_default().to_string()).collect()
    }

    pub fn last_text(&self, channel: &str) -> String {
        self.texts(channel).pop().unwrap_or_default()
    }

    /// The action of the latest button in `channel` whose action starts with `prefix`.
    pub fn button(&self, channel: &str, prefix: &str) -> String {
        let msgs = self.fake.messages_in(channel);
        msgs.iter()
            .rev()
            .flat_map(|m| m["blocks"].as_array().cloned().unwrap_or_default())
            .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
            .filter_map(|e| e["action_id"].as_str().map(str::to_string))
            .find(|a| a.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} button in {channel}: {msgs:#?}"))
    }

    /// How many events the inbox holds (stored ones, handled or not).
    pub async fn inbox_len(&self) -> i64 {
        let mut c = self.t.app.svc.store.pool.acquire().await.expect("conn");
        let r = sqlx::query("SELECT COUNT(*) FROM inbox").fetch_one(&mut *c).await.expect("count");
        sqlx::Row::try_get(&r, 0).expect("count")
    }
}

/// The JSON of a `view` the fake recorded.
pub fn callback_of(view: &Value) -> String {
    view["view"]["callback_id"].as_str().unwrap_or_default().to_string()
}
