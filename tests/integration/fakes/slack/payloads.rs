//! What Slack sends to an app, shaped like the fixtures in `shared/fixtures/slack/`:
//! events, slash commands, clicks, modal submissions, Socket Mode envelopes, and the
//! signature of an Events API request.

use super::{APP_ID, BOT_ID, BOT_USER, VERIFICATION_TOKEN};
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::atomic::{AtomicU64, Ordering};

static SEQ: AtomicU64 = AtomicU64::new(1);

pub(super) fn next_seq() -> u64 {
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
