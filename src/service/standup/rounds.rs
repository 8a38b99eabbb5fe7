//! A stand-up round opens: plan the fires, ask each participant; skips and time off.

use super::jobs;
use super::question_text;
use super::report::{maybe_report, refresh_report};
use super::{Ctx, Outcome};
use crate::core::model::{Member, absence_on};
use crate::core::schedule::Schedule;
use crate::core::standup::action::Action;
use crate::core::standup::{self, Status};
use crate::core::{ButtonStyle, Effect, Message, Target, UserError};
use crate::render::Renderer;
use crate::store::standup::Standup;
use crate::store::standup::rounds::{NewRound, Round};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
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
            Some(due) if due <= now => Some(due),
            Some(_) if !replace => continue,
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
    let mut out = Vec::new();
    let opened = open_round(ctx.c, &ctx.svc.renderer, s, ctx.now, ctx.now, None, false, &mut out).await?;
    ctx.out.extend(out);
    Ok(opened)
}

/// Open the round of the day of `due`. With `member`, only that member is asked now
/// (the stand-up fires in each member's zone); otherwise everyone is.
#[allow(clippy::too_many_arguments)] // reason: one call per trigger (job, command), each naming every input
pub(super) async fn open_round(
    c: &mut Conn,
    r: &Renderer,
    s: &Standup,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
    member: Option<&Member>,
    late: bool,
    out: &mut Vec<Effect>,
) -> anyhow::Result<bool> {
    let team_tz = s.zone()?;
    let day = standup::local_day(member.map_or(team_tz, |m| m.tz), due);
    let team = store::team::members(c, s.team_id).await?;
    let people: Vec<Member> = standup::participants(&s.settings, &team)
        .map_err(|e| anyhow::anyhow!("participants: {e}"))?
        .into_iter()
        .cloned()
        .collect();
    let holidays = store::team::holidays(c, s.team_id).await?;
    let window = Duration::minutes(s.settings.window_minutes);
    let round = match store::standup::rounds::by_day(c, s.id, day).await? {
        Some(r) => {
            if member.is_none() {
                return Ok(false);
            }
            // This member's fire may come later than planned (they moved zones): keep the
            // deadline a full window after it.
            let needed = now + window;
            if r.reported_at.is_none() && needed > r.deadline_at {
                store::standup::rounds::extend_deadline(c, r.id, needed).await?;
                store::jobs::schedule(c, jobs::DEADLINE, r.id, 0, needed).await?;
            }
            store::standup::rounds::get(c, r.id).await?
        }
        None => {
            let deadline = match member {
                None => now.max(due) + window,
                Some(_) => {
                    let sched = Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("{e}"))?;
                    let last =
                        people.iter().filter_map(|m| standup::fire_on_day(&sched, m.tz, day)).max().unwrap_or(due);
                    last.max(now) + window
                }
            };
            let new = NewRound {
                standup_id: s.id,
                standup_name: &s.settings.name,
                team_id: s.team_id,
                channel_id: s.channel_id,
                day,
                questions: &s.settings.questions,
                opened_at: now,
                deadline_at: deadline,
                fired_late: late,
            };
            match store::standup::rounds::create(c, &new).await? {
                Some(id) => {
                    let mut time_off = store::team::time_off_of_team(c, s.team_id).await?;
                    for m in &people {
                        let off = time_off.remove(&m.id).unwrap_or_default();
                        let status = match absence_on(day, &holidays, &off) {
                            Some(a) => Status::from(a),
                            None => Status::Pending,
                        };
                        store::standup::rounds::add_participant(c, id, m.id, status).await?;
                    }
                    store::jobs::schedule(c, jobs::DEADLINE, id, 0, deadline).await?;
                    store::standup::rounds::get(c, id).await?
                }
                // Another replica created it at this very moment. For the whole team that
                // is the same fire; for one member, go on and ask them in that round.
                None => match (member, store::standup::rounds::by_day(c, s.id, day).await?) {
                    (Some(_), Some(existing)) => existing,
                    _ => return Ok(false),
                },
            }
        }
    };
    store::standup::rounds::lock(c, round.id).await?;
    let round = store::standup::rounds::get(c, round.id).await?;
    let to_ask: Vec<&Member> = people.iter().filter(|m| member.is_none_or(|only| only.id == m.id)).collect();
    // A fire in one member's zone reads that member's row alone, not the whole team's.
    let rows = match member {
        Some(m) => store::standup::rounds::participant(c, round.id, m.id).await?.into_iter().collect(),
        None => store::standup::rounds::participants(c, round.id).await?,
    };
    let mut participants: HashMap<i64, _> = rows.into_iter().map(|p| (p.member_id, p)).collect();
    for m in to_ask {
        let Some(mut p) = participants.remove(&m.id) else { continue };
        if p.status != Status::Pending {
            continue;
        }
        p.status = Status::Asked;
        p.asked_at = Some(now);
        store::standup::rounds::save_participant(c, &p).await?;
        out.push(open_dm(c, r, &round, s, m, (now, late)).await?);
        // Other capabilities' notes for the day follow the first question.
        out.extend(crate::service::registry::daily_notes(c, m, round.day).await?);
        if s.settings.max_reminders > 0 {
            let at = now + Duration::minutes(s.settings.remind_after_minutes);
            if at < round.deadline_at {
                store::jobs::schedule(c, jobs::REMIND, round.id, m.id, at).await?;
            }
        }
    }
    maybe_report(c, r, round.id, now, out).await?;
    Ok(true)
}

async fn open_dm(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
    s: &Standup,
    m: &Member,
    (now, late): (DateTime<Utc>, bool),
) -> anyhow::Result<Effect> {
    let blockers = store::standup::blockers::open_blockers(c, s.team_id, Some(m.id)).await?;
    let first = round.questions.first().map(|q| question_text(r, q, m.locale)).unwrap_or_default();
    let data = json!({
        "standup": s.settings.name,
        "day": round.day.to_string(),
        "late": late,
        "question": first,
        "n": 1,
        "total": round.questions.len(),
        "deadline": crate::core::text::moment(round.deadline_at, m.tz, now),
        "blockers": blockers.iter().map(|b| json!({ "id": b.id, "text": b.body })).collect::<Vec<_>>(),
    });
    let mut msg = Message::new("standup_dm_open", data, m.locale)
        .with_styled_button(
            "button_answer_form",
            Action::OpenForm { round_id: round.id }.encode(),
            ButtonStyle::Primary,
        )
        .with_button("button_skip", Action::Skip { round_id: round.id }.encode());
    for b in &blockers {
        msg = msg.with_button("button_resolve", Action::Resolve { blocker_id: b.id }.encode());
    }
    Ok(Effect::post(Target::Dm { member_id: m.id }, msg))
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
