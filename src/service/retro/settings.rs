//! Setting retros up: create, edit, list, show, delete, and when each runs next.

use super::jobs;
use crate::core::UserError;
use crate::core::retro::{RetroOptions, When, minutes_text, options};
use crate::core::schedule::Schedule;
use crate::core::text::moment;
use crate::service::{Ctx, Outcome};
use crate::store::retro::Retro;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub(super) async fn find(ctx: &mut Ctx<'_>, name: &str) -> Outcome<Retro> {
    store::retro::by_name(ctx.c, ctx.team.id, &name.to_lowercase())
        .await?
        .ok_or_else(|| UserError::new("error_unknown_retro", json!({ "name": name })).into())
}

pub(super) async fn create(ctx: &mut Ctx<'_>, name: &str, o: &RetroOptions) -> Outcome<()> {
    let (r, locale) = (ctx.svc.renderer.clone(), ctx.team.locale);
    let s = options::new_settings(&name.to_lowercase(), o, ctx.team.tz.name(), |k| r.label(locale, k))?;
    check_participants(ctx, &s.participants).await?;
    let channel_id = store::team::channel_id(ctx.c, ctx.team.id, &s.channel).await?;
    let Some(id) = store::retro::create(ctx.c, ctx.team.id, channel_id, &s, ctx.me.id, ctx.now).await? else {
        return Err(UserError::new("error_retro_exists", json!({ "name": name })).into());
    };
    let retro = store::retro::get(ctx.c, id).await?.ok_or_else(|| anyhow::anyhow!("retro {id} vanished"))?;
    plan(ctx.c, &retro, ctx.now, true).await?;
    let data = describe(ctx, &retro).await?;
    ctx.reply("retro_created", data);
    Ok(())
}

pub(super) async fn edit(ctx: &mut Ctx<'_>, name: &str, o: &RetroOptions) -> Outcome<()> {
    let mut retro = find(ctx, name).await?;
    let (r, locale) = (ctx.svc.renderer.clone(), ctx.team.locale);
    retro.settings = options::edited_settings(&retro.settings, o, |k| r.label(locale, k))?;
    check_participants(ctx, &retro.settings.participants).await?;
    retro.channel_id = store::team::channel_id(ctx.c, ctx.team.id, &retro.settings.channel).await?;
    store::retro::update(ctx.c, retro.id, retro.channel_id, &retro.settings, ctx.now).await?;
    plan(ctx.c, &retro, ctx.now, true).await?;
    let data = describe(ctx, &retro).await?;
    ctx.reply("retro_updated", data);
    Ok(())
}

pub(super) async fn list(ctx: &mut Ctx<'_>) -> Outcome<()> {
    let mut rows = Vec::new();
    for retro in store::retro::list(ctx.c, ctx.team.id).await? {
        rows.push(describe(ctx, &retro).await?);
    }
    ctx.reply("retro_list", json!({ "retros": rows }));
    Ok(())
}

pub(super) async fn show(ctx: &mut Ctx<'_>, name: &str) -> Outcome<()> {
    let retro = find(ctx, name).await?;
    let data = describe(ctx, &retro).await?;
    ctx.reply("retro_show", data);
    Ok(())
}

pub(super) async fn delete(ctx: &mut Ctx<'_>, name: &str) -> Outcome<()> {
    let retro = find(ctx, name).await?;
    if store::retro::open_runs(ctx.c, ctx.team.id).await?.iter().any(|r| r.retro_id == retro.id) {
        return Err(UserError::new("error_retro_running", json!({ "name": name })).into());
    }
    store::jobs::cancel(ctx.c, jobs::OPEN, retro.id, None).await?;
    store::retro::delete(ctx.c, retro.id).await?;
    ctx.reply("retro_deleted", json!({ "name": name }));
    Ok(())
}

async fn check_participants(ctx: &mut Ctx<'_>, names: &[String]) -> Outcome<()> {
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    if let Some(n) = names.iter().find(|n| !team.iter().any(|m| m.name == **n)) {
        return Err(UserError::new("error_unknown_member", json!({ "name": n })).into());
    }
    Ok(())
}

/// A retro as its list and `show` describe it.
async fn describe(ctx: &mut Ctx<'_>, retro: &Retro) -> Outcome<Value> {
    let s = &retro.settings;
    let next = store::jobs::due_at(ctx.c, jobs::OPEN, retro.id, 0).await?;
    let tz = ctx.me.tz;
    let when = match &s.when {
        When::SprintEnd { at } => json!({ "sprint_end": at.format("%H:%M").to_string() }),
        When::Cron { schedule } => json!({ "cron": schedule }),
    };
    let r = &ctx.svc.renderer;
    let prompts: Vec<String> = s.prompts.iter().map(|p| super::prompt_text(r, p, ctx.me.locale)).collect();
    let health: Vec<String> = s.health.iter().map(|p| super::prompt_text(r, p, ctx.me.locale)).collect();
    Ok(json!({
        "name": s.name,
        "channel": s.channel,
        "template": s.template,
        "custom": s.prompts.first().is_some_and(|p| p.key.is_none()),
        "prompts": prompts,
        "health": health,
        "when": when,
        "tz": s.tz,
        "anonymous": s.anonymous,
        "votes": s.votes,
        "max_per_item": s.max_per_item,
        "collect": minutes_text(s.collect_minutes),
        "group": minutes_text(s.group_minutes),
        "vote": minutes_text(s.vote_minutes),
        "actions": minutes_text(s.actions_minutes),
        "participants": s.participants,
        "facilitator_votes": s.facilitator_votes,
        "next": next.map(|t| moment(t, tz, ctx.now)),
    }))
}

/// Plan the retro's next run: at start-up (`replace` false) only when none is planned, so
/// an overdue one survives a restart.
pub(super) async fn plan(c: &mut Conn, retro: &Retro, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
    if !replace && store::jobs::due_at(c, jobs::OPEN, retro.id, 0).await?.is_some() {
        return Ok(());
    }
    match next_run(c, retro, now).await? {
        Some(next) => store::jobs::schedule(c, jobs::OPEN, retro.id, 0, next).await,
        None => store::jobs::cancel(c, jobs::OPEN, retro.id, None).await,
    }
}

/// When the retro runs next by itself, strictly after `now`.
pub(super) async fn next_run(c: &mut Conn, retro: &Retro, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    let zone = retro.zone()?;
    Ok(match &retro.settings.when {
        When::Cron { schedule } => {
            let sched =
                Schedule::parse(schedule).map_err(|e| anyhow::anyhow!("stored retro schedule {}: {e}", retro.id))?;
            sched.next_after(zone, now)
        }
        When::SprintEnd { at } => sprint_end_fire(c, retro.team_id, *at, zone, now).await?,
    })
}

/// The next last day of a sprint at `at` (local), strictly after `now`: from the team's
/// cadence, or else from the running sprint's end day.
async fn sprint_end_fire(
    c: &mut Conn,
    team_id: i64,
    at: chrono::NaiveTime,
    zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> anyhow::Result<Option<DateTime<Utc>>> {
    use crate::core::schedule::{SprintCadence, SprintDay};
    if let Some(row) = store::sprint::cadence(c, team_id).await? {
        let cadence =
            SprintCadence { start: row.start_day, length_days: row.length_days, day: SprintDay::Last, at, zone };
        return Ok(cadence.next_after(now));
    }
    let Some(sprint) = store::sprint::current(c, team_id).await? else { return Ok(None) };
    let length_days = u32::try_from((sprint.end - sprint.start).num_days() + 1).unwrap_or(1).max(1);
    let one = SprintCadence { start: sprint.start, length_days, day: SprintDay::Last, at, zone };
    Ok(one.next_after(now).filter(|t| t.with_timezone(&zone).date_naive() == sprint.end))
}
