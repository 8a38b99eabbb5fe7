//! The gateway: serenity's shard runners, feeding interactions and messages to the
//! `Receiver`. Run in the background: when Discord cannot be reached, HTTP and the other
//! platforms keep working while this retries with backoff.

use super::inbound::Receiver;
use super::{build_http, intents};
use serenity::all::{Context, EventHandler, Interaction, Message, Ready};
use serenity::async_trait;
use std::time::Duration;

/// The first wait after a failed connection, and the longest.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

struct Handler {
    rx: Receiver,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(user = ready.user.name, shard = ?ready.shard, guilds = ready.guilds.len(), "Discord gateway ready");
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let (id, token) = (interaction.id(), interaction.token().to_string());
        match self.rx.interaction(interaction).await {
            Ok(answer) => {
                if let Err(e) = ctx.http.create_interaction_response(id, &token, &answer, vec![]).await {
                    tracing::warn!(interaction = id.get(), error = %e, "could not acknowledge a Discord interaction");
                }
            }
            // Not stored, not acknowledged: Discord tells the person it failed.
            Err(e) => tracing::error!(
                interaction = id.get(),
                error = format!("{e:#}"),
                "could not store a Discord interaction"
            ),
        }
    }

    async fn message(&self, _ctx: Context, m: Message) {
        let id = m.id.get();
        if let Err(e) = self.rx.message(m).await {
            tracing::error!(message = id, error = format!("{e:#}"), "could not store a Discord message");
        }
    }
}

/// Keep this replica's shards connected until `shutdown`.
pub async fn run(rx: Receiver, shutdown: impl Future<Output = ()>) {
    tokio::pin!(shutdown);
    let mut backoff = FIRST_BACKOFF;
    loop {
        let attempt = connect(&rx, &mut shutdown);
        match attempt.await {
            Ok(Stop::Shutdown) => return,
            Ok(Stop::Ended) => backoff = FIRST_BACKOFF,
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), retry_in_s = backoff.as_secs(), "Discord gateway unreachable");
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

enum Stop {
    Shutdown,
    Ended,
}

async fn connect(rx: &Receiver, shutdown: &mut std::pin::Pin<&mut impl Future<Output = ()>>) -> anyhow::Result<Stop> {
    let config = &rx.discord.config;
    let http = build_http(config)?;
    // Serenity falls back to Discord's public gateway when this fails; through a proxy
    // that is the wrong place, so the URL must be known before starting.
    http.get_gateway().await.map_err(|e| anyhow::anyhow!("GET /gateway: {e}"))?;
    let mut client =
        serenity::all::ClientBuilder::new_with_http(http, intents()).event_handler(Handler { rx: rx.clone() }).await?;
    let manager = client.shard_manager.clone();
    let started = async {
        match config.shards() {
            // Serenity reads the range's end as the last shard, included.
            Some(s) => client.start_shard_range(s.first..s.last, s.total).await,
            None => client.start().await,
        }
    };
    tokio::select! {
        _ = shutdown.as_mut() => {
            manager.shutdown_all().await;
            Ok(Stop::Shutdown)
        }
        r = started => {
            r?;
            Ok(Stop::Ended)
        }
    }
}
