//! The retro's scheduled jobs: open a run when the retro is due, end a phase at its
//! deadline, remind a participant who has not contributed yet.

use super::{CARD_FORM_BUTTON, phases, settings};
use crate::core::retro::Phase;
use crate::core::standup::{self, Reminder};
use crate::core::{ButtonStyle, Effect, Message, Target};
use crate::service::Service;
use crate::service::registry::{JobDone, JobKind};
use crate::store::jobs::Job;
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Open a run of a retro (subject: the retro).
pub(super) const OPEN: &str = "retro_open";
/// End a run's phase at its deadline (subject: the run).
pub(super) const PHASE: &str = "retro_phase";
/// Remind one participant who has not contributed (subject: the run).
pub(super) const REMIND: &str = "retro_remind";

pub(super) static KINDS: &[&dyn JobKind] = &[&OpenRun, &EndPhase, &Remind];

crate::service::registry::job_kind!(OpenRun, OPEN, open);
crate::service::registry::job_kind!(EndPhase, PHASE, end_phase);
crate::service::registry::job_kind!(Remind, REMIND, remind);

/// The retro is due: a run opens, once, unless one is still open; the next is planned. A
/// run missed while Tandem was down opens late within the grace period, and past it is
/// skipped (the facilitator can still `retro run` it), as stand-ups are.
async fn open(svc: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>, done: &mut JobDone) -> anyhow::Result<()> {
    let Some(retro) = store::retro::get(c, job.subject_id).await? else {
        return store::jobs::finish(c, job.id).await;
    };
    done.team_id = retro.team_id;
    match settings::next_run(c, &retro, now.max(job.due_at)).await? {
        Some(next) => store::jobs::advance(c, job.id, next).await?,
        None => store::jobs::finish(c, job.id).await?,
    }
    let lateness = now - job.due_at;
    if lateness > svc.options.grace {
        tracing::warn!(retro = retro.settings.name, due = %job.due_at, late_by_minutes = lateness.num_minutes(), "missed retro run is past the grace period: skipped");
        done.skipped_late = true;
        return Ok(());
    }
    if store::retro::open_runs(c, retro.team_id).await?.iter().any(|r| r.retro_id == retro.id) {
        tracing::info!(retro = retro.settings.name, "a run is still open: no new run");
        return Ok(());
    }
    phases::open(c, &svc.renderer, &retro, now, &mut done.effects).await?;
    Ok(())
}

/// A phase's deadline: the run moves on, once (a deadline missed while down applies once).
async fn end_phase(
    svc: &Service,
    c: &mut Conn,
    job: &Job,
    now: DateTime<Utc>,
    done: &mut JobDone,
) -> anyhow::Result<()> {
    let run = store::retro::locked_run(c, job.subject_id).await?;
    done.team_id = run.team_id;
    store::jobs::finish(c, job.id).await?;
    if run.phase == Phase::Closed || run.phase_deadline > now {
        return Ok(());
    }
    phases::advance(c, &svc.renderer, &run, now, &mut done.effects).await?;
    Ok(())
}

/// Before the collect deadline, only those who have written nothing are reminded, never in
/// their quiet hours. In an anonymous run the reminder is forgotten at close.
async fn remind(_: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>, done: &mut JobDone) -> anyhow::Result<()> {
    let run = store::retro::run(c, job.subject_id).await?;
    done.team_id = run.team_id;
    done.forget_tag = run.forget_tag();
    if run.phase != Phase::Collect
        || store::retro::cards::has_contributed(c, run.id, &run.author_key(job.member_id)).await?
    {
        return store::jobs::finish(c, job.id).await;
    }
    let m = store::team::member(c, job.member_id).await?;
    match standup::reminder(now, &m, run.phase_deadline) {
        Reminder::Drop => store::jobs::finish(c, job.id).await,
        Reminder::Defer(at) => store::jobs::advance(c, job.id, at.max(now + Duration::minutes(1))).await,
        Reminder::Send => {
            let data =
                json!({ "name": run.retro_name, "deadline": crate::core::text::moment(run.phase_deadline, m.tz, now) });
            let msg = Message::new("retro_dm_reminder", data, m.locale).with_styled_button(
                "button_retro_cards",
                format!("{CARD_FORM_BUTTON}:{}", run.id),
                ButtonStyle::Primary,
            );
            done.effects.push(Effect::post(Target::Dm { member_id: m.id }, msg));
            store::jobs::finish(c, job.id).await
        }
    }
}
