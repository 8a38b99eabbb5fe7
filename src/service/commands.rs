//! `/tandem …` commands: one arm per command of `core::command::REGISTRY`.

use super::{Ctx, Fail, Outcome, answers, blockers, history, rounds};
use crate::core::command::{Command, REGISTRY, StandupOptions, options::check_tz};
use crate::core::model::{Question, Role, TimeOff, TimeOffKind};
use crate::core::schedule::Schedule;
use crate::core::standup::{self, Status};
use crate::core::text::parse_quiet_hours;
use crate::core::{Locale, UserError};
use crate::render::Renderer;
use crate::store::{self, standups::Standup};
use chrono::Duration;
use serde_json::{Value, json};

pub(super) async fn execute(ctx: &mut Ctx<'_>, cmd: Command) -> Outcome<()> {
    match cmd {
        Command::Help => {
            let data = help_data(&ctx.svc.renderer, ctx.me.locale);
            ctx.reply("help", data);
        }
        Command::StandupCreate { name, options } => create(ctx, &name, &options).await?,
        Command::StandupEdit { name, options } => edit(ctx, &name, &options).await?,
        Command::StandupList => list(ctx).await?,
        Command::StandupShow { name } => {
            let s = find(ctx, &name).await?;
            let data = describe(ctx, &s).await?;
            ctx.reply("standup_show", data);
        }
        Command::StandupPause { name } | Command::StandupResume { name } if !may_manage(ctx) => {
            return Err(not_allowed(&name));
        }
        Command::StandupPause { name } => pause(ctx, &name, true).await?,
        Command::StandupResume { name } => pause(ctx, &name, false).await?,
        Command::StandupDelete { name } => {
            require_manager(ctx)?;
            let s = find(ctx, &name).await?;
            store::standups::delete(ctx.c, s.id).await?;
            ctx.reply("standup_deleted", json!({ "name": name }));
        }
        Command::StandupRun { name } => {
            require_manager(ctx)?;
            let s = find(ctx, &name).await?;
            let opened = rounds::open_now(ctx, &s).await?;
            ctx.reply(if opened { "standup_run_started" } else { "standup_run_exists" }, json!({ "name": name }));
        }
        Command::Skip { standup } => rounds::skip_today(ctx, standup.as_deref()).await?,
        Command::Away { from, to } => {
            let t = TimeOff { from, to, kind: TimeOffKind::Away };
            store::teams::add_time_off(ctx.c, ctx.me.id, &t, ctx.now).await?;
            let today = standup::local_day(ctx.me.tz, ctx.now);
            if from <= today && today <= to {
                rounds::excuse_open_rounds(ctx, Status::Away, None).await?;
            }
            ctx.reply("away_done", json!({ "from": from.to_string(), "to": to.to_string() }));
        }
        Command::HolidayAdd { from, to } => {
            require_manager(ctx)?;
            if (to - from).num_days() > 366 {
                return Err(UserError::new("error_bad_date_range", json!({ "value": format!("{from}..{to}") })).into());
            }
            let mut d = from;
            while d <= to {
                store::teams::add_holiday(ctx.c, ctx.team.id, d).await?;
                d = d.succ_opt().unwrap_or(to + Duration::days(1));
            }
            ctx.reply("holiday_added", json!({ "from": from.to_string(), "to": to.to_string() }));
        }
        Command::HolidayRemove { day } => {
            require_manager(ctx)?;
            if !store::teams::remove_holiday(ctx.c, ctx.team.id, day).await? {
                return Err(UserError::new("error_no_such_holiday", json!({ "day": day.to_string() })).into());
            }
            ctx.reply("holiday_removed", json!({ "day": day.to_string() }));
        }
        Command::HolidayList => {
            let days: Vec<String> =
                store::teams::holidays(ctx.c, ctx.team.id).await?.iter().map(|d| d.to_string()).collect();
            ctx.reply("holiday_list", json!({ "days": days }));
        }
        Command::Answer => answers::open_form_for_latest(ctx).await?,
        Command::Blockers => {
            let data = blockers::blockers_data(ctx).await?;
            ctx.reply("blockers_list", data);
        }
        Command::Resolve { blocker_id } => blockers::resolve(ctx, blocker_id).await?,
        Command::History { member, from, to } => history::history(ctx, member, from, to).await?,
        Command::Stats { from, to } => history::stats(ctx, from, to).await?,
        Command::Rollup { week } => history::rollup(ctx, week).await?,
        Command::Export { format, from, to } => history::export_link(ctx, format, from, to)?,
        Command::Me { tz, locale, quiet } => me(ctx, tz, locale, quiet).await?,
        Command::MemberAdd { name, role, display_name, tz, locale } => {
            require_manager(ctx)?;
            let members = store::teams::members(ctx.c, ctx.team.id).await?;
            if members.iter().any(|m| m.name == name) {
                return Err(UserError::new("error_member_exists", json!({ "name": name })).into());
            }
            let display = display_name.unwrap_or_else(|| name.clone());
            // A zone or language given here is a choice: a chat client's locale does not
            // override it later.
            let chosen = tz.is_some() || locale.is_some();
            let tz = tz.unwrap_or_else(|| ctx.team.tz.name().to_string());
            let locale = locale.unwrap_or(ctx.team.locale);
            let new = store::teams::NewMember { name: &name, display_name: &display, role, tz: &tz, locale };
            let id = store::teams::add_member(ctx.c, ctx.team.id, &new, ctx.now).await?;
            if chosen {
                store::teams::mark_prefs_chosen(ctx.c, id).await?;
            }
            // Stand-ups that fire in each member's zone get a job for the newcomer.
            for s in store::standups::list(ctx.c, ctx.team.id).await? {
                if s.settings.member_local_time {
                    rounds::sync_jobs(ctx.c, &s, ctx.now, false).await?;
                }
            }
            ctx.reply(
                "member_added",
                json!({ "name": name, "display": display, "role": role.code(), "tz": tz, "locale": locale.code() }),
            );
        }
        Command::MemberList => {
            let members: Vec<Value> = store::teams::members(ctx.c, ctx.team.id)
                .await?
                .iter()
                .map(|m| json!({ "name": m.name, "display": m.display_name, "role": m.role.code(), "tz": m.tz.name(), "locale": m.locale.code() }))
                .collect();
            ctx.reply("member_list", json!({ "members": members }));
        }
    }
    Ok(())
}

/// Help: every command's usage and its description in `locale`.
pub(super) fn help_data(r: &Renderer, locale: Locale) -> Value {
    let commands: Vec<Value> =
        REGISTRY.iter().map(|s| json!({ "usage": s.usage, "description": r.label(locale, &s.label_key()) })).collect();
    json!({ "commands": commands })
}

fn may_manage(ctx: &Ctx<'_>) -> bool {
    matches!(ctx.me.role, Role::Pm | Role::Po | Role::ScrumMaster)
}

fn not_allowed(what: &str) -> Fail {
    UserError::new("error_not_allowed", json!({ "what": what })).into()
}

fn require_manager(ctx: &Ctx<'_>) -> Outcome<()> {
    if may_manage(ctx) { Ok(()) } else { Err(not_allowed("")) }
}

async fn find(ctx: &mut Ctx<'_>, name: &str) -> Outcome<Standup> {
    store::standups::by_name(ctx.c, ctx.team.id, name)
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
    let team = store::teams::members(ctx.c, ctx.team.id).await?;
    standup::participants(s, &team)?;
    Ok(())
}

async fn create(ctx: &mut Ctx<'_>, name: &str, o: &StandupOptions) -> Outcome<()> {
    require_manager(ctx)?;
    let defaults = default_questions(&ctx.svc.renderer, ctx.team.locale);
    let settings = standup::new_settings(name, o, ctx.team.tz.name(), defaults)?;
    check_participants(ctx, &settings).await?;
    let channel_id = store::teams::channel_id(ctx.c, ctx.team.id, &settings.channel).await?;
    let Some(id) = store::standups::create(ctx.c, ctx.team.id, channel_id, &settings, Some(ctx.me.id), ctx.now).await?
    else {
        return Err(UserError::new("error_standup_exists", json!({ "name": name })).into());
    };
    let s = store::standups::get(ctx.c, id).await?.ok_or_else(|| anyhow::anyhow!("stand-up {id} vanished"))?;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    let data = describe(ctx, &s).await?;
    ctx.reply("standup_created", data);
    Ok(())
}

async fn edit(ctx: &mut Ctx<'_>, name: &str, o: &StandupOptions) -> Outcome<()> {
    require_manager(ctx)?;
    let mut s = find(ctx, name).await?;
    if *o == StandupOptions::default() {
        return Err(UserError::new("error_nothing_to_change", json!({ "name": name })).into());
    }
    s.settings = standup::edited_settings(&s.settings, o)?;
    check_participants(ctx, &s.settings).await?;
    s.channel_id = store::teams::channel_id(ctx.c, ctx.team.id, &s.settings.channel).await?;
    store::standups::update(ctx.c, s.id, s.channel_id, &s.settings, ctx.now).await?;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    let data = describe(ctx, &s).await?;
    ctx.reply("standup_updated", data);
    Ok(())
}

async fn pause(ctx: &mut Ctx<'_>, name: &str, paused: bool) -> Outcome<()> {
    let mut s = find(ctx, name).await?;
    store::standups::set_paused(ctx.c, s.id, paused).await?;
    s.paused = paused;
    rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
    ctx.reply(if paused { "standup_paused" } else { "standup_resumed" }, json!({ "name": name }));
    Ok(())
}

async fn list(ctx: &mut Ctx<'_>) -> Outcome<()> {
    let mut items = Vec::new();
    for s in store::standups::list(ctx.c, ctx.team.id).await? {
        items.push(describe(ctx, &s).await?);
    }
    ctx.reply("standup_list", json!({ "standups": items }));
    Ok(())
}

/// A stand-up as the list and show templates present it, with its next fires in the
/// viewer's zone.
async fn describe(ctx: &mut Ctx<'_>, s: &Standup) -> Outcome<Value> {
    let team = store::teams::members(ctx.c, ctx.team.id).await?;
    let people: Vec<String> = standup::participants(&s.settings, &team)
        .map(|ps| ps.iter().map(|m| m.display_name.clone()).collect())
        .unwrap_or_default();
    let tz: chrono_tz::Tz = s.settings.tz.parse().unwrap_or(chrono_tz::UTC);
    let next: Vec<String> = match Schedule::parse(&s.settings.schedule) {
        Ok(sched) if !s.paused => sched
            .upcoming(tz, ctx.now, 3)
            .iter()
            .map(|t| t.with_timezone(&ctx.me.tz).format("%Y-%m-%d %H:%M %Z").to_string())
            .collect(),
        _ => Vec::new(),
    };
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

async fn me(ctx: &mut Ctx<'_>, tz: Option<String>, locale: Option<String>, quiet: Option<String>) -> Outcome<()> {
    let mut m = ctx.me.clone();
    let zone_changed = tz.is_some();
    if let Some(tz) = tz {
        m.tz = check_tz(&tz)?.parse().map_err(|_| UserError::new("error_bad_timezone", json!({ "value": tz })))?;
    }
    if let Some(l) = locale {
        m.locale = Locale::parse(&l).ok_or_else(|| {
            UserError::new("error_bad_choice", json!({ "value": l, "choices": "en, fr", "usage": "locale=fr" }))
        })?;
    }
    if let Some(q) = quiet {
        m.quiet_hours = parse_quiet_hours(&q)?;
    }
    store::teams::update_member_prefs(ctx.c, &m).await?;
    ctx.me = m.clone();
    if zone_changed {
        for s in store::standups::list(ctx.c, ctx.team.id).await? {
            if s.settings.member_local_time {
                rounds::sync_jobs(ctx.c, &s, ctx.now, true).await?;
            }
        }
    }
    let quiet = m.quiet_hours.map(|q| format!("{}-{}", q.start.format("%H:%M"), q.end.format("%H:%M")));
    ctx.reply("me_settings", json!({ "tz": m.tz.name(), "locale": m.locale.code(), "quiet": quiet }));
    Ok(())
}
