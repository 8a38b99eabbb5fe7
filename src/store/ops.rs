//! What an operator watches and what housekeeping removes.

use super::{Conn, ms};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// Gauges for `/metrics`, read from the database so every replica reports the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gauges {
    pub outbox_pending: i64,
    /// Undelivered items that failed at least once.
    pub outbox_retrying: i64,
    pub jobs_due: i64,
    pub jobs_scheduled: i64,
    /// Jobs set aside after too many failures.
    pub jobs_dead: i64,
    pub rounds_open: i64,
    pub blockers_open: i64,
}

pub async fn gauges(c: &mut Conn, now: DateTime<Utc>) -> anyhow::Result<Gauges> {
    let r = sqlx::query(
        "SELECT \
           (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL), \
           (SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND attempts > 0), \
           (SELECT COUNT(*) FROM jobs WHERE due_at <= $1 AND dead = 0), \
           (SELECT COUNT(*) FROM jobs WHERE dead = 0), \
           (SELECT COUNT(*) FROM jobs WHERE dead = 1), \
           (SELECT COUNT(*) FROM rounds WHERE reported_at IS NULL), \
           (SELECT COUNT(*) FROM blockers WHERE resolved_at IS NULL)",
    )
    .bind(ms(now))
    .fetch_one(&mut *c)
    .await?;
    Ok(Gauges {
        outbox_pending: r.try_get(0)?,
        outbox_retrying: r.try_get(1)?,
        jobs_due: r.try_get(2)?,
        jobs_scheduled: r.try_get(3)?,
        jobs_dead: r.try_get(4)?,
        rounds_open: r.try_get(5)?,
        blockers_open: r.try_get(6)?,
    })
}

/// Forget inbound event ids seen before `seen_before` (platforms stop retrying within
/// minutes) and delivered outbox items older than `delivered_before`. Returns both counts.
pub async fn prune(
    c: &mut Conn,
    seen_before: DateTime<Utc>,
    delivered_before: DateTime<Utc>,
) -> anyhow::Result<(u64, u64)> {
    let seen = super::inbound::prune(c, seen_before).await?;
    let delivered = sqlx::query("DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < $1")
        .bind(ms(delivered_before))
        .execute(&mut *c)
        .await?
        .rows_affected();
    Ok((seen, delivered))
}
