//! The fake Discord's REST API: each route's answer, with the state Discord would keep,
//! after any queued failure and within the limits set.

use super::objects::{application, bot_message, bot_self, dm_channel_for, guild, now, user};
use super::{APP_ID, FALLBACK_CHANNEL, FIRST_ID, GUILD, Inner, Shared, WINDOW};
use crate::fakes::{Call, Failure, lock};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

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

pub(super) async fn serve(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    if let Some(boundary) = content_type.strip_prefix("multipart/form-data; boundary=") {
        // A message with files: `payload_json` is the body, `files[n]` its attachments.
        let (payload, files) = super::files::parse(&body, boundary);
        let mut s = lock(&state);
        s.uploads = files;
        let reply = s.answer(method.as_str(), uri.path(), uri.query().unwrap_or_default(), payload, auth);
        s.uploads.clear();
        return reply.into_response();
    }
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()))
    };
    let (reply, latency) = {
        let mut s = lock(&state);
        (s.answer(method.as_str(), uri.path(), uri.query().unwrap_or_default(), body, auth), s.latency)
    };
    // Applied at once, answered after the latency, as a distant Discord does.
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
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
            Some(Failure::RateLimited { retry_after }) => Reply::rate_limited(retry_after),
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
        let status = reply.status.as_u16();
        let error = reply.body.as_ref().filter(|_| !reply.status.is_success()).and_then(|b| b["message"].as_str());
        let error = error.map(str::to_owned);
        let (method, path) = (method.to_owned(), path.to_owned());
        self.calls.push(Call { method, path, body, auth, at: Instant::now(), status, error });
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
            ("DELETE", ["channels", channel, "messages", id]) => self.delete_message(channel, id),
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
    pub(super) fn next_id(&mut self) -> String {
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

    pub(super) fn find_message(&self, channel: &str, id: &str) -> Option<&Value> {
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
        self.attach(&mut message, channel, p);
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
        let mut message = message.clone();
        // `attachments` in an edit lists what stays: the new files (or none).
        if p.get("attachments").is_some_and(Value::is_array) {
            message["attachments"] = json!([]);
            self.attach(&mut message, channel, p);
            if let Some(stored) = self.messages.get_mut(channel).and_then(|ms| ms.iter_mut().find(|m| m["id"] == id)) {
                stored["attachments"] = message["attachments"].clone();
            }
        }
        Reply::ok(message)
    }

    fn delete_message(&mut self, channel: &str, id: &str) -> Reply {
        let Some(messages) = self.messages.get_mut(channel) else { return unknown_message() };
        let before = messages.len();
        messages.retain(|m| m["id"] != id);
        if messages.len() == before {
            return unknown_message();
        }
        Reply::empty(StatusCode::NO_CONTENT)
    }

    /// Record the callback (204); a second one for the same interaction is a 400. An
    /// UPDATE_MESSAGE (type 7) edits the message the interaction came from.
    fn callback(&mut self, id: &str, p: &Value) -> Reply {
        if self.callbacks.contains_key(id) {
            return Reply::error(StatusCode::BAD_REQUEST, "Interaction has already been acknowledged.", 40060);
        }
        if p["type"] == 7
            && let Some((channel, message)) = self.interaction_messages.get(id).cloned()
            && let Some(stored) =
                self.messages.get_mut(&channel).and_then(|ms| ms.iter_mut().find(|m| m["id"] == message))
        {
            copy_fields(stored, &p["data"], EDITABLE);
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
