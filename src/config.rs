//! Typed configuration, loaded once at start-up and passed down.
//!
//! Sources, later ones winning: defaults, `tandem.toml` (or the file `TANDEM_CONFIG`
//! names), then `TANDEM_*` environment variables. Every setting is documented in
//! `deploy/tandem.example.toml`.

mod discord;

use crate::secret::Secret;
use crate::secret::seal::Keyring;
use anyhow::Context;
pub use discord::{DiscordConfig, Shards};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address the HTTP server (web chat, health, platform endpoints) listens on.
    pub listen: SocketAddr,
    /// `sqlite://tandem.db` (default) or `postgres://user:password@host/db`.
    pub database_url: Secret,
    /// The URL people reach Tandem at, for links in messages.
    pub base_url: String,
    /// How late a fire missed during downtime may still run.
    pub grace_minutes: i64,
    /// This replica's name in leases; defaults to the host name and the working
    /// directory, so a restarted process takes back what its previous run held.
    pub instance: Option<String>,
    /// How long a claim of work (a delivery, a received event, a job) is held before
    /// another process may take it; renewed every third of it while the process lives.
    pub lease_seconds: i64,
    /// Seed a demo team on an empty database.
    pub demo: bool,
    /// How often the scheduler looks for due work, in milliseconds.
    pub tick_ms: u64,
    /// Stand-up answers and web chat messages older than this many months are deleted by
    /// housekeeping; unset (the default) keeps them.
    pub retention_months: Option<u32>,
    /// Slack: off unless a bot token or OAuth client is configured.
    pub slack: SlackConfig,
    /// Discord: off unless a bot token is configured.
    pub discord: DiscordConfig,
    /// Seals the secrets Tandem stores (Slack bot tokens from OAuth installs): 32 random
    /// bytes in base64 or hex (`tandem secret generate`). Without it no new one is stored.
    pub secret_key: Option<Secret>,
    /// Earlier keys, still read during a rotation (`tandem secret rotate`).
    pub secret_key_old: Vec<Secret>,
}

/// The Slack app's credentials and limits (`SLACK_*` and `TANDEM_SLACK_*` variables).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct SlackConfig {
    /// `xoxb-…`: a single-workspace deployment needs only this (and one of the two below).
    pub bot_token: Option<Secret>,
    /// `xapp-…`: Socket Mode, the default way in when set (no public URL needed).
    pub app_token: Option<Secret>,
    /// Verifies the Events API requests (`POST /slack/events`, `/commands`, `/interactions`).
    pub signing_secret: Option<Secret>,
    /// OAuth v2 install flow for several workspaces (`/slack/install`).
    pub client_id: Option<String>,
    pub client_secret: Option<Secret>,
    /// The Web API base URL (GovSlack, proxies, tests).
    pub api_url: String,
    /// Socket Mode connections kept open (Slack allows up to 10 per app).
    pub socket_connections: u32,
    /// Messages per minute to one workspace, all channels together; one channel gets at
    /// most one per second whatever this says.
    pub messages_per_minute: u32,
}

impl Default for SlackConfig {
    fn default() -> Self {
        SlackConfig {
            bot_token: None,
            app_token: None,
            signing_secret: None,
            client_id: None,
            client_secret: None,
            api_url: "https://slack.com/api".into(),
            socket_connections: 1,
            messages_per_minute: 300,
        }
    }
}

impl SlackConfig {
    /// Whether Tandem talks to Slack at all.
    pub fn enabled(&self) -> bool {
        self.bot_token.is_some() || (self.client_id.is_some() && self.client_secret.is_some())
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: Secret::new("sqlite://tandem.db"),
            base_url: String::new(),
            grace_minutes: 60,
            instance: None,
            lease_seconds: 30,
            demo: true,
            tick_ms: 1000,
            retention_months: None,
            slack: SlackConfig::default(),
            discord: DiscordConfig::default(),
            secret_key: None,
            secret_key_old: Vec::new(),
        }
    }
}

impl Config {
    /// This process's name in leases: the configured one, else the host name and the
    /// working directory (stable across restarts of the same deployment).
    pub fn instance_name(&self) -> String {
        self.instance.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .or_else(|| std::env::var("HOSTNAME").ok())
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "localhost".into());
            let dir = std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default();
            format!("{host}:{dir}")
        })
    }

    /// Load from the config file (if any) and the environment `vars`.
    pub fn load(vars: impl Fn(&str) -> Option<String>) -> anyhow::Result<Config> {
        let explicit = vars("TANDEM_CONFIG").map(PathBuf::from);
        let path = explicit.clone().unwrap_or_else(|| PathBuf::from("tandem.toml"));
        let mut config = if explicit.is_some() || Path::new(&path).exists() {
            let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
            toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
        } else {
            Config::default()
        };
        if let Some(v) = vars("TANDEM_LISTEN") {
            config.listen =
                v.parse().with_context(|| format!("TANDEM_LISTEN={v:?} is not an address like 127.0.0.1:8080"))?;
        }
        if let Some(v) = vars("TANDEM_DATABASE_URL") {
            config.database_url = Secret::new(v);
        }
        if let Some(v) = vars("TANDEM_BASE_URL") {
            config.base_url = v;
        }
        if let Some(v) = vars("TANDEM_GRACE_MINUTES") {
            config.grace_minutes =
                v.parse().with_context(|| format!("TANDEM_GRACE_MINUTES={v:?} is not a number of minutes"))?;
        }
        if let Some(v) = vars("TANDEM_INSTANCE") {
            config.instance = Some(v);
        }
        if let Some(v) = vars("TANDEM_LEASE_SECONDS") {
            config.lease_seconds = v.parse().ok().filter(|s| (3..=3600).contains(s)).with_context(|| {
                format!("TANDEM_LEASE_SECONDS={v:?} is not a number of seconds from 3 to 3600, like 30")
            })?;
        }
        if let Some(v) = vars("TANDEM_DEMO") {
            config.demo = !matches!(v.as_str(), "0" | "false" | "no" | "off");
        }
        if let Some(v) = vars("TANDEM_TICK_MS") {
            config.tick_ms = v.parse().with_context(|| format!("TANDEM_TICK_MS={v:?} is not a number"))?;
        }
        if let Some(v) = vars("TANDEM_RETENTION_MONTHS").filter(|v| !v.trim().is_empty()) {
            let months: u32 = v
                .trim()
                .parse()
                .with_context(|| format!("TANDEM_RETENTION_MONTHS={v:?} is not a number of months like 24"))?;
            config.retention_months = Some(months);
        }
        if config.retention_months == Some(0) {
            anyhow::bail!("retention_months must be at least 1 (leave it unset to keep everything)");
        }
        if let Some(v) = vars("TANDEM_SECRET_KEY").filter(|v| !v.is_empty()) {
            config.secret_key = Some(Secret::new(v));
        }
        if let Some(v) = vars("TANDEM_SECRET_KEY_OLD") {
            config.secret_key_old = v.split(',').filter(|k| !k.trim().is_empty()).map(Secret::new).collect();
        }
        config.keyring()?;
        load_slack(&mut config.slack, &vars)?;
        discord::load(&mut config.discord, &vars)?;
        if config.base_url.is_empty() {
            config.base_url = format!("http://{}", config.listen);
        }
        Ok(config)
    }

    /// The keys that seal and open stored secrets; a malformed key is refused by name.
    pub fn keyring(&self) -> anyhow::Result<Keyring> {
        Ok(Keyring::from_config(self.secret_key.as_ref(), &self.secret_key_old)?)
    }
}

fn load_slack(s: &mut SlackConfig, vars: &impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
    let secret = |k: &str| vars(k).filter(|v| !v.is_empty()).map(Secret::new);
    if let Some(v) = secret("SLACK_BOT_TOKEN") {
        s.bot_token = Some(v);
    }
    if let Some(v) = secret("SLACK_APP_TOKEN") {
        s.app_token = Some(v);
    }
    if let Some(v) = secret("SLACK_SIGNING_SECRET") {
        s.signing_secret = Some(v);
    }
    if let Some(v) = vars("SLACK_CLIENT_ID") {
        s.client_id = Some(v);
    }
    if let Some(v) = secret("SLACK_CLIENT_SECRET") {
        s.client_secret = Some(v);
    }
    if let Some(v) = vars("TANDEM_SLACK_API_URL") {
        s.api_url = v.trim_end_matches('/').to_string();
    }
    if let Some(v) = vars("TANDEM_SLACK_SOCKET_CONNECTIONS") {
        s.socket_connections =
            v.parse().with_context(|| format!("TANDEM_SLACK_SOCKET_CONNECTIONS={v:?} is not a number like 2"))?;
    }
    if let Some(v) = vars("TANDEM_SLACK_MESSAGES_PER_MINUTE") {
        s.messages_per_minute =
            v.parse().with_context(|| format!("TANDEM_SLACK_MESSAGES_PER_MINUTE={v:?} is not a number like 300"))?;
    }
    if let Some(t) = &s.app_token
        && !t.expose().starts_with("xapp-")
    {
        anyhow::bail!("SLACK_APP_TOKEN must be an app-level token (xapp-…), with the connections:write scope");
    }
    if s.messages_per_minute == 0 || !(1..=10).contains(&s.socket_connections) {
        anyhow::bail!("Slack: messages_per_minute must be at least 1 and socket_connections between 1 and 10");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_environment_overrides_the_defaults_and_the_password_stays_hidden() {
        let c = Config::load(|k| match k {
            "TANDEM_CONFIG" => None,
            "TANDEM_LISTEN" => Some("0.0.0.0:9000".into()),
            "TANDEM_DATABASE_URL" => Some("postgres://t:hunter2@db/t".into()),
            _ => None,
        })
        .expect("loads");
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.base_url, "http://0.0.0.0:9000");
        assert!(!format!("{c:?}").contains("hunter2"));
    }

    #[test]
    fn the_example_configuration_is_valid_and_matches_the_defaults() {
        let example: Config = toml::from_str(include_str!("../deploy/tandem.example.toml")).expect("example parses");
        let defaults = Config::default();
        assert_eq!(example.listen, defaults.listen);
        assert_eq!(example.database_url, defaults.database_url);
        assert_eq!(example.grace_minutes, defaults.grace_minutes);
        assert_eq!((example.demo, example.tick_ms), (defaults.demo, defaults.tick_ms));
        assert_eq!(example.lease_seconds, defaults.lease_seconds);
        assert_eq!(example.retention_months, defaults.retention_months);
        assert_eq!(example.slack, defaults.slack);
        assert_eq!(example.discord, defaults.discord);
        assert_eq!((&example.secret_key, &example.secret_key_old), (&defaults.secret_key, &defaults.secret_key_old));
    }

    #[test]
    fn a_malformed_secret_key_is_refused_by_name_without_showing_it() {
        let e = Config::load(|k| (k == "TANDEM_SECRET_KEY").then(|| "hunter2hunter2".into())).expect_err("refused");
        let text = format!("{e:#}");
        assert!(text.contains("TANDEM_SECRET_KEY must be 32 bytes"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
        let key = crate::secret::seal::Key::generate();
        let c = Config::load(|k| (k == "TANDEM_SECRET_KEY_OLD").then(|| format!("{key},{key}"))).expect("loads");
        assert_eq!(c.secret_key_old.len(), 2);
        assert!(!format!("{c:?}").contains(&key));
    }

    #[test]
    fn retention_is_unset_by_default_and_read_from_the_environment() {
        assert_eq!(Config::load(|_| None).expect("defaults").retention_months, None);
        let c = Config::load(|k| (k == "TANDEM_RETENTION_MONTHS").then(|| "24".into())).expect("loads");
        assert_eq!(c.retention_months, Some(24));
        let e = Config::load(|k| (k == "TANDEM_RETENTION_MONTHS").then(|| "two years".into())).expect_err("refused");
        assert!(format!("{e:#}").contains("number of months"));
    }

    #[test]
    fn a_bad_listen_address_says_what_is_expected() {
        let e = Config::load(|k| (k == "TANDEM_LISTEN").then(|| "localhost".into())).expect_err("refused");
        assert!(format!("{e:#}").contains("127.0.0.1:8080"));
    }
}
