//! The fake Slack's Web API: each method's answer, with the state Slack would keep, after
//! any queued failure and within the limits set.

use super::payloads::next_seq;
use super::{APP_ID, BOT_ID, BOT_USER, Inner, JITTER, Shared, TEAM};
use crate::fakes::{Call, Failure, lock};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::Offset;
use serde_json::{Value, json};
use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

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
            Failure::RateLimited { retry_after } => {
                let secs = retry_after.as_secs_f64().ceil() as u64;
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

pub(super) async fn api(State(state): State<Shared>, Path(method): Path<String>, req: Request) -> Response {
    let token = bearer(req.headers());
    let params = read_params(req).await;
    let (reply, latency) = {
        let mut s = lock(&state);
        (s.answer(&method, params, token), s.latency)
    };
    // Applied at once, answered after the latency: a client that dies meanwhile never
    // learns that its call went through.
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
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
            Reply::failed(Failure::RateLimited { retry_after: Duration::from_secs(1) })
        } else {
            Reply::json(self.dispatch(method, &params, token.as_deref()))
        };
        let error = reply.body["error"].as_str().map(str::to_owned);
        let path = format!("/api/{method}");
        let call =
            Call { method: method.to_owned(), path, body: params, auth: token, at: now, status: reply.status, error };
        self.calls.push(call);
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
        let to_channel = recent.iter().filter(|c| channel_for(str_param(&c.body, "channel")) == channel).count();
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
            "chat.delete" => self.delete_message(p),
            "files.getUploadURLExternal" => self.upload_url(p),
            "files.completeUploadExternal" => self.complete_upload(p),
            "chat.postEphemeral" => self.post_ephemeral(p),
            "conversations.history" => self.history(p),
            "conversations.open" => open_dm(p),
            "conversations.replies" => self.replies(p),
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

    fn delete_message(&mut self, p: &Value) -> Value {
        let channel = channel_for(str_param(p, "channel"));
        let ts = str_param(p, "ts");
        let Some(messages) = self.messages.get_mut(&channel) else { return slack_error("message_not_found") };
        let before = messages.len();
        messages.retain(|m| m["ts"] != ts);
        if messages.len() == before {
            return slack_error("message_not_found");
        }
        json!({"ok": true, "channel": channel, "ts": ts})
    }

    /// A file id and where to send its bytes (this fake's `/upload/{id}`).
    fn upload_url(&mut self, p: &Value) -> Value {
        let id = format!("F{:09}", next_seq());
        let length: usize = str_param(p, "length").parse().unwrap_or_default();
        self.files.insert(
            id.clone(),
            super::File { name: str_param(p, "filename").to_owned(), length, ..Default::default() },
        );
        json!({"ok": true, "upload_url": format!("{}/{id}", self.upload_base), "file_id": id})
    }

    /// Files whose bytes arrived, with the length announced, are complete.
    fn complete_upload(&mut self, p: &Value) -> Value {
        let mut done = Vec::new();
        for f in p["files"].as_array().cloned().unwrap_or_default() {
            let id = f["id"].as_str().unwrap_or_default();
            let Some(file) =
                self.files.get_mut(id).filter(|file| file.bytes.as_ref().is_some_and(|b| b.len() == file.length))
            else {
                return slack_error("file_upload_not_found");
            };
            file.completed = true;
            done.push(json!({"id": id, "name": file.name, "title": f["title"]}));
        }
        json!({"ok": true, "files": done})
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

    /// A thread, oldest first: its parent and every reply.
    fn replies(&self, p: &Value) -> Value {
        let all = self.messages.get(&channel_for(str_param(p, "channel"))).map(Vec::as_slice).unwrap_or_default();
        let ts = str_param(p, "ts");
        let thread: Vec<&Value> = all.iter().filter(|m| m["ts"] == ts || m["thread_ts"] == ts).collect();
        json!({"ok": true, "messages": thread, "has_more": false})
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

/// The DM with one user (`users` a JSON list or a comma-separated string): `U123` → `D123`.
fn open_dm(p: &Value) -> Value {
    let users: Vec<String> = match &p["users"] {
        Value::Array(list) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        Value::String(s) => s.split(',').map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    match users.as_slice() {
        [user] if user.starts_with('U') => json!({"ok": true, "channel": {"id": channel_for(user)}}),
        _ => slack_error("users_list_not_supplied"),
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
pub(super) fn channel_for(channel_or_user: &str) -> String {
    match channel_or_user.strip_prefix('U') {
        Some(rest) => format!("D{rest}"),
        None => channel_or_user.to_owned(),
    }
}

pub(super) fn user_json(id: &str, name: &str, real_name: &str, tz: &str, locale: &str) -> Value {
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
