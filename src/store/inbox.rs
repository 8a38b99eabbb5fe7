//! The inbox: platform events stored before they are acknowledged and handled after,
//! so the acknowledgement is quick and a crash in between loses nothing. A platform's
//! retry of a stored event is dropped at the door.

use super::{Claimable, Conn, Store, claim_rows, ms};
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub platform: String,
    pub event_id: String,
    pub payload: String,
    pub attempts: i64,
}

/// Store an event; false when it was stored before (a retry).
pub async fn push(
    c: &mut Conn,
    platform: &str,
    event_id: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO inbox (platform, event_id, payload, received_at, next_attempt_at) VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (platform, event_id) DO NOTHING",
    )
    .bind(platform)
    .bind(event_id)
    .bind(payload)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// The stored payload of event `event_id`, if it was received.
pub async fn payload_of(c: &mut Conn, platform: &str, event_id: &str) -> anyhow::Result<Option<String>> {
    let r = sqlx::query("SELECT payload FROM inbox WHERE platform = $1 AND event_id = $2")
        .bind(platform)
        .bind(event_id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.map(|r| r.try_get(0)).transpose()?)
}

/// Claim up to `limit` events to handle, oldest first.
pub async fn claim(
    store: &Store,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> anyhow::Result<Vec<Entry>> {
    let what = Claimable {
        table: "inbox",
        due: "done_at IS NULL AND next_attempt_at <= $3".into(),
        order: "id",
        returning: "id, platform, event_id, payload, attempts",
        sqlite_index: None,
    };
    let rows = claim_rows(store, &what, owner, now, lease, limit).await?;
    let mut out = rows
        .iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get(0)?,
                platform: r.try_get(1)?,
                event_id: r.try_get(2)?,
                payload: r.try_get(3)?,
                attempts: r.try_get(4)?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    out.sort_by_key(|e| e.id);
    Ok(out)
}

pub async fn mark_done(c: &mut Conn, id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE inbox SET done_at = $1, lease_owner = NULL, lease_until = NULL WHERE id = $2")
        .bind(ms(now))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Mark several events handled, in one commit: handling is idempotent (an event handled
/// again is a duplicate), so what a crash leaves unmarked costs a second look, not a
/// second answer.
pub async fn mark_all_done(store: &Store, ids: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut tx = store.begin().await?;
    for id in ids {
        mark_done(&mut tx, *id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Try again at `retry_at`; after too many attempts the event is given up (kept, with
/// its error, for an operator to look at).
pub async fn mark_failed(
    c: &mut Conn,
    id: i64,
    error: &str,
    retry_at: DateTime<Utc>,
    give_up: bool,
) -> anyhow::Result<()> {
    let sql = if give_up {
        "UPDATE inbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, done_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3"
    } else {
        "UPDATE inbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_owner = NULL, lease_until = NULL WHERE id = $3"
    };
    sqlx::query(sql).bind(error).bind(ms(retry_at)).bind(id).execute(&mut *c).await?;
    Ok(())
}

/// Forget handled events older than `before`.
pub async fn prune(c: &mut Conn, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let r = sqlx::query("DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < $1")
        .bind(ms(before))
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected())
}

/// Mark an event as anonymous input, to be forgotten with `tag` (`forget`); until then its
/// reply may still need the payload (an interaction token, a response URL).
pub async fn tag(c: &mut Conn, platform: &str, event_id: &str, tag: &str) -> anyhow::Result<()> {
    sqlx::query("UPDATE inbox SET forget_tag = $1 WHERE platform = $2 AND event_id = $3")
        .bind(tag)
        .bind(platform)
        .bind(event_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}
