//! Who is who: a Slack workspace is a team, a Slack user a member, a Slack channel a
//! team channel. Unknown ones are created on first contact; a new member's name, time
//! zone and language come from `users.info` (an existing member with the same name and
//! no Slack account yet is matched instead, so `member add` can prepare roles).

use super::{PLATFORM, Slack};
use crate::core::Locale;
use crate::core::model::Role;
use crate::store::platform::{self, Workspace};
use crate::store::{self, Conn, Store, teams};
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;

/// The team of workspace `workspace_id`, created (and bound) on first contact.
pub async fn team_for(
    store: &Store,
    workspace_id: &str,
    domain: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Workspace> {
    let mut tx = store.begin().await?;
    if let Some(ws) = platform::workspace(&mut tx, PLATFORM, workspace_id).await? {
        return Ok(ws);
    }
    let base = format!("slack-{}", domain.filter(|d| !d.is_empty()).unwrap_or(workspace_id).to_lowercase());
    let team_id = match teams::create_team_if_new(&mut tx, &base, Locale::En, "UTC", now).await? {
        Some(id) => id,
        None => {
            teams::create_team(&mut tx, &format!("{base}-{}", workspace_id.to_lowercase()), Locale::En, "UTC", now)
                .await?
        }
    };
    let ws = Workspace { external_id: workspace_id.to_string(), team_id, bot_token: None };
    platform::bind_workspace(&mut tx, PLATFORM, &ws, None, now).await?;
    tx.commit().await?;
    // Another replica may have bound it first: read back whichever won.
    let mut c = store.pool.acquire().await?;
    platform::workspace(&mut c, PLATFORM, workspace_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("workspace {workspace_id} vanished"))
}

/// What Slack says about a user, reduced to what a member needs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    pub name: String,
    pub display_name: String,
    pub tz: Option<String>,
    pub locale: Option<Locale>,
}

/// Ask Slack about `user` (name, zone, language); `hint` stands in if Slack cannot say.
pub async fn profile(slack: &Slack, ws: &Workspace, user: &str, hint: Option<&str>) -> Profile {
    let fallback = Profile {
        name: hint.unwrap_or(user).to_string(),
        display_name: hint.unwrap_or(user).to_string(),
        ..Profile::default()
    };
    let Some(token) = slack.token_for(Some(ws)) else { return fallback };
    slack.pacer.wait_turn(&ws.external_id, None).await;
    let req = SlackApiUsersInfoRequest::new(SlackUserId(user.to_string())).with_include_locale(true);
    match slack.client.open_session(&token).users_info(&req).await {
        Ok(r) => {
            let u = r.user;
            // Reports read best with full names; the display name is a nickname at best.
            let profile = u.profile.as_ref();
            let display = [
                u.real_name.clone(),
                profile.and_then(|p| p.real_name.clone()),
                profile.and_then(|p| p.display_name.clone()),
            ]
            .into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .unwrap_or_else(|| fallback.display_name.clone());
            Profile {
                name: u.name.clone().unwrap_or(fallback.name),
                display_name: display,
                tz: u.tz.clone().filter(|tz| tz.parse::<chrono_tz::Tz>().is_ok()),
                locale: u.locale.as_ref().and_then(|l| Locale::parse(&l.0)),
            }
        }
        Err(e) => {
            tracing::warn!(user, error = %e, "users.info failed; the member starts with the team's zone and language");
            fallback
        }
    }
}

/// The member for Slack user `user` in the workspace's team, created on first contact.
pub async fn member_for(
    store: &Store,
    slack: &Slack,
    ws: &Workspace,
    user: &str,
    hint: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    {
        let mut c = store.pool.acquire().await?;
        if let Some(id) = platform::member_by_external(&mut c, PLATFORM, ws.team_id, user).await? {
            return Ok(id);
        }
    }
    // Ask Slack outside any transaction: SQLite has one connection.
    let p = profile(slack, ws, user, hint).await;
    let mut tx = store.begin().await?;
    if let Some(id) = platform::member_by_external(&mut tx, PLATFORM, ws.team_id, user).await? {
        return Ok(id);
    }
    let id = create_or_match(&mut tx, ws.team_id, &p, now).await?;
    if !platform::link_member(&mut tx, PLATFORM, ws.team_id, user, id).await? {
        anyhow::bail!("Slack user {user} could not be linked to member {id}");
    }
    tx.commit().await?;
    Ok(id)
}

async fn create_or_match(c: &mut Conn, team_id: i64, p: &Profile, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let members = teams::members(c, team_id).await?;
    let base = member_name(&p.name);
    if let Some(m) = members.iter().find(|m| m.name == base)
        && platform::identity_of(c, PLATFORM, m.id).await?.is_none()
    {
        return Ok(m.id);
    }
    let mut name = base.clone();
    let mut n = 2;
    while members.iter().any(|m| m.name == name) {
        name = format!("{base}-{n}");
        n += 1;
    }
    let team = teams::team(c, team_id).await?;
    // The first person of a new workspace runs it: they install and set up stand-ups.
    let first = members.is_empty();
    let tz = p.tz.clone().unwrap_or_else(|| team.tz.name().to_string());
    let locale = p.locale.unwrap_or(team.locale);
    if first {
        teams::set_team_defaults(c, team_id, &tz, locale).await?;
    }
    let role = if first { Role::Pm } else { Role::Developer };
    let new = teams::NewMember { name: &name, display_name: &p.display_name, role, tz: &tz, locale };
    teams::add_member(c, team_id, &new, now).await
}

/// A Slack name as a member name: lower case letters, digits, `-` and `_`.
fn member_name(s: &str) -> String {
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

/// The team channel for Slack channel `channel`, created and bound on first contact.
pub async fn channel_for(c: &mut Conn, team_id: i64, channel: &str, name: Option<&str>) -> anyhow::Result<i64> {
    if let Some(id) = platform::channel_by_external(c, PLATFORM, team_id, channel).await? {
        return Ok(id);
    }
    let name = name
        .filter(|n| !n.is_empty() && *n != "privategroup")
        .map(member_name)
        .unwrap_or_else(|| channel.to_lowercase());
    let id = store::teams::channel_id(c, team_id, &name).await?;
    platform::bind_channel(c, PLATFORM, team_id, channel, id).await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slack_names_become_member_names() {
        assert_eq!(member_name("Ana.Lopez"), "ana-lopez");
        assert_eq!(member_name("léa"), "léa");
        assert_eq!(member_name("  "), "member");
    }
}
