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
use crate::secret::seal::Keyring;
use crate::store::platform::{Workspace, bot_token_row};
use slack_morphism::prelude::*;
use std::sync::Arc;

/// The platform name in the store (identities, inbox, delivered message ids).
pub const PLATFORM: &str = "slack";

pub type Client = SlackClient<SlackClientHyperHttpsConnector>;

/// Everything that talks to Slack: the client, the settings, the pacer and the keys that
/// seal and open the workspaces' stored bot tokens.
#[derive(Clone)]
pub struct Slack {
    pub client: Arc<Client>,
    pub config: SlackConfig,
    pub pacer: Arc<pace::Pacer>,
    pub keys: Arc<Keyring>,
}

impl std::fmt::Debug for Slack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slack").field("api_url", &self.config.api_url).finish_non_exhaustive()
    }
}

impl Slack {
    pub fn new(config: &SlackConfig, keys: Arc<Keyring>) -> Slack {
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
            keys,
        }
    }

    /// The bot token for a workspace: its own (OAuth install, opened with the keys) or the
    /// environment's; `None` when there is neither. A stored token that does not open
    /// (altered, or moved from another row) is an error.
    pub fn token_for(&self, ws: Option<&Workspace>) -> anyhow::Result<Option<SlackApiToken>> {
        let own = match ws.and_then(|w| w.bot_token.as_ref().map(|t| (w, t))) {
            Some((w, stored)) => Some(self.keys.open(stored.expose(), &bot_token_row(PLATFORM, &w.external_id))?),
            None => None,
        };
        let Some(value) = own.or_else(|| self.config.bot_token.clone()) else { return Ok(None) };
        let mut token = SlackApiToken::new(SlackApiTokenValue(value.expose().to_string()));
        if let Some(w) = ws {
            token = token.with_team_id(SlackTeamId(w.external_id.clone()));
        }
        Ok(Some(token))
    }
}
