//! The retro capability: retros are set up, runs go through their phases (collect, group,
//! vote, actions, closed) with a board kept up to date in the channel, cards and ratings
//! come in by DM or form (unlinkable when anonymous), and actions are followed until done.

mod actions;
mod board;
mod cards;
mod jobs;
mod phases;
mod settings;
mod votes;

use super::registry::{Capability, JobKind, Waiting};
use super::{Ctx, Outcome};
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::retro::{COMMANDS, RetroCommand};
use crate::core::team::personal::Erasure;
use crate::core::{Effect, Locale, UserError};
use crate::render::Renderer;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};

/// The retro capability, as registered.
#[derive(Debug)]
pub struct Retros;

/// Button prefixes: open the card form, open the health form, one dot on a theme, an
/// action done.
const CARD_FORM_BUTTON: &str = "retro_cards";
const HEALTH_FORM_BUTTON: &str = "retro_health";
const VOTE_BUTTON: &str = "retro_vote";
const DONE_BUTTON: &str = "action_done";
/// Form submits: cards, health ratings.
const CARD_FORM: &str = "retro_card_form";
const HEALTH_FORM: &str = "retro_health_form";

#[async_trait]
impl Capability for Retros {
    fn name(&self) -> &'static str {
        "retro"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        execute(ctx, command::build(COMMANDS, meta, args)?).await
    }

    fn buttons(&self) -> &'static [&'static str] {
        &[CARD_FORM_BUTTON, HEALTH_FORM_BUTTON, VOTE_BUTTON, DONE_BUTTON]
    }

    // The health form holds choices, shown in the DM as select menus rather than a modal.
    fn form_buttons(&self) -> &'static [&'static str] {
        &[CARD_FORM_BUTTON]
    }

    async fn click(&self, ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
        let (prefix, rest) = action.split_once(':').unwrap_or((action, ""));
        let ids: Vec<i64> = rest.split(':').filter_map(|p| p.parse().ok()).collect();
        match (prefix, ids.as_slice()) {
            (CARD_FORM_BUTTON, [run]) => cards::open_card_form(ctx, *run).await,
            (HEALTH_FORM_BUTTON, [run]) => cards::open_health_form(ctx, *run).await,
            (VOTE_BUTTON, [run, theme]) => votes::vote(ctx, Some(*run), None, &[*theme]).await,
            (DONE_BUTTON, [id]) => actions::done(ctx, *id).await,
            _ => Err(UserError::plain("error_stale_button").into()),
        }
    }

    fn forms(&self) -> &'static [&'static str] {
        &[CARD_FORM, HEALTH_FORM]
    }

    async fn form(&self, ctx: &mut Ctx<'_>, submit: &str, values: &[String]) -> Outcome<()> {
        let (prefix, run) = submit.split_once(':').unwrap_or((submit, ""));
        let Ok(run) = run.parse::<i64>() else { return Err(UserError::plain("error_stale_button").into()) };
        match prefix {
            CARD_FORM => cards::take_card_form(ctx, run, values).await,
            _ => cards::take_health_form(ctx, run, values).await,
        }
    }

    async fn awaiting_text(&self, c: &mut Conn, member_id: i64) -> anyhow::Result<Option<Waiting>> {
        Ok(store::retro::collecting_for(c, member_id).await?.map(|(run, asked_at, _)| Waiting { asked_at, on: run }))
    }

    async fn claims_text(&self, c: &mut Conn, member_id: i64, text: &str) -> anyhow::Result<bool> {
        Ok(crate::core::retro::numbered(text) && store::retro::collecting_for(c, member_id).await?.is_some())
    }

    async fn text(&self, ctx: &mut Ctx<'_>, text: &str, _waiting: Waiting) -> Outcome<()> {
        // The run's prompt cursor is read again, in the run's lock.
        cards::take_text(ctx, text).await
    }

    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        jobs::KINDS
    }

    async fn replan(&self, c: &mut Conn, team_id: i64, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
        for r in store::retro::list(c, team_id).await? {
            settings::plan(c, &r, now, replace).await?;
        }
        Ok(())
    }

    async fn personal_data(&self, c: &mut Conn, member: &Member) -> anyhow::Result<serde_json::Value> {
        store::retro::personal::personal_data(c, member.id).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        store::jobs::cancel_for_member(c, &[jobs::REMIND], e.member_id).await?;
        store::retro::personal::erase(c, e).await
    }

    async fn names(&self, c: &mut Conn, team_id: i64) -> anyhow::Result<Vec<String>> {
        Ok(store::retro::list(c, team_id).await?.into_iter().map(|r| r.settings.name).collect())
    }

    async fn daily_notes(&self, c: &mut Conn, asked: &[(&Member, NaiveDate)]) -> anyhow::Result<Vec<(i64, Effect)>> {
        actions::daily_notes(c, asked).await
    }

    async fn report_notes(
        &self,
        c: &mut Conn,
        r: &Renderer,
        team_id: i64,
        day: NaiveDate,
        locale: Locale,
    ) -> anyhow::Result<Vec<String>> {
        actions::report_notes(c, r, team_id, day, locale).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// Every template the retro names.
const TEMPLATES: &[&str] = &[
    "retro_created",
    "retro_updated",
    "retro_list",
    "retro_show",
    "retro_deleted",
    "retro_started",
    "retro_advanced",
    "retro_board",
    "retro_summary",
    "retro_dm_open",
    "retro_dm_prompt",
    "retro_dm_reminder",
    "retro_dm_vote",
    "retro_card_form",
    "retro_health_form",
    "retro_cards_added",
    "retro_cards_mine",
    "retro_card_edited",
    "retro_card_deleted",
    "retro_rated",
    "retro_grouped",
    "retro_voted",
    "retro_export",
    "action_added",
    "action_list",
    "action_done",
    "action_edited",
    "action_due_note",
    "action_overdue_line",
    "error_retro_exists",
    "error_unknown_retro",
    "error_no_open_retro",
    "error_several_open_retros",
    "error_retro_running",
    "error_wrong_phase",
    "error_not_facilitator",
    "error_unknown_card",
    "error_unknown_prompt",
    "error_empty_card",
    "error_card_too_long",
    "error_unknown_theme",
    "error_votes_per_theme",
    "error_votes_used",
    "error_facilitator_no_vote",
    "error_bad_group",
    "error_bad_prompts",
    "error_bad_time",
    "error_bad_scores",
    "error_votes_setting",
    "error_unknown_action",
    "error_action_already_done",
    "error_not_participant",
    "error_retro_no_change",
    "error_no_vote_there",
    "error_no_health",
];

async fn execute(ctx: &mut Ctx<'_>, cmd: RetroCommand) -> Outcome<()> {
    match cmd {
        RetroCommand::Create { name, options } => settings::create(ctx, &name, &options).await,
        RetroCommand::Edit { name, options } => settings::edit(ctx, &name, &options).await,
        RetroCommand::List => settings::list(ctx).await,
        RetroCommand::Show { name } => settings::show(ctx, &name).await,
        RetroCommand::Delete { name } => settings::delete(ctx, &name).await,
        RetroCommand::Run { name } => phases::run_now(ctx, &name).await,
        RetroCommand::Advance { name } => phases::advance_command(ctx, &name).await,
        RetroCommand::Export { name, sprint } => board::export(ctx, &name, sprint).await,
        RetroCommand::Cards { retro } => cards::mine(ctx, retro.as_deref()).await,
        RetroCommand::CardEdit { retro, number, text } => cards::edit(ctx, retro.as_deref(), number, Some(&text)).await,
        RetroCommand::CardDelete { retro, number } => cards::edit(ctx, retro.as_deref(), number, None).await,
        RetroCommand::Rate { retro, scores } => cards::rate(ctx, retro.as_deref(), &scores).await,
        RetroCommand::Group { retro, cards, title } => votes::group(ctx, retro.as_deref(), &cards, Some(&title)).await,
        RetroCommand::Ungroup { retro, cards } => votes::group(ctx, retro.as_deref(), &cards, None).await,
        RetroCommand::Rename { retro, theme, title } => votes::rename(ctx, retro.as_deref(), theme, &title).await,
        RetroCommand::Vote { retro, themes } => votes::vote(ctx, None, retro.as_deref(), &themes).await,
        RetroCommand::Unvote { retro, themes } => votes::unvote(ctx, retro.as_deref(), &themes).await,
        RetroCommand::ActionAdd { text, owner, due, theme } => actions::add(ctx, &text, owner, due, theme).await,
        RetroCommand::ActionList { filter } => actions::list(ctx, filter).await,
        RetroCommand::ActionDone { id } => actions::done(ctx, id).await,
        RetroCommand::ActionEdit { id, text, owner, due } => actions::edit(ctx, id, text, owner, due).await,
    }
}

/// A prompt or health question as `locale` reads it.
fn prompt_text(r: &crate::render::Renderer, p: &crate::core::retro::Prompt, locale: crate::core::Locale) -> String {
    match &p.key {
        Some(key) => r.label(locale, key),
        None => p.text.clone(),
    }
}
