//! The stand-up capability: stand-ups are set up, rounds open at each member's time,
//! answers come in by DM or form, reports are posted and blockers followed.

mod answers;
mod blockers;
mod fire;
mod history;
mod home;
mod jobs;
mod report;
mod rounds;
mod settings;

use super::registry::{Capability, JobKind, Waiting};
use super::{Ctx, Outcome};
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::standup::action;
use crate::core::standup::{COMMANDS, StandupCommand, Status};
use crate::core::team::personal::Erasure;
use crate::render::Renderer;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The stand-up capability, as registered.
#[derive(Debug)]
pub struct Standups;

#[async_trait]
impl Capability for Standups {
    fn name(&self) -> &'static str {
        "standup"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        execute(ctx, command::build(COMMANDS, meta, args)?).await
    }

    fn buttons(&self) -> &'static [&'static str] {
        action::BUTTONS
    }

    fn form_buttons(&self) -> &'static [&'static str] {
        action::FORM_BUTTONS
    }

    async fn click(&self, ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
        answers::click(ctx, action).await
    }

    fn forms(&self) -> &'static [&'static str] {
        &[action::ANSWER_FORM]
    }

    async fn form(&self, ctx: &mut Ctx<'_>, submit: &str, values: &[String]) -> Outcome<()> {
        answers::take_form(ctx, submit, values).await
    }

    async fn awaiting_text(&self, c: &mut Conn, member_id: i64) -> anyhow::Result<Option<Waiting>> {
        let open = store::standup::rounds::open_for_member(c, member_id).await?;
        Ok(open.map(|p| Waiting { asked_at: p.asked_at.unwrap_or_default(), on: p.round_id }))
    }

    async fn text(&self, ctx: &mut Ctx<'_>, text: &str, waiting: Waiting) -> Outcome<()> {
        answers::take_text(ctx, text, waiting.on).await
    }

    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        jobs::KINDS
    }

    async fn replan(&self, c: &mut Conn, team_id: i64, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
        let standups = store::standup::list(c, team_id).await?;
        // What is planned already, read at once rather than one query per stand-up.
        let ids: Vec<i64> = standups.iter().map(|s| s.id).collect();
        let known = store::jobs::planned_for(c, jobs::OPEN, &ids).await?;
        let mut plan = Vec::new();
        for s in standups {
            // After a change of members or zones only stand-ups held in each member's
            // zone move; the others keep their planned fire.
            if !replace || s.settings.member_local_time {
                rounds::plan_jobs(c, &s, now, replace, &known, &mut plan).await?;
            }
        }
        store::jobs::schedule_many(c, jobs::OPEN, &plan).await
    }

    async fn member_away(&self, ctx: &mut Ctx<'_>) -> Outcome<()> {
        rounds::excuse_open_rounds(ctx, Status::Away, None).await?;
        Ok(())
    }

    async fn names(&self, c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<String>> {
        Ok(store::standup::list(c, team_id).await?.into_iter().map(|s| s.settings.name).collect())
    }

    async fn personal_data(&self, c: &mut Conn, member: &Member) -> anyhow::Result<Value> {
        store::standup::personal::personal_data(c, member.id).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        store::jobs::cancel_for_member(c, &[jobs::OPEN, jobs::REMIND], e.member_id).await?;
        store::standup::personal::erase(c, e, jobs::ESCALATE).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// Every template the stand-up names.
const TEMPLATES: &[&str] = &[
    "standup_created",
    "standup_updated",
    "standup_list",
    "standup_show",
    "standup_paused",
    "standup_resumed",
    "standup_deleted",
    "standup_run_started",
    "standup_run_exists",
    "standup_dm_open",
    "standup_dm_question",
    "standup_dm_reminder",
    "standup_dm_thanks",
    "standup_form",
    "standup_report",
    "standup_report_header",
    "standup_report_person",
    "skip_done",
    "blockers_list",
    "blocker_resolved",
    "blocker_escalated",
    "standup_history",
    "stats",
    "rollup",
    "export_ready",
    "standup_home",
    "error_round_closed",
    "error_form_incomplete",
    "error_nothing_to_skip",
    "error_unknown_blocker",
    "error_blocker_already_resolved",
    "error_standup_exists",
    "error_unknown_standup",
    "error_nothing_to_change",
    "error_reminder_after_deadline",
    "error_bad_questions",
    "error_bad_period",
];

async fn execute(ctx: &mut Ctx<'_>, cmd: StandupCommand) -> Outcome<()> {
    match cmd {
        StandupCommand::Create { name, options } => settings::create(ctx, &name, &options).await?,
        StandupCommand::Edit { name, options } => settings::edit(ctx, &name, &options).await?,
        StandupCommand::List => settings::list(ctx).await?,
        StandupCommand::Show { name } => {
            let s = settings::find(ctx, &name).await?;
            let team = store::team::members(ctx.c, ctx.team.id).await?;
            let data = settings::describe(ctx, &s, &team)?;
            ctx.reply("standup_show", data);
        }
        StandupCommand::Pause { name } => settings::pause(ctx, &name, true).await?,
        StandupCommand::Resume { name } => settings::pause(ctx, &name, false).await?,
        StandupCommand::Delete { name } => {
            let s = settings::find(ctx, &name).await?;
            store::standup::delete(ctx.c, s.id).await?;
            ctx.reply("standup_deleted", json!({ "name": name }));
        }
        StandupCommand::Run { name } => {
            let s = settings::find(ctx, &name).await?;
            let opened = rounds::open_now(ctx, &s).await?;
            ctx.reply(if opened { "standup_run_started" } else { "standup_run_exists" }, json!({ "name": name }));
        }
        StandupCommand::Skip { standup } => rounds::skip_today(ctx, standup.as_deref()).await?,
        StandupCommand::Answer => answers::open_form_for_latest(ctx).await?,
        StandupCommand::Blockers => {
            let data = blockers::blockers_data(ctx).await?;
            ctx.reply("blockers_list", data);
        }
        StandupCommand::Resolve { blocker_id } => blockers::resolve(ctx, blocker_id).await?,
        StandupCommand::History { member, team, from, to } => history::history(ctx, member, team, from, to).await?,
        StandupCommand::Stats { from, to } => history::stats(ctx, from, to).await?,
        StandupCommand::Rollup { week } => history::rollup(ctx, week).await?,
        StandupCommand::Export { format, from, to } => history::export_link(ctx, format, from, to)?,
    }
    Ok(())
}

/// Plan a stand-up's fire (for `member_id` in their zone, 0 for everyone) at `due`:
/// load seeders for benches and tests use it.
pub(crate) async fn plan_fire(c: &mut Conn, standup_id: i64, member_id: i64, due: DateTime<Utc>) -> anyhow::Result<()> {
    store::jobs::schedule(c, jobs::OPEN, standup_id, member_id, due).await
}

/// A question in `locale`: default questions follow each reader's language.
fn question_text(r: &Renderer, q: &crate::core::model::Question, locale: crate::core::Locale) -> String {
    match &q.key {
        Some(key) => r.label(locale, key),
        None => q.text.clone(),
    }
}
