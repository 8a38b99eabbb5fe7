//! The outbox: every outbound effect, written with the change that caused it (invariant 3).

use super::{Claimable, Conn, Store, claim_rows, from_ms, ms};
use crate::core::Effect;
use anyhow::Context;
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub team_id: i64,
    pub effect: Effect,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    /// The platform event id this answers, when it answers one.
    pub reply_to: Option<String>,
}

pub async fn push(c: &mut Conn, team_id: i64, effect: &Effect, now: DateTime<Utc>) -> anyhow::Result<()> {
    push_reply(c, team_id, effect, now, None).await
}

/// Push an effect that answers the platform event `reply_to`.
pub async fn push_reply(
    c: &mut Conn,
    team_id: i64,
    effect: &Effect,
    now: DateTime<Utc>,
    reply_to: Option<&str>,
) -> anyhow::Result<()> {
    push_tagged(c, team_id, effect, now, reply_to, None).await
}

/// Push an effect tagged to be forgotten with the anonymous input it answers (`forget`).
pub async fn push_tagged(
    c: &mut Conn,
    team_id: i64,
    effect: &Effect,
    now: DateTime<Utc>,
    reply_to: Option<&str>,
    forget_tag: Option<&str>,
) -> anyhow::Result<()> {
    push_many(c, &[Outgoing { team_id, effect, reply_to, forget_tag }], now).await
}

/// One effect to push, with what it answers and its forget tag.
#[derive(Debug, Clone, Copy)]
pub struct Outgoing<'a> {
    pub team_id: i64,
    pub effect: &'a Effect,
    pub reply_to: Option<&'a str>,
    pub forget_tag: Option<&'a str>,
}

/// Push effects in this order, a hundred rows a statement.
pub async fn push_many(c: &mut Conn, items: &[Outgoing<'_>], now: DateTime<Utc>) -> anyhow::Result<()> {
    for chunk in items.chunks(100) {
        let rows = super::value_rows(c, chunk.len(), 7);
        let sql = format!(
            "INSERT INTO outbox (created_at, next_attempt_at, team_id, effect, reply_to, update_key, forget_tag) \
             VALUES {rows}"
        );
        let mut q = sqlx::query(super::checked(sql));
        for item in chunk {
            // Refused here, in the transaction of the change that made it, rather than
            // failing on one platform at delivery.
            item.effect.check().context("an effect no platform could show")?;
            q = q
                .bind(ms(now))
                .bind(ms(now))
                .bind(item.team_id)
                .bind(serde_json::to_string(item.effect)?)
                .bind(item.reply_to.map(str::to_string))
                .bind(item.effect.edited_key())
                .bind(item.forget_tag.map(str::to_string));
        }
        q.execute(&mut *c).await.context("writing to the outbox")?;
    }
    Ok(())
}

/// Claim up to `limit` undelivered items in creation order.
pub async fn claim(
    store: &Store,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> anyhow::Result<Vec<Item>> {
    let what = Claimable {
        table: "outbox",
        due: "delivered_at IS NULL AND next_attempt_at <= $3".into(),
        order: "id",
        returning: "id, team_id, effect, attempts, created_at, reply_to",
        sqlite_index: None,
    };
    let rows = claim_rows(store, &what, owner, now, lease, limit).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let effect: String = r.try_get(2)?;
        items.push(Item {
            id: r.try_get(0)?,
            team_id: r.try_get(1)?,
            effect: serde_json::from_str(&effect).context("stored outbox effect")?,
            attempts: r.try_get(3)?,
            created_at: from_ms(r.try_get(4)?),
            reply_to: r.try_get(5)?,
        });
    }
    items.sort_by_key(|i| i.id);
    Ok(items)
}

/// True when a later update (or the delete) of the same message waits in the outbox: this
/// one need not be delivered, the later one carries the newest content.
pub async fn superseded(c: &mut Conn, id: i64, key: &str) -> anyhow::Result<bool> {
    let r = sqlx::query("SELECT id FROM outbox WHERE update_key = $1 AND id > $2 AND delivered_at IS NULL LIMIT 1")
        .bind(key)
        .bind(id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.is_some())
}

/// Mark that a send to the platform starts now, committed before the call: `Some(n)` with
/// the sends started before this one (more than 0: one was cut short, by a crash or a
/// failure, and may have gone through), `None` when the lease is no longer ours.
pub async fn mark_sending(c: &mut Conn, id: i64, owner: &str) -> anyhow::Result<Option<i64>> {
    let r = sqlx::query(
        "UPDATE outbox SET sends = sends + 1 WHERE id = $1 AND lease_owner = $2 AND delivered_at IS NULL \
         RETURNING sends",
    )
    .bind(id)
    .bind(owner)
    .fetch_optional(&mut *c)
    .await?;
    Ok(r.map(|r| r.try_get::<i64, _>(0)).transpose()?.map(|n| n - 1))
}

/// Mark delivered, if the lease is still ours; false means someone else took it over.
pub async fn mark_delivered(c: &mut Conn, id: i64, owner: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "UPDATE outbox SET delivered_at = $1, lease_owner = NULL, lease_until = NULL WHERE id = $2 AND lease_owner = $3 AND delivered_at IS NULL",
    )
    .bind(ms(now))
    .bind(id)
    .bind(owner)
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// `mark_delivered` for many items at once: the ids that were still ours.
pub async fn mark_delivered_many(
    c: &mut Conn,
    ids: &[i64],
    owner: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<std::collections::HashSet<i64>> {
    let mut ours = std::collections::HashSet::with_capacity(ids.len());
    for chunk in ids.chunks(super::ID_CHUNK) {
        let sql = format!(
            "UPDATE outbox SET delivered_at = $1, lease_owner = NULL, lease_until = NULL \
             WHERE id IN ({}) AND lease_owner = $2 AND delivered_at IS NULL RETURNING id",
            super::id_list(chunk.iter().copied())
        );
        for r in sqlx::query(super::checked(sql)).bind(ms(now)).bind(owner).fetch_all(&mut *c).await? {
            ours.insert(r.try_get(0)?);
        }
    }
    Ok(ours)
}

pub async fn mark_failed(c: &mut Conn, id: i64, error: &str, retry_at: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3")
        .bind(error)
        .bind(ms(retry_at))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Give back claimed items not tried, due again at `at` (their tries not counted): they
/// wait behind an item of their lane that failed.
pub async fn put_back(c: &mut Conn, ids: &[i64], owner: &str, at: DateTime<Utc>) -> anyhow::Result<()> {
    for id in ids {
        sqlx::query(
            "UPDATE outbox SET next_attempt_at = $1, lease_owner = NULL, lease_until = NULL \
             WHERE id = $2 AND lease_owner = $3 AND delivered_at IS NULL",
        )
        .bind(ms(at))
        .bind(id)
        .bind(owner)
        .execute(&mut *c)
        .await?;
    }
    Ok(())
}

pub async fn record_key(c: &mut Conn, key: &str, platform: &str, platform_id: &str) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO delivered_messages (msg_key, platform, platform_id) VALUES ($1, $2, $3) \
         ON CONFLICT (msg_key, platform) DO UPDATE SET platform_id = excluded.platform_id",
    )
    .bind(key)
    .bind(platform)
    .bind(platform_id)
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn platform_id(c: &mut Conn, key: &str, platform: &str) -> anyhow::Result<Option<String>> {
    let r = sqlx::query("SELECT platform_id FROM delivered_messages WHERE msg_key = $1 AND platform = $2")
        .bind(key)
        .bind(platform)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

/// Forget where the message under `key` is on `platform` (it was deleted there).
pub async fn forget_key(c: &mut Conn, key: &str, platform: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM delivered_messages WHERE msg_key = $1 AND platform = $2")
        .bind(key)
        .bind(platform)
        .execute(&mut *c)
        .await?;
    Ok(())
}
