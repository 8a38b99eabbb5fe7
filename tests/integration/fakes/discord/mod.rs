//! A fake Discord: the REST API over plain HTTP (`rest`) and the gateway over plain
//! WebSocket (`gateway`), on two listeners on 127.0.0.1.
//!
//! Point serenity at it with `HttpBuilder::new(token).proxy(fake.api_url())` and
//! `.ratelimiter_disabled(true)` (serenity 0.12.5 ignores the proxy while its rate limiter is on);
//! REST paths then arrive as `/api/v10/...`, and `GET /gateway` sends the client to the fake
//! gateway. Every REST call is recorded (`calls`), with the state Discord would keep: messages
//! per channel (after edits), DM channels, interaction callbacks, original responses, followups
//! and command lists (`objects` are the JSON shapes it answers with). Tests can queue failures
//! (`fail_next`), enforce a per-channel and a global limit (`set_channel_limit`,
//! `set_global_limit`, `violations`), push gateway events (`dispatch`) and drop sessions
//! (`disconnect_all`). `payloads` builds what Discord sends to a bot, shaped like the fixtures
//! in `shared/fixtures/discord/`, and `sign` signs an HTTP interaction body.

// The Discord tests use these helpers a few at a time.
#![allow(dead_code)]

mod files;
mod gateway;
mod objects;
mod payloads;
mod rest;

pub use objects::{dm_channel_for, user};
pub use payloads::{
    autocomplete_interaction, button_interaction, channel_button_interaction, command_interaction, dm_message,
    guild_message, modal_submit_interaction, sign,
};

use super::{Call, Failure, Outbound, PATIENCE, lock, poll_until};
use axum::Router;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

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
/// The channel limit counts the posts of the last second, less this much for network jitter: a
/// client that paces exactly at the limit must not be flagged.
const WINDOW: Duration = Duration::from_millis(950);

type Shared = Arc<Mutex<Inner>>;

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
    /// The files of the request being answered: `(file name, content type, bytes)`.
    uploads: Vec<(String, String, Vec<u8>)>,
    /// Attachment id → its bytes.
    attachment_bytes: HashMap<String, Vec<u8>>,
    /// Interaction id → the (channel, message) it came from, for UPDATE_MESSAGE answers.
    interaction_messages: HashMap<String, (String, String)>,
    ws_url: String,
    gateway_down: bool,
    sessions: Vec<Session>,
    session_seq: u64,
    identifies: Vec<Value>,
    heartbeats: usize,
    resumes: usize,
    /// How long each REST answer (but one with files) takes to come back.
    latency: Duration,
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
        let router = Router::new().fallback(rest::serve).with_state(state.clone());
        let tasks = vec![
            tokio::spawn(async move { axum::serve(http, router).await.expect("the fake Discord API serves") }),
            tokio::spawn(gateway::accept(gateway, state.clone())),
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

    /// The bytes of an attachment of a message the bot posted, by attachment id.
    pub fn attachment_bytes(&self, attachment_id: &str) -> Option<Vec<u8>> {
        lock(&self.state).attachment_bytes.get(attachment_id).cloned()
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

    /// Answer every REST call (but those with files) `latency` after applying it.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state).latency = latency;
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
            let _ = session.tx.send(Outbound::Close(Some(RECONNECTABLE)));
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
