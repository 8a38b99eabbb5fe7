//! Planning poker's job: reveal a story's votes at its deadline.

use super::stories;
use crate::service::Service;
use crate::service::registry::{JobDone, JobKind};
use crate::store::jobs::Job;
use crate::store::poker::State;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Reveal a story's votes at its deadline (subject: the story).
pub(super) const REVEAL: &str = "poker_reveal";

pub(super) static KINDS: &[&dyn JobKind] = &[&Reveal];

#[derive(Debug)]
struct Reveal;

#[async_trait]
impl JobKind for Reveal {
    fn name(&self) -> &'static str {
        REVEAL
    }

    /// A deadline missed while Tandem was down reveals once, late.
    async fn run(&self, _: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone> {
        let mut done = JobDone::default();
        store::jobs::finish(c, job.id).await?;
        let Some(story) = store::poker::get(c, job.subject_id).await? else { return Ok(done) };
        let story =
            store::poker::locked(c, story.team_id, story.id).await?.ok_or_else(|| anyhow::anyhow!("story vanished"))?;
        done.team_id = story.team_id;
        // The job of a round that is over (a re-vote, a reveal by hand) does nothing.
        if story.state == State::Voting && story.round == job.member_id && story.deadline.is_some_and(|d| d <= now) {
            stories::show_votes(c, &story, now, &mut done.effects).await?;
        }
        Ok(done)
    }
}
