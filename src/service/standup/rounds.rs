//! A stand-up's fires planned, a round opened now (`standup run`); skips and time off.

use super::fire::{Fire, open_rounds};
use super::jobs;
use super::report::{maybe_report, refresh_report};
use super::{Ctx, Outcome};
use crate::core::UserError;
use crate::core::schedule::Schedule;
use crate::core::standup::{self, Status};
use crate::store::standup::Standup;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::HashMap;

/// Plan a stand-up's next fires. `replace` moves existing jobs (after an edit, or a change
/// of members or zones); without it only missing jobs are added, so an overdue fire
/// survives a restart and runs late. Either way a fire already due stays: it runs in this
/// tick rather than moving to the next day.
pub(super) async fn sync_jobs(c: &mut Conn, s: &Standup, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
    let known = store::jobs::planned_for(c, jobs::OPEN, &[s.id]).await?;
    let mut plan = Vec::new();
    plan_jobs(c, s, now, replace, &known, &mut plan).await?;
    store::jobs::schedule_many(c, jobs::OPEN, &plan).await
}

/// What `sync_jobs` does, for many stand-ups at once (as at start-up): the fires already
/// planned are read beforehand (`known`: (stand-up, member) → due), and the fires to write
/// are added to `plan_out` as (stand-up, member, due), for the caller to write together.
/// Cancelling (a paused stand-up, `replace`) is done here.
pub(super) async fn plan_jobs(
    c: &mut Conn,
    s: &Standup,
    now: DateTime<Utc>,
    replace: bool,
    known: &HashMap<(i64, i64), DateTime<Utc>>,
    plan_out: &mut Vec<(i64, i64, DateTime<Utc>)>,
) -> anyhow::Result<()> {
    if s.paused {
        return store::jobs::cancel(c, jobs::OPEN, s.id, None).await;
    }
    let sched =
        Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("stored schedule of {}: {e}", s.id))?;
    let plan: Vec<(i64, chrono_tz::Tz)> = if s.settings.member_local_time {
        let team = store::team::members(c, s.team_id).await?;
        let people = standup::participants(&s.settings, &team).map_err(|e| anyhow::anyhow!("participants: {e}"))?;
        people.iter().map(|m| (m.id, m.tz)).collect()
    } else {
        vec![(0, s.zone()?)]
    };
    let planned: Vec<Option<DateTime<Utc>>> =
        plan.iter().map(|(member_id, _)| known.get(&(s.id, *member_id)).copied()).collect();
    if replace {
        store::jobs::cancel(c, jobs::OPEN, s.id, None).await?;
    }
    for ((member_id, tz), planned) in plan.into_iter().zip(planned) {
        let next = match planned {
            // Kept as it is (its lease too: another replica may be firing it now); after
            // the cancel of a replan, planned again for the same instant.
            Some(_) if !replace => continue,
            Some(due) if due <= now => Some(due),
            _ => sched.next_after(tz, now),
        };
        if let Some(next) = next {
            plan_out.push((s.id, member_id, next));
        }
    }
    Ok(())
}

/// `standup run`: open today's round now for everyone. False if today's round exists.
pub(super) async fn open_now(ctx: &mut Ctx<'_>, s: &Standup) -> Outcome<bool> {
    let roster = store::roster::load(ctx.c, &[s.team_id]).await?;
    let fire = Fire { standup: s, due: ctx.now, member_id: None, late: false };
    let opened = open_rounds(ctx.c, &ctx.svc.renderer, &roster, &[fire], ctx.now).await?.pop().unwrap_or_default();
    ctx.out.extend(opened.effects);
    Ok(opened.opened)
}

/// `/tandem skip [standup]`: no DM and no reminder today; open rounds of today say "skipped".
pub(super) async fn skip_today(ctx: &mut Ctx<'_>, standup_name: Option<&str>) -> Outcome<()> {
    let today = standup::local_day(ctx.me.tz, ctx.now);
    if let Some(name) = standup_name {
        if store::standup::by_name(ctx.c, ctx.team.id, name).await?.is_none() {
            return Err(UserError::new("error_unknown_standup", json!({ "name": name })).into());
        }
    } else {
        let t = crate::core::model::TimeOff { from: today, to: today, kind: crate::core::model::TimeOffKind::Skip };
        store::team::add_time_off(ctx.c, ctx.me.id, &t, ctx.now).await?;
    }
    let n = excuse_open_rounds(ctx, Status::Skipped, standup_name).await?;
    if standup_name.is_some() && n == 0 {
        return Err(UserError::new("error_nothing_to_skip", json!({ "name": standup_name })).into());
    }
    ctx.reply("skip_done", json!({ "day": today.to_string() }));
    Ok(())
}

/// Mark today's rounds that still wait for this member as `status`; returns how many.
pub(super) async fn excuse_open_rounds(
    ctx: &mut Ctx<'_>,
    status: Status,
    standup_name: Option<&str>,
) -> Outcome<usize> {
    let today = standup::local_day(ctx.me.tz, ctx.now);
    let rounds = store::standup::rounds::in_period(ctx.c, ctx.team.id, today, today).await?;
    let mut n = 0;
    for r in rounds.iter().filter(|r| standup_name.is_none_or(|s| s == r.standup_name)) {
        if set_excused(ctx, r.id, status).await? {
            n += 1;
        }
    }
    Ok(n)
}

/// Excuse this member from a round (skipped, away) if it still waits for them; false if
/// it did not. The report, if out, is edited; otherwise it may now be complete.
pub(super) async fn set_excused(ctx: &mut Ctx<'_>, round_id: i64, status: Status) -> Outcome<bool> {
    store::standup::rounds::lock(ctx.c, round_id).await?;
    let Some(mut p) = store::standup::rounds::participant(ctx.c, round_id, ctx.me.id).await? else { return Ok(false) };
    if !p.status.is_waiting() {
        return Ok(false);
    }
    p.status = status;
    store::standup::rounds::save_participant(ctx.c, &p).await?;
    store::jobs::cancel(ctx.c, jobs::REMIND, p.round_id, Some(p.member_id)).await?;
    let round = store::standup::rounds::get(ctx.c, p.round_id).await?;
    let mut out = Vec::new();
    if round.reported_at.is_some() {
        refresh_report(ctx.c, &ctx.svc.renderer, &round, None, &mut out).await?;
    } else {
        maybe_report(ctx.c, &ctx.svc.renderer, round.id, ctx.now, &mut out).await?;
    }
    ctx.out.extend(out);
    Ok(true)
}
