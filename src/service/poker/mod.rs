//! Planning poker: a story (or a queue of them) is put to the vote in a channel; votes stay
//! hidden — the message shows who has voted — until the facilitator reveals them or the
//! deadline does; then a re-vote or an accepted estimate, kept with the story.

mod jobs;
mod stories;

use super::registry::{Capability, JobKind};
use super::{Ctx, Outcome};
use crate::core::UserError;
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::poker::{COMMANDS, PokerCommand};
use crate::core::team::personal::Erasure;
use crate::store::Conn;
use async_trait::async_trait;

/// Planning poker, as registered.
#[derive(Debug)]
pub struct Poker;

/// A vote by button: `poker_vote:STORY:CARD`.
const VOTE_BUTTON: &str = "poker_vote";

#[async_trait]
impl Capability for Poker {
    fn name(&self) -> &'static str {
        "poker"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        match command::build(COMMANDS, meta, args)? {
            PokerCommand::Start { stories, deck, voters, role, close_minutes, link, channel } => {
                let start = stories::Start { stories, deck, voters, role, close_minutes, link, channel };
                stories::start(ctx, start).await
            }
            PokerCommand::Vote { story, card, reason } => {
                stories::vote(ctx, story, stories::Card::Named(&card), reason).await
            }
            PokerCommand::Reveal { story, force } => stories::reveal(ctx, story, force).await,
            PokerCommand::Revote { story } => stories::revote(ctx, story).await,
            PokerCommand::Accept { story, estimate } => stories::accept(ctx, story, &estimate).await,
            PokerCommand::History => stories::history(ctx).await,
        }
    }

    fn buttons(&self) -> &'static [&'static str] {
        &[VOTE_BUTTON]
    }

    async fn click(&self, ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
        let ids: Vec<i64> = action.split(':').skip(1).filter_map(|p| p.parse().ok()).collect();
        match ids.as_slice() {
            [story, card] if *card >= 0 => {
                stories::vote(ctx, Some(*story), stories::Card::Index(*card as usize), None).await
            }
            _ => Err(UserError::plain("error_poker_closed_button").into()),
        }
    }

    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        jobs::KINDS
    }

    async fn personal_data(&self, c: &mut Conn, member: &Member) -> anyhow::Result<serde_json::Value> {
        crate::store::poker::personal_data(c, member.id).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        crate::store::poker::erase(c, e).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// Every template planning poker names.
const TEMPLATES: &[&str] = &[
    "poker_story",
    "poker_started",
    "poker_voted",
    "poker_done",
    "poker_history",
    "poker_all_voted",
    "error_not_everyone_voted",
    "error_not_an_estimate",
    "error_poker_closed_button",
    "error_no_open_story",
    "error_several_open_stories",
    "error_unknown_story",
    "error_not_voter",
    "error_not_story_facilitator",
    "error_story_not_voting",
    "error_story_not_revealed",
    "error_no_votes_yet",
    "error_not_in_deck",
    "error_bad_deck",
    "error_bad_stories",
    "error_bad_story",
    "error_bad_link",
    "error_no_voters",
    "error_poker_channel",
];
