//! Deduplication of inbound events by the platform's own id (invariant 4).

use super::{Conn, ms};
use chrono::{DateTime, Utc};

/// Records the event; false when it was seen before. Call it inside the transaction that
/// applies the event, so a crash forgets both or neither.
pub async fn first_time(c: &mut Conn, platform: &str, event_id: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let r = sqlx::query(
        "INSERT INTO inbound_seen (platform, event_id, seen_at) VALUES ($1, $2, $3) ON CONFLICT (platform, event_id) DO NOTHING",
    )
    .bind(platform)
    .bind(event_id)
    .bind(ms(now))
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Forget ids older than `before`; platforms stop retrying long before.
pub async fn prune(c: &mut Conn, before: DateTime<Utc>) -> anyhow::Result<u64> {
    let r = sqlx::query("DELETE FROM inbound_seen WHERE seen_at < $1").bind(ms(before)).execute(&mut *c).await?;
    Ok(r.rows_affected())
}
