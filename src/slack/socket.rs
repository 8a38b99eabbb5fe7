//! Socket Mode: slack-morphism keeps the websocket(s) open, reconnects, and acknowledges
//! each envelope once our callback returns — after the event is stored.

use super::inbound::{Receiver, SlackEvent};
use slack_morphism::prelude::*;
use std::sync::Arc;

type HttpsClient = SlackClient<SlackClientHyperHttpsConnector>;

/// Connect with the app token and keep listening until `shutdown` resolves. If Slack is
/// unreachable, HTTP and the other platforms keep working and this retries with backoff.
pub async fn run(rx: Receiver, app_token: String, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let env = Arc::new(
        SlackClientEventsListenerEnvironment::new(rx.slack.client.clone())
            .with_error_handler(on_error)
            .with_user_state(rx.clone()),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command)
        .with_interaction_events(on_interaction)
        .with_push_events(on_push);
    let config = SlackClientSocketModeConfig::new()
        .with_max_connections_count(rx.slack.config.socket_connections)
        .with_initial_backoff_in_seconds(1);
    let listener = SlackClientSocketModeListener::new(&config, env, callbacks);
    let token = SlackApiToken::new(SlackApiTokenValue(app_token));
    let mut backoff = std::time::Duration::from_secs(1);
    loop {
        match listener.listen_for(&token).await {
            Ok(()) => break,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_s = backoff.as_secs(), "Slack Socket Mode: cannot connect yet");
                tokio::select! {
                    _ = &mut shutdown => return,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(std::time::Duration::from_secs(60));
            }
        }
    }
    listener.start().await;
    tracing::info!(connections = rx.slack.config.socket_connections, "Slack Socket Mode connected");
    shutdown.await;
    listener.shutdown().await;
}

async fn receiver(state: &SlackClientEventsUserState) -> Option<Receiver> {
    state.read().await.get_user_state::<Receiver>().cloned()
}

async fn take(state: SlackClientEventsUserState, ev: SlackEvent) -> UserCallbackResult<()> {
    let rx = receiver(&state).await.ok_or("Slack receiver missing from the listener state")?;
    rx.receive(ev).await.map_err(|e| e.into())
}

async fn on_push(
    ev: SlackPushEventCallback,
    _: Arc<HttpsClient>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    take(state, SlackEvent::Push(ev)).await
}

async fn on_interaction(
    ev: SlackInteractionEvent,
    _: Arc<HttpsClient>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    take(state, SlackEvent::Interaction(ev)).await
}

async fn on_command(
    ev: SlackCommandEvent,
    _: Arc<HttpsClient>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    take(state, SlackEvent::Command(ev)).await?;
    // The answer comes as its own (ephemeral) message: the acknowledgement says nothing.
    Ok(SlackCommandEventResponse::new(SlackMessageContent::new()))
}

/// Not stored: no acknowledgement, so Slack sends the envelope again.
fn on_error(
    e: Box<dyn std::error::Error + Send + Sync>,
    _: Arc<HttpsClient>,
    _: SlackClientEventsUserState,
) -> HttpStatusCode {
    tracing::error!(error = %e, "Slack Socket Mode event not stored; Slack will resend it");
    HttpStatusCode::INTERNAL_SERVER_ERROR
}
