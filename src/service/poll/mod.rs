//! The poll capability: a question with options posted in a channel with a button per
//! option, votes changed or withdrawn until the close (a deadline, a quorum, or by hand),
//! results live or hidden, the final result with its bar chart, anonymous polls that keep
//! no voter, reminders to those who have not voted.

mod jobs;
mod life;
mod message;
mod votes;

use super::registry::{Capability, JobKind};
use super::{Ctx, Outcome};
use crate::core::UserError;
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::poll::{COMMANDS, PollCommand};
use crate::core::team::personal::Erasure;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::json;

/// The poll capability, as registered.
#[derive(Debug)]
pub struct Polls;

/// A vote for an option: `poll_vote:<poll>:<option index>`.
const VOTE_BUTTON: &str = "poll_vote";

#[async_trait]
impl Capability for Polls {
    fn name(&self) -> &'static str {
        "poll"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        match command::build(COMMANDS, meta, args)? {
            PollCommand::Create { question, settings, close, channel } => {
                life::create(ctx, &question, settings, close, channel).await
            }
            PollCommand::List => life::list(ctx).await,
            PollCommand::Show { id } => life::show(ctx, id).await,
            PollCommand::Close { id } => life::close_command(ctx, id).await,
            PollCommand::Reopen { id, close } => life::reopen(ctx, id, close).await,
            PollCommand::Delete { id } => life::delete(ctx, id).await,
            PollCommand::Export { id, json } => life::export(ctx, id, json).await,
        }
    }

    fn buttons(&self) -> &'static [&'static str] {
        &[VOTE_BUTTON]
    }

    async fn click(&self, ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
        let ids: Vec<i64> = action.split(':').skip(1).filter_map(|p| p.parse().ok()).collect();
        match ids.as_slice() {
            [poll, option] if *option >= 0 => votes::vote(ctx, *poll, *option as usize).await,
            _ => Err(UserError::plain("error_stale_button").into()),
        }
    }

    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        jobs::KINDS
    }

    // Close and reminder jobs are scheduled when a poll opens and stay in the jobs table
    // over a restart: nothing is missing to plan.
    async fn replan(&self, _c: &mut Conn, _team_id: i64, _now: DateTime<Utc>, _replace: bool) -> anyhow::Result<()> {
        Ok(())
    }

    async fn personal_data(&self, c: &mut Conn, member: &Member) -> anyhow::Result<serde_json::Value> {
        store::poll::personal_data(c, member.id).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        store::jobs::cancel_for_member(c, &[jobs::REMIND], e.member_id).await?;
        store::poll::erase(c, e).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// Every template the poll names.
const TEMPLATES: &[&str] = &[
    "poll_message",
    "poll_result",
    "poll_created",
    "poll_voted",
    "poll_list",
    "poll_closed",
    "poll_reopened",
    "poll_deleted",
    "poll_export",
    "poll_dm_reminder",
    "error_poll_too_many_options",
    "error_poll_too_few_options",
    "error_poll_option_too_long",
    "error_poll_duplicate_option",
    "error_poll_no_question",
    "error_poll_question_too_long",
    "error_poll_bad_close",
    "error_poll_close_past",
    "error_poll_bad_quorum",
    "error_poll_unknown_option",
    "error_poll_max_picks",
    "error_poll_remind_needs_close",
    "error_poll_unknown",
    "error_poll_closed",
    "error_poll_open",
    "error_poll_not_in_audience",
    "error_poll_not_creator",
    "error_poll_anonymous_reopen",
    "error_poll_empty_audience",
];

/// The team's poll `id`, or the refusal naming it.
async fn find(ctx: &mut Ctx<'_>, id: i64) -> Outcome<store::poll::Poll> {
    store::poll::get(ctx.c, ctx.team.id, id)
        .await?
        .ok_or_else(|| UserError::new("error_poll_unknown", json!({ "id": id })).into())
}
