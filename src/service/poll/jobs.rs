//! The poll's scheduled jobs: close at the deadline (once, however late) or the quorum, and remind one
//! member of the audience who has not voted, never in their quiet hours.

use super::{VOTE_BUTTON, life};
use crate::core::standup::{self, Reminder};
use crate::core::{Effect, Message, Target};
use crate::service::Service;
use crate::service::registry::{JobDone, JobKind};
use crate::store::jobs::Job;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// Close a poll at its deadline (subject: the poll).
pub(super) const CLOSE: &str = "poll_close";
/// Remind one member who has not voted (subject: the poll).
pub(super) const REMIND: &str = "poll_remind";

pub(super) static KINDS: &[&dyn JobKind] = &[&ClosePoll, &Remind];

#[derive(Debug)]
struct ClosePoll;

#[async_trait]
impl JobKind for ClosePoll {
    fn name(&self) -> &'static str {
        CLOSE
    }

    /// At the deadline, or at once when a vote reached the quorum. A deadline passed while
    /// Tandem was down closes the poll once, when it is back.
    async fn run(&self, _: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone> {
        let mut done = JobDone::default();
        store::jobs::finish(c, job.id).await?;
        let Some(p) = store::poll::locked(c, job.subject_id).await? else { return Ok(done) };
        done.team_id = p.team_id;
        if p.closed_at.is_none() && (p.closes_at.is_some_and(|at| at <= now) || life::quorum_reached(c, &p).await?) {
            life::close(c, &p, now, &mut done.effects).await?;
        }
        Ok(done)
    }
}

#[derive(Debug)]
struct Remind;

#[async_trait]
impl JobKind for Remind {
    fn name(&self) -> &'static str {
        REMIND
    }

    /// Only a member who has not voted is reminded, with the buttons to vote from the DM.
    /// In an anonymous poll the reminder is forgotten at close: it tells who had not voted.
    async fn run(&self, _: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone> {
        let mut done = JobDone::default();
        let Some(p) = store::poll::locked(c, job.subject_id).await? else {
            store::jobs::finish(c, job.id).await?;
            return Ok(done);
        };
        done.team_id = p.team_id;
        done.forget_tag = p.forget_tag();
        let (Some(deadline), None) = (p.closes_at, p.closed_at) else {
            store::jobs::finish(c, job.id).await?;
            return Ok(done);
        };
        if !store::poll::picks_of(c, p.id, &p.voter_key(job.member_id)).await?.is_empty() {
            store::jobs::finish(c, job.id).await?;
            return Ok(done);
        }
        let m = store::team::member(c, job.member_id).await?;
        match standup::reminder(now, &m, deadline) {
            Reminder::Drop => store::jobs::finish(c, job.id).await?,
            Reminder::Defer(at) => store::jobs::advance(c, job.id, at.max(now + Duration::minutes(1))).await?,
            Reminder::Send => {
                let channel = store::team::channel_name(c, p.channel_id).await?;
                let data = json!({
                    "id": p.id,
                    "question": p.question,
                    "channel": channel,
                    "closes": crate::core::text::moment(deadline, m.tz, now),
                    "anonymous": p.anonymous(),
                });
                let mut msg = Message::new("poll_dm_reminder", data, m.locale);
                for (i, o) in p.settings.options.iter().enumerate() {
                    msg = msg.with_button(o, format!("{VOTE_BUTTON}:{}:{i}", p.id));
                }
                done.effects.push(Effect::post(Target::Dm { member_id: m.id }, msg));
                store::jobs::finish(c, job.id).await?;
            }
        }
        Ok(done)
    }
}
