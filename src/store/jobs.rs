//! Scheduled work, claimed with a lease so that N replicas run each occurrence once.
//!
//! A job is claimed in a short transaction (`FOR UPDATE SKIP LOCKED` on Postgres, so
//! replicas split the due jobs instead of queueing on the same rows), then run in a
//! second transaction that first checks the lease is still ours and ends by advancing or
//! deleting the job. A crash between the two leaves a lease that expires and is taken over.

use super::{Claimable, Conn, Store, claim_rows, from_ms, ms};
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Open a stand-up round (`member_id` set when it fires in that member's zone).
    StandupOpen,
    /// Remind one member of one round.
    StandupRemind,
    /// Post a round's report at its deadline.
    StandupDeadline,
    /// Escalate a blocker left open too long.
    BlockerEscalate,
}

impl JobKind {
    pub fn code(self) -> &'static str {
        match self {
            JobKind::StandupOpen => "standup_open",
            JobKind::StandupRemind => "standup_remind",
            JobKind::StandupDeadline => "standup_deadline",
            JobKind::BlockerEscalate => "blocker_escalate",
        }
    }

    pub fn parse(s: &str) -> Option<JobKind> {
        [JobKind::StandupOpen, JobKind::StandupRemind, JobKind::StandupDeadline, JobKind::BlockerEscalate]
            .into_iter()
            .find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    pub kind: JobKind,
    pub subject_id: i64,
    pub member_id: i64,
    pub due_at: DateTime<Utc>,
}

/// Create or move the job for (kind, subject, member) to `due`, dropping any lease.
pub async fn schedule(
    c: &mut Conn,
    kind: JobKind,
    subject_id: i64,
    member_id: i64,
    due: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, subject_id, member_id, due_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, subject_id, member_id) DO UPDATE SET due_at = excluded.due_at, lease_owner = NULL, lease_until = NULL",
    )
    .bind(kind.code())
    .bind(subject_id)
    .bind(member_id)
    .bind(ms(due))
    .execute(&mut *c)
    .await?;
    Ok(())
}

pub async fn cancel(c: &mut Conn, kind: JobKind, subject_id: i64, member_id: Option<i64>) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM jobs WHERE kind = $1 AND subject_id = $2 AND ($3 < 0 OR member_id = $3)")
        .bind(kind.code())
        .bind(subject_id)
        .bind(member_id.unwrap_or(-1))
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Claim up to `limit` due jobs for `owner` until `now + lease`.
pub async fn claim(
    store: &Store,
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> anyhow::Result<Vec<Job>> {
    let what = Claimable {
        table: "jobs",
        due: "due_at <= $3",
        order: "due_at, id",
        returning: "id, kind, subject_id, member_id, due_at",
    };
    let rows = claim_rows(store, &what, owner, now, lease, limit).await?;
    let mut jobs = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get(1)?;
        let Some(kind) = JobKind::parse(&kind) else {
            tracing::warn!(kind, "unknown job kind left in the jobs table");
            continue;
        };
        jobs.push(Job {
            id: r.try_get(0)?,
            kind,
            subject_id: r.try_get(2)?,
            member_id: r.try_get(3)?,
            due_at: from_ms(r.try_get(4)?),
        });
    }
    jobs.sort_by_key(|j| (j.due_at, j.id));
    Ok(jobs)
}

/// Inside the run transaction: true while `owner` still holds this occurrence's lease.
/// On Postgres this also locks the row until the transaction ends.
pub async fn still_ours(c: &mut Conn, job: &Job, owner: &str) -> anyhow::Result<bool> {
    let r = sqlx::query("UPDATE jobs SET lease_owner = $1 WHERE id = $2 AND lease_owner = $1 AND due_at = $3")
        .bind(owner)
        .bind(job.id)
        .bind(ms(job.due_at))
        .execute(&mut *c)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Advance a recurring job to its next occurrence and release it.
pub async fn advance(c: &mut Conn, id: i64, due: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE jobs SET due_at = $1, lease_owner = NULL, lease_until = NULL WHERE id = $2")
        .bind(ms(due))
        .bind(id)
        .execute(&mut *c)
        .await?;
    Ok(())
}

pub async fn finish(c: &mut Conn, id: i64) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM jobs WHERE id = $1").bind(id).execute(&mut *c).await?;
    Ok(())
}

/// The due time of (kind, subject, member), if scheduled.
pub async fn due_at(
    c: &mut Conn,
    kind: JobKind,
    subject_id: i64,
    member_id: i64,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let r = sqlx::query("SELECT due_at FROM jobs WHERE kind = $1 AND subject_id = $2 AND member_id = $3")
        .bind(kind.code())
        .bind(subject_id)
        .bind(member_id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.map(|r| r.try_get::<i64, _>(0)).transpose()?.map(from_ms))
}
