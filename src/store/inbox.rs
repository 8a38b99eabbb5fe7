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

/// One event to store.
#[derive(Debug, Clone, Copy)]
pub struct Received<'a> {
    pub platform: &'a str,
    pub event_id: &'a str,
    pub payload: &'a str,
}

/// Store events received at `now`, a hundred rows a statement; for each, false when it
/// was stored before (a retry, or the same event twice in `events`: the first is stored).
pub async fn push_many(c: &mut Conn, events: &[Received<'_>], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
    let mut stored = Vec::with_capacity(events.len());
    for chunk in events.chunks(100) {
        let rows = super::value_rows(c, chunk.len(), 5);
        let sql = format!(
            "INSERT INTO inbox (received_at, next_attempt_at, platform, event_id, payload) VALUES {rows} \
             ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id"
        );
        let mut q = sqlx::query(super::checked(sql));
        for e in chunk {
            q = q.bind(ms(now)).bind(ms(now)).bind(e.platform).bind(e.event_id).bind(e.payload);
        }
        let rows = q.fetch_all(&mut *c).await?;
        let inserted = rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<anyhow::Result<_>>()?;
        let keys: Vec<(&str, &str)> = chunk.iter().map(|e| (e.platform, e.event_id)).collect();
        stored.extend(super::which_are_new(&keys, inserted));
    }
    Ok(stored)
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

/// Mark events handled, in one statement (a claim's: far fewer than `ID_CHUNK`).
pub async fn mark_done_many(c: &mut Conn, ids: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "UPDATE inbox SET done_at = $1, lease_owner = NULL, lease_until = NULL WHERE id IN ({})",
        super::id_list(ids.iter().copied())
    );
    let q = sqlx::query(super::checked(sql)).bind(ms(now));
    q.execute(&mut *c).await?;
    Ok(())
}

/// Mark events handled outside of their handling's transaction: handling is idempotent
/// (an event handled again is a duplicate), so what a crash leaves unmarked costs a
/// second look, not a second answer.
pub async fn mark_all_done(store: &Store, ids: &[i64], now: DateTime<Utc>) -> anyhow::Result<()> {
    mark_done_many(&mut *store.pool.acquire().await?, ids, now).await
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
