//! The Discord bot's credentials and limits (`DISCORD_*` and `TANDEM_DISCORD_*` variables).

use crate::secret::Secret;
use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// The bot token (Developer Portal → Bot). Discord is off without it.
    pub token: Option<Secret>,
    /// The application id (Developer Portal → General Information).
    pub application_id: Option<u64>,
    /// Hex public key: enables `POST /discord/interactions` (Ed25519-verified).
    pub public_key: Option<String>,
    /// REST base through a proxy (or a test fake), e.g. `http://127.0.0.1:3000`. Requests
    /// then skip serenity's rate limiter: the proxy is in charge of Discord's limits.
    pub api_url: Option<String>,
    /// The gateway shards this replica runs, `i/N` or `a-b/N`; one shard (0 of 1) when unset.
    pub shards: Option<String>,
    /// Messages per minute from the bot, all channels together (Discord allows 50 requests
    /// a second); each channel also gets at most one per second.
    pub messages_per_minute: u32,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: None,
            application_id: None,
            public_key: None,
            api_url: None,
            shards: None,
            messages_per_minute: 2400,
        }
    }
}

/// Gateway shards `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shards {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl Shards {
    /// `2/4` (shard 2 of 4) or `0-1/4` (shards 0 and 1 of 4).
    pub fn parse(s: &str) -> Option<Shards> {
        let (range, total) = s.trim().split_once('/')?;
        let total: u32 = total.trim().parse().ok()?;
        let (first, last) = match range.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let i = range.trim().parse().ok()?;
                (i, i)
            }
        };
        (first <= last && last < total).then_some(Shards { first, last, total })
    }
}

impl DiscordConfig {
    /// Whether Tandem talks to Discord at all.
    pub fn enabled(&self) -> bool {
        self.token.is_some()
    }

    pub fn shards(&self) -> Option<Shards> {
        self.shards.as_deref().and_then(Shards::parse)
    }
}

pub fn load(d: &mut DiscordConfig, vars: &impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
    let value = |k: &str| vars(k).filter(|v| !v.trim().is_empty());
    if let Some(v) = value("DISCORD_TOKEN") {
        d.token = Some(Secret::new(v));
    }
    if let Some(v) = value("DISCORD_APPLICATION_ID") {
        d.application_id =
            Some(v.trim().parse().with_context(|| {
                format!("DISCORD_APPLICATION_ID={v:?} is not a Discord id like 1300000000000000001")
            })?);
    }
    if let Some(v) = value("DISCORD_PUBLIC_KEY") {
        d.public_key = Some(v.trim().to_string());
    }
    if let Some(v) = value("TANDEM_DISCORD_API_URL") {
        d.api_url = Some(v.trim().trim_end_matches('/').to_string());
    }
    if let Some(v) = value("TANDEM_DISCORD_SHARDS") {
        d.shards = Some(v);
    }
    if let Some(v) = value("TANDEM_DISCORD_MESSAGES_PER_MINUTE") {
        d.messages_per_minute =
            v.parse().with_context(|| format!("TANDEM_DISCORD_MESSAGES_PER_MINUTE={v:?} is not a number like 2400"))?;
    }
    if let Some(s) = &d.shards
        && Shards::parse(s).is_none()
    {
        anyhow::bail!("TANDEM_DISCORD_SHARDS={s:?} is not a share of shards like 0/2 (shard 0 of 2) or 0-3/8");
    }
    if let Some(k) = &d.public_key
        && crate::discord::verify::public_key(k).is_none()
    {
        anyhow::bail!("DISCORD_PUBLIC_KEY is not a 64-character hex key (Developer Portal → General Information)");
    }
    if d.application_id == Some(0) {
        anyhow::bail!("DISCORD_APPLICATION_ID cannot be 0 (Developer Portal → General Information)");
    }
    if d.token.is_some() && d.application_id.is_none() {
        anyhow::bail!("DISCORD_APPLICATION_ID is needed with DISCORD_TOKEN (Developer Portal → General Information)");
    }
    if d.messages_per_minute == 0 {
        anyhow::bail!("Discord: messages_per_minute must be at least 1");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_share_of_shards_is_read_and_nonsense_is_refused() {
        assert_eq!(Shards::parse("1/4"), Some(Shards { first: 1, last: 1, total: 4 }));
        assert_eq!(Shards::parse("0-3/8"), Some(Shards { first: 0, last: 3, total: 8 }));
        for bad in ["4/4", "3-1/4", "x/2", "1", "0/0"] {
            assert_eq!(Shards::parse(bad), None, "{bad}");
        }
        let e = load(&mut DiscordConfig::default(), &|k: &str| (k == "TANDEM_DISCORD_SHARDS").then(|| "2/2".into()))
            .expect_err("refused");
        assert!(format!("{e:#}").contains("0/2"), "{e:#}");
    }

    #[test]
    fn a_token_needs_its_application_id() {
        let e = load(&mut DiscordConfig::default(), &|k: &str| (k == "DISCORD_TOKEN").then(|| "t".into()))
            .expect_err("refused");
        assert!(format!("{e:#}").contains("DISCORD_APPLICATION_ID"));
    }
}
