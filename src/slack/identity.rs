//! Slack identities: the shared rules (`service::identity`), with a newcomer's name,
//! time zone and language from `users.info`.

use super::{PLATFORM, Slack};
use crate::core::Locale;
use crate::service::identity::{self, Profile};
use crate::store::platform::Workspace;
use crate::store::{Conn, Store};
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;

/// The team of workspace `workspace_id`, created (and bound) on first contact.
pub async fn team_for(
    store: &Store,
    workspace_id: &str,
    domain: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<Workspace> {
    identity::team_for(store, PLATFORM, workspace_id, domain, now).await
}

/// Ask Slack about `user` (name, zone, language); `hint` stands in if Slack cannot say.
pub async fn profile(slack: &Slack, ws: &Workspace, user: &str, hint: Option<&str>) -> Profile {
    let fallback = Profile {
        name: hint.unwrap_or(user).to_string(),
        display_name: hint.unwrap_or(user).to_string(),
        ..Profile::default()
    };
    let token = match slack.token_for(Some(ws)) {
        Ok(Some(token)) => token,
        Ok(None) => return fallback,
        Err(e) => {
            tracing::warn!(error = %e, workspace = ws.external_id, "the workspace's bot token did not open");
            return fallback;
        }
    };
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
    if let Some(id) = identity::known_member(store, PLATFORM, ws.team_id, user).await? {
        return Ok(id);
    }
    // Ask Slack outside any transaction: SQLite has one connection.
    let p = profile(slack, ws, user, hint).await;
    identity::link_new_member(store, PLATFORM, ws, user, &p, now).await
}

/// The team channel for Slack channel `channel`, created and bound on first contact.
pub async fn channel_for(c: &mut Conn, team_id: i64, channel: &str, name: Option<&str>) -> anyhow::Result<i64> {
    identity::channel_for(c, PLATFORM, team_id, channel, name).await
}
