//! Discord: the gateway and the HTTP interactions endpoint in, messages, embeds,
//! buttons and modals out, through serenity.
//!
//! Interactions (from the gateway, or `POST /discord/interactions` once their Ed25519
//! signature checks out) and DM messages are stored in the inbox, acknowledged, and
//! handled afterwards (`inbound`): matched to a team, member and channel (`identity`),
//! turned into a platform-neutral `Inbound` (`/tandem` options become the web chat's
//! command line, `commands`), and given to the service. The outbox hands Discord-bound
//! effects to `send`, which renders them (`render`). Opening a modal and answering an
//! autocomplete are done before the acknowledgement: Discord wants them as the answer.

pub(crate) mod choices;
pub mod commands;
pub mod gateway;
pub mod http;
mod identity;
pub mod inbound;
pub mod receive;
mod render;
pub mod send;
pub mod verify;

use crate::config::DiscordConfig;
use crate::outbox::pace::Pacer;
use ed25519_dalek::VerifyingKey;
use serenity::all::{ApplicationId, GatewayIntents};
use serenity::http::{Http, HttpBuilder};
use std::sync::Arc;

/// The platform name in the store (identities, inbox, delivered message ids).
pub const PLATFORM: &str = "discord";

/// What the features need: guilds (commands in channels), guild messages (mentions of
/// the bot) and DMs (answers). Not the privileged message-content intent: Discord
/// gives the content of DMs and of messages that mention the bot without it.
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// Everything that talks to Discord: the REST client, the settings and the pacer.
#[derive(Clone)]
pub struct Discord {
    pub http: Arc<Http>,
    pub config: DiscordConfig,
    pub application_id: u64,
    /// Verifies `POST /discord/interactions`; the endpoint is off without it.
    pub public_key: Option<VerifyingKey>,
    pub pacer: Arc<Pacer>,
}

impl std::fmt::Debug for Discord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Discord").field("api_url", &self.config.api_url).finish_non_exhaustive()
    }
}

impl Discord {
    pub fn new(config: &DiscordConfig) -> anyhow::Result<Discord> {
        crate::secret::install_crypto_provider();
        let application_id =
            config.application_id.ok_or_else(|| anyhow::anyhow!("DISCORD_APPLICATION_ID is not set"))?;
        let public_key = match &config.public_key {
            Some(k) => {
                Some(verify::public_key(k).ok_or_else(|| anyhow::anyhow!("DISCORD_PUBLIC_KEY is not a hex key"))?)
            }
            None => None,
        };
        Ok(Discord {
            http: Arc::new(build_http(config)?),
            config: config.clone(),
            application_id,
            public_key,
            pacer: Arc::new(Pacer::new(config.messages_per_minute)),
        })
    }
}

/// A REST client. Straight to Discord it goes through serenity's rate limiter; through
/// `api_url` it cannot (serenity only honours a proxy with its limiter off), so the
/// proxy owns the limits and `send` waits out any 429 itself.
pub fn build_http(config: &DiscordConfig) -> anyhow::Result<Http> {
    let token = config.token.as_ref().ok_or_else(|| anyhow::anyhow!("DISCORD_TOKEN is not set"))?;
    let mut b = HttpBuilder::new(token.expose());
    if let Some(id) = config.application_id {
        b = b.application_id(ApplicationId::new(id));
    }
    if let Some(url) = &config.api_url {
        b = b.proxy(url.clone()).ratelimiter_disabled(true);
    }
    Ok(b.build())
}

/// What the bot needs in a server: view channels (1024), send messages (2048), embed
/// links (16384, reports are embeds) and read message history (65536, to edit them).
pub const INVITE_PERMISSIONS: u64 = 1024 | 2048 | 16384 | 65536;

/// The link that adds the bot and its `/tandem` command to a server.
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot+applications.commands&permissions={INVITE_PERMISSIONS}"
    )
}

/// `tandem discord register`: (re)define Tandem's commands (`/tandem`, `/standup`,
/// `/retro`…), on one server (at once, for testing) or globally. Returns the names of the
/// commands Discord now has.
pub async fn register(
    config: &DiscordConfig,
    renderer: &crate::render::Renderer,
    guild: Option<u64>,
) -> anyhow::Result<Vec<String>> {
    crate::secret::install_crypto_provider();
    let http = build_http(config)?;
    let definitions = commands::definitions(renderer);
    let registered = match guild {
        Some(g) => serenity::all::GuildId::new(g).set_commands(&http, definitions).await?,
        None => serenity::all::Command::set_global_commands(&http, definitions).await?,
    };
    Ok(registered.into_iter().map(|c| c.name).collect())
}
