//! Deduplication of inbound events by the platform's own id (invariant 4).

use super::{Conn, ms};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// Records the event; false when it was seen before. Call it inside the transaction that
/// applies the event, so a crash forgets both or neither.
pub async fn first_time(c: &mut Conn, platform: &str, event_id: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    Ok(first_times(c, &[(platform, event_id)], now).await?[0])
}

/// `first_time` of many events, a hundred a statement: for each, false when it was seen
/// before (or earlier in `events`).
pub async fn first_times(c: &mut Conn, events: &[(&str, &str)], now: DateTime<Utc>) -> anyhow::Result<Vec<bool>> {
    let mut new = Vec::with_capacity(events.len());
    for chunk in events.chunks(100) {
        let rows = super::value_rows(c, chunk.len(), 3);
        let sql = format!(
            "INSERT INTO inbound_seen (seen_at, platform, event_id) VALUES {rows} \
             ON CONFLICT (platform, event_id) DO NOTHING RETURNING platform, event_id"
        );
        let mut q = sqlx::query(super::checked(sql));
        for (platform, event_id) in chunk {
            q = q.bind(ms(now)).bind(*platform).bind(*event_id);
        }
        let rows = q.fetch_all(&mut *c).await?;
        let inserted = rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<anyhow::Result<_>>()?;
        new.extend(super::which_are_new(chunk, inserted));
    }
    Ok(new)
}

/// Forget that an event was seen, so the platform's retry of it is handled (after an
/// internal failure).
pub async fn unsee(c: &mut Conn, platform: &str, event_id: &str) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM inbound_seen WHERE platform = $1 AND event_id = $2")
        .bind(platform)
        .bind(event_id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Forget ids older than `before`; platforms stop retrying long before.
pub async fn prune(c: &mut Conn, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let r = sqlx::query("DELETE FROM inbound_seen WHERE seen_at < $1").bind(ms(before)).execute(&mut *c).await?;
    Ok(r.rows_affected())
}
