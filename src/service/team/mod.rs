//! The team capability: help, members, a member's own settings, time off and holidays,
//! and personal data (`personal.rs`: exports and erasures).

mod personal;

use super::registry::{self, Capability};
use super::{Ctx, Outcome};
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::model::{TimeOff, TimeOffKind};
use crate::core::standup::local_day;
use crate::core::team::personal::Erasure;
use crate::core::team::{COMMANDS, TeamCommand, holiday_days};
use crate::core::text::parse_quiet_hours;
use crate::core::{Locale, Message, UserError};
use crate::render::Renderer;
use crate::store::{self, Conn};
use async_trait::async_trait;
use serde_json::{Value, json};

/// The team capability, as registered.
#[derive(Debug)]
pub struct Team;

#[async_trait]
impl Capability for Team {
    fn name(&self) -> &'static str {
        "team"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        execute(ctx, command::build(COMMANDS, meta, args)?).await
    }

    fn buttons(&self) -> &'static [&'static str] {
        &[ERASE_BUTTON]
    }

    async fn click(&self, ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
        personal::erase_click(ctx, action).await
    }

    async fn personal_data(&self, c: &mut Conn, member: &Member) -> anyhow::Result<Value> {
        personal::team_part(c, member).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        personal::erase_shared(c, e).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// The button that confirms an erasure: `member_erase:<member id>`.
const ERASE_BUTTON: &str = "member_erase";

/// Every template the team capability names.
const TEMPLATES: &[&str] = &[
    "help",
    "me_settings",
    "away_done",
    "holiday_added",
    "holiday_removed",
    "holiday_list",
    "member_added",
    "member_list",
    "error_member_exists",
    "error_no_such_holiday",
    "member_export",
    "member_erase_preview",
    "member_erased",
    "error_member_erase_self",
    "error_member_already_erased",
];

async fn execute(ctx: &mut Ctx<'_>, cmd: TeamCommand) -> Outcome<()> {
    match cmd {
        TeamCommand::Help => {
            let data = help_data(&ctx.svc.renderer, ctx.me.locale);
            ctx.reply("help", data);
        }
        TeamCommand::Me { tz, locale, quiet } => me(ctx, tz, locale, quiet).await?,
        TeamCommand::Away { from, to } => {
            let t = TimeOff { from, to, kind: TimeOffKind::Away };
            store::team::add_time_off(ctx.c, ctx.me.id, &t, ctx.now).await?;
            let today = local_day(ctx.me.tz, ctx.now);
            if from <= today && today <= to {
                registry::member_away(ctx).await?;
            }
            ctx.reply("away_done", json!({ "from": from.to_string(), "to": to.to_string() }));
        }
        TeamCommand::HolidayAdd { from, to } => {
            for d in holiday_days(from, to)? {
                store::team::add_holiday(ctx.c, ctx.team.id, d).await?;
            }
            ctx.reply("holiday_added", json!({ "from": from.to_string(), "to": to.to_string() }));
        }
        TeamCommand::HolidayRemove { day } => {
            if !store::team::remove_holiday(ctx.c, ctx.team.id, day).await? {
                return Err(UserError::new("error_no_such_holiday", json!({ "day": day.to_string() })).into());
            }
            ctx.reply("holiday_removed", json!({ "day": day.to_string() }));
        }
        TeamCommand::HolidayList => {
            let days: Vec<String> =
                store::team::holidays(ctx.c, ctx.team.id).await?.iter().map(|d| d.to_string()).collect();
            ctx.reply("holiday_list", json!({ "days": days }));
        }
        TeamCommand::MemberAdd { name, role, display_name, tz, locale } => {
            let members = store::team::members(ctx.c, ctx.team.id).await?;
            if members.iter().any(|m| m.name == name) {
                return Err(UserError::new("error_member_exists", json!({ "name": name })).into());
            }
            let display = display_name.unwrap_or_else(|| name.clone());
            // A zone or language given here is a choice: a chat client's locale does not
            // override it later.
            let chosen = tz.is_some() || locale.is_some();
            let tz = tz.unwrap_or_else(|| ctx.team.tz.name().to_string());
            let locale = locale.unwrap_or(ctx.team.locale);
            let new = store::team::NewMember { name: &name, display_name: &display, role, tz: &tz, locale };
            let id = store::team::add_member(ctx.c, ctx.team.id, &new, ctx.now).await?;
            if chosen {
                store::team::mark_prefs_chosen(ctx.c, id).await?;
            }
            // Rituals held in each member's zone plan the newcomer's fires.
            registry::replan(ctx.c, ctx.team.id, ctx.now, false).await?;
            ctx.reply(
                "member_added",
                json!({ "name": name, "display": display, "role": role.code(), "tz": tz, "locale": locale.code() }),
            );
        }
        TeamCommand::Export { member } => personal::export(ctx, member).await?,
        TeamCommand::MemberErase { member, confirm } => personal::erase_command(ctx, &member, confirm).await?,
        TeamCommand::MemberList => {
            let members: Vec<Value> = store::team::members(ctx.c, ctx.team.id)
                .await?
                .iter()
                .map(|m| json!({ "name": m.name, "display": m.display_name, "role": m.role.code(), "tz": m.tz.name(), "locale": m.locale.code() }))
                .collect();
            ctx.reply("member_list", json!({ "members": members }));
        }
    }
    Ok(())
}

/// The help, as the answer to an unknown command (which it names).
pub(crate) fn help_message(r: &Renderer, locale: Locale, unknown: Value) -> Message {
    let mut data = help_data(r, locale);
    data["unknown"] = unknown;
    Message::new("help", data, locale)
}

/// Help: every command's usage and its description in `locale`, in registry order.
pub fn help_data(r: &Renderer, locale: Locale) -> Value {
    let commands: Vec<Value> = registry::commands()
        .map(|(_, m)| json!({ "usage": r.usage(locale, &m.usage()), "description": r.label(locale, &m.label_key()) }))
        .collect();
    json!({ "commands": commands })
}

async fn me(ctx: &mut Ctx<'_>, tz: Option<String>, locale: Option<String>, quiet: Option<String>) -> Outcome<()> {
    let mut m = ctx.me.clone();
    let zone_changed = tz.is_some();
    if let Some(tz) = tz {
        let name = command::param::check_tz(&tz)?;
        m.tz = name.parse().map_err(|_| UserError::new("error_bad_timezone", json!({ "value": tz })))?;
    }
    if let Some(l) = locale {
        m.locale = Locale::parse(command::param::choice(&l, &["en", "fr"], "locale=fr")?).unwrap_or(m.locale);
    }
    if let Some(q) = quiet {
        m.quiet_hours = parse_quiet_hours(&q)?;
    }
    store::team::update_member_prefs(ctx.c, &m).await?;
    ctx.me = m.clone();
    if zone_changed {
        registry::replan(ctx.c, ctx.team.id, ctx.now, true).await?;
    }
    let quiet = m.quiet_hours.map(|q| format!("{}-{}", q.start.format("%H:%M"), q.end.format("%H:%M")));
    ctx.reply("me_settings", json!({ "tz": m.tz.name(), "locale": m.locale.code(), "quiet": quiet }));
    Ok(())
}
