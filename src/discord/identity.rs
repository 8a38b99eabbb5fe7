//! Discord identities: a guild is a team, a Discord user a member, a channel a team
//! channel (the shared rules are in `service::identity`). A newcomer's name comes from
//! the event itself; their language, and a time zone to start with, from the locale of
//! their Discord client, until they choose their own with `/tandem me`.

use super::{Discord, PLATFORM};
use crate::core::Locale;
use crate::service::Service;
use crate::service::identity::{self, Profile};
use crate::store::Conn;
use crate::store::platform::{self, Workspace};
use chrono::{DateTime, Utc};
use serenity::all::{GuildId, User};

/// A usual time zone for a Discord client locale; `None` where one language spans many
/// zones (English, Spanish…) and the team's zone is the better guess.
pub fn zone_for_locale(locale: &str) -> Option<&'static str> {
    Some(match locale {
        "fr" => "Europe/Paris",
        "en-GB" => "Europe/London",
        "de" => "Europe/Berlin",
        "it" => "Europe/Rome",
        "nl" => "Europe/Amsterdam",
        "pl" => "Europe/Warsaw",
        "es-ES" => "Europe/Madrid",
        "pt-BR" => "America/Sao_Paulo",
        "sv-SE" => "Europe/Stockholm",
        "ja" => "Asia/Tokyo",
        "ko" => "Asia/Seoul",
        _ => return None,
    })
}

/// The team of guild `guild`, created (and bound) on first contact, named after it.
pub async fn team_for(d: &Discord, svc: &Service, guild: GuildId, now: DateTime<Utc>) -> anyhow::Result<Workspace> {
    let external = guild.get().to_string();
    {
        let mut c = svc.store.pool.acquire().await?;
        if let Some(ws) = platform::workspace(&mut c, PLATFORM, &external).await? {
            return Ok(ws);
        }
    }
    let name = match d.http.get_guild(guild).await {
        Ok(g) => Some(g.name),
        Err(e) => {
            tracing::warn!(guild = external, error = %e, "could not read the server's name; the team is named by its id");
            None
        }
    };
    identity::team_for(&svc.store, PLATFORM, &external, name.as_deref(), now).await
}

/// The member for Discord user `user` in the team, created on first contact; the
/// client's `locale` (interactions carry it) keeps their language and zone current
/// until they choose their own.
pub async fn member_for(
    svc: &Service,
    ws: &Workspace,
    user: &User,
    locale: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let id = user.id.get().to_string();
    let lang = locale.and_then(Locale::parse);
    let zone = locale.and_then(zone_for_locale);
    if let Some(member) = identity::known_member(&svc.store, PLATFORM, ws.team_id, &id).await? {
        if let Some(lang) = lang {
            svc.adopt_client_prefs(member, zone, lang, now).await?;
        }
        return Ok(member);
    }
    let profile = Profile {
        name: user.name.clone(),
        display_name: user.global_name.clone().filter(|n| !n.trim().is_empty()).unwrap_or_else(|| user.name.clone()),
        tz: zone.map(str::to_string),
        locale: lang,
    };
    identity::link_new_member(&svc.store, PLATFORM, ws, &id, &profile, now).await
}

/// The member a DM from `user` belongs to: DMs carry no server, so the user's first
/// team (the one they met Tandem in) answers for them.
pub async fn member_of_dm(svc: &Service, user: &User) -> anyhow::Result<Option<i64>> {
    let mut c = svc.store.pool.acquire().await?;
    Ok(platform::members_of_user(&mut c, PLATFORM, &user.id.get().to_string()).await?.first().copied())
}

/// The team channel for Discord channel `channel`, created and bound on first contact.
pub async fn channel_for(c: &mut Conn, team_id: i64, channel: u64, name: Option<&str>) -> anyhow::Result<i64> {
    identity::channel_for(c, PLATFORM, team_id, &channel.to_string(), name).await
}
