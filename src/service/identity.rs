//! Who is who on a chat platform: a workspace (Slack) or guild (Discord) is a team, a
//! platform user a member, a platform channel a team channel. Unknown ones are created
//! on first contact; an existing member with the same name and no account on that
//! platform yet is matched instead, so `member add … role=po` can prepare roles.

use crate::core::Locale;
use crate::core::model::Role;
use crate::store::platform::{self, Workspace};
use crate::store::{self, Conn, Store, team};
use chrono::{DateTime, Utc};

/// What a platform says about a user, reduced to what a member needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub name: String,
    pub display_name: String,
    pub tz: Option<String>,
    pub locale: Option<Locale>,
}

/// The team of workspace `external_id` on `platform`, created (and bound) on first
/// contact under the name `{platform}-{base}`.
pub async fn team_for(
    store: &Store,
    platform: &str,
    external_id: &str,
    base: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Workspace> {
    // Known nearly always: read without a transaction, then check again inside one.
    if let Some(ws) = platform::workspace(&mut *store.pool.acquire().await?, platform, external_id).await? {
        return Ok(ws);
    }
    let mut tx = store.begin().await?;
    if let Some(ws) = platform::workspace(&mut tx, platform, external_id).await? {
        return Ok(ws);
    }
    let base = format!("{platform}-{}", name_of(base.filter(|d| !d.is_empty()).unwrap_or(external_id)));
    let team_id = match team::create_team_if_new(&mut tx, &base, Locale::En, "UTC", now).await? {
        Some(id) => id,
        None => {
            let name = format!("{base}-{}", external_id.to_lowercase());
            team::create_team(&mut tx, &name, Locale::En, "UTC", now).await?
        }
    };
    let ws = Workspace { external_id: external_id.to_string(), team_id, bot_token: None };
    platform::bind_workspace(&mut tx, platform, &ws, None, now).await?;
    tx.commit().await?;
    // Another replica may have bound it first: read back whichever won.
    let mut c = store.pool.acquire().await?;
    platform::workspace(&mut c, platform, external_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("{platform} workspace {external_id} vanished"))
}

/// The member already linked to `user`, if any.
pub async fn known_member(store: &Store, platform: &str, team_id: i64, user: &str) -> anyhow::Result<Option<i64>> {
    let mut c = store.pool.acquire().await?;
    platform::member_by_external(&mut c, platform, team_id, user).await
}

/// Link `user` to a member of the workspace's team: a same-named member without an
/// account here, or a new one made from `profile`. Safe against a concurrent link.
pub async fn link_new_member(
    store: &Store,
    platform: &str,
    ws: &Workspace,
    user: &str,
    profile: &Profile,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let mut tx = store.begin().await?;
    if let Some(id) = platform::member_by_external(&mut tx, platform, ws.team_id, user).await? {
        return Ok(id);
    }
    let id = create_or_match(&mut tx, platform, ws.team_id, profile, now).await?;
    if !platform::link_member(&mut tx, platform, ws.team_id, user, id).await? {
        anyhow::bail!("{platform} user {user} could not be linked to member {id}");
    }
    tx.commit().await?;
    Ok(id)
}

async fn create_or_match(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    p: &Profile,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    let members = team::members(c, team_id).await?;
    let base = name_of(&p.name);
    if let Some(m) = members.iter().find(|m| m.name == base)
        && platform::identity_of(c, platform, m.id).await?.is_none()
    {
        return Ok(m.id);
    }
    let mut name = base.clone();
    let mut n = 2;
    while members.iter().any(|m| m.name == name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    let team = team::team(c, team_id).await?;
    // The first person of a new workspace runs it: they install and set up stand-ups.
    let first = members.is_empty();
    let tz = p.tz.clone().unwrap_or_else(|| team.tz.name().to_string());
    let locale = p.locale.unwrap_or(team.locale);
    if first {
        team::set_team_defaults(c, team_id, &tz, locale).await?;
    }
    let role = if first { Role::Pm } else { Role::Developer };
    let new = team::NewMember { name: &name, display_name: &p.display_name, role, tz: &tz, locale };
    team::add_member(c, team_id, &new, now).await
}

/// A platform name as a Tandem name: lower case letters, digits, `-` and `_`.
pub fn name_of(s: &str) -> String {
    let name: String = s
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '-' })
        .take(crate::core::text::MAX_NAME_CHARS - 4)
        .collect();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() { "member".into() } else { name }
}

/// The team channel for platform channel `channel`, created and bound on first contact.
pub async fn channel_for(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    channel: &str,
    name: Option<&str>,
) -> anyhow::Result<i64> {
    if let Some(id) = platform::channel_by_external(c, platform, team_id, channel).await? {
        return Ok(id);
    }
    let name =
        name.filter(|n| !n.is_empty() && *n != "privategroup").map(name_of).unwrap_or_else(|| channel.to_lowercase());
    let id = store::team::channel_id(c, team_id, &name).await?;
    platform::bind_channel(c, platform, team_id, channel, id).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names_become_member_names() {
        assert_eq!(name_of("Ana.Lopez"), "ana-lopez");
        assert_eq!(name_of("léa"), "léa");
        assert_eq!(name_of("  "), "member");
    }
}
