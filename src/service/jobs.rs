//! The scheduler's tick: claim due jobs of the kinds this process knows, with a lease,
//! and run a claim's jobs in one transaction: a batched kind's jobs together in one
//! savepoint, any other job (or a batch that failed, again) each in its own. A failure
//! backs off and, after `store::jobs::MAX_ATTEMPTS`, the job is set aside as dead.

use super::registry::{self, JobKind};
use super::{Service, flush};
use crate::store::jobs::{Job, MAX_ATTEMPTS};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};

/// What one tick did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub ran: usize,
    /// Fires missed by more than the grace period: skipped and logged.
    pub skipped_late: usize,
    /// Jobs whose lease another process took over meanwhile.
    pub lost: usize,
    /// Runs that failed (tried again later, or set aside as dead).
    pub failed: usize,
}

/// How many jobs one claim takes; the rest wait for the next claim in the same tick.
const BATCH: i64 = 200;

/// How long after its `attempts`-th failure a job is tried again: 30 s doubling.
fn backoff(attempts: i64) -> Duration {
    Duration::seconds(30 << attempts.clamp(0, 10))
}

pub(super) async fn run_due(svc: &Service, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
    let kinds: Vec<&dyn JobKind> = registry::job_kinds().collect();
    let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
    let started = std::time::Instant::now();
    // Postgres has connections to spare: several claims run at once, as replicas would.
    // SQLite has one writer.
    let workers = match svc.store.dialect {
        store::Dialect::Postgres => POSTGRES_WORKERS,
        store::Dialect::Sqlite => 1,
    };
    let runs = (0..workers).map(|_| async {
        let mut report = TickReport::default();
        loop {
            // A lease counts from `now`: a claim made later in a long tick is held as much longer.
            let lease = svc.options.lease + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
            let jobs = store::jobs::claim(&svc.store, &names, &svc.options.instance, now, lease, BATCH).await?;
            if jobs.is_empty() {
                return anyhow::Ok(report);
            }
            run_batch(svc, &kinds, jobs, (now, started), &mut report).await?;
        }
    });
    let mut total = TickReport::default();
    for r in futures_util::future::join_all(runs).await {
        let r = r?;
        total.ran += r.ran;
        total.skipped_late += r.skipped_late;
        total.lost += r.lost;
        total.failed += r.failed;
    }
    Ok(total)
}

/// How many claims of jobs run at once on Postgres.
const POSTGRES_WORKERS: usize = 4;

/// One claim's jobs in one transaction (one commit, one sync to disk), each in a savepoint
/// of its own: a job that fails leaves nothing behind and the others stand.
async fn run_batch(
    svc: &Service,
    kinds: &[&dyn JobKind],
    jobs: Vec<Job>,
    (now, started): (DateTime<Utc>, std::time::Instant),
    report: &mut TickReport,
) -> anyhow::Result<()> {
    // In one order everywhere: batches running side by side (workers, replicas) take the
    // rows their jobs lock (a round, a poll) in the same order, and do not deadlock.
    let mut jobs = jobs;
    jobs.sort_by(|a, b| (&a.kind, a.subject_id, a.member_id).cmp(&(&b.kind, b.subject_id, b.member_id)));
    let mut tx = svc.store.begin().await?;
    let mut ran = Vec::new();
    let mut failed = Vec::new();
    let mut jobs = jobs.into_iter().peekable();
    while let Some(first) = jobs.next() {
        let mut group = vec![first];
        while let Some(job) = jobs.next_if(|j| j.kind == group[0].kind) {
            group.push(job);
        }
        let Some(kind) = kinds.iter().find(|k| k.name() == group[0].kind) else { continue };
        // A kind that batches runs its jobs together; if that fails, they run one by one
        // below, so that only the job at fault fails.
        if kind.batched() && group.len() > 1 {
            let mut all = sqlx::Acquire::begin(&mut *tx).await?;
            match run_together(svc, *kind, &group, now, &mut all).await {
                Ok(results) => {
                    all.commit().await?;
                    ran.extend(group.into_iter().zip(results));
                    continue;
                }
                Err(e) => {
                    all.rollback().await?;
                    tracing::debug!(
                        kind = kind.name(),
                        jobs = group.len(),
                        error = format!("{e:#}"),
                        "a batch of jobs failed: one by one"
                    );
                }
            }
        }
        for job in group {
            let mut one = sqlx::Acquire::begin(&mut *tx).await?;
            match run_one(svc, *kind, &job, now, &mut one).await {
                Ok(r) => {
                    one.commit().await?;
                    ran.push((job, r));
                }
                Err(e) => {
                    one.rollback().await?;
                    failed.push((job, format!("{e:#}")));
                }
            }
        }
    }
    for (job, error) in &failed {
        store::jobs::failed(&mut tx, job, &svc.options.instance, error, now + backoff(job.attempts)).await?;
    }
    tx.commit().await?;
    for (job, r) in ran {
        match r {
            Ran::Done | Ran::SkippedLate => {
                // How late it ran: from its due instant to its commit (`now` is when the
                // tick began).
                let took = chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
                crate::metrics::job_ran(now - job.due_at + took);
                if matches!(r, Ran::Done) {
                    report.ran += 1;
                } else {
                    report.skipped_late += 1;
                }
            }
            Ran::Lost => {
                crate::metrics::lease_lost("job");
                report.lost += 1;
            }
        }
    }
    for (job, error) in failed {
        report.failed += 1;
        if job.attempts + 1 >= MAX_ATTEMPTS {
            tracing::error!(job = job.id, kind = job.kind, error, "a scheduled job failed too often: dead");
        } else {
            tracing::warn!(
                job = job.id,
                kind = job.kind,
                attempts = job.attempts + 1,
                error,
                "a scheduled job failed; it will be tried again"
            );
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum Ran {
    Done,
    SkippedLate,
    Lost,
}

/// Jobs of one kind run together: those still ours, then their effects in one write.
async fn run_together(
    svc: &Service,
    kind: &dyn JobKind,
    jobs: &[Job],
    now: DateTime<Utc>,
    tx: &mut Conn,
) -> anyhow::Result<Vec<Ran>> {
    let ours = store::jobs::still_ours_many(tx, jobs, &svc.options.instance).await?;
    let mine: Vec<Job> = jobs.iter().filter(|j| ours.contains(&j.id)).cloned().collect();
    let done = kind.run_many(svc, tx, &mine, now).await?;
    let items: Vec<_> = done
        .iter()
        .flat_map(|d| d.effects.iter().map(|e| super::outgoing(d.team_id, e, None, d.forget_tag.as_deref())))
        .collect();
    store::outbox::push_many(tx, &items, now).await?;
    let mut done = done.into_iter();
    Ok(jobs
        .iter()
        .map(|j| {
            if !ours.contains(&j.id) {
                return Ran::Lost;
            }
            match done.next() {
                Some(d) if d.skipped_late => Ran::SkippedLate,
                _ => Ran::Done,
            }
        })
        .collect())
}

async fn run_one(
    svc: &Service,
    kind: &dyn JobKind,
    job: &Job,
    now: DateTime<Utc>,
    tx: &mut Conn,
) -> anyhow::Result<Ran> {
    if !store::jobs::still_ours(tx, job, &svc.options.instance).await? {
        return Ok(Ran::Lost);
    }
    let done = kind.run(svc, tx, job, now).await?;
    flush(tx, done.team_id, &done.effects, now, None, done.forget_tag.as_deref()).await?;
    Ok(if done.skipped_late { Ran::SkippedLate } else { Ran::Done })
}
