//! Scheduled work, claimed with a lease so that N replicas run each occurrence once.
//!
//! A job is claimed in a short transaction (`FOR UPDATE SKIP LOCKED` on Postgres, so
//! replicas split the due jobs instead of queueing on the same rows), then run in a
//! second transaction that first checks the lease is still ours and ends by advancing or
//! deleting the job. A crash between the two leaves a lease that expires and is taken over.

use super::{Claimable, Conn, Store, claim_rows, from_ms, ms};
use chrono::{DateTime, Duration, Utc};
use sqlx::Row;

/// How many failures set a job aside as dead.
pub const MAX_ATTEMPTS: i64 = 5;

#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: i64,
    /// Its kind's name, as registered (`standup_open`).
    pub kind: String,
    pub subject_id: i64,
    pub member_id: i64,
    pub due_at: DateTime<Utc>,
    /// Failures so far.
    pub attempts: i64,
}

/// Create or move the job for (kind, subject, member) to `due`, dropping any lease; a
/// dead job scheduled again lives again.
pub async fn schedule(
    c: &mut Conn,
    kind: &str,
    subject_id: i64,
    member_id: i64,
    due: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO jobs (kind, subject_id, member_id, due_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (kind, subject_id, member_id) DO UPDATE SET due_at = excluded.due_at, lease_owner = NULL, lease_until = NULL, \
         attempts = 0, last_error = NULL, dead = 0",
    )
    .bind(kind)
    .bind(subject_id)
    .bind(member_id)
    .bind(ms(due))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// `schedule` for many jobs of one kind, a few hundred rows a statement:
/// (subject, member, due) each, each (subject, member) once (Postgres refuses to update
/// one row twice in a statement).
pub async fn schedule_many(c: &mut Conn, kind: &str, jobs: &[(i64, i64, DateTime<Utc>)]) -> anyhow::Result<()> {
    for chunk in jobs.chunks(SCHEDULE_CHUNK) {
        let rows = super::value_rows(c, chunk.len(), 4);
        let sql = format!(
            "INSERT INTO jobs (kind, subject_id, member_id, due_at) VALUES {rows} \
             ON CONFLICT (kind, subject_id, member_id) DO UPDATE SET due_at = excluded.due_at, lease_owner = NULL, \
             lease_until = NULL, attempts = 0, last_error = NULL, dead = 0"
        );
        let mut q = sqlx::query(super::checked(sql));
        for (subject_id, member_id, due) in chunk {
            q = q.bind(kind).bind(*subject_id).bind(*member_id).bind(ms(*due));
        }
        q.execute(&mut *c).await?;
    }
    Ok(())
}

/// Rows a `schedule_many` statement writes: 4 parameters each, well under SQLite's and
/// Postgres's limits.
const SCHEDULE_CHUNK: usize = 300;

pub async fn cancel(c: &mut Conn, kind: &str, subject_id: i64, member_id: Option<i64>) -> anyhow::Result<()> {
    sqlx::query("DELETE FROM jobs WHERE kind = $1 AND subject_id = $2 AND ($3 < 0 OR member_id = $3)")
        .bind(kind)
        .bind(subject_id)
        .bind(member_id.unwrap_or(-1))
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Claim up to `limit` due jobs of the `kinds` this process knows, for `owner` until
/// `now + lease`: a rolling deploy never leases a job an older binary cannot run. Dead
/// jobs are not claimed.
pub async fn claim(
    store: &Store,
    kinds: &[&str],
    owner: &str,
    now: DateTime<Utc>,
    lease: Duration,
    limit: i64,
) -> anyhow::Result<Vec<Job>> {
    // The kinds are registered names (lowercase words), never input; checked anyway.
    anyhow::ensure!(
        !kinds.is_empty() && kinds.iter().all(|k| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
        "job kinds must be lowercase names: {kinds:?}"
    );
    let known = kinds.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(", ");
    let what = Claimable {
        table: "jobs",
        due: format!("due_at <= $3 AND dead = 0 AND kind IN ({known})"),
        order: "due_at, id",
        returning: "id, kind, subject_id, member_id, due_at, attempts",
        sqlite_index: Some("jobs_due"),
    };
    let rows = claim_rows(store, &what, owner, now, lease, limit).await?;
    let mut jobs = Vec::with_capacity(rows.len());
    for r in rows {
        jobs.push(Job {
            id: r.try_get(0)?,
            kind: r.try_get(1)?,
            subject_id: r.try_get(2)?,
            member_id: r.try_get(3)?,
            due_at: from_ms(r.try_get(4)?),
            attempts: r.try_get(5)?,
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

/// `still_ours` for many jobs: the ids of those whose lease `owner` still holds, locked
/// as `still_ours` locks one.
pub async fn still_ours_many(
    c: &mut Conn,
    jobs: &[Job],
    owner: &str,
) -> anyhow::Result<std::collections::HashSet<i64>> {
    let mut ours = std::collections::HashSet::with_capacity(jobs.len());
    for chunk in jobs.chunks(super::ID_CHUNK) {
        let ids = super::id_list(chunk.iter().map(|j| j.id));
        let sql = if super::is_postgres(c) {
            format!("SELECT id, due_at FROM jobs WHERE id IN ({ids}) AND lease_owner = $1 ORDER BY id FOR UPDATE")
        } else {
            format!("UPDATE jobs SET lease_owner = $1 WHERE id IN ({ids}) AND lease_owner = $1 RETURNING id, due_at")
        };
        for r in sqlx::query(super::checked(sql)).bind(owner).fetch_all(&mut *c).await? {
            let (id, due): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
            if chunk.iter().any(|j| j.id == id && ms(j.due_at) == due) {
                ours.insert(id);
            }
        }
    }
    Ok(ours)
}

/// Advance a recurring job to its next occurrence and release it.
pub async fn advance(c: &mut Conn, id: i64, due: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query("UPDATE jobs SET due_at = $1, lease_owner = NULL, lease_until = NULL, attempts = 0 WHERE id = $2")
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

pub async fn finish_many(c: &mut Conn, ids: &[i64]) -> anyhow::Result<()> {
    for chunk in ids.chunks(super::ID_CHUNK) {
        let sql = format!("DELETE FROM jobs WHERE id IN ({})", super::id_list(chunk.iter().copied()));
        sqlx::query(super::checked(sql)).execute(&mut *c).await?;
    }
    Ok(())
}

/// A run failed: try again at `retry_at`, or set the job aside as dead after
/// `MAX_ATTEMPTS` failures. False when `owner` no longer held it.
pub async fn failed(
    c: &mut Conn,
    job: &Job,
    owner: &str,
    error: &str,
    retry_at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let dead = i64::from(job.attempts + 1 >= MAX_ATTEMPTS);
    let r = sqlx::query(
        "UPDATE jobs SET attempts = attempts + 1, last_error = $1, due_at = $2, dead = $3, \
         lease_owner = NULL, lease_until = NULL WHERE id = $4 AND lease_owner = $5 AND due_at = $6",
    )
    .bind(error)
    .bind(ms(retry_at))
    .bind(dead)
    .bind(job.id)
    .bind(owner)
    .bind(ms(job.due_at))
    .execute(&mut *c)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// On Postgres, have the planner's statistics of `jobs` read again after start-up planned
/// it, as after any bulk load. Until autovacuum gets to it, a table that just grew by
/// 100,000 rows has none, and the planner scans every job of a kind for a list of
/// subjects (18.5 ms against 0.8 ms a query at 100,000 stand-ups: a restart took 4.7 s,
/// most of it there). A refusal (a user who does not own the table) is only logged.
pub async fn refresh_statistics(store: &Store) {
    if store.dialect != super::Dialect::Postgres {
        return;
    }
    if let Err(e) = sqlx::query("ANALYZE jobs").execute(&store.pool).await {
        tracing::warn!(error = %e, "could not refresh the statistics of the jobs table");
    }
}

/// The earliest instant after `now` at which a live job of the `kinds` falls due, if any
/// (read off the `jobs_due` index). Jobs due already but leased elsewhere are not counted:
/// their lease, not their time, decides when they can be claimed.
pub async fn next_due(c: &mut Conn, kinds: &[&str], now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let r = sqlx::query("SELECT kind, due_at FROM jobs WHERE due_at > $1 AND dead = 0 ORDER BY due_at LIMIT 20")
        .bind(ms(now))
        .fetch_all(&mut *c)
        .await?;
    for row in &r {
        let kind: String = row.try_get(0)?;
        if kinds.contains(&kind.as_str()) {
            return Ok(Some(from_ms(row.try_get(1)?)));
        }
    }
    // Twenty jobs of kinds this binary does not run (a newer replica's) come first: look
    // again soon rather than scan further.
    Ok(r.last().map(|row| row.try_get(1)).transpose()?.map(from_ms))
}

/// Every job of `kind` planned for the `subjects` (ids): (subject, member) → due. Read
/// through the `(kind, subject_id, member_id)` index, a few hundred subjects a query.
///
/// Each query also bounds the subjects by the lowest and highest of its list. A table
/// without statistics yet (one that just grew, as at a first start) otherwise has
/// Postgres read the index for the kind alone and every job of it: 9.5 ms a query against
/// 0.25 ms at 50,000 jobs. With statistics the bound changes nothing.
pub async fn planned_for(
    c: &mut Conn,
    kind: &str,
    subjects: &[i64],
) -> anyhow::Result<std::collections::HashMap<(i64, i64), DateTime<Utc>>> {
    let mut planned = std::collections::HashMap::with_capacity(subjects.len());
    let mut subjects = subjects.to_vec();
    subjects.sort_unstable();
    for chunk in subjects.chunks(500) {
        let (Some(low), Some(high)) = (chunk.first(), chunk.last()) else { continue };
        // Integers, formatted here: nothing from input reaches the SQL text.
        let ids = super::id_list(chunk.iter().copied());
        let sql = format!(
            "SELECT subject_id, member_id, due_at FROM jobs \
             WHERE kind = $1 AND subject_id BETWEEN {low} AND {high} AND subject_id IN ({ids})"
        );
        for r in sqlx::query(super::checked(sql)).bind(kind).fetch_all(&mut *c).await? {
            planned.insert((r.try_get(0)?, r.try_get(1)?), from_ms(r.try_get(2)?));
        }
    }
    Ok(planned)
}

/// The due time of (kind, subject, member), if scheduled.
pub async fn due_at(
    c: &mut Conn,
    kind: &str,
    subject_id: i64,
    member_id: i64,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    let r = sqlx::query("SELECT due_at FROM jobs WHERE kind = $1 AND subject_id = $2 AND member_id = $3")
        .bind(kind)
        .bind(subject_id)
        .bind(member_id)
        .fetch_optional(&mut *c)
        .await?;
    Ok(r.map(|r| r.try_get::<i64, _>(0)).transpose()?.map(from_ms))
}

/// Delete a member's own jobs of the given kinds (reminders, fires in their zone), for
/// kinds whose `member_id` is a member.
pub async fn cancel_for_member(c: &mut Conn, kinds: &[&str], member_id: i64) -> anyhow::Result<()> {
    for kind in kinds {
        sqlx::query("DELETE FROM jobs WHERE kind = $1 AND member_id = $2")
            .bind(*kind)
            .bind(member_id)
            .execute(&mut *c)
            .await?;
    }
    Ok(())
}
