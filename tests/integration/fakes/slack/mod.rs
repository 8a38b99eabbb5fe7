//! A fake Slack: the Web API over plain HTTP (`web_api`) and Socket Mode over plain
//! WebSocket (`socket_mode`), on two listeners on 127.0.0.1.
//!
//! Hand `FakeSlack::api_url()` to slack-morphism as its API URL. Every call is recorded
//! (`calls`), with the state Slack would keep: messages per channel (after updates),
//! ephemerals, views. Tests can queue failures (`fail_next`), enforce Slack's rate limits
//! (`set_limits`, `violations`), push Socket Mode envelopes and wait for their acks.
//! `payloads` builds what Slack sends to an app, shaped like the fixtures in
//! `shared/fixtures/slack/`, and `sign` signs an Events API request body.

mod payloads;
mod socket_mode;
mod web_api;

pub use payloads::{block_actions, message_im_event, sign, slash_command_form, socket_envelope, view_submission};

use super::{Call, Failure, Outbound, PATIENCE, lock, poll_until};
use axum::Router;
use axum::routing::any;
use serde_json::{Value, json};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

/// The workspace of tokens not installed through `add_oauth_code`.
const TEAM: &str = "T0FAKETEAM";
const BOT_USER: &str = "UBOT0001";
const BOT_ID: &str = "BBOT0001";
const APP_ID: &str = "A0FAKEAPP";
const VERIFICATION_TOKEN: &str = "fake-verification-token";
/// Rate limits count the calls of the last second, less this much for network jitter: a
/// client that paces exactly one second apart must not be flagged.
const JITTER: Duration = Duration::from_millis(50);

/// Slack's limits, enforced when set: a call over one is answered 429 and counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub per_channel_per_sec: Option<u32>,
    pub per_method_per_sec: Option<u32>,
}

type Shared = Arc<Mutex<Inner>>;

/// A connected Socket Mode client: frames for it go through its connection task.
struct Client {
    id: u64,
    tx: UnboundedSender<Outbound>,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    messages: HashMap<String, Vec<Value>>,
    ephemerals: Vec<Value>,
    views: Vec<Value>,
    users: HashMap<String, Value>,
    /// OAuth code → the `oauth.v2.access` answer.
    grants: HashMap<String, Value>,
    token_teams: HashMap<String, String>,
    failures: HashMap<String, VecDeque<Failure>>,
    limits: Limits,
    violations: usize,
    ts_seq: u64,
    clients: Vec<Client>,
    client_seq: u64,
    acks: Vec<Value>,
    socket_url: String,
    /// Where `files.getUploadURLExternal` sends the bytes: `http://…/upload`.
    upload_base: String,
    files: HashMap<String, File>,
    /// How long each answer takes to come back (the call takes effect at once).
    latency: Duration,
}

/// A file uploaded through `files.getUploadURLExternal`.
#[derive(Debug, Clone, Default)]
struct File {
    name: String,
    length: usize,
    bytes: Option<Vec<u8>>,
    completed: bool,
}

pub struct FakeSlack {
    api_url: String,
    state: Shared,
    tasks: Vec<JoinHandle<()>>,
}

impl FakeSlack {
    /// Start both listeners on 127.0.0.1 (ephemeral ports).
    pub async fn start() -> FakeSlack {
        let http = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Slack API");
        let sockets = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Slack socket");
        let api_url = format!("http://{}/api", http.local_addr().expect("API address"));
        let state = Shared::default();
        lock(&state).socket_url = format!("ws://{}/link", sockets.local_addr().expect("socket address"));
        lock(&state).upload_base = format!("http://{}/upload", http.local_addr().expect("API address"));
        let router = Router::new()
            .route("/api/{method}", any(web_api::api))
            .route("/upload/{id}", axum::routing::post(upload))
            .with_state(state.clone());
        let tasks = vec![
            tokio::spawn(async move { axum::serve(http, router).await.expect("the fake Slack API serves") }),
            tokio::spawn(socket_mode::accept(sockets, state.clone())),
        ];
        FakeSlack { api_url, state, tasks }
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// A person `users.info` knows, in workspace `T0FAKETEAM`.
    pub fn add_user(&self, id: &str, name: &str, real_name: &str, tz: &str, locale: &str) {
        lock(&self.state).users.insert(id.to_owned(), web_api::user_json(id, name, real_name, tz, locale));
    }

    /// A code `oauth.v2.access` exchanges (once) for `bot_token`; `auth.test` with that token
    /// then answers `team_id`.
    pub fn add_oauth_code(&self, code: &str, team_id: &str, team_name: &str, bot_token: &str, installer_user: &str) {
        let access = json!({
            "ok": true, "access_token": bot_token, "token_type": "bot",
            "scope": "chat:write,commands,im:history,im:write,users:read", "bot_user_id": BOT_USER, "app_id": APP_ID,
            "team": {"id": team_id, "name": team_name}, "enterprise": null, "is_enterprise_install": false,
            "authed_user": {"id": installer_user},
        });
        let mut s = lock(&self.state);
        s.token_teams.insert(bot_token.to_owned(), team_id.to_owned());
        s.grants.insert(code.to_owned(), access);
    }

    /// Answer the next call of `method` with `failure` (queued: call twice, fail twice).
    pub fn fail_next(&self, method: &str, failure: Failure) {
        lock(&self.state).failures.entry(method.to_owned()).or_default().push_back(failure);
    }

    /// Answer every call `latency` after applying it, as a distant Slack does.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
    }

    pub fn set_limits(&self, limits: Limits) {
        lock(&self.state).limits = limits;
    }

    /// How many calls went over the limits of `set_limits`.
    pub fn violations(&self) -> usize {
        lock(&self.state).violations
    }

    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// The calls of `method`, failed ones included.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        lock(&self.state).calls.iter().filter(|c| c.method == method).cloned().collect()
    }

    /// Wait until `method` got at least `n` successful (`ok`) calls; returns them.
    pub async fn wait_for_calls(&self, method: &str, n: usize) -> Vec<Call> {
        let enough = || Some(self.successful(method)).filter(|calls| calls.len() >= n);
        poll_until(PATIENCE, enough).await.unwrap_or_else(|| {
            let seen: Vec<String> = self.calls().iter().map(describe).collect();
            panic!("fake Slack: fewer than {n} successful {method} calls within 10 s; calls: {seen:#?}")
        })
    }

    /// The messages of a channel (or of the DM with a `U...` user), oldest first.
    pub fn messages_in(&self, channel: &str) -> Vec<Value> {
        lock(&self.state).messages.get(&web_api::channel_for(channel)).cloned().unwrap_or_default()
    }

    /// The DM channel the fake gives a user: `U123` → `D123`.
    pub fn dm_channel_of(&self, user_id: &str) -> String {
        web_api::channel_for(user_id)
    }

    /// Ephemeral messages shown to a user: `{channel, user, message_ts, text?, blocks?, thread_ts?}`.
    pub fn ephemerals_for(&self, user_id: &str) -> Vec<Value> {
        lock(&self.state).ephemerals.iter().filter(|e| e["user"] == user_id).cloned().collect()
    }

    /// Every view opened, published or updated, in order:
    /// `{method, view_id, view, user_id? (publish), trigger_id? (open), external_id?, hash?}`.
    pub fn views(&self) -> Vec<Value> {
        lock(&self.state).views.clone()
    }

    /// The bytes of a file uploaded and completed (`files.completeUploadExternal`).
    pub fn file_bytes(&self, id: &str) -> Option<Vec<u8>> {
        lock(&self.state).files.get(id).filter(|f| f.completed).and_then(|f| f.bytes.clone())
    }

    /// How many Socket Mode clients are connected.
    pub fn socket_connections(&self) -> usize {
        lock(&self.state).clients.len()
    }

    /// Send an envelope to the newest connected Socket Mode client, waiting for one.
    pub async fn socket_send(&self, envelope: Value) {
        let text = envelope.to_string();
        poll_until(PATIENCE, || self.try_send(&text).then_some(()))
            .await
            .expect("fake Slack: no Socket Mode client connected within 10 s");
    }

    /// The ack (`{"envelope_id": .., "payload": ..?}`) the client sent for an envelope.
    pub async fn wait_ack(&self, envelope_id: &str) -> Value {
        let find = || lock(&self.state).acks.iter().find(|a| a["envelope_id"] == envelope_id).cloned();
        poll_until(PATIENCE, find)
            .await
            .unwrap_or_else(|| panic!("fake Slack: no ack for envelope {envelope_id} within 10 s"))
    }

    /// Tell every client to go (`{"type":"disconnect","reason":..}`), then close its socket.
    pub fn disconnect_all(&self, reason: &str) {
        let frame = json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}).to_string();
        let clients = std::mem::take(&mut lock(&self.state).clients);
        for client in clients {
            let _ = client.tx.send(Outbound::Text(frame.clone()));
            let _ = client.tx.send(Outbound::Close(None));
        }
    }

    fn successful(&self, method: &str) -> Vec<Call> {
        self.calls_to(method).into_iter().filter(Call::succeeded).collect()
    }

    fn try_send(&self, text: &str) -> bool {
        lock(&self.state).clients.last().is_some_and(|c| c.tx.send(Outbound::Text(text.to_owned())).is_ok())
    }
}

impl Drop for FakeSlack {
    fn drop(&mut self) {
        // Dropping the senders ends the connection tasks; aborting ends the listeners.
        lock(&self.state).clients.clear();
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The bytes of a file, POSTed to the URL `files.getUploadURLExternal` gave; Slack answers
/// in plain text.
async fn upload(
    axum::extract::State(state): axum::extract::State<Shared>,
    axum::extract::Path(id): axum::extract::Path<String>,
    body: axum::body::Bytes,
) -> (axum::http::StatusCode, String) {
    match lock(&state).files.get_mut(&id) {
        Some(file) => {
            file.bytes = Some(body.to_vec());
            (axum::http::StatusCode::OK, format!("OK - {}", body.len()))
        }
        None => (axum::http::StatusCode::NOT_FOUND, "no such upload".into()),
    }
}

fn describe(c: &Call) -> String {
    format!("{} -> {} {}", c.method, c.status, c.error.as_deref().unwrap_or("ok"))
}
