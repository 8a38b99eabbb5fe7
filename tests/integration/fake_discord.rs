//! A fake Discord for the integration tests: the REST API over plain HTTP and the gateway over
//! plain WebSocket, on two listeners on 127.0.0.1.
//!
//! Point serenity at it with `HttpBuilder::new(token).proxy(fake.api_url())` and
//! `.ratelimiter_disabled(true)` (serenity 0.12.5 ignores the proxy while its rate limiter is on);
//! REST paths then arrive as `/api/v10/...`, and `GET /gateway` sends the client to the fake
//! gateway. Every REST call is recorded (`calls`), with the state Discord would keep: messages
//! per channel (after edits), DM channels, interaction callbacks, original responses, followups
//! and command lists. Tests can queue failures (`fail_next`), enforce a per-channel limit
//! (`set_channel_limit`, `violations`), push gateway events (`dispatch`) and drop sessions
//! (`disconnect_all`). The free functions build the payloads Discord sends to a bot, shaped like
//! the fixtures in `shared/fixtures/discord/`, and `sign` signs an HTTP interaction body.

// The Discord tests use these helpers a few at a time.
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use ed25519_dalek::{Signer, SigningKey};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// The application id, which is also the bot user's id.
pub const APP_ID: &str = "1300000000000000001";
/// The one guild of the fake.
pub const GUILD: &str = "1300000000000000100";
/// The Ed25519 seed of `ed25519_vectors.json` (tests only) and its public key.
pub const TEST_SEED_HEX: &str = "94c1b7c55c3fce26bce23cf30c2e6b3d0b8583e6cc06df29b92bf516eca24519";
pub const TEST_PUBLIC_KEY_HEX: &str = "b66f1cce3a7a1bfebf17b38965e977c32bfc04dc1c2d1dc1ff74902a0345b057";

const BOT_NAME: &str = "chatops-bot";
const OWNER_ID: &str = "1300000000000000002";
const COMMAND_ID: &str = "1300000000000000400";
const PERMISSIONS: &str = "2248473465835073";
const JOINED_AT: &str = "2025-06-01T09:00:00.000000+00:00";
/// The channel of webhook messages whose interaction was not sent through `dispatch`.
const FALLBACK_CHANNEL: &str = "1300000000000000200";
/// A user's DM channel id is their id plus this.
const DM_OFFSET: u64 = 200_000_000_000_000_000;
/// Ids the fake gives what it creates: 1400000000000000001, ...002, ...
const FIRST_ID: u64 = 1_400_000_000_000_000_000;
const HEARTBEAT_MS: u64 = 1000;
/// Close code of `disconnect_all`: "unknown error", after which a client may resume.
const RECONNECTABLE: u16 = 4000;
/// How long `dispatch` waits for a ready session, and how often the waits look.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(20);
/// The channel limit counts the posts of the last second, less this much for network jitter: a
/// client that paces exactly at the limit must not be flagged.
const WINDOW: Duration = Duration::from_millis(950);

/// One REST request as the fake received it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The path without the query string, e.g. `/api/v10/channels/123/messages`.
    pub path: String,
    /// The JSON body; `Null` when there was none; a string when it was not JSON (multipart).
    pub body: Value,
    /// The whole `Authorization` header, e.g. `Bot <token>`.
    pub auth: Option<String>,
}

/// A failure to answer the next matching request with (`FakeDiscord::fail_next`).
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// 429 with Discord's rate-limit headers and body; nothing is applied.
    RateLimited { retry_after_ms: u64 },
    /// 500; nothing is applied.
    ServerError,
    /// The request is applied, then the answer is lost: a 502 with an empty body.
    LostAnswer,
}

type Shared = Arc<Mutex<Inner>>;

enum Outbound {
    Text(String),
    Close(u16),
}

/// A gateway connection: frames for it go through its connection task.
struct Session {
    id: u64,
    tx: UnboundedSender<Outbound>,
    /// READY or RESUMED was sent: dispatches reach it.
    ready: bool,
    /// The last `s` sent.
    seq: u64,
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    failures: Vec<(String, String, Failure)>,
    messages: HashMap<String, Vec<Value>>,
    /// When each POST to a channel's messages was answered 2xx (or its answer lost).
    posts: HashMap<String, Vec<Instant>>,
    channel_limit: Option<u32>,
    /// Discord's global limit: requests per rolling second from the bot, all routes.
    global_limit: Option<u32>,
    /// When each request was answered, for `global_limit`.
    recent: Vec<Instant>,
    violations: usize,
    users: HashMap<String, Value>,
    /// User id → DM channel id.
    dms: HashMap<String, String>,
    channel_names: HashMap<String, String>,
    /// Interaction id → the callback body accepted (one: a second is refused).
    callbacks: HashMap<String, Vec<Value>>,
    /// Interaction token → last `@original` PATCH body, and the message it made.
    originals: HashMap<String, Value>,
    original_messages: HashMap<String, Value>,
    followups: HashMap<String, Vec<Value>>,
    /// Interaction token → channel, learnt from dispatched interactions.
    token_channels: HashMap<String, String>,
    /// Guild id (`None`: global) → the last command list, as returned.
    commands: HashMap<Option<String>, Vec<Value>>,
    id_seq: u64,
    ws_url: String,
    gateway_down: bool,
    sessions: Vec<Session>,
    session_seq: u64,
    identifies: Vec<Value>,
    heartbeats: usize,
    resumes: usize,
}

pub struct FakeDiscord {
    api_url: String,
    state: Shared,
    tasks: Vec<JoinHandle<()>>,
}

impl FakeDiscord {
    /// Start the REST API and the gateway on 127.0.0.1 (ephemeral ports).
    pub async fn start() -> FakeDiscord {
        FakeDiscord::launch(false).await
    }

    /// Like `start`, but the gateway drops every connection before the WebSocket handshake
    /// until `gateway_up` (REST works, and `GET /gateway` answers the gateway URL).
    pub async fn start_with_gateway_down() -> FakeDiscord {
        FakeDiscord::launch(true).await
    }

    async fn launch(gateway_down: bool) -> FakeDiscord {
        let http = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Discord API");
        let gateway = TcpListener::bind("127.0.0.1:0").await.expect("bind the fake Discord gateway");
        let api_url = format!("http://{}", http.local_addr().expect("API address"));
        let state = Shared::default();
        {
            let mut s = lock(&state);
            s.ws_url = format!("ws://{}", gateway.local_addr().expect("gateway address"));
            s.gateway_down = gateway_down;
        }
        let router = Router::new().fallback(rest).with_state(state.clone());
        let tasks = vec![
            tokio::spawn(async move { axum::serve(http, router).await.expect("the fake Discord API serves") }),
            tokio::spawn(accept_gateway(gateway, state.clone())),
        ];
        FakeDiscord { api_url, state, tasks }
    }

    /// Accept gateway connections from now on.
    pub fn gateway_up(&self) {
        lock(&self.state).gateway_down = false;
    }

    /// The proxy URL for serenity, `http://127.0.0.1:PORT`.
    pub fn api_url(&self) -> String {
        self.api_url.clone()
    }

    /// A person `GET /users/{id}` knows.
    pub fn add_user(&self, id: &str, username: &str, global_name: &str) {
        let mut person = user(id, username);
        person["global_name"] = json!(global_name);
        lock(&self.state).users.insert(id.to_owned(), person);
    }

    /// Every REST request, in order, failed ones included.
    pub fn calls(&self) -> Vec<Call> {
        lock(&self.state).calls.clone()
    }

    /// The calls of `method` whose path starts with `path_prefix`.
    pub fn calls_to(&self, method: &str, path_prefix: &str) -> Vec<Call> {
        let s = lock(&self.state);
        s.calls
            .iter()
            .filter(|c| c.method.eq_ignore_ascii_case(method) && c.path.starts_with(path_prefix))
            .cloned()
            .collect()
    }

    /// The messages the bot posted to a channel (after edits), oldest first, as returned. Interaction
    /// responses and followups are not in here: see `original_response` and `followups`.
    pub fn messages_in(&self, channel_id: &str) -> Vec<Value> {
        lock(&self.state).messages.get(channel_id).cloned().unwrap_or_default()
    }

    /// The DM channel of a user, once opened through `POST /users/@me/channels` or seen in a
    /// dispatched DM event (always `dm_channel_for(user_id)`).
    pub fn dm_channel_of(&self, user_id: &str) -> Option<String> {
        lock(&self.state).dms.get(user_id).cloned()
    }

    /// The callback body accepted for an interaction, as a list (a second callback is answered
    /// 400 and not kept).
    pub fn interaction_callbacks(&self, interaction_id: &str) -> Vec<Value> {
        lock(&self.state).callbacks.get(interaction_id).cloned().unwrap_or_default()
    }

    /// The last body PATCHed to `/webhooks/{app}/{token}/messages/@original`.
    pub fn original_response(&self, token: &str) -> Option<Value> {
        lock(&self.state).originals.get(token).cloned()
    }

    /// The bodies POSTed to `/webhooks/{app}/{token}`, in order.
    pub fn followups(&self, token: &str) -> Vec<Value> {
        lock(&self.state).followups.get(token).cloned().unwrap_or_default()
    }

    /// The last command list bulk-overwritten in a guild (global when `None`), with the fields the
    /// fake added (`id`, `application_id`, `version`, ...).
    pub fn commands(&self, guild: Option<&str>) -> Vec<Value> {
        lock(&self.state).commands.get(&guild.map(str::to_owned)).cloned().unwrap_or_default()
    }

    /// Answer the next request of `method` whose path starts with `path_prefix` with `failure`
    /// (queued: call twice, fail twice; the first matching entry goes first).
    pub fn fail_next(&self, method: &str, path_prefix: &str, failure: Failure) {
        lock(&self.state).failures.push((method.to_owned(), path_prefix.to_owned(), failure));
    }

    /// At most `per_second` requests of any kind in a rolling second (Discord allows a bot
    /// 50); more are answered 429 and counted in `violations`.
    pub fn set_global_limit(&self, per_second: u32) {
        lock(&self.state).global_limit = Some(per_second);
    }

    /// How many requests went over `set_channel_limit` or `set_global_limit` (each answered 429).
    pub fn violations(&self) -> usize {
        lock(&self.state).violations
    }

    /// At most `per_second` message posts per channel in any rolling second (less 50 ms for
    /// jitter); more are answered 429 and counted in `violations`.
    pub fn set_channel_limit(&self, per_second: u32) {
        lock(&self.state).channel_limit = Some(per_second);
    }

    /// The `d` of the first IDENTIFY, waiting up to `timeout` for it.
    pub async fn wait_identified(&self, timeout: Duration) -> Option<Value> {
        poll_until(timeout, || lock(&self.state).identifies.first().cloned()).await
    }

    /// The `d` of every IDENTIFY, in order.
    pub fn identifies(&self) -> Vec<Value> {
        lock(&self.state).identifies.clone()
    }

    /// Heartbeats received (each was answered with a HEARTBEAT_ACK).
    pub fn heartbeats(&self) -> usize {
        lock(&self.state).heartbeats
    }

    /// RESUMEs received (each was answered with a RESUMED dispatch).
    pub fn resumes(&self) -> usize {
        lock(&self.state).resumes
    }

    /// Send an op 0 dispatch to every ready session (`s` counts per session), waiting up to 10 s
    /// for one. On the way, the fake learns channel names, DM channels and interaction tokens from
    /// `d`, and an interaction's `message` is replaced with the stored message of that id if any.
    pub async fn dispatch(&self, t: &str, mut d: Value) {
        let any_ready = || lock(&self.state).sessions.iter().any(|s| s.ready).then_some(());
        poll_until(PATIENCE, any_ready).await.expect("fake Discord: no gateway session ready within 10 s");
        let mut s = lock(&self.state);
        s.learn(t, &mut d);
        for session in s.sessions.iter_mut().filter(|session| session.ready) {
            session.seq += 1;
            let frame = json!({"op": 0, "t": t, "s": session.seq, "d": d.clone()});
            let _ = session.tx.send(Outbound::Text(frame.to_string()));
        }
    }

    /// Close every gateway session with code 4000 (the client may resume). The sessions are
    /// forgotten at once: a later `dispatch` waits for the client to come back.
    pub fn disconnect_all(&self) {
        let sessions = std::mem::take(&mut lock(&self.state).sessions);
        for session in sessions {
            let _ = session.tx.send(Outbound::Close(RECONNECTABLE));
        }
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        // Dropping the senders ends the connection tasks; aborting ends the listeners.
        lock(&self.state).sessions.clear();
        for task in &self.tasks {
            task.abort();
        }
    }
}

fn lock(state: &Shared) -> MutexGuard<'_, Inner> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn poll_until<T>(patience: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + patience;
    loop {
        if let Some(found) = probe() {
            return Some(found);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(POLL).await;
    }
}

// ---- REST ----

/// An answer: a status, headers (lower-case names) and a JSON body or none.
struct Reply {
    status: StatusCode,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Reply {
    fn ok(body: Value) -> Reply {
        Reply { status: StatusCode::OK, headers: Vec::new(), body: Some(body) }
    }

    fn empty(status: StatusCode) -> Reply {
        Reply { status, headers: Vec::new(), body: None }
    }

    /// Discord's error body: `{"message": .., "code": ..}`.
    fn error(status: StatusCode, message: &str, code: u32) -> Reply {
        Reply { status, headers: Vec::new(), body: Some(json!({"message": message, "code": code})) }
    }

    fn rate_limited(wait: Duration) -> Reply {
        let secs = wait.as_secs_f64();
        let headers = vec![
            ("retry-after", (secs.ceil() as u64).to_string()),
            ("x-ratelimit-limit", "5".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset-after", format!("{secs:.3}")),
            ("x-ratelimit-bucket", "fake".to_owned()),
            ("x-ratelimit-scope", "user".to_owned()),
        ];
        let body = json!({"message": "You are being rate limited.", "retry_after": secs, "global": false});
        Reply { status: StatusCode::TOO_MANY_REQUESTS, headers, body: Some(body) }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut headers = HeaderMap::new();
        for (name, value) in self.headers {
            headers.insert(name, HeaderValue::from_str(&value).expect("a valid header value"));
        }
        match self.body {
            Some(body) => (self.status, headers, Json(body)).into_response(),
            None => (self.status, headers).into_response(),
        }
    }
}

async fn rest(State(state): State<Shared>, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let reply = lock(&state).answer(method.as_str(), uri.path(), uri.query().unwrap_or_default(), body, auth);
    reply.into_response()
}

impl Inner {
    /// Answer one request and record it: a queued failure first, then the route.
    fn answer(&mut self, method: &str, path: &str, query: &str, body: Value, auth: Option<String>) -> Reply {
        let queued = self
            .failures
            .iter()
            .position(|(m, prefix, _)| m.eq_ignore_ascii_case(method) && path.starts_with(prefix.as_str()));
        let reply = match queued.map(|i| self.failures.remove(i).2) {
            Some(Failure::RateLimited { retry_after_ms }) => Reply::rate_limited(Duration::from_millis(retry_after_ms)),
            Some(Failure::ServerError) => {
                Reply::error(StatusCode::INTERNAL_SERVER_ERROR, "500: Internal Server Error", 0)
            }
            Some(Failure::LostAnswer) => {
                self.route(method, path, query, &body);
                Reply::empty(StatusCode::BAD_GATEWAY)
            }
            None => match self.over_global_limit() {
                Some(wait) => Reply::rate_limited(wait),
                None => self.route(method, path, query, &body),
            },
        };
        self.calls.push(Call { method: method.to_owned(), path: path.to_owned(), body, auth });
        reply
    }

    /// With a global limit set: the wait, when this request is one too many (counted).
    fn over_global_limit(&mut self) -> Option<Duration> {
        let limit = self.global_limit? as usize;
        let now = Instant::now();
        self.recent.retain(|at| now.duration_since(*at) < WINDOW);
        if self.recent.len() >= limit {
            self.violations += 1;
            return Some(self.recent.first().map_or(WINDOW, |first| WINDOW.saturating_sub(now.duration_since(*first))));
        }
        self.recent.push(now);
        None
    }

    fn route(&mut self, method: &str, path: &str, query: &str, body: &Value) -> Reply {
        let Some(rest) = path.strip_prefix("/api/v10/") else {
            return not_found();
        };
        let segments: Vec<&str> = rest.split('/').collect();
        match (method, segments.as_slice()) {
            ("GET", ["gateway"]) => Reply::ok(json!({"url": self.ws_url})),
            ("GET", ["gateway", "bot"]) => Reply::ok(json!({
                "url": self.ws_url, "shards": 1,
                "session_start_limit":
                    {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
            })),
            ("GET", ["users", "@me"]) => Reply::ok(bot_self()),
            ("GET", ["users", id]) => match self.users.get(*id) {
                Some(person) => Reply::ok(person.clone()),
                None => Reply::error(StatusCode::NOT_FOUND, "Unknown User", 10013),
            },
            ("GET", ["oauth2", "applications", "@me"]) => Reply::ok(application()),
            ("POST", ["users", "@me", "channels"]) => self.open_dm(body),
            ("POST", ["channels", channel, "messages"]) => self.post_message(channel, body),
            ("GET", ["channels", channel, "messages"]) => self.history(channel, query),
            ("PATCH", ["channels", channel, "messages", id]) => self.edit_message(channel, id, body),
            ("GET", ["channels", channel]) => Reply::ok(self.channel(channel)),
            ("GET", ["guilds", id]) => Reply::ok(guild(id)),
            ("POST", ["interactions", id, _, "callback"]) => self.callback(id, body),
            ("PATCH", ["webhooks", _, token, "messages", "@original"]) => self.edit_original(token, body),
            ("POST", ["webhooks", _, token]) => {
                self.followups.entry((*token).to_owned()).or_default().push(body.clone());
                let mut message = self.webhook_message(token);
                copy_fields(&mut message, body, EDITABLE);
                Reply::ok(message)
            }
            ("PUT", ["applications", _, "commands"]) => self.overwrite_commands(None, body),
            ("GET", ["applications", _, "commands"]) => {
                Reply::ok(json!(self.commands.get(&None::<String>).cloned().unwrap_or_default()))
            }
            ("PUT", ["applications", _, "guilds", guild, "commands"]) => self.overwrite_commands(Some(*guild), body),
            ("GET", ["applications", _, "guilds", guild, "commands"]) => {
                Reply::ok(json!(self.commands.get(&Some((*guild).to_owned())).cloned().unwrap_or_default()))
            }
            _ => not_found(),
        }
    }

    /// Unique, increasing snowflake-like ids.
    fn next_id(&mut self) -> String {
        self.id_seq += 1;
        (FIRST_ID + self.id_seq).to_string()
    }

    fn open_dm(&mut self, p: &Value) -> Reply {
        let Some(uid) = p["recipient_id"].as_str() else {
            return Reply::error(StatusCode::BAD_REQUEST, "Invalid Form Body", 50035);
        };
        let channel = dm_channel_for(uid);
        self.dms.insert(uid.to_owned(), channel.clone());
        Reply::ok(self.private_channel(&channel, uid))
    }

    fn private_channel(&self, channel: &str, uid: &str) -> Value {
        let recipient = self.users.get(uid).cloned().unwrap_or_else(|| user(uid, &format!("user-{uid}")));
        json!({"id": channel, "type": 1, "last_message_id": self.last_message_id(channel), "flags": 0,
               "recipients": [recipient]})
    }

    /// A DM channel the fake knows of, or a guild text channel.
    fn channel(&self, channel: &str) -> Value {
        if let Some((uid, _)) = self.dms.iter().find(|(_, dm)| dm.as_str() == channel) {
            return self.private_channel(channel, uid);
        }
        let name = self.channel_names.get(channel).cloned().unwrap_or_else(|| format!("channel-{channel}"));
        json!({
            "id": channel, "type": 0, "guild_id": GUILD, "name": name, "position": 0, "permission_overwrites": [],
            "flags": 0, "parent_id": null, "topic": null, "nsfw": false, "rate_limit_per_user": 0,
            "last_message_id": self.last_message_id(channel),
        })
    }

    fn last_message_id(&self, channel: &str) -> Value {
        self.messages.get(channel).and_then(|ms| ms.last()).map_or(Value::Null, |m| m["id"].clone())
    }

    fn find_message(&self, channel: &str, id: &str) -> Option<&Value> {
        self.messages.get(channel)?.iter().find(|m| m["id"] == id)
    }

    /// Create a message: the channel limit first, then `nonce` + `enforce_nonce` (the message
    /// already created with that nonce comes back, nothing new is made).
    fn post_message(&mut self, channel: &str, p: &Value) -> Reply {
        let now = Instant::now();
        let recent = self.posts.entry(channel.to_owned()).or_default();
        recent.retain(|at| now.duration_since(*at) < WINDOW);
        let over = self
            .channel_limit
            .filter(|limit| recent.len() >= *limit as usize)
            .map(|_| recent.first().map_or(WINDOW, |first| WINDOW.saturating_sub(now.duration_since(*first))));
        if let Some(wait) = over {
            self.violations += 1;
            return Reply::rate_limited(wait);
        }
        recent.push(now);
        let nonce = p.get("nonce").filter(|n| !n.is_null());
        if let Some(nonce) = nonce.filter(|_| p["enforce_nonce"].as_bool().unwrap_or(false)) {
            let existing = self.messages.get(channel).and_then(|ms| ms.iter().find(|m| m.get("nonce") == Some(nonce)));
            if let Some(message) = existing {
                return Reply::ok(message.clone());
            }
        }
        let id = self.next_id();
        let mut message = bot_message(&id, channel);
        copy_fields(
            &mut message,
            p,
            &["content", "embeds", "components", "flags", "nonce", "tts", "message_reference"],
        );
        self.messages.entry(channel.to_owned()).or_default().push(message.clone());
        Reply::ok(message)
    }

    /// Newest first, at most `limit` (default 50), as Discord lists them.
    fn history(&self, channel: &str, query: &str) -> Reply {
        let limit = query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(key, _)| *key == "limit")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(50);
        let all = self.messages.get(channel).map(Vec::as_slice).unwrap_or_default();
        let newest: Vec<&Value> = all.iter().rev().take(limit).collect();
        Reply::ok(json!(newest))
    }

    fn edit_message(&mut self, channel: &str, id: &str, p: &Value) -> Reply {
        let found = self.messages.get_mut(channel).and_then(|ms| ms.iter_mut().find(|m| m["id"] == id));
        let Some(message) = found else {
            return unknown_message();
        };
        copy_fields(message, p, EDITABLE);
        message["edited_timestamp"] = json!(now());
        Reply::ok(message.clone())
    }

    /// Record the callback (204); a second one for the same interaction is a 400.
    fn callback(&mut self, id: &str, p: &Value) -> Reply {
        if self.callbacks.contains_key(id) {
            return Reply::error(StatusCode::BAD_REQUEST, "Interaction has already been acknowledged.", 40060);
        }
        self.callbacks.insert(id.to_owned(), vec![p.clone()]);
        Reply::empty(StatusCode::NO_CONTENT)
    }

    fn edit_original(&mut self, token: &str, p: &Value) -> Reply {
        self.originals.insert(token.to_owned(), p.clone());
        if !self.original_messages.contains_key(token) {
            let message = self.webhook_message(token);
            self.original_messages.insert(token.to_owned(), message);
        }
        let message = self.original_messages.get_mut(token).expect("the original message was just made");
        copy_fields(message, p, EDITABLE);
        message["edited_timestamp"] = json!(now());
        Reply::ok(message.clone())
    }

    /// A fresh message from the application's webhook, in the channel of the interaction.
    fn webhook_message(&mut self, token: &str) -> Value {
        let channel = self.token_channels.get(token).cloned().unwrap_or_else(|| FALLBACK_CHANNEL.to_owned());
        let id = self.next_id();
        let mut message = bot_message(&id, &channel);
        message["webhook_id"] = json!(APP_ID);
        message["application_id"] = json!(APP_ID);
        message
    }

    /// Replace a scope's commands; a command keeps its id when one of the same name existed.
    fn overwrite_commands(&mut self, guild: Option<&str>, p: &Value) -> Reply {
        let Some(list) = p.as_array().filter(|list| list.iter().all(Value::is_object)) else {
            return Reply::error(StatusCode::BAD_REQUEST, "Invalid Form Body", 50035);
        };
        let scope = guild.map(str::to_owned);
        let old = self.commands.remove(&scope).unwrap_or_default();
        let version = self.next_id();
        let mut stored = Vec::new();
        for sent in list {
            let mut command = sent.clone();
            let id = match old.iter().find(|c| c["name"] == command["name"]) {
                Some(previous) => previous["id"].clone(),
                None => json!(self.next_id()),
            };
            command["id"] = id;
            command["application_id"] = json!(APP_ID);
            command["version"] = json!(version);
            if let Some(guild) = guild {
                command["guild_id"] = json!(guild);
            }
            let defaults = [
                ("type", json!(1)),
                ("description", json!("")),
                ("options", json!([])),
                ("default_member_permissions", Value::Null),
                ("nsfw", json!(false)),
            ];
            for (key, value) in defaults {
                if command.get(key).is_none() {
                    command[key] = value;
                }
            }
            stored.push(command);
        }
        self.commands.insert(scope, stored.clone());
        Reply::ok(json!(stored))
    }

    /// What `dispatch` learns from an event, and the stored message it puts in an interaction.
    fn learn(&mut self, t: &str, d: &mut Value) {
        let channel_id = d["channel_id"].as_str().map(str::to_owned);
        if let (Some(channel), Some(name)) = (&channel_id, d["channel"]["name"].as_str()) {
            self.channel_names.insert(channel.clone(), name.to_owned());
        }
        if let Some(resolved) = d["data"]["resolved"]["channels"].as_object() {
            for (id, channel) in resolved {
                if let Some(name) = channel["name"].as_str() {
                    self.channel_names.insert(id.clone(), name.to_owned());
                }
            }
        }
        let dm_user = if d["channel_type"] == 1 {
            d["author"]["id"].as_str()
        } else if d["channel"]["type"] == 1 {
            d["user"]["id"].as_str()
        } else {
            None
        };
        if let (Some(uid), Some(channel)) = (dm_user, &channel_id) {
            self.dms.insert(uid.to_owned(), channel.clone());
        }
        if t == "INTERACTION_CREATE" {
            if let (Some(token), Some(channel)) = (d["token"].as_str(), &channel_id) {
                self.token_channels.insert(token.to_owned(), channel.clone());
            }
            let stored = match (d["message"]["id"].as_str(), &channel_id) {
                (Some(id), Some(channel)) => self.find_message(channel, id).cloned(),
                _ => None,
            };
            if let Some(message) = stored {
                d["message"] = message;
            }
        }
    }
}

/// The fields a message create or edit sets.
const EDITABLE: &[&str] = &["content", "embeds", "components", "flags"];

fn copy_fields(to: &mut Value, from: &Value, keys: &[&str]) {
    for &key in keys {
        if let Some(value) = from.get(key).filter(|v| !v.is_null()) {
            to[key] = value.clone();
        }
    }
}

fn not_found() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, "404: Not Found", 0)
}

fn unknown_message() -> Reply {
    Reply::error(StatusCode::NOT_FOUND, "Unknown Message", 10008)
}

/// Now, as Discord writes timestamps: `2026-01-01T12:00:00.000000+00:00`.
fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

/// The bot user as it appears in messages.
fn bot_user() -> Value {
    let mut bot = user(APP_ID, BOT_NAME);
    bot["global_name"] = Value::Null;
    bot["bot"] = json!(true);
    bot
}

/// The bot user as `GET /users/@me` and READY show it.
fn bot_self() -> Value {
    let mut bot = bot_user();
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    bot["email"] = Value::Null;
    bot
}

/// An empty message by the bot, as `POST /channels/{id}/messages` returns one.
fn bot_message(id: &str, channel: &str) -> Value {
    json!({
        "id": id, "type": 0, "channel_id": channel, "content": "", "author": bot_user(), "attachments": [],
        "embeds": [], "mentions": [], "mention_roles": [], "pinned": false, "mention_everyone": false, "tts": false,
        "timestamp": now(), "edited_timestamp": null, "flags": 0, "components": [],
    })
}

fn application() -> Value {
    json!({
        "id": APP_ID, "name": BOT_NAME, "icon": null, "description": "", "rpc_origins": [], "bot_public": true,
        "bot_require_code_grant": false, "owner": user(OWNER_ID, "owner"), "verify_key": TEST_PUBLIC_KEY_HEX,
        "team": null, "flags": 8_953_856, "role_connections_verification_url": null,
        "interactions_endpoint_url": null, "redirect_uris": [], "approximate_guild_count": 1,
    })
}

/// Enough of a guild for serenity's `PartialGuild`.
fn guild(id: &str) -> Value {
    json!({
        "id": id, "name": "Fake Guild", "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null,
        "owner_id": OWNER_ID, "widget_enabled": false, "widget_channel_id": null, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0, "roles": [], "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "max_presences": null, "max_members": 500_000, "vanity_url_code": null,
        "description": null, "banner": null, "premium_tier": 0, "premium_subscription_count": 0,
        "preferred_locale": "en-US", "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

// ---- Gateway ----

async fn accept_gateway(listener: TcpListener, state: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        if lock(&state).gateway_down {
            // Closed before the handshake: the client's connect fails.
            drop(stream);
            continue;
        }
        tokio::spawn(serve_session(stream, state.clone()));
    }
}

/// One connection: HELLO, then frames from `dispatch` out and the client's frames in, until
/// either side closes.
async fn serve_session(stream: TcpStream, state: Shared) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (tx, mut rx) = unbounded_channel();
    let id = {
        let mut s = lock(&state);
        s.session_seq += 1;
        let id = s.session_seq;
        s.sessions.push(Session { id, tx, ready: false, seq: 0 });
        id
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_MS}, "s": null, "t": null});
    if ws.send(Message::Text(hello.to_string().into())).await.is_ok() {
        pump(&mut ws, &mut rx, &state, id).await;
    }
    lock(&state).sessions.retain(|s| s.id != id);
}

async fn pump(ws: &mut WebSocketStream<TcpStream>, rx: &mut UnboundedReceiver<Outbound>, state: &Shared, id: u64) {
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Text(text)) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Close(code)) => {
                    let reason = "fake Discord closed the session".into();
                    let _ = ws.close(Some(CloseFrame { code: CloseCode::from(code), reason })).await;
                    return;
                }
                None => {
                    let _ = ws.close(None).await;
                    return;
                }
            },
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    // Answered here, before any queued dispatch: READY goes out first.
                    let answer = lock(state).on_frame(id, text.as_str());
                    let sent = match answer {
                        Some(answer) => ws.send(Message::Text(answer.into())).await.is_ok(),
                        None => true,
                    };
                    if !sent {
                        return;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

impl Inner {
    /// The answer to a client frame: HEARTBEAT → ACK, IDENTIFY → READY, RESUME → RESUMED.
    fn on_frame(&mut self, id: u64, text: &str) -> Option<String> {
        let frame: Value = serde_json::from_str(text).ok()?;
        match frame["op"].as_u64()? {
            1 => {
                self.heartbeats += 1;
                Some(json!({"op": 11, "d": null, "s": null, "t": null}).to_string())
            }
            2 => {
                self.identifies.push(frame["d"].clone());
                let shard = match &frame["d"]["shard"] {
                    Value::Null => json!([0, 1]),
                    shard => shard.clone(),
                };
                let payload = ready(&format!("fake-session-{id}"), &self.ws_url, shard);
                let session = self.sessions.iter_mut().find(|s| s.id == id)?;
                session.ready = true;
                session.seq = 1;
                Some(json!({"op": 0, "t": "READY", "s": 1, "d": payload}).to_string())
            }
            6 => {
                self.resumes += 1;
                let seq = frame["d"]["seq"].as_u64().unwrap_or(0) + 1;
                let session = self.sessions.iter_mut().find(|s| s.id == id)?;
                session.ready = true;
                session.seq = seq;
                Some(json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}}).to_string())
            }
            _ => None,
        }
    }
}

/// The READY `d` of `gateway_ready.json`, for this session.
fn ready(session_id: &str, resume_url: &str, shard: Value) -> Value {
    json!({
        "v": 10, "user_settings": {}, "user": bot_self(), "session_type": "normal", "session_id": session_id,
        "resume_gateway_url": resume_url, "relationships": [], "private_channels": [], "presences": [],
        "guild_join_requests": [], "geo_ordered_rtc_regions": ["us-east"],
        "guilds": [{"id": GUILD, "unavailable": true}], "shard": shard,
        "application": {"id": APP_ID, "flags": 8_953_856},
        "_trace": ["[\"fake-gateway\",{\"micros\":0}]"],
    })
}

// ---- Payloads Discord sends to the bot ----

/// A user object as in the fixtures; `global_name` is the username capitalised (`alice` → `Alice`).
pub fn user(id: &str, username: &str) -> Value {
    let mut chars = username.chars();
    let global_name: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    json!({
        "id": id, "username": username, "discriminator": "0", "global_name": global_name, "avatar": null,
        "public_flags": 0, "flags": 0, "banner": null, "accent_color": null, "avatar_decoration_data": null,
        "primary_guild": null, "collectibles": null,
    })
}

/// The DM channel the fake gives a user: their id plus 200000000000000000
/// (`1300000000000000300` → `1500000000000000300`).
pub fn dm_channel_for(user_id: &str) -> String {
    let id: u64 = user_id.parse().expect("a user id is a snowflake");
    id.checked_add(DM_OFFSET).expect("a user id below 2^64 - 2e17").to_string()
}

/// A guild member without its user, as in messages (the fixtures' member).
fn partial_member() -> Value {
    json!({
        "roles": [], "permissions": PERMISSIONS, "nick": null, "avatar": null, "banner": null,
        "joined_at": JOINED_AT, "premium_since": null, "deaf": false, "mute": false, "pending": false, "flags": 0,
        "communication_disabled_until": null, "unusual_dm_activity_until": null,
    })
}

/// Where an interaction happens: a guild text channel (id, name) or a DM channel.
enum Place<'a> {
    Guild(&'a str, &'a str),
    Dm(&'a str),
}

/// The envelope of the fixtures' interactions around `data`: in a guild (context 0, `member`,
/// `guild_id`, `guild_locale`) or in a DM (context 1, `user`, a type 1 channel with recipients).
fn interaction(
    id: &str,
    kind: u8,
    user_id: &str,
    username: &str,
    locale: &str,
    place: Place<'_>,
    data: Value,
) -> Value {
    let who = user(user_id, username);
    let mut v = json!({
        "application_id": APP_ID, "version": 1, "locale": locale, "app_permissions": PERMISSIONS, "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD}, "attachment_size_limit": 10_485_760, "id": id,
        "type": kind, "token": format!("tok-{id}"), "data": data,
    });
    match place {
        Place::Guild(channel, name) => {
            let mut member = partial_member();
            member["user"] = who;
            v["context"] = json!(0);
            v["guild_id"] = json!(GUILD);
            v["guild"] = json!({"id": GUILD, "locale": "en-US", "features": []});
            v["guild_locale"] = json!("en-US");
            v["channel_id"] = json!(channel);
            v["channel"] = json!({
                "id": channel, "type": 0, "guild_id": GUILD, "name": name, "position": 1, "flags": 0,
                "parent_id": null, "topic": null, "nsfw": false, "rate_limit_per_user": 0, "last_message_id": null,
                "permissions": PERMISSIONS,
            });
            v["member"] = member;
        }
        Place::Dm(channel) => {
            v["context"] = json!(1);
            v["channel_id"] = json!(channel);
            v["channel"] =
                json!({"id": channel, "type": 1, "last_message_id": null, "flags": 0, "recipients": [who.clone()]});
            v["user"] = who;
        }
    }
    v
}

/// `data` of a `/tandem` command or autocomplete.
fn command_data(options: Value, resolved: Value, in_guild: bool) -> Value {
    let options = if options.is_null() { json!([]) } else { options };
    let mut data = json!({"id": COMMAND_ID, "name": "tandem", "type": 1, "options": options});
    if !resolved.is_null() {
        data["resolved"] = resolved;
    }
    if in_guild {
        data["guild_id"] = json!(GUILD);
    }
    data
}

/// A `/tandem` slash command (type 2) in a guild text channel `(id, name)`, or in the user's DM
/// (`dm_channel_for`) when `channel` is `None`. `options` is `data.options`; `resolved` is
/// `data.resolved` (left out when `Null`).
pub fn command_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    channel: Option<(&str, &str)>,
    options: Value,
    resolved: Value,
) -> Value {
    let dm = dm_channel_for(user_id);
    let place = channel.map_or(Place::Dm(&dm), |(channel, name)| Place::Guild(channel, name));
    interaction(id, 2, user_id, username, locale, place, command_data(options, resolved, channel.is_some()))
}

/// An autocomplete request (type 4) for `/tandem`: like `command_interaction`; the option being
/// typed carries `"focused": true` in `options`.
pub fn autocomplete_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    channel: Option<(&str, &str)>,
    options: Value,
) -> Value {
    let dm = dm_channel_for(user_id);
    let place = channel.map_or(Place::Dm(&dm), |(channel, name)| Place::Guild(channel, name));
    interaction(id, 4, user_id, username, locale, place, command_data(options, Value::Null, channel.is_some()))
}

/// A click on the button `custom_id` (type 3) of the bot's message `message_id` in a DM. The
/// message here is empty; `dispatch` swaps in the stored message of that id if there is one.
pub fn button_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    dm_channel: &str,
    custom_id: &str,
    message_id: &str,
) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 2, "id": 1});
    let mut v = interaction(id, 3, user_id, username, locale, Place::Dm(dm_channel), data);
    v["message"] = bot_message(message_id, dm_channel);
    v
}

/// A modal submitted (type 5) in a DM: one action row per text input `(custom_id, value)`, and
/// the bot's message the modal came from, if any.
#[allow(clippy::too_many_arguments)] // reason: the brief's signature, one argument per payload field
pub fn modal_submit_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    dm_channel: &str,
    custom_id: &str,
    values: &[(&str, &str)],
    message_id: Option<&str>,
) -> Value {
    let rows: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, (input, value))| {
            json!({"type": 1, "id": 2 * i + 1,
                   "components": [{"type": 4, "id": 2 * i + 2, "custom_id": input, "value": value}]})
        })
        .collect();
    let data = json!({"custom_id": custom_id, "components": rows});
    let mut v = interaction(id, 5, user_id, username, locale, Place::Dm(dm_channel), data);
    if let Some(message_id) = message_id {
        v["message"] = bot_message(message_id, dm_channel);
    }
    v
}

/// The `d` of a MESSAGE_CREATE for a person's message.
fn incoming_message(id: &str, user_id: &str, username: &str, channel: &str, content: &str) -> Value {
    json!({
        "type": 0, "tts": false, "timestamp": now(), "pinned": false, "nonce": id, "mentions": [],
        "mention_roles": [], "mention_everyone": false, "id": id, "flags": 0, "embeds": [], "edited_timestamp": null,
        "content": content, "components": [], "channel_id": channel, "author": user(user_id, username),
        "attachments": [],
    })
}

/// The `d` of a MESSAGE_CREATE for a DM to the bot (`channel_type` 1, no `guild_id`).
pub fn dm_message(id: &str, user_id: &str, username: &str, dm_channel: &str, content: &str) -> Value {
    let mut d = incoming_message(id, user_id, username, dm_channel, content);
    d["channel_type"] = json!(1);
    d
}

/// The `d` of a MESSAGE_CREATE in a guild text channel. `content` is used as is (write
/// `<@APP_ID>` into it yourself); `mentions_bot` puts the bot in `mentions`.
pub fn guild_message(
    id: &str,
    user_id: &str,
    username: &str,
    channel_id: &str,
    content: &str,
    mentions_bot: bool,
) -> Value {
    let mut d = incoming_message(id, user_id, username, channel_id, content);
    d["channel_type"] = json!(0);
    d["guild_id"] = json!(GUILD);
    d["member"] = partial_member();
    if mentions_bot {
        let mut bot = bot_user();
        bot["member"] = partial_member();
        d["mentions"] = json!([bot]);
    }
    d
}

/// The `X-Signature-Ed25519` of an HTTP interaction: hex Ed25519 of `timestamp` then `body`,
/// with the key of the hex seed `seed_hex`.
pub fn sign(seed_hex: &str, timestamp: &str, body: &str) -> String {
    let seed: [u8; 32] = hex::decode(seed_hex).expect("a hex seed").try_into().expect("a 32-byte seed");
    let key = SigningKey::from_bytes(&seed);
    hex::encode(key.sign(format!("{timestamp}{body}").as_bytes()).to_bytes())
}
