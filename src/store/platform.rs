//! Platform identities: which workspace is which team, which user is which member,
//! which platform channel is which team channel. Platform ids are opaque text here.

use super::secrets::SealedColumn;
use super::{Conn, ms};
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A workspace (Slack) or guild (Discord) bound to a team.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub external_id: String,
    pub team_id: i64,
    /// Set for workspaces installed through OAuth: the token as stored, sealed
    /// (`secret::seal`) for the row `bot_token_row` names, or in clear from before sealing.
    pub bot_token: Option<Secret>,
}

/// The stored secret a workspace's bot token is.
pub const BOT_TOKEN: SealedColumn =
    SealedColumn { table: "platform_teams", column: "bot_token", key: &["platform", "external_id"] };

/// The row a workspace's sealed bot token belongs to (its associated data).
pub fn bot_token_row(platform: &str, external_id: &str) -> String {
    BOT_TOKEN.row(&[platform, external_id])
}

pub async fn workspace(c: &mut Conn, platform: &str, external_id: &str) -> anyhow::Result<Option<Workspace>> {
    let r = sqlx::query(
        "SELECT external_id, team_id, bot_token FROM platform_teams WHERE platform = $1 AND external_id = $2",
    )
    .bind(platform)
    .bind(external_id)
    .fetch_optional(&mut *c)
    .await?;
    r.map(|r| Ok(Workspace { external_id: r.try_get(0)?, team_id: r.try_get(1)?, bot_token: token(r.try_get(2)?) }))
        .transpose()
}

fn token(stored: Option<String>) -> Option<Secret> {
    stored.map(Secret::new)
}

/// True when some team is bound to no chat platform (it lives on the web chat).
pub async fn any_team_without_workspace(c: &mut Conn) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "SELECT id FROM teams t WHERE NOT EXISTS (SELECT 1 FROM platform_teams p WHERE p.team_id = t.id) LIMIT 1",
    )
    .fetch_optional(&mut *c)
    .await?;
    Ok(r.is_some())
}

/// The workspace a team is bound to, on whichever platform: `(platform, workspace)`.
pub async fn workspace_of_team(c: &mut Conn, team_id: i64) -> anyhow::Result<Option<(String, Workspace)>> {
    let r = sqlx::query("SELECT platform, external_id, team_id, bot_token FROM platform_teams WHERE team_id = $1")
        .bind(team_id)
        .fetch_optional(&mut *c)
        .await?;
    r.map(|r| {
        let ws = Workspace { external_id: r.try_get(1)?, team_id: r.try_get(2)?, bot_token: token(r.try_get(3)?) };
        Ok((r.try_get(0)?, ws))
    })
    .transpose()
}

/// Bind a workspace to a team, or refresh its install (token, installer).
pub async fn bind_workspace(
    c: &mut Conn,
    platform: &str,
    ws: &Workspace,
    installed_by: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO platform_teams (platform, external_id, team_id, bot_token, installed_by, installed_at) \
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, external_id) DO UPDATE \
         SET bot_token = COALESCE(excluded.bot_token, platform_teams.bot_token), \
             installed_by = COALESCE(excluded.installed_by, platform_teams.installed_by)",
    )
    .bind(platform)
    .bind(&ws.external_id)
    .bind(ws.team_id)
    .bind(ws.bot_token.as_ref().map(Secret::expose))
    .bind(installed_by)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A member's platform identity.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub member_id: i64,
    pub external_id: String,
    pub dm_channel: Option<String>,
}

pub async fn member_by_external(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    external_id: &str,
) -> anyhow::Result<Option<i64>> {
    let r =
        sqlx::query("SELECT member_id FROM platform_members WHERE platform = $1 AND team_id = $2 AND external_id = $3")
            .bind(platform)
            .bind(team_id)
            .bind(external_id)
            .fetch_optional(&mut *c)
            .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

/// The member linked to platform user `user` of workspace `workspace`, with the DM
/// channel on record: one read for both.
pub async fn dm_sender(
    c: &mut Conn,
    platform: &str,
    workspace: &str,
    user: &str,
) -> anyhow::Result<Option<(i64, Option<String>)>> {
    let r = sqlx::query(
        "SELECT m.member_id, m.dm_channel FROM platform_teams t JOIN platform_members m \
         ON m.platform = t.platform AND m.team_id = t.team_id AND m.external_id = $3 \
         WHERE t.platform = $1 AND t.external_id = $2",
    )
    .bind(platform)
    .bind(workspace)
    .bind(user)
    .fetch_optional(&mut *c)
    .await?;
    r.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
}

/// Every member linked to platform user `external_id`, oldest link first (a Discord
/// user's DMs carry no server, so the user may be in several teams).
pub async fn members_of_user(c: &mut Conn, platform: &str, external_id: &str) -> anyhow::Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT member_id FROM platform_members WHERE platform = $1 AND external_id = $2 ORDER BY member_id",
    )
    .bind(platform)
    .bind(external_id)
    .fetch_all(&mut *c)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub async fn identity_of(c: &mut Conn, platform: &str, member_id: i64) -> anyhow::Result<Option<Identity>> {
    let r = sqlx::query(
        "SELECT member_id, external_id, dm_channel FROM platform_members WHERE platform = $1 AND member_id = $2",
    )
    .bind(platform)
    .bind(member_id)
    .fetch_optional(&mut *c)
    .await?;
    r.map(|r| Ok(Identity { member_id: r.try_get(0)?, external_id: r.try_get(1)?, dm_channel: r.try_get(2)? }))
        .transpose()
}

/// Link a member to a platform user; false when either side is linked already.
pub async fn link_member(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    external_id: &str,
    member_id: i64,
) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO platform_members (platform, team_id, external_id, member_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(platform)
    .bind(team_id)
    .bind(external_id)
    .bind(member_id)
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

pub async fn set_dm_channel(c: &mut Conn, platform: &str, member_id: i64, dm: &str) -> anyhow::Result<()> {
    // Written only when it changed: every DM names its channel, and most name the known one.
    sqlx::query(
        "UPDATE platform_members SET dm_channel = $1 WHERE platform = $2 AND member_id = $3 \
         AND (dm_channel IS NULL OR dm_channel <> $1)",
    )
    .bind(dm)
    .bind(platform)
    .bind(member_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The member whose DM with the bot is `dm`.
pub async fn member_by_dm(c: &mut Conn, platform: &str, team_id: i64, dm: &str) -> anyhow::Result<Option<i64>> {
    let r =
        sqlx::query("SELECT member_id FROM platform_members WHERE platform = $1 AND team_id = $2 AND dm_channel = $3")
            .bind(platform)
            .bind(team_id)
            .bind(dm)
            .fetch_optional(&mut *c)
            .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

/// Bind a platform channel to a team channel (both directions stay one-to-one; a
/// rebinding moves the platform channel).
pub async fn bind_channel(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    external_id: &str,
    channel_id: i64,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM platform_channels WHERE platform = $1 AND channel_id = $2 AND external_id <> $3")
        .bind(platform)
        .bind(channel_id)
        .bind(external_id)
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO platform_channels (platform, team_id, external_id, channel_id) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (platform, team_id, external_id) DO UPDATE SET channel_id = excluded.channel_id",
    )
    .bind(platform)
    .bind(team_id)
    .bind(external_id)
    .bind(channel_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn external_channel(c: &mut Conn, platform: &str, channel_id: i64) -> anyhow::Result<Option<String>> {
    let r = sqlx::query("SELECT external_id FROM platform_channels WHERE platform = $1 AND channel_id = $2")
        .bind(platform)
        .bind(channel_id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

pub async fn channel_by_external(
    c: &mut Conn,
    platform: &str,
    team_id: i64,
    external_id: &str,
) -> anyhow::Result<Option<i64>> {
    let r = sqlx::query(
        "SELECT channel_id FROM platform_channels WHERE platform = $1 AND team_id = $2 AND external_id = $3",
    )
    .bind(platform)
    .bind(team_id)
    .bind(external_id)
    .fetch_optional(&mut *c)
    .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}
