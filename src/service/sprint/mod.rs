//! The sprint capability: sprints started, shown, given a goal and ended by hand, or rolled
//! over by a cadence at the local start of each start day.
//!
//! Other rituals read sprints from `store::sprint` (`current`, `by_number`, `recent`,
//! `cadence`); after any change of sprints the registry re-plans every capability, so
//! theirs follow.

mod rollover;

use super::registry::{self, Capability, JobKind};
use super::{Ctx, Outcome};
use crate::core::UserError;
use crate::core::command::{self, Args, Meta};
use crate::core::sprint::{self, COMMANDS, Sprint, SprintCommand};
use crate::core::standup::local_day;
use crate::core::team::personal::Erasure;
use crate::store::sprint::{NewSprint, SprintCadenceRow};
use crate::store::{self, Conn};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Value, json};

/// How many sprints `sprint list` shows.
const LIST_LIMIT: i64 = 20;

/// The sprint capability, as registered.
#[derive(Debug)]
pub struct Sprints;

#[async_trait]
impl Capability for Sprints {
    fn name(&self) -> &'static str {
        "sprint"
    }

    fn commands(&self) -> Vec<&'static Meta> {
        COMMANDS.iter().map(|s| &s.meta).collect()
    }

    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()> {
        execute(ctx, command::build(COMMANDS, meta, args)?).await
    }

    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        rollover::KINDS
    }

    async fn replan(&self, c: &mut Conn, team_id: i64, now: DateTime<Utc>, _replace: bool) -> anyhow::Result<()> {
        rollover::plan(c, team_id, now).await
    }

    async fn erase(&self, c: &mut Conn, e: &Erasure) -> anyhow::Result<()> {
        store::sprint::erase(c, e).await
    }

    fn templates(&self) -> &'static [&'static str] {
        TEMPLATES
    }
}

/// Every template the sprint capability names.
const TEMPLATES: &[&str] = &[
    "sprint_started",
    "sprint_show",
    "sprint_list",
    "sprint_goal_set",
    "sprint_ended",
    "sprint_cadence_set",
    "sprint_cadence_off",
    "error_sprint_running",
    "error_no_sprint",
    "error_bad_sprint_length",
];

async fn execute(ctx: &mut Ctx<'_>, cmd: SprintCommand) -> Outcome<()> {
    let today = local_day(ctx.team.tz, ctx.now);
    match cmd {
        SprintCommand::Start { goal, length_days } => start(ctx, &goal, length_days, today).await?,
        SprintCommand::Show { number } => {
            let s = match number {
                None => store::sprint::current(ctx.c, ctx.team.id).await?,
                Some(n) => store::sprint::by_number(ctx.c, ctx.team.id, n).await?,
            };
            let s = s.ok_or_else(|| no_sprint(number))?;
            ctx.reply("sprint_show", describe(&s, today));
        }
        SprintCommand::List => {
            let sprints: Vec<Value> = store::sprint::recent(ctx.c, ctx.team.id, LIST_LIMIT)
                .await?
                .iter()
                .map(|s| describe(s, today))
                .collect();
            ctx.reply("sprint_list", json!({ "sprints": sprints }));
        }
        SprintCommand::Goal { goal } => {
            let mut s = running(ctx).await?;
            store::sprint::set_goal(ctx.c, s.id, &goal).await?;
            s.goal = goal;
            ctx.reply("sprint_goal_set", describe(&s, today));
        }
        SprintCommand::End => {
            let mut s = running(ctx).await?;
            store::sprint::end(ctx.c, s.id, today, ctx.now).await?;
            (s.end, s.ended_at) = (today, Some(ctx.now));
            changed(ctx).await?;
            let next = next_start_day(ctx).await?;
            let mut data = describe(&s, today);
            data["next"] = next.map(|d| d.to_string()).into();
            ctx.reply("sprint_ended", data);
        }
        SprintCommand::Cadence { start, length_days } => {
            let row = SprintCadenceRow { start_day: start, length_days };
            store::sprint::set_cadence(ctx.c, ctx.team.id, row, ctx.now).await?;
            let started = rollover::apply(ctx.c, &ctx.team, row, ctx.now, Some(ctx.me.id)).await?;
            changed(ctx).await?;
            let running = store::sprint::current(ctx.c, ctx.team.id).await?;
            let data = json!({
                "start": start.to_string(),
                "length": length_days,
                "tz": ctx.team.tz.name(),
                "started": started.as_ref().map(|s| describe(s, today)),
                "running": running.as_ref().map(|s| describe(s, today)),
                "next": next_start_day(ctx).await?.map(|d| d.to_string()),
            });
            ctx.reply("sprint_cadence_set", data);
        }
        SprintCommand::CadenceOff => {
            store::sprint::remove_cadence(ctx.c, ctx.team.id).await?;
            changed(ctx).await?;
            let running = store::sprint::current(ctx.c, ctx.team.id).await?;
            ctx.reply("sprint_cadence_off", json!({ "running": running.map(|s| s.number) }));
        }
    }
    Ok(())
}

/// `sprint start`: the next number from today; refused while one runs.
async fn start(ctx: &mut Ctx<'_>, goal: &str, length_days: u32, today: NaiveDate) -> Outcome<()> {
    if let Some(cur) = store::sprint::current(ctx.c, ctx.team.id).await? {
        if cur.end >= today {
            let data = json!({ "number": cur.number, "end": cur.end.to_string() });
            return Err(UserError::new("error_sprint_running", data).into());
        }
        // Its last day is past and nobody ended it: it ends as planned.
        store::sprint::end(ctx.c, cur.id, cur.end, ctx.now).await?;
    }
    let number = store::sprint::last_number(ctx.c, ctx.team.id).await? + 1;
    let end = sprint::end_day(today, length_days);
    let new = NewSprint { number, goal, start: today, end, created_by: Some(ctx.me.id) };
    if store::sprint::create(ctx.c, ctx.team.id, &new, ctx.now).await?.is_none() {
        let data = json!({ "number": number, "end": end.to_string() });
        return Err(UserError::new("error_sprint_running", data).into());
    }
    changed(ctx).await?;
    let s = store::sprint::by_number(ctx.c, ctx.team.id, number)
        .await?
        .ok_or_else(|| anyhow::anyhow!("sprint {number} vanished"))?;
    let mut data = describe(&s, today);
    data["length"] = length_days.into();
    ctx.reply("sprint_started", data);
    Ok(())
}

/// The running sprint, or the refusal saying how to start one.
async fn running(ctx: &mut Ctx<'_>) -> Outcome<Sprint> {
    Ok(store::sprint::current(ctx.c, ctx.team.id).await?.ok_or_else(|| no_sprint(None))?)
}

fn no_sprint(number: Option<i64>) -> UserError {
    UserError::new("error_no_sprint", json!({ "number": number }))
}

/// Sprints changed: every capability re-plans what follows them (a retro on the last day).
async fn changed(ctx: &mut Ctx<'_>) -> anyhow::Result<()> {
    registry::replan(ctx.c, ctx.team.id, ctx.now, true).await
}

/// The local day the cadence starts its next sprint, if the team has one.
async fn next_start_day(ctx: &mut Ctx<'_>) -> anyhow::Result<Option<NaiveDate>> {
    let next = rollover::next_start(ctx.c, &ctx.team, ctx.now).await?;
    Ok(next.map(|t| local_day(ctx.team.tz, t)))
}

/// A sprint as the templates show it, on local day `today`.
fn describe(s: &Sprint, today: NaiveDate) -> Value {
    json!({
        "number": s.number,
        "goal": s.goal,
        "start": s.start.to_string(),
        "end": s.end.to_string(),
        "days_left": s.days_left(today),
        "ended": s.ended_at.is_some(),
    })
}
