//! Slack: Socket Mode and the Events API in, Block Kit out, through slack-morphism.
//!
//! Events are verified (HTTP) or arrive on a pre-authenticated socket, are stored in the
//! inbox, acknowledged, and handled afterwards (`inbound`): matched to a team, member and
//! channel (`identity`), turned into a platform-neutral `Inbound`, and given to the
//! service. The outbox hands Slack-bound effects to `send`, which renders Block Kit
//! (`blocks`) and paces calls (`outbox::pace`). Opening a modal is the one thing done before the
//! acknowledgement: Slack's `trigger_id` lasts three seconds.

pub mod blocks;
pub mod http;
mod identity;
pub mod inbound;
mod oauth;
pub mod receive;
pub mod send;
pub mod socket;
pub mod verify;

use crate::config::SlackConfig;
use crate::outbox::pace;
use crate::store::platform::Workspace;
use slack_morphism::prelude::*;
use std::sync::Arc;

/// The platform name in the store (identities, inbox, delivered message ids).
pub const PLATFORM: &str = "slack";

pub type Client = SlackClient<SlackClientHyperHttpsConnector>;

/// Everything that talks to Slack: the client, the settings and the pacer.
#[derive(Clone)]
pub struct Slack {
    pub client: Arc<Client>,
    pub config: SlackConfig,
    pub pacer: Arc<pace::Pacer>,
}

impl std::fmt::Debug for Slack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slack").field("api_url", &self.config.api_url).finish_non_exhaustive()
    }
}

impl Slack {
    pub fn new(config: &SlackConfig) -> Slack {
        crate::secret::install_crypto_provider();
        // `https_or_http`: the API URL may be a plain-HTTP proxy or a local fake.
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_webpki_roots()
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .build();
        let connector = SlackClientHyperConnector::with_connector(https).with_slack_api_url(&config.api_url);
        Slack {
            client: Arc::new(SlackClient::new(connector)),
            config: config.clone(),
            pacer: Arc::new(pace::Pacer::new(config.messages_per_minute)),
        }
    }

    /// The bot token for a workspace: its own (OAuth install) or the environment's.
    pub fn token_for(&self, ws: Option<&Workspace>) -> Option<SlackApiToken> {
        let value = ws
            .and_then(|w| w.bot_token.clone())
            .or_else(|| self.config.bot_token.as_ref().map(|s| s.expose().to_string()))?;
        let mut token = SlackApiToken::new(SlackApiTokenValue(value));
        if let Some(w) = ws {
            token = token.with_team_id(SlackTeamId(w.external_id.clone()));
        }
        Some(token)
    }
}
