//! The Events API over HTTP: `POST /slack/events`, `/slack/commands`, `/slack/interactions`.
//! Every request is verified before anything is read from it; the answer is sent as soon
//! as the event is stored (well within Slack's three seconds), and handled afterwards.

use super::inbound::{Receiver, SlackEvent};
use super::verify::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use slack_morphism::prelude::*;

pub fn routes(rx: Receiver) -> Router {
    let oauth = super::oauth::routes(rx.clone());
    Router::new()
        .route("/slack/events", post(events))
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .with_state(rx)
        .merge(oauth)
}

/// 401 for anything that does not verify; nothing is read from it.
fn check(rx: &Receiver, headers: &HeaderMap, body: &[u8]) -> Result<(), Box<Response>> {
    let Some(secret) = &rx.slack.config.signing_secret else {
        let r = (StatusCode::NOT_FOUND, "the Events API is not enabled (SLACK_SIGNING_SECRET)\n").into_response();
        return Err(Box::new(r));
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = rx.clock.now().timestamp();
    match verify::verify(secret.expose(), header("x-slack-request-timestamp"), header("x-slack-signature"), body, now) {
        Ok(()) => Ok(()),
        Err(refusal) => {
            let why = match refusal {
                Refusal::MissingHeaders => "missing X-Slack-Signature or X-Slack-Request-Timestamp",
                Refusal::StaleTimestamp => "timestamp more than 5 minutes away",
                Refusal::BadSignature => "signature does not match",
            };
            tracing::warn!(why, "refused a Slack request");
            Err(Box::new((StatusCode::UNAUTHORIZED, "invalid request signature\n").into_response()))
        }
    }
}

async fn take(rx: &Receiver, headers: &HeaderMap, ev: SlackEvent) -> Response {
    if let Some(n) = headers.get("x-slack-retry-num").and_then(|v| v.to_str().ok()) {
        tracing::debug!(retry = n, "Slack retried a request");
    }
    match rx.receive(ev).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => {
            // Not stored: a 500 makes Slack retry it.
            tracing::error!(error = format!("{e:#}"), "could not store a Slack event");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn bad(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::warn!(error = %e, "unreadable Slack {what}");
    (StatusCode::BAD_REQUEST, format!("unreadable {what}\n")).into_response()
}

async fn events(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check(&rx, &headers, &body) {
        return *r;
    }
    match read_event(&body) {
        Ok(SlackPushEvent::UrlVerification(v)) => {
            axum::Json(serde_json::json!({ "challenge": v.challenge })).into_response()
        }
        Ok(SlackPushEvent::EventCallback(cb)) => take(&rx, &headers, SlackEvent::Push(cb)).await,
        Ok(SlackPushEvent::AppRateLimited(e)) => {
            tracing::warn!(team = e.team_id, "Slack is dropping events for this workspace (app_rate_limited)");
            StatusCode::OK.into_response()
        }
        Err(e) => bad("event", e),
    }
}

async fn commands(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check(&rx, &headers, &body) {
        return *r;
    }
    match read_command(&body) {
        Ok(cmd) => take(&rx, &headers, SlackEvent::Command(cmd)).await,
        Err(e) => bad("command", e),
    }
}

#[derive(serde::Deserialize)]
struct InteractionForm {
    payload: String,
}

/// An Events API body (`/slack/events`): JSON.
pub(crate) fn read_event(body: &[u8]) -> serde_json::Result<SlackPushEvent> {
    serde_json::from_slice(body)
}

/// A slash command's body (`/slack/commands`): a form.
pub(crate) fn read_command(body: &[u8]) -> Result<SlackCommandEvent, serde_urlencoded::de::Error> {
    serde_urlencoded::from_bytes(body)
}

/// An interaction's body (`/slack/interactions`): a form whose `payload` is JSON.
pub(crate) fn read_interaction(body: &[u8]) -> Result<SlackInteractionEvent, String> {
    serde_urlencoded::from_bytes::<InteractionForm>(body)
        .map_err(|e| e.to_string())
        .and_then(|f| serde_json::from_str::<SlackInteractionEvent>(&f.payload).map_err(|e| e.to_string()))
}

async fn interactions(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = check(&rx, &headers, &body) {
        return *r;
    }
    match read_interaction(&body) {
        Ok(ev) => take(&rx, &headers, SlackEvent::Interaction(ev)).await,
        Err(e) => bad("interaction", e),
    }
}
