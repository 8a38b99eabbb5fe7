//! The built-in web chat's own data: sessions, the messages it shows and their images.

use super::{Conn, checked, from_ms, ms};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// Which conversation a web chat message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConvKind {
    Channel,
    Dm,
}

impl ConvKind {
    pub fn code(self) -> &'static str {
        match self {
            ConvKind::Channel => "channel",
            ConvKind::Dm => "dm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChatMessage {
    pub id: i64,
    pub conv_kind: String,
    pub conv_id: i64,
    pub visible_to: Option<i64>,
    pub author_member: Option<i64>,
    pub body: String,
    /// Buttons, form and the image's name and alt text, as JSON (`outbox::webchat`).
    pub extra: serde_json::Value,
    pub thread_of: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewChatMessage<'a> {
    pub team_id: i64,
    pub conv_kind: ConvKind,
    pub conv_id: i64,
    pub visible_to: Option<i64>,
    pub author_member: Option<i64>,
    pub body: &'a str,
    pub extra: &'a serde_json::Value,
    pub thread_of: Option<i64>,
    pub outbox_id: Option<i64>,
}

/// The columns a new message fills: its own (`bind_message`), then when it was written
/// and last changed.
const NEW_COLUMNS: &str =
    "team_id, conv_kind, conv_id, visible_to, author_member, body, extra, thread_of, outbox_id, created_at, updated_at";

/// The message's own columns, in `NEW_COLUMNS` order.
fn bind_message<'q>(
    q: Query<'q, sqlx::Any, AnyArguments>,
    m: &NewChatMessage<'q>,
) -> Query<'q, sqlx::Any, AnyArguments> {
    q.bind(m.team_id)
        .bind(m.conv_kind.code())
        .bind(m.conv_id)
        .bind(m.visible_to)
        .bind(m.author_member)
        .bind(m.body)
        .bind(m.extra.to_string())
        .bind(m.thread_of)
        .bind(m.outbox_id)
}

/// Inserts a message; an outbox item already delivered returns the earlier message's id.
pub async fn insert(c: &mut Conn, m: &NewChatMessage<'_>, now: DateTime<Utc>) -> anyhow::Result<i64> {
    let sql = format!(
        "INSERT INTO webchat_messages ({NEW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (outbox_id) DO NOTHING RETURNING id"
    );
    let r = bind_message(sqlx::query(checked(sql)), m).bind(ms(now)).fetch_optional(&mut *c).await?;
    match r {
        Some(r) => Ok(r.try_get(0)?),
        None => {
            let r = sqlx::query("SELECT id FROM webchat_messages WHERE outbox_id = $1")
                .bind(m.outbox_id)
                .fetch_one(&mut *c)
                .await?;
            Ok(r.try_get(0)?)
        }
    }
}

/// `insert` for many messages, a hundred rows a statement, when their ids are not
/// needed: one whose outbox item was delivered already is left out.
pub async fn insert_many(c: &mut Conn, messages: &[NewChatMessage<'_>], now: DateTime<Utc>) -> anyhow::Result<()> {
    for chunk in messages.chunks(INSERT_CHUNK) {
        let rows = super::value_rows(c, chunk.len(), 11);
        let sql =
            format!("INSERT INTO webchat_messages ({NEW_COLUMNS}) VALUES {rows} ON CONFLICT (outbox_id) DO NOTHING");
        let mut q = sqlx::query(checked(sql));
        for m in chunk {
            q = bind_message(q, m).bind(ms(now)).bind(ms(now));
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// Messages an `insert_many` statement writes: 11 parameters each.
const INSERT_CHUNK: usize = 100;

pub async fn update(
    c: &mut Conn,
    id: i64,
    body: &str,
    extra: &serde_json::Value,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query("UPDATE webchat_messages SET body = $1, extra = $2, updated_at = $3 WHERE id = $4")
        .bind(body)
        .bind(extra.to_string())
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

const COLUMNS: &str =
    "id, conv_kind, conv_id, visible_to, author_member, body, extra, thread_of, created_at, updated_at";

fn from_row(r: &sqlx::any::AnyRow) -> anyhow::Result<ChatMessage> {
    Ok(ChatMessage {
        id: r.try_get(0)?,
        conv_kind: r.try_get(1)?,
        conv_id: r.try_get(2)?,
        visible_to: r.try_get(3)?,
        author_member: r.try_get(4)?,
        body: r.try_get(5)?,
        extra: serde_json::from_str(&r.try_get::<String, _>(6)?).unwrap_or_default(),
        thread_of: r.try_get(7)?,
        created_at: from_ms(r.try_get(8)?),
        updated_at: from_ms(r.try_get(9)?),
    })
}

/// Messages of a conversation that `viewer` may see, oldest first: the latest `limit`, or
/// with `before`, the latest `limit` older than that message.
pub async fn conversation(
    c: &mut Conn,
    kind: ConvKind,
    conv_id: i64,
    viewer: i64,
    limit: i64,
    before: Option<i64>,
) -> anyhow::Result<Vec<ChatMessage>> {
    let rows = sqlx::query(checked(format!(
        "SELECT {COLUMNS} FROM webchat_messages WHERE conv_kind = $1 AND conv_id = $2 AND (visible_to IS NULL OR visible_to = $3) \
         AND id < $5 ORDER BY id DESC LIMIT $4"
    )))
    .bind(kind.code())
    .bind(conv_id)
    .bind(viewer)
    .bind(limit)
    .bind(before.unwrap_or(i64::MAX))
    .fetch_all(&mut *c)
    .await?;
    let mut out: Vec<ChatMessage> = rows.iter().map(from_row).collect::<anyhow::Result<_>>()?;
    out.reverse();
    Ok(out)
}

/// A number that changes whenever a message `viewer` can see (the team's channels, their
/// own DM) is added or edited, so live views know when to refresh.
/// A stamp of every team's messages together: it moves when any message is added, edited
/// or deleted.
pub async fn stamp(c: &mut Conn) -> anyhow::Result<i64> {
    let r =
        sqlx::query("SELECT COALESCE(MAX(updated_at), 0), COUNT(*) FROM webchat_messages").fetch_one(&mut *c).await?;
    Ok(r.try_get::<i64, _>(0)? + r.try_get::<i64, _>(1)?)
}

pub async fn last_change(c: &mut Conn, team_id: i64, viewer: i64) -> anyhow::Result<i64> {
    let r = sqlx::query(
        "SELECT COALESCE(MAX(updated_at), 0), COUNT(*) FROM webchat_messages WHERE team_id = $1 \
         AND (conv_kind = 'channel' OR conv_id = $2) AND (visible_to IS NULL OR visible_to = $2)",
    )
    .bind(team_id)
    .bind(viewer)
    .fetch_one(&mut *c)
    .await?;
    Ok(r.try_get::<i64, _>(0)? + r.try_get::<i64, _>(1)?)
}

/// Record a session by its token's hash (`webchat::session`), used from `now`.
pub async fn create_session(
    c: &mut Conn,
    token_sha256: &str,
    member_id: i64,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO webchat_sessions (token_sha256, member_id, created_at, last_used_at) VALUES ($1, $2, $3, $3)",
    )
    .bind(token_sha256)
    .bind(member_id)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A session still alive: `(member_id, last_used_at)`, when it was created after
/// `created_after` and used after `used_after`.
pub async fn live_session(
    c: &mut Conn,
    token_sha256: &str,
    created_after: DateTime<Utc>,
    used_after: DateTime<Utc>,
) -> anyhow::Result<Option<(i64, DateTime<Utc>)>> {
    let r = sqlx::query(
        "SELECT member_id, last_used_at FROM webchat_sessions WHERE token_sha256 = $1 AND created_at > $2 AND last_used_at > $3",
    )
    .bind(token_sha256)
    .bind(ms(created_after))
    .bind(ms(used_after))
    .fetch_optional(&mut *c)
    .await?;
    r.map(|r| anyhow::Ok((r.try_get(0)?, from_ms(r.try_get(1)?)))).transpose()
}

/// Note that a session was used at `now`.
pub async fn touch_session(c: &mut Conn, token_sha256: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE webchat_sessions SET last_used_at = $1 WHERE token_sha256 = $2")
        .bind(ms(now))
        .bind(token_sha256)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// End a session (logging out).
pub async fn delete_session(c: &mut Conn, token_sha256: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM webchat_sessions WHERE token_sha256 = $1").bind(token_sha256).execute(&mut *c).await?;
    Ok(())
}

/// Forget sessions created before `created_before` or unused since `used_before`.
pub async fn prune_sessions(
    c: &mut Conn,
    created_before: DateTime<Utc>,
    used_before: DateTime<Utc>,
) -> anyhow::Result<u64> {
    let r = sqlx::query("DELETE FROM webchat_sessions WHERE created_at <= $1 OR last_used_at <= $2")
        .bind(ms(created_before))
        .bind(ms(used_before))
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected())
}

/// Remove a message and its image; replies in its thread stay, as plain messages.
pub async fn delete(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM webchat_images WHERE message_id = $1").bind(id).execute(&mut *c).await?;
    sqlx::query("UPDATE webchat_messages SET thread_of = NULL WHERE thread_of = $1").bind(id).execute(&mut *c).await?;
    sqlx::query("DELETE FROM webchat_messages WHERE id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

/// An image as the web chat keeps it beside its message.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredImage {
    pub team_id: i64,
    pub name: String,
    pub alt: String,
    pub png: Vec<u8>,
}

/// Set (or, with `None`, remove) the image of a message.
pub async fn set_image(
    c: &mut Conn,
    message_id: i64,
    team_id: i64,
    image: Option<&crate::core::Image>,
) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM webchat_images WHERE message_id = $1").bind(message_id).execute(&mut *c).await?;
    if let Some(i) = image {
        sqlx::query("INSERT INTO webchat_images (message_id, team_id, name, alt, png) VALUES ($1, $2, $3, $4, $5)")
            .bind(message_id)
            .bind(team_id)
            .bind(&i.name)
            .bind(&i.alt)
            .bind(i.png.clone())
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}

/// The image of a message with who may see it: `(image, message)`.
pub async fn image(c: &mut Conn, message_id: i64) -> anyhow::Result<Option<(StoredImage, ChatMessage)>> {
    let r = sqlx::query("SELECT team_id, name, alt, png FROM webchat_images WHERE message_id = $1")
        .bind(message_id)
        .fetch_optional(&mut *c)
        .await?;
    let Some(r) = r else { return Ok(None) };
    let image = StoredImage { team_id: r.try_get(0)?, name: r.try_get(1)?, alt: r.try_get(2)?, png: r.try_get(3)? };
    let m = sqlx::query(checked(format!("SELECT {COLUMNS} FROM webchat_messages WHERE id = $1")))
        .bind(message_id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(match m {
        Some(m) => Some((image, from_row(&m)?)),
        None => None,
    })
}

/// Tag the line a member just typed in `conv`, to be forgotten with the anonymous input it
/// was.
pub async fn tag_typed(
    c: &mut Conn,
    member_id: i64,
    conv: crate::core::Conversation,
    text: &str,
    tag: &str,
) -> anyhow::Result<()> {
    let (kind, id) = match conv {
        crate::core::Conversation::Channel { channel_id } => (ConvKind::Channel, channel_id),
        crate::core::Conversation::Dm { member_id } => (ConvKind::Dm, member_id),
    };
    sqlx::query(
        "UPDATE webchat_messages SET forget_tag = $1 WHERE id = (SELECT MAX(id) FROM webchat_messages \
         WHERE author_member = $2 AND conv_kind = $3 AND conv_id = $4 AND body = $5)",
    )
    .bind(tag)
    .bind(member_id)
    .bind(kind.code())
    .bind(id)
    .bind(text)
    .execute(&mut *c)
    .await?;
    Ok(())
}
