//! A fake Slack for the integration tests: the Web API over plain HTTP and Socket Mode over
//! plain WebSocket, on two listeners on 127.0.0.1.
//!
//! Hand `FakeSlack::api_url()` to slack-morphism as its API URL. Every call is recorded
//! (`calls`), with the state Slack would keep: messages per channel (after updates),
//! ephemerals, views. Tests can queue failures (`fail_next`), enforce Slack's rate limits
//! (`set_limits`, `violations`), push Socket Mode envelopes and wait for their acks. The
//! free functions build the payloads Slack sends to an app, shaped like the fixtures in
//! `shared/fixtures/slack/`, and `sign` signs an Events API request body.

use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Form, Json, Router};
use chrono::Offset;
use futures_util::{SinkExt, StreamExt};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// The workspace of tokens not installed through `add_oauth_code`.
const TEAM: &str = "T0FAKETEAM";
const BOT_USER: &str = "UBOT0001";
const BOT_ID: &str = "BBOT0001";
const APP_ID: &str = "A0FAKEAPP";
const VERIFICATION_TOKEN: &str = "fake-verification-token";
/// How long the `wait_*` helpers wait, and how often they look.
const PATIENCE: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);
/// Rate limits count the calls of the last second, less this much for network jitter: a
/// client that paces exactly one second apart must not be flagged.
const JITTER: Duration = Duration::from_millis(50);

/// One Web API call as the fake received it.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    /// The JSON body, or the query/form fields as a JSON object of strings.
    pub params: Value,
    /// The bearer token, if any (`oauth.v2.access` uses Basic auth: `None`).
    pub token: Option<String>,
    pub at: Instant,
    /// 200, 429 (injected or over a limit) or 500 (injected).
    pub status: u16,
    /// Slack's error code when the answer was not `ok` ("ratelimited", "server_error", ...).
    pub error: Option<String>,
}

/// A failure to answer the next call of a method with (`FakeSlack::fail_next`).
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    RateLimited {
        retry_after_secs: u64,
    },
    ServerError,
    /// The call takes effect, then the answer is lost (a 500): what a timeout or a crash
    /// between Slack's answer and Tandem's record looks like.
    LostAnswer,
}

/// Slack's limits, enforced when set: a call over one is answered 429 and counted.
#[derive(Debug, Clone, Copy, Default)]
pub struct Limits {
    pub per_channel_per_sec: Option<u32>,
    pub per_method_per_sec: Option<u32>,
}

type Shared = Arc<Mutex<Inner>>;

enum Outbound {
    Text(String),
    Close,
}

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
        let router = Router::new().route("/api/{method}", any(api)).with_state(state.clone());
        let tasks = vec![
            tokio::spawn(async move { axum::serve(http, router).await.expect("the fake Slack API serves") }),
            tokio::spawn(accept_sockets(sockets, state.clone())),
        ];
        FakeSlack { api_url, state, tasks }
    }

    /// The Web API base URL, `http://127.0.0.1:PORT/api`.
    pub fn api_url(&self) -> &str {
        &self.api_url
    }

    /// A person `users.info` knows, in workspace `T0FAKETEAM`.
    pub fn add_user(&self, id: &str, name: &str, real_name: &str, tz: &str, locale: &str) {
        lock(&self.state).users.insert(id.to_owned(), user_json(id, name, real_name, tz, locale));
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

    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        lock(&self.state).calls.iter().filter(|c| c.method == method).cloned().collect()
    }

    /// Wait until `method` got at least `n` successful (`ok`) calls; returns them.
    pub async fn wait_for_calls(&self, method: &str, n: usize) -> Vec<Call> {
        let enough = || Some(self.successful(method)).filter(|calls| calls.len() >= n);
        poll_until(enough).await.unwrap_or_else(|| {
            let seen: Vec<String> = self.calls().iter().map(describe).collect();
            panic!("fake Slack: fewer than {n} successful {method} calls within 10 s; calls: {seen:#?}")
        })
    }

    /// The messages of a channel (or of the DM with a `U...` user), oldest first.
    pub fn messages_in(&self, channel: &str) -> Vec<Value> {
        lock(&self.state).messages.get(&channel_for(channel)).cloned().unwrap_or_default()
    }

    /// The DM channel the fake gives a user: `U123` → `D123`.
    pub fn dm_channel_of(&self, user_id: &str) -> String {
        channel_for(user_id)
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

    /// How many Socket Mode clients are connected.
    pub fn socket_connections(&self) -> usize {
        lock(&self.state).clients.len()
    }

    /// Send an envelope to the newest connected Socket Mode client, waiting for one.
    pub async fn socket_send(&self, envelope: Value) {
        let text = envelope.to_string();
        poll_until(|| self.try_send(&text).then_some(()))
            .await
            .expect("fake Slack: no Socket Mode client connected within 10 s");
    }

    /// The ack (`{"envelope_id": .., "payload": ..?}`) the client sent for an envelope.
    pub async fn wait_ack(&self, envelope_id: &str) -> Value {
        let find = || lock(&self.state).acks.iter().find(|a| a["envelope_id"] == envelope_id).cloned();
        poll_until(find).await.unwrap_or_else(|| panic!("fake Slack: no ack for envelope {envelope_id} within 10 s"))
    }

    /// Tell every client to go (`{"type":"disconnect","reason":..}`), then close its socket.
    pub fn disconnect_all(&self, reason: &str) {
        let frame = json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake"}}).to_string();
        let clients = std::mem::take(&mut lock(&self.state).clients);
        for client in clients {
            let _ = client.tx.send(Outbound::Text(frame.clone()));
            let _ = client.tx.send(Outbound::Close);
        }
    }

    fn successful(&self, method: &str) -> Vec<Call> {
        self.calls_to(method).into_iter().filter(|c| c.status == 200 && c.error.is_none()).collect()
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

fn lock(state: &Shared) -> MutexGuard<'_, Inner> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

async fn poll_until<T>(mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let deadline = Instant::now() + PATIENCE;
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

fn describe(c: &Call) -> String {
    format!("{} -> {} {}", c.method, c.status, c.error.as_deref().unwrap_or("ok"))
}

// ---- Web API ----

/// An answer: 200 with a JSON body (`ok` or not), 429 with `Retry-After`, or a plain 500.
struct Reply {
    status: u16,
    retry_after: Option<u64>,
    body: Value,
}

impl Reply {
    fn json(body: Value) -> Reply {
        Reply { status: 200, retry_after: None, body }
    }

    fn failed(failure: Failure) -> Reply {
        match failure {
            Failure::RateLimited { retry_after_secs: secs } => {
                Reply { status: 429, retry_after: Some(secs), body: slack_error("ratelimited") }
            }
            Failure::ServerError | Failure::LostAnswer => {
                Reply { status: 500, retry_after: None, body: slack_error("server_error") }
            }
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).expect("a valid status");
        match self.retry_after {
            _ if self.status == 500 => (status, "fake Slack: injected server error").into_response(),
            Some(secs) => (status, [(header::RETRY_AFTER, secs.to_string())], Json(self.body)).into_response(),
            None => (status, Json(self.body)).into_response(),
        }
    }
}

async fn api(State(state): State<Shared>, Path(method): Path<String>, req: Request) -> Response {
    let token = bearer(req.headers());
    let params = read_params(req).await;
    let reply = lock(&state).answer(&method, params, token);
    reply.into_response()
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::to_owned)
}

/// A JSON body as is; a query string (GET) or form body as an object of strings.
async fn read_params(req: Request) -> Value {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if content_type.starts_with("application/json") {
        let body = axum::body::to_bytes(req.into_body(), usize::MAX).await.expect("read the request body");
        return serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
    }
    match Form::<BTreeMap<String, String>>::from_request(req, &()).await {
        Ok(Form(fields)) => json!(fields),
        Err(_) => json!({}),
    }
}

impl Inner {
    /// Answer one call and record it: a queued failure first, then the limits, then the method.
    fn answer(&mut self, method: &str, params: Value, token: Option<String>) -> Reply {
        let now = Instant::now();
        let reply = if let Some(failure) = self.failures.get_mut(method).and_then(VecDeque::pop_front) {
            if matches!(failure, Failure::LostAnswer) {
                self.dispatch(method, &params, token.as_deref());
            }
            Reply::failed(failure)
        } else if self.over_limit(method, &params, now) {
            self.violations += 1;
            Reply::failed(Failure::RateLimited { retry_after_secs: 1 })
        } else {
            Reply::json(self.dispatch(method, &params, token.as_deref()))
        };
        let error = reply.body["error"].as_str().map(str::to_owned);
        self.calls.push(Call { method: method.to_owned(), params, token, at: now, status: reply.status, error });
        reply
    }

    /// Whether `per_method_per_sec` calls of `method`, or `per_channel_per_sec` posts to this
    /// channel, were already answered within the last second.
    fn over_limit(&self, method: &str, params: &Value, now: Instant) -> bool {
        let window = Duration::from_secs(1) - JITTER;
        let recent: Vec<&Call> = self
            .calls
            .iter()
            .rev()
            .take_while(|c| now.duration_since(c.at) < window)
            .filter(|c| c.status == 200 && c.method == method)
            .collect();
        let over = |limit: Option<u32>, count: usize| limit.is_some_and(|n| count >= n as usize);
        if over(self.limits.per_method_per_sec, recent.len()) {
            return true;
        }
        let channel = channel_for(str_param(params, "channel"));
        let to_channel = recent.iter().filter(|c| channel_for(str_param(&c.params, "channel")) == channel).count();
        method == "chat.postMessage" && over(self.limits.per_channel_per_sec, to_channel)
    }

    /// Each method's answer. Without a bot token, any method but the two first is `not_authed`.
    fn dispatch(&mut self, method: &str, p: &Value, token: Option<&str>) -> Value {
        let has = |prefix: &str| token.is_some_and(|t| t.starts_with(prefix));
        match method {
            "oauth.v2.access" => {
                self.grants.remove(str_param(p, "code")).unwrap_or_else(|| slack_error("invalid_code"))
            }
            "apps.connections.open" if has("xapp-") => json!({"ok": true, "url": self.socket_url}),
            "apps.connections.open" => slack_error("invalid_auth"),
            _ if !has("xoxb-") => slack_error("not_authed"),
            "chat.postMessage" => self.post_message(p),
            "chat.update" => self.update_message(p),
            "chat.postEphemeral" => self.post_ephemeral(p),
            "conversations.history" => self.history(p),
            "views.open" | "views.publish" | "views.update" => self.record_view(method, p),
            "users.info" => match self.users.get(str_param(p, "user")) {
                Some(user) => json!({"ok": true, "user": user}),
                None => slack_error("user_not_found"),
            },
            "auth.test" => {
                let team = token.and_then(|t| self.token_teams.get(t)).map_or(TEAM, String::as_str);
                json!({"ok": true, "url": "https://fake.slack.test/", "team": "Fake", "user": "tandem",
                       "team_id": team, "user_id": BOT_USER, "bot_id": BOT_ID})
            }
            _ => slack_error("unknown_method"),
        }
    }

    /// Unique, increasing: 1767225600.000100, 1767225600.000200, ...
    fn next_ts(&mut self) -> String {
        self.ts_seq += 1;
        format!("{}.{:06}", 1_767_225_600 + self.ts_seq / 10_000, self.ts_seq % 10_000 * 100)
    }

    fn post_message(&mut self, p: &Value) -> Value {
        let channel = channel_for(str_param(p, "channel"));
        if channel.is_empty() {
            return slack_error("channel_not_found");
        }
        let ts = self.next_ts();
        let mut message = json!({
            "type": "message", "ts": ts, "channel": channel, "user": BOT_USER, "bot_id": BOT_ID, "app_id": APP_ID,
        });
        copy_fields(&mut message, p, &["text", "blocks", "thread_ts", "metadata"]);
        self.messages.entry(channel.clone()).or_default().push(message.clone());
        json!({"ok": true, "channel": channel, "ts": ts, "message": message})
    }

    /// Replaces the fields sent (text, blocks, metadata) and keeps the others, as Slack does.
    fn update_message(&mut self, p: &Value) -> Value {
        let channel = channel_for(str_param(p, "channel"));
        let ts = str_param(p, "ts").to_owned();
        let edited = json!({"user": BOT_USER, "ts": self.next_ts()});
        let found = self.messages.get_mut(&channel).and_then(|ms| ms.iter_mut().find(|m| m["ts"] == ts.as_str()));
        let Some(message) = found else {
            return slack_error("message_not_found");
        };
        copy_fields(message, p, &["text", "blocks", "metadata"]);
        message["edited"] = edited;
        json!({"ok": true, "channel": channel, "ts": ts, "text": message["text"], "message": message})
    }

    fn post_ephemeral(&mut self, p: &Value) -> Value {
        let ts = self.next_ts();
        let mut shown = json!({"channel": str_param(p, "channel"), "user": str_param(p, "user"), "message_ts": ts});
        copy_fields(&mut shown, p, &["text", "blocks", "thread_ts"]);
        self.ephemerals.push(shown);
        json!({"ok": true, "message_ts": ts})
    }

    /// Newest first, at most `limit` (default 100). Thread replies are left out, as Slack does
    /// (they are in `conversations.replies`).
    fn history(&self, p: &Value) -> Value {
        let all = self.messages.get(&channel_for(str_param(p, "channel"))).map(Vec::as_slice).unwrap_or_default();
        let top_level: Vec<&Value> =
            all.iter().rev().filter(|m| m.get("thread_ts").is_none_or(|t| *t == m["ts"])).collect();
        let limit = str_param(p, "limit").parse().unwrap_or(100);
        let has_more = top_level.len() > limit;
        let messages: Vec<&Value> = top_level.into_iter().take(limit).collect();
        json!({"ok": true, "messages": messages, "has_more": has_more})
    }

    /// views.open / views.publish / views.update: echo the view with the fields Slack adds.
    fn record_view(&mut self, method: &str, p: &Value) -> Value {
        let Some(view) = p.get("view").filter(|v| v.is_object()) else {
            return slack_error("invalid_arguments");
        };
        let given = p.get("view_id").and_then(Value::as_str).filter(|id| !id.is_empty());
        let id = given.map_or_else(|| format!("V{:09}", next_seq()), str::to_owned);
        let mut stateful = view.clone();
        let added = [
            ("id", json!(id)),
            ("team_id", json!(TEAM)),
            ("hash", json!(format!("1767225600.{id}"))),
            ("state", json!({"values": {}})),
            ("root_view_id", json!(id)),
            ("app_id", json!(APP_ID)),
            ("bot_id", json!(BOT_ID)),
        ];
        for (key, value) in added {
            stateful[key] = value;
        }
        let mut record = json!({"method": method, "view_id": id, "view": stateful});
        copy_fields(&mut record, p, &["user_id", "trigger_id", "external_id", "hash"]);
        self.views.push(record);
        json!({"ok": true, "view": stateful})
    }
}

fn slack_error(code: &str) -> Value {
    json!({"ok": false, "error": code})
}

fn str_param<'a>(params: &'a Value, key: &str) -> &'a str {
    params.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn copy_fields(to: &mut Value, from: &Value, keys: &[&str]) {
    for &key in keys {
        if let Some(value) = from.get(key) {
            to[key] = value.clone();
        }
    }
}

/// Posting to a user posts to the DM with them: `U123` → `D123`.
fn channel_for(channel_or_user: &str) -> String {
    match channel_or_user.strip_prefix('U') {
        Some(rest) => format!("D{rest}"),
        None => channel_or_user.to_owned(),
    }
}

fn user_json(id: &str, name: &str, real_name: &str, tz: &str, locale: &str) -> Value {
    let tz_offset = tz
        .parse::<chrono_tz::Tz>()
        .map_or(0, |z| chrono::Utc::now().with_timezone(&z).offset().fix().local_minus_utc());
    json!({
        "id": id, "team_id": TEAM, "name": name, "real_name": real_name, "tz": tz, "tz_offset": tz_offset,
        "locale": locale, "deleted": false, "is_bot": false, "is_app_user": false, "is_admin": false,
        "profile": {"display_name": name, "display_name_normalized": name, "real_name": real_name,
                    "real_name_normalized": real_name, "team": TEAM},
    })
}

// ---- Socket Mode ----

async fn accept_sockets(listener: TcpListener, state: Shared) {
    while let Ok((stream, _)) = listener.accept().await {
        tokio::spawn(serve_socket(stream, state.clone()));
    }
}

/// One client: hello, then frames from `socket_send` out and acks in, until either side closes.
async fn serve_socket(stream: TcpStream, state: Shared) {
    let Ok(mut ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (tx, mut rx) = unbounded_channel();
    let (id, connections) = {
        let mut s = lock(&state);
        s.client_seq += 1;
        let id = s.client_seq;
        s.clients.push(Client { id, tx });
        (id, s.clients.len())
    };
    if ws.send(Message::Text(hello(connections).into())).await.is_ok() {
        pump(&mut ws, &mut rx, &state).await;
    }
    lock(&state).clients.retain(|c| c.id != id);
}

async fn pump(ws: &mut WebSocketStream<TcpStream>, rx: &mut UnboundedReceiver<Outbound>, state: &Shared) {
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Text(text)) => {
                    if ws.send(Message::Text(text.into())).await.is_err() {
                        return;
                    }
                }
                Some(Outbound::Close) | None => {
                    let _ = ws.close(None).await;
                    return;
                }
            },
            // Reading also answers the client's pings (tungstenite queues the pongs).
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    if let Ok(ack) = serde_json::from_str::<Value>(text.as_str()) {
                        lock(state).acks.push(ack);
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

fn hello(connections: usize) -> String {
    json!({
        "type": "hello", "num_connections": connections,
        "debug_info": {"host": "fake", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": APP_ID},
    })
    .to_string()
}

// ---- Payloads Slack sends to the app ----

static SEQ: AtomicU64 = AtomicU64::new(1);

fn next_seq() -> u64 {
    SEQ.fetch_add(1, Ordering::Relaxed)
}

/// A fresh event timestamp, distinct from the ones the fake gives posted messages.
fn event_ts() -> String {
    format!("1767240000.{:06}", next_seq())
}

fn uuid() -> String {
    let h = format!("{:032x}", rand::random::<u128>());
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}

/// An Events API `event_callback` for a direct message from `user`.
pub fn message_im_event(team: &str, user: &str, dm_channel: &str, text: &str, event_id: &str) -> Value {
    let ts = event_ts();
    json!({
        "token": VERIFICATION_TOKEN, "team_id": team, "context_team_id": team, "context_enterprise_id": null,
        "api_app_id": APP_ID,
        "event": {"type": "message", "channel": dm_channel, "user": user, "text": text, "ts": ts,
                  "client_msg_id": uuid(), "team": team, "event_ts": ts, "channel_type": "im"},
        "type": "event_callback", "event_id": event_id, "event_time": 1_767_240_000,
        "authorizations": [{"enterprise_id": null, "team_id": team, "user_id": BOT_USER, "is_bot": true,
                            "is_enterprise_install": false}],
        "is_ext_shared_channel": false,
    })
}

/// The form fields of a `/tandem` slash command (urlencode them for HTTP; for Socket Mode,
/// the payload is the same fields as a JSON object of strings).
pub fn slash_command_form(
    team: &str,
    channel_id: &str,
    channel_name: &str,
    user: &str,
    user_name: &str,
    text: &str,
    trigger_id: &str,
) -> Vec<(String, String)> {
    let Value::Object(fields) = json!({
        "token": VERIFICATION_TOKEN, "team_id": team, "team_domain": "fake", "enterprise_id": "", "enterprise_name": "",
        "channel_id": channel_id, "channel_name": channel_name, "user_id": user, "user_name": user_name,
        "command": "/tandem", "text": text, "api_app_id": APP_ID, "is_enterprise_install": "false",
        "response_url": format!("https://hooks.slack.com/commands/{team}/{}/fake", next_seq()), "trigger_id": trigger_id,
    }) else {
        unreachable!("json! makes an object")
    };
    fields.into_iter().map(|(k, v)| (k, v.as_str().unwrap_or_default().to_owned())).collect()
}

/// A `block_actions` payload: `user` clicked the button `action_id` (with `value`) on a message.
pub fn block_actions(
    team: &str,
    user: &str,
    channel_id: &str,
    message_ts: &str,
    action_id: &str,
    value: &str,
    trigger_id: &str,
) -> Value {
    json!({
        "type": "block_actions", "user": {"id": user, "team_id": team}, "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id, "is_ephemeral": false},
        "trigger_id": trigger_id, "team": {"id": team, "domain": "fake"}, "enterprise": null,
        "is_enterprise_install": false, "channel": {"id": channel_id}, "state": {"values": {}},
        "response_url": format!("https://hooks.slack.com/actions/{team}/{}/fake", next_seq()),
        "actions": [{"type": "button", "action_id": action_id, "value": value, "action_ts": event_ts(),
                     "text": {"type": "plain_text", "text": value, "emoji": true}}],
    })
}

/// A `view_submission` of a modal whose `plain_text_input`s hold `values`
/// (`(block_id, action_id, value)`); the view id is fresh each time.
pub fn view_submission(
    team: &str,
    user: &str,
    callback_id: &str,
    private_metadata: &str,
    values: &[(&str, &str, &str)],
) -> Value {
    let id = format!("V{:09}", next_seq());
    let mut blocks = Vec::new();
    let mut state = serde_json::Map::new();
    for &(block_id, action_id, value) in values {
        blocks.push(json!({"type": "input", "block_id": block_id, "optional": false,
                           "label": {"type": "plain_text", "text": block_id},
                           "element": {"type": "plain_text_input", "action_id": action_id}}));
        let block = state.entry(block_id).or_insert_with(|| json!({}));
        block[action_id] = json!({"type": "plain_text_input", "value": value});
    }
    json!({
        "type": "view_submission", "team": {"id": team, "domain": "fake"}, "user": {"id": user, "team_id": team},
        "api_app_id": APP_ID, "token": VERIFICATION_TOKEN, "trigger_id": format!("{}.1234567890.fake", next_seq()),
        "view": {
            "id": id, "team_id": team, "type": "modal", "blocks": blocks, "private_metadata": private_metadata,
            "callback_id": callback_id, "state": {"values": state}, "hash": format!("1767240000.{id}"),
            "title": {"type": "plain_text", "text": "Tandem"}, "submit": {"type": "plain_text", "text": "Save"},
            "close": {"type": "plain_text", "text": "Cancel"}, "clear_on_close": false, "notify_on_close": false,
            "previous_view_id": null, "root_view_id": id, "app_id": APP_ID, "external_id": "",
            "app_installed_team_id": team, "bot_id": BOT_ID,
        },
        "response_urls": [], "is_enterprise_install": false, "enterprise": null,
    })
}

/// A Socket Mode envelope (`kind`: "events_api", "slash_commands" or "interactive") and its id.
pub fn socket_envelope(kind: &str, payload: Value, accepts_response_payload: bool) -> (String, Value) {
    let id = uuid();
    let mut envelope = json!({
        "envelope_id": id, "payload": payload, "type": kind, "accepts_response_payload": accepts_response_payload,
    });
    if kind == "events_api" {
        envelope["retry_attempt"] = json!(0);
        envelope["retry_reason"] = json!("");
    }
    (id, envelope)
}

/// The `X-Slack-Signature` of `body` sent at `timestamp`: `v0=` + hex HMAC-SHA256.
pub fn sign(secret: &str, timestamp: impl std::fmt::Display, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}
