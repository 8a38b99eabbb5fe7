//! The scheduler's tick: claim due jobs with a lease, run each in its own transaction.

use super::{Service, flush, report, rounds};
use crate::core::model::Role;
use crate::core::schedule::Schedule;
use crate::core::standup::{self, Reminder, Status};
use crate::core::{Effect, Message, Target};
use crate::store::jobs::{Job, JobKind};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// What one tick did, for logs and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TickReport {
    pub ran: usize,
    /// Fires missed by more than the grace period: skipped and logged.
    pub skipped_late: usize,
    /// Jobs whose lease another process took over meanwhile.
    pub lost: usize,
}

/// How many jobs one claim takes; the rest wait for the next claim in the same tick.
const BATCH: i64 = 50;

pub(super) async fn run_due(svc: &Service, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
    let mut report = TickReport::default();
    loop {
        let jobs = store::jobs::claim(&svc.store, &svc.options.instance, now, svc.options.lease, BATCH).await?;
        if jobs.is_empty() {
            return Ok(report);
        }
        for job in jobs {
            match run_one(svc, &job, now).await {
                Ok(Ran::Done) => report.ran += 1,
                Ok(Ran::SkippedLate) => report.skipped_late += 1,
                Ok(Ran::Lost) => report.lost += 1,
                Err(e) => {
                    // The lease expires and the job is tried again; nothing was half-written.
                    tracing::error!(
                        job = job.id,
                        kind = job.kind.code(),
                        error = format!("{e:#}"),
                        "a scheduled job failed"
                    );
                }
            }
        }
    }
}

enum Ran {
    Done,
    SkippedLate,
    Lost,
}

async fn run_one(svc: &Service, job: &Job, now: DateTime<Utc>) -> anyhow::Result<Ran> {
    let mut tx = svc.store.begin().await?;
    if !store::jobs::still_ours(&mut tx, job, &svc.options.instance).await? {
        return Ok(Ran::Lost);
    }
    let mut out = Vec::new();
    let mut team_id = 0;
    let ran = match job.kind {
        JobKind::StandupOpen => open(&mut tx, svc, job, now, &mut out, &mut team_id).await?,
        JobKind::StandupRemind => {
            remind(&mut tx, job, now, &mut out, &mut team_id).await?;
            Ran::Done
        }
        JobKind::StandupDeadline => {
            let round = store::rounds::get(&mut tx, job.subject_id).await?;
            team_id = round.team_id;
            report::post_report(&mut tx, &svc.renderer, round.id, now, &mut out).await?;
            store::jobs::finish(&mut tx, job.id).await?;
            Ran::Done
        }
        JobKind::BlockerEscalate => {
            escalate(&mut tx, job, now, &mut out, &mut team_id).await?;
            Ran::Done
        }
    };
    flush(&mut tx, team_id, &out, now, None).await?;
    tx.commit().await?;
    Ok(ran)
}

async fn open(
    c: &mut Conn,
    svc: &Service,
    job: &Job,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
    team_id: &mut i64,
) -> anyhow::Result<Ran> {
    let Some(s) = store::standups::get(c, job.subject_id).await? else {
        store::jobs::finish(c, job.id).await?;
        return Ok(Ran::Done);
    };
    *team_id = s.team_id;
    let member = if job.member_id == 0 { None } else { Some(store::teams::member(c, job.member_id).await?) };
    let tz = member.as_ref().map_or_else(|| s.settings.tz.parse().unwrap_or(chrono_tz::UTC), |m| m.tz);
    let sched =
        Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("stored schedule of {}: {e}", s.id))?;
    let lateness = now - job.due_at;
    if lateness > svc.options.grace {
        // Too late for this one; resume at the first occurrence still inside the grace
        // period (it runs late in this same tick) or the next one after now.
        tracing::warn!(standup = s.settings.name, due = %job.due_at, late_by_minutes = lateness.num_minutes(), "missed fire is past the grace period: skipped");
        match sched.next_after(tz, now - svc.options.grace) {
            Some(resume) => store::jobs::advance(c, job.id, resume).await?,
            None => store::jobs::finish(c, job.id).await?,
        }
        return Ok(Ran::SkippedLate);
    }
    // Strictly after now: several missed occurrences run late once, not once each.
    match sched.next_after(tz, now.max(job.due_at)) {
        Some(next) => store::jobs::advance(c, job.id, next).await?,
        None => store::jobs::finish(c, job.id).await?,
    }
    let late = lateness > Duration::minutes(1);
    rounds::open_round(c, &svc.renderer, &s, job.due_at, now, member.as_ref(), late, out).await?;
    Ok(Ran::Done)
}

async fn remind(
    c: &mut Conn,
    job: &Job,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
    team_id: &mut i64,
) -> anyhow::Result<()> {
    store::rounds::lock(c, job.subject_id).await?;
    let round = store::rounds::get(c, job.subject_id).await?;
    *team_id = round.team_id;
    let Some(mut p) = store::rounds::participant(c, round.id, job.member_id).await? else {
        return store::jobs::finish(c, job.id).await;
    };
    let max = match store::standups::get(c, round.standup_id).await? {
        Some(s) => (s.settings.max_reminders, s.settings.remind_after_minutes),
        None => (0, 0),
    };
    if p.status != Status::Asked || p.reminders_sent >= max.0 {
        return store::jobs::finish(c, job.id).await;
    }
    let m = store::teams::member(c, p.member_id).await?;
    match standup::reminder(now, &m, round.deadline_at) {
        Reminder::Drop => store::jobs::finish(c, job.id).await,
        Reminder::Defer(at) => store::jobs::advance(c, job.id, at.max(now + Duration::minutes(1))).await,
        Reminder::Send => {
            p.reminders_sent += 1;
            store::rounds::save_participant(c, &p).await?;
            let data = json!({
                "standup": round.standup_name,
                "deadline": round.deadline_at.with_timezone(&m.tz).format("%H:%M").to_string(),
                "n": p.reminders_sent,
            });
            let msg = Message::new("standup_dm_reminder", data, m.locale)
                .with_button(
                    "button_answer_form",
                    crate::core::command::action::Action::OpenForm { round_id: round.id }.encode(),
                )
                .with_button("button_skip", crate::core::command::action::Action::Skip { round_id: round.id }.encode());
            out.push(Effect::post(Target::Dm { member_id: m.id }, msg));
            let again = now + Duration::minutes(max.1.max(1));
            if p.reminders_sent < max.0 && again < round.deadline_at {
                store::jobs::advance(c, job.id, again).await
            } else {
                store::jobs::finish(c, job.id).await
            }
        }
    }
}

/// A blocker still open after N days: DM the PO and the PM, once.
async fn escalate(
    c: &mut Conn,
    job: &Job,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
    team_id: &mut i64,
) -> anyhow::Result<()> {
    store::jobs::finish(c, job.id).await?;
    let Some(b) = store::rounds::blocker(c, job.subject_id).await? else { return Ok(()) };
    *team_id = b.team_id;
    if b.resolved_at.is_some() || b.escalated_at.is_some() {
        return Ok(());
    }
    store::rounds::mark_escalated(c, b.id, now).await?;
    let members = store::teams::members(c, b.team_id).await?;
    let owner = members.iter().find(|m| m.id == b.member_id).map(|m| m.display_name.clone()).unwrap_or_default();
    let round = store::rounds::get(c, b.round_id).await?;
    for m in members.iter().filter(|m| matches!(m.role, Role::Po | Role::Pm)) {
        let data = json!({
            "id": b.id,
            "who": owner,
            "text": b.body,
            "days": (now - b.opened_at).num_days(),
            "standup": round.standup_name,
        });
        let msg = Message::new("blocker_escalated", data, m.locale)
            .with_button("button_resolve", crate::core::command::action::Action::Resolve { blocker_id: b.id }.encode());
        out.push(Effect::post(Target::Dm { member_id: m.id }, msg));
    }
    Ok(())
}
