//! Setting stand-ups up: create, edit, pause, list and describe.

use super::rounds;
use crate::core::Locale;
use crate::core::UserError;
use crate::core::model::{Member, Question};
use crate::core::schedule::Schedule;
use crate::core::standup::{self, StandupOptions};
use crate::render::Renderer;
use crate::service::{Ctx, Outcome};
use crate::store::{self, standup::Standup};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

pub(super) async fn find(ctx: &mut Ctx<'_>, name: &str) -> Outcome<Standup> {
    store::standup::by_name(ctx.c, ctx.team.id, name)
        .await?
        .ok_or_else(|| UserError::new("error_unknown_standup", json!({ "name": name })).into())
}

fn default_questions(r: &Renderer, locale: Locale) -> Vec<Question> {
    vec![
        Question {
            text: r.label(locale, "question_yesterday"),
            blocker: false,
            key: Some("question_yesterday".into()),
        },
        Question { text: r.label(locale, "question_today"), blocker: false, key: Some("question_today".into()) },
        Question { text: r.label(locale, "question_blockers"), blocker: true, key: Some("question_blockers".into()) },
    ]
}

async fn check_participants(ctx: &mut Ctx<'_>, s: &crate::core::model::StandupSettings) -> Outcome<()> {
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    standup::participants(s, &team)?;
    Ok(())
}

pub(super) async fn create(ctx: &mut Ctx<'_>, name: &str, o: &StandupOptions) -> Outcome<()> {
    let defaults = default_questions(&ctx.svc.renderer, ctx.team.locale);
    let settings = standup::new_settings(name, o, ctx.team.tz.name(), defaults)?;
    check_participants(ctx, &settings).await?;
    let channel_id = store::team::channel_id(ctx.c, ctx.team.id, &settings.channel).await?;
    let Some(id) = store::standup::create(ctx.c, ctx.team.id, channel_id, &settings, Some(ctx.me.id), ctx.now).await?
    else {
        return Err(UserError::new("error_standup_exists", json!({ "name": name })).into());
    };
    let s = store::standup::get(ctx.c, id).await?.ok_or_else(|| anyhow::anyhow!("stand-up {id} vanished"))?;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    let data = describe(ctx, &s, &team)?;
    ctx.reply("standup_created", data);
    Ok(())
}

pub(super) async fn edit(ctx: &mut Ctx<'_>, name: &str, o: &StandupOptions) -> Outcome<()> {
    let mut s = find(ctx, name).await?;
    if *o == StandupOptions::default() {
        return Err(UserError::new("error_nothing_to_change", json!({ "name": name })).into());
    }
    s.settings = standup::edited_settings(&s.settings, o)?;
    check_participants(ctx, &s.settings).await?;
    s.channel_id = store::team::channel_id(ctx.c, ctx.team.id, &s.settings.channel).await?;
    store::standup::update(ctx.c, s.id, s.channel_id, &s.settings, ctx.now).await?;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    let data = describe(ctx, &s, &team)?;
    ctx.reply("standup_updated", data);
    Ok(())
}

pub(super) async fn pause(ctx: &mut Ctx<'_>, name: &str, paused: bool) -> Outcome<()> {
    let mut s = find(ctx, name).await?;
    store::standup::set_paused(ctx.c, s.id, paused).await?;
    s.paused = paused;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    ctx.reply(if paused { "standup_paused" } else { "standup_resumed" }, json!({ "name": name }));
    Ok(())
}

pub(super) async fn list(ctx: &mut Ctx<'_>) -> Outcome<()> {
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    let mut items = Vec::new();
    for s in store::standup::list(ctx.c, ctx.team.id).await? {
        items.push(describe(ctx, &s, &team)?);
    }
    ctx.reply("standup_list", json!({ "standups": items }));
    Ok(())
}

/// A stand-up as the list and show templates present it, with its next fires for the
/// viewer, in the viewer's zone; `team` is every member.
pub(super) fn describe(ctx: &Ctx<'_>, s: &Standup, team: &[Member]) -> Outcome<Value> {
    let people: Vec<String> = standup::participants(&s.settings, team)
        .map(|ps| ps.iter().map(|m| m.display_name.clone()).collect())
        .unwrap_or_default();
    let next: Vec<String> = next_fires(s, &ctx.me, ctx.now, 3)?
        .iter()
        .map(|t| t.with_timezone(&ctx.me.tz).format("%Y-%m-%d %H:%M %Z").to_string())
        .collect();
    Ok(json!({
        "name": s.settings.name,
        "channel": s.settings.channel,
        "schedule": s.settings.schedule,
        "tz": s.settings.tz,
        "local": s.settings.member_local_time,
        "questions": s.settings.questions.iter().map(|q| json!({ "text": super::question_text(&ctx.svc.renderer, q, ctx.me.locale), "blocker": q.blocker })).collect::<Vec<_>>(),
        "window_minutes": s.settings.window_minutes,
        "format": s.settings.report_format.code(),
        "reminders": s.settings.max_reminders,
        "remind_after_minutes": s.settings.remind_after_minutes,
        "escalate_days": s.settings.escalate_after_days,
        "participants": people,
        "paused": s.paused,
        "next": next,
    }))
}

/// The next `n` fires of a stand-up for `viewer`: in their own zone when it fires in each
/// member's zone, else in the stand-up's. None when paused.
pub(super) fn next_fires(
    s: &Standup,
    viewer: &Member,
    now: DateTime<Utc>,
    n: usize,
) -> anyhow::Result<Vec<DateTime<Utc>>> {
    if s.paused {
        return Ok(Vec::new());
    }
    let tz = if s.settings.member_local_time { viewer.tz } else { s.zone()? };
    let schedule =
        Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("stored schedule of {}: {e}", s.id))?;
    Ok(schedule.upcoming(tz, now, n))
}
