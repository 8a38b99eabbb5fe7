//! A sprint cadence's rollover: at 00:00 in the team's zone on each start day the running
//! sprint ends and the next number starts, planned as one `sprint_rollover` job per team.

use crate::core::schedule::SprintCadence;
use crate::core::sprint::{self, Sprint, Step};
use crate::core::standup::local_day;
use crate::service::Service;
use crate::service::registry::{self, JobDone, JobKind};
use crate::store::jobs::Job;
use crate::store::sprint::{NewSprint, SprintCadenceRow};
use crate::store::team::Team;
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// Roll a team's sprints over (`subject_id` is the team) at a cadence's start of day.
const ROLLOVER: &str = "sprint_rollover";

/// The sprint's job kinds, as registered.
pub(super) static KINDS: &[&dyn JobKind] = &[&Rollover];

#[derive(Debug)]
struct Rollover;

#[async_trait]
impl JobKind for Rollover {
    fn name(&self) -> &'static str {
        ROLLOVER
    }

    /// Applied however late it runs (a rollover missed while down happens at restart),
    /// and once: the step changes nothing when the sprint holding today already runs.
    async fn run(&self, _: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone> {
        let team_id = job.subject_id;
        let done = JobDone { team_id, ..JobDone::default() };
        let Some(row) = store::sprint::cadence(c, team_id).await? else {
            store::jobs::finish(c, job.id).await?;
            return Ok(done);
        };
        let team = store::team::team(c, team_id).await?;
        apply(c, &team, row, now, None).await?;
        let cadence = of(&team, row);
        match sprint::next_start(&cadence, now) {
            Some(next) => store::jobs::advance(c, job.id, next).await?,
            None => store::jobs::finish(c, job.id).await?,
        }
        registry::replan(c, team_id, now, true).await?;
        Ok(done)
    }
}

fn of(team: &Team, row: SprintCadenceRow) -> SprintCadence {
    sprint::cadence(row.start_day, row.length_days, team.tz)
}

/// Bring the team's sprints in line with its cadence today; the sprint started, if one was.
pub(super) async fn apply(
    c: &mut Conn,
    team: &Team,
    row: SprintCadenceRow,
    now: DateTime<Utc>,
    by: Option<i64>,
) -> anyhow::Result<Option<Sprint>> {
    let today = local_day(team.tz, now);
    let running = store::sprint::current(c, team.id).await?;
    match sprint::step(&of(team, row), running.as_ref().map(|s| (s.start, s.end)), today) {
        Step::Keep => Ok(None),
        Step::Reshape { end } => {
            if let Some(s) = &running {
                store::sprint::set_end_day(c, s.id, end).await?;
            }
            Ok(None)
        }
        Step::Roll { close_on, start, end } => {
            if let (Some(s), Some(close)) = (&running, close_on) {
                store::sprint::end(c, s.id, close.max(s.start), now).await?;
            }
            let number = store::sprint::last_number(c, team.id).await? + 1;
            let new = NewSprint { number, goal: "", start, end, created_by: by };
            if store::sprint::create(c, team.id, &new, now).await?.is_none() {
                return Ok(None);
            }
            store::sprint::by_number(c, team.id, number).await
        }
    }
}

/// The next instant the team's cadence starts a sprint, if it has one.
pub(super) async fn next_start(c: &mut Conn, team: &Team, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
    Ok(store::sprint::cadence(c, team.id).await?.and_then(|row| sprint::next_start(&of(team, row), now)))
}

/// Plan the team's next rollover. Idempotent, and it calls no other capability: the
/// registry calls it after every change of sprints. A rollover already due is kept, so
/// one missed while down runs at restart (once) and a re-plan cannot skip it.
pub(super) async fn plan(c: &mut Conn, team_id: i64, now: DateTime<Utc>) -> anyhow::Result<()> {
    let planned = store::jobs::due_at(c, ROLLOVER, team_id, 0).await?;
    if planned.is_some_and(|due| due <= now) {
        return Ok(());
    }
    let team = store::team::team(c, team_id).await?;
    match next_start(c, &team, now).await? {
        Some(next) if planned != Some(next) => store::jobs::schedule(c, ROLLOVER, team_id, 0, next).await,
        Some(_) => Ok(()),
        None if planned.is_some() => store::jobs::cancel(c, ROLLOVER, team_id, None).await,
        None => Ok(()),
    }
}
