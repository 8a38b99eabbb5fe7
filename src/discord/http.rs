//! `POST /discord/interactions`: Discord's HTTP way in, for replicas behind a load
//! balancer. Every request is verified before anything is read from it (401 otherwise:
//! Discord probes with bad signatures and drops endpoints that accept them); the
//! answer is the acknowledgement itself, sent as soon as the interaction is stored.

use super::inbound::Receiver;
use super::verify::{self, Refusal};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serenity::all::Interaction;

pub fn routes(rx: Receiver) -> Router {
    Router::new().route("/discord/interactions", post(interactions)).with_state(rx)
}

async fn interactions(State(rx): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(key) = &rx.discord.public_key else {
        return (StatusCode::NOT_FOUND, "the interactions endpoint is not enabled (DISCORD_PUBLIC_KEY)\n")
            .into_response();
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let now = rx.clock.now().timestamp();
    if let Err(refusal) =
        verify::verify(key, header("x-signature-timestamp"), header("x-signature-ed25519"), &body, now)
    {
        let why = match refusal {
            Refusal::MissingHeaders => "missing X-Signature-Ed25519 or X-Signature-Timestamp",
            Refusal::StaleTimestamp => "timestamp more than 5 minutes away",
            Refusal::BadSignature => "signature does not verify",
        };
        tracing::warn!(why, "refused a Discord request");
        return (StatusCode::UNAUTHORIZED, "invalid request signature\n").into_response();
    }
    let interaction = match serde_json::from_slice::<Interaction>(&body) {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "unreadable Discord interaction");
            return (StatusCode::BAD_REQUEST, "unreadable interaction\n").into_response();
        }
    };
    match rx.interaction(interaction).await {
        Ok(answer) => {
            // Serenity writes `"data": null` for a PONG or a silent acknowledgement;
            // Discord documents them as `{"type": N}`.
            let mut body = serde_json::to_value(&answer).unwrap_or_default();
            if let Some(fields) = body.as_object_mut()
                && fields.get("data").is_some_and(serde_json::Value::is_null)
            {
                fields.remove("data");
            }
            axum::Json(body).into_response()
        }
        Err(e) => {
            // Not stored: the person sees that it failed and can try again.
            tracing::error!(error = format!("{e:#}"), "could not store a Discord interaction");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
