//! The stand-up's scheduled jobs: open a round, remind, post the report at the deadline,
//! escalate a blocker left open.

use super::fire::{Fire, open_rounds};
use super::report;
use crate::core::policy::{Act, may};
use crate::core::schedule::Schedule;
use crate::core::standup::action::Action;
use crate::core::standup::{self, Reminder, Status};
use crate::core::{ButtonStyle, Effect, Message, Target};
use crate::service::Service;
use crate::service::registry::{JobDone, JobKind};
use crate::store::jobs::Job;
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Open a stand-up round (`member_id` set when it fires in that member's zone).
pub(super) const OPEN: &str = "standup_open";
/// Remind one member of one round.
pub(super) const REMIND: &str = "standup_remind";
/// Post a round's report at its deadline.
pub(super) const DEADLINE: &str = "standup_deadline";
/// Escalate a blocker left open too long.
pub(super) const ESCALATE: &str = "blocker_escalate";

/// The stand-up's job kinds, as registered.
pub(super) static KINDS: &[&dyn JobKind] = &[&OpenRound, &Remind, &Deadline, &Escalate];

/// Fires run together: one claim's due fires open their rounds in one go.
#[derive(Debug)]
struct OpenRound;

#[async_trait::async_trait]
impl JobKind for OpenRound {
    fn name(&self) -> &'static str {
        OPEN
    }

    async fn run(&self, svc: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone> {
        Ok(open(svc, c, std::slice::from_ref(job), now).await?.pop().unwrap_or_default())
    }

    fn batched(&self) -> bool {
        true
    }

    async fn run_many(
        &self,
        svc: &Service,
        c: &mut Conn,
        jobs: &[Job],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<JobDone>> {
        open(svc, c, jobs, now).await
    }
}

crate::service::registry::job_kind!(Remind, REMIND, remind);
crate::service::registry::job_kind!(Deadline, DEADLINE, deadline);
crate::service::registry::job_kind!(Escalate, ESCALATE, escalate);

/// Post a round's report at its deadline.
async fn deadline(
    svc: &Service,
    c: &mut Conn,
    job: &Job,
    now: DateTime<Utc>,
    done: &mut JobDone,
) -> anyhow::Result<()> {
    let round = store::standup::rounds::get(c, job.subject_id).await?;
    done.team_id = round.team_id;
    report::post_report(c, &svc.renderer, round.id, now, &mut done.effects).await?;
    store::jobs::finish(c, job.id).await
}

/// Open the rounds these fires are due for (each job advanced to its next fire); one past
/// the grace period is skipped.
async fn open(svc: &Service, c: &mut Conn, due: &[Job], now: DateTime<Utc>) -> anyhow::Result<Vec<JobDone>> {
    let mut done: Vec<JobDone> = due.iter().map(|_| JobDone::default()).collect();
    let ids: Vec<i64> = due.iter().map(|j| j.subject_id).collect();
    let standups = store::standup::get_many(c, &ids).await?;
    let teams: Vec<i64> = standups.values().map(|s| s.team_id).collect();
    let roster = store::roster::load(c, &teams).await?;
    let (mut next, mut finished, mut fires, mut fired) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, job) in due.iter().enumerate() {
        let Some(s) = standups.get(&job.subject_id) else {
            finished.push(job.id);
            continue;
        };
        done[i].team_id = s.team_id;
        let member = match job.member_id {
            0 => None,
            id => match roster.member(s.team_id, id) {
                Some(m) => Some(m),
                // No longer on the team: nobody to ask in their zone.
                None => {
                    finished.push(job.id);
                    continue;
                }
            },
        };
        let tz = match member {
            Some(m) => m.tz,
            None => s.zone()?,
        };
        let sched =
            Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("stored schedule of {}: {e}", s.id))?;
        let lateness = now - job.due_at;
        // Too late for this one: resume at the first occurrence still inside the grace
        // period (it runs late in this same tick) or the next one after now. Otherwise
        // strictly after now: several missed occurrences run late once, not once each.
        let skip = lateness > svc.options.grace;
        let after = if skip { now - svc.options.grace } else { now.max(job.due_at) };
        match sched.next_after(tz, after) {
            Some(at) => next.push((job.subject_id, job.member_id, at)),
            None => finished.push(job.id),
        }
        if skip {
            tracing::warn!(standup = s.settings.name, due = %job.due_at, late_by_minutes = lateness.num_minutes(), "missed fire is past the grace period: skipped");
            done[i].skipped_late = true;
            continue;
        }
        let late = lateness > Duration::minutes(1);
        fires.push(Fire { standup: s, due: job.due_at, member_id: member.map(|m| m.id), late });
        fired.push(i);
    }
    // Advanced as `schedule` does: the same row, due at its next fire, lease released.
    store::jobs::schedule_many(c, OPEN, &next).await?;
    store::jobs::finish_many(c, &finished).await?;
    let opened = open_rounds(c, &svc.renderer, &roster, &fires, now).await?;
    for (i, o) in fired.into_iter().zip(opened) {
        done[i].effects = o.effects;
    }
    Ok(done)
}

async fn remind(_: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>, done: &mut JobDone) -> anyhow::Result<()> {
    store::standup::rounds::lock(c, job.subject_id).await?;
    let round = store::standup::rounds::get(c, job.subject_id).await?;
    done.team_id = round.team_id;
    let Some(mut p) = store::standup::rounds::participant(c, round.id, job.member_id).await? else {
        return store::jobs::finish(c, job.id).await;
    };
    let max = match store::standup::get(c, round.standup_id).await? {
        Some(s) => (s.settings.max_reminders, s.settings.remind_after_minutes),
        None => (0, 0),
    };
    if p.status != Status::Asked || p.reminders_sent >= max.0 {
        return store::jobs::finish(c, job.id).await;
    }
    let m = store::team::member(c, p.member_id).await?;
    match standup::reminder(now, &m, round.deadline_at) {
        Reminder::Drop => store::jobs::finish(c, job.id).await,
        Reminder::Defer(at) => store::jobs::advance(c, job.id, at.max(now + Duration::minutes(1))).await,
        Reminder::Send => {
            p.reminders_sent += 1;
            store::standup::rounds::save_participant(c, &p).await?;
            let data = json!({
                "standup": round.standup_name,
                "deadline": crate::core::text::moment(round.deadline_at, m.tz, now),
                "n": p.reminders_sent,
            });
            let msg = Message::new("standup_dm_reminder", data, m.locale)
                .with_styled_button(
                    "button_answer_form",
                    Action::OpenForm { round_id: round.id }.encode(),
                    ButtonStyle::Primary,
                )
                .with_button("button_skip", Action::Skip { round_id: round.id }.encode());
            done.effects.push(Effect::post(Target::Dm { member_id: m.id }, msg));
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
async fn escalate(_: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>, done: &mut JobDone) -> anyhow::Result<()> {
    store::jobs::finish(c, job.id).await?;
    let Some(b) = store::standup::blockers::blocker(c, job.subject_id).await? else { return Ok(()) };
    done.team_id = b.team_id;
    if b.resolved_at.is_some() || b.escalated_at.is_some() {
        return Ok(());
    }
    store::standup::blockers::mark_escalated(c, b.id, now).await?;
    let members = store::team::members(c, b.team_id).await?;
    let owner = members.iter().find(|m| m.id == b.member_id).map(|m| m.display_name.clone()).unwrap_or_default();
    let round = store::standup::rounds::get(c, b.round_id).await?;
    for m in members.iter().filter(|m| may(m.role, Act::ReceiveEscalations)) {
        let data = json!({
            "id": b.id,
            "who": owner,
            "text": b.body,
            "days": (now - b.opened_at).num_days(),
            "standup": round.standup_name,
        });
        let msg = Message::new("blocker_escalated", data, m.locale)
            .with_button("button_resolve", Action::Resolve { blocker_id: b.id }.encode());
        done.effects.push(Effect::post(Target::Dm { member_id: m.id }, msg));
    }
    Ok(())
}
