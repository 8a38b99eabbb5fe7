//! The registry: every capability, once.
//!
//! Help, command parsing and permissions, Discord's `/tandem` schema, click and form
//! routing by prefix, which capability a DM line belongs to, job kinds, start-up
//! re-planning and the tidy tests all iterate `CAPABILITIES`. Adding a capability is one
//! line here; nothing outside its own folders names its commands, buttons, jobs or
//! templates.

use super::{Ctx, Fail, Outcome, Service, poker, poll, retro, sprint, standup, team};
use crate::core::command::{self, Args, Meta};
use crate::core::model::Member;
use crate::core::team::personal::Erasure;
use crate::core::{Effect, Locale, UserError, policy};
use crate::render::Renderer;
use crate::store::Conn;
use crate::store::jobs::Job;
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value, json};

/// Every capability Tandem has. Help lists their commands in this order.
pub static CAPABILITIES: &[&dyn Capability] =
    &[&team::Team, &standup::Standups, &sprint::Sprints, &retro::Retros, &poll::Polls, &poker::Poker];

/// A capability waiting for a member's DM text: since when, and on what (its own id: a
/// stand-up round, a retro run).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub asked_at: DateTime<Utc>,
    pub on: i64,
}

/// A ritual or feature: its commands, buttons, forms, DM conversations and jobs.
#[async_trait]
pub trait Capability: Sync {
    /// Its name: the folder it has in each layer.
    fn name(&self) -> &'static str;

    /// Its commands, described.
    fn commands(&self) -> Vec<&'static Meta>;

    /// Run one of its commands; the arguments fit `meta` and the person may run it.
    async fn command(&self, ctx: &mut Ctx<'_>, meta: &'static Meta, args: Args) -> Outcome<()>;

    /// The prefixes of its button actions (`skip` owns `skip:12`).
    fn buttons(&self) -> &'static [&'static str] {
        &[]
    }

    /// Those of its buttons whose answer is a form, opened before the acknowledgement.
    fn form_buttons(&self) -> &'static [&'static str] {
        &[]
    }

    /// A click on one of its buttons.
    async fn click(&self, _ctx: &mut Ctx<'_>, _action: &str) -> Outcome<()> {
        Err(UserError::plain("error_stale_button").into())
    }

    /// The prefixes of its forms' `submit` values.
    fn forms(&self) -> &'static [&'static str] {
        &[]
    }

    /// One of its forms came back.
    async fn form(&self, _ctx: &mut Ctx<'_>, _submit: &str, _values: &[String]) -> Outcome<()> {
        Err(UserError::plain("error_stale_button").into())
    }

    /// When it is waiting for this member's DM text: the instant it asked, and what for.
    /// The DM line goes to the capability that asked last.
    async fn awaiting_text(&self, _c: &mut Conn, _member_id: i64) -> anyhow::Result<Option<Waiting>> {
        Ok(None)
    }

    /// Whether this DM line is plainly meant for it, whichever capability asked last (a
    /// line in a form only it reads, like a card starting with its prompt's number).
    async fn claims_text(&self, _c: &mut Conn, _member_id: i64, _text: &str) -> anyhow::Result<bool> {
        Ok(false)
    }

    /// A DM line it was waiting for (`waiting`, as `awaiting_text` said).
    async fn text(&self, _ctx: &mut Ctx<'_>, _text: &str, _waiting: Waiting) -> Outcome<()> {
        Err(UserError::plain("dm_nothing_to_answer").into())
    }

    /// Its job kinds.
    fn jobs(&self) -> &'static [&'static dyn JobKind] {
        &[]
    }

    /// Plan its scheduled work for a team: at start-up (`replace` false: only what is
    /// missing, so an overdue fire survives a restart) and when members or their zones
    /// change (`replace` true).
    async fn replan(&self, _c: &mut Conn, _team_id: i64, _now: DateTime<Utc>, _replace: bool) -> anyhow::Result<()> {
        Ok(())
    }

    /// The person is away from today: excuse them from what is open.
    async fn member_away(&self, _ctx: &mut Ctx<'_>) -> Outcome<()> {
        Ok(())
    }

    /// The names offered as one types a `Kind::Name` parameter of its commands.
    async fn names(&self, _c: &mut Conn, _team_id: i64) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// What it has to tell members on the day they are asked their daily questions
    /// (something of theirs falling due), for many (member, day) at once: effects for
    /// their DM as (member id, effect), sent after the first question; it may record that
    /// they were sent.
    async fn daily_notes(&self, _c: &mut Conn, _asked: &[(&Member, NaiveDate)]) -> anyhow::Result<Vec<(i64, Effect)>> {
        Ok(Vec::new())
    }

    /// Lines for the team's daily report (something overdue), in `locale`.
    async fn report_notes(
        &self,
        _c: &mut Conn,
        _r: &Renderer,
        _team_id: i64,
        _day: NaiveDate,
        _locale: Locale,
    ) -> anyhow::Result<Vec<String>> {
        Ok(Vec::new())
    }

    /// What it holds about a member, for their export (`member export`, `me export`):
    /// one JSON value under its name in the document; `Null` when it holds nothing.
    async fn personal_data(&self, _c: &mut Conn, _member: &Member) -> anyhow::Result<Value> {
        Ok(Value::Null)
    }

    /// Erase a member's personal data from its tables (their input, their votes) and put
    /// the pseudonym where what the team keeps names them. Anonymous input stays as it is.
    async fn erase(&self, _c: &mut Conn, _erasure: &Erasure) -> anyhow::Result<()> {
        Ok(())
    }

    /// Every template it names, for the tidy test.
    fn templates(&self) -> &'static [&'static str];
}

/// A kind of scheduled job: a name stored with each job, and what running one does.
#[async_trait]
pub trait JobKind: Sync {
    /// Its name in the `jobs` table.
    fn name(&self) -> &'static str;

    /// Run one due job inside its transaction; the job ends advanced or finished.
    async fn run(&self, svc: &Service, c: &mut Conn, job: &Job, now: DateTime<Utc>) -> anyhow::Result<JobDone>;

    /// Whether `run_many` does several jobs of this kind for less than one at a time does
    /// (what they share read once, rows written many a statement).
    fn batched(&self) -> bool {
        false
    }

    /// Run several due jobs of this kind (all still leased to us) inside one transaction,
    /// all or nothing: what each did, in order.
    async fn run_many(
        &self,
        svc: &Service,
        c: &mut Conn,
        jobs: &[Job],
        now: DateTime<Utc>,
    ) -> anyhow::Result<Vec<JobDone>> {
        let mut done = Vec::with_capacity(jobs.len());
        for job in jobs {
            done.push(self.run(svc, c, job, now).await?);
        }
        Ok(done)
    }
}

/// A job kind whose run is a function `run(svc, c, job, now, &mut JobDone)`: its unit
/// struct and `JobKind` impl, for capabilities with several kinds.
macro_rules! job_kind {
    ($kind:ident, $name:expr, $run:ident) => {
        #[derive(Debug)]
        struct $kind;

        #[async_trait::async_trait]
        impl $crate::service::registry::JobKind for $kind {
            fn name(&self) -> &'static str {
                $name
            }

            async fn run(
                &self,
                svc: &$crate::service::Service,
                c: &mut $crate::store::Conn,
                job: &$crate::store::jobs::Job,
                now: chrono::DateTime<chrono::Utc>,
            ) -> anyhow::Result<$crate::service::registry::JobDone> {
                let mut done = $crate::service::registry::JobDone::default();
                $run(svc, c, job, now, &mut done).await?;
                Ok(done)
            }
        }
    };
}
pub(crate) use job_kind;

/// What a job did: the team its effects belong to, the effects, and whether it was
/// skipped for being too late.
#[derive(Debug, Default)]
pub struct JobDone {
    pub team_id: i64,
    pub effects: Vec<Effect>,
    pub skipped_late: bool,
    /// The effects are about anonymous input: tagged, and deleted when the ritual closes.
    pub forget_tag: Option<String>,
}

/// Every command of every capability, in help order.
pub fn commands() -> impl Iterator<Item = (&'static dyn Capability, &'static Meta)> {
    CAPABILITIES.iter().flat_map(|cap| cap.commands().into_iter().map(move |m| (*cap, m)))
}

/// The capability and command that `words` start with.
pub fn find_command(words: &[String]) -> Option<(&'static dyn Capability, &'static Meta)> {
    let meta = command::find(commands().map(|(_, m)| m), words)?;
    commands().find(|(_, m)| std::ptr::eq(*m, meta))
}

/// Parse a command line, check its arguments and the person's right to it, and run it.
/// A refusal always shows the usage of the command that was typed.
pub(super) async fn run_command(ctx: &mut Ctx<'_>, line: &str) -> Outcome<()> {
    let words = match command::words(line) {
        Ok(words) => words,
        Err(e) => return Err(with_usage(e, guess_command(line)).into()),
    };
    let Some((cap, meta)) = find_command(&words) else { return Err(command::unknown(&words).into()) };
    let args = command::split_args(&words[meta.words.len()..]);
    if let Some(act) = meta.permission.filter(|act| !policy::may(ctx.me.role, *act)) {
        tracing::debug!(act = ?act, member = ctx.me.id, "command refused by the policy");
        let what = format!("/tandem {}", meta.words.join(" "));
        return Err(UserError::new("error_not_allowed", json!({ "what": what, "usage": meta.usage() })).into());
    }
    meta.check(&args)?;
    match cap.command(ctx, meta, args).await {
        Err(Fail::User(e)) => Err(with_usage(e, Some(meta)).into()),
        other => other,
    }
}

/// The command a line that could not be read starts with, from its first plain words.
pub(crate) fn guess_command(line: &str) -> Option<&'static Meta> {
    let first: Vec<String> = line.split_whitespace().filter(|w| *w != "/tandem").take(3).map(String::from).collect();
    find_command(&first).map(|(_, m)| m)
}

/// The refusal, with the command's usage when it does not carry one already.
pub(crate) fn with_usage(mut e: UserError, meta: Option<&Meta>) -> UserError {
    if let (Some(meta), Some(data)) = (meta, e.data.as_object_mut())
        && !data.contains_key("usage")
    {
        data.insert("usage".into(), meta.usage().into());
    }
    e
}

/// The prefix of an action or a submit value: `skip` in `skip:12`.
pub fn prefix(action: &str) -> &str {
    action.split_once(':').map_or(action, |(p, _)| p)
}

/// The capability whose button this is.
pub fn owner_of_button(action: &str) -> Option<&'static dyn Capability> {
    let p = prefix(action);
    CAPABILITIES.iter().copied().find(|c| c.buttons().contains(&p))
}

/// True when a click on this button answers with a form (a modal to open at once).
pub fn button_opens_form(action: &str) -> bool {
    let p = prefix(action);
    CAPABILITIES.iter().any(|c| c.form_buttons().contains(&p))
}

/// True when this command line answers with a form.
pub fn command_opens_form(line: &str) -> bool {
    command::words(line).ok().and_then(|w| find_command(&w)).is_some_and(|(_, m)| m.opens_form)
}

pub(super) async fn click(ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
    match owner_of_button(action) {
        Some(cap) => cap.click(ctx, action).await,
        None => Err(UserError::plain("error_stale_button").into()),
    }
}

pub(super) async fn form(ctx: &mut Ctx<'_>, submit: &str, values: &[String]) -> Outcome<()> {
    let p = prefix(submit);
    match CAPABILITIES.iter().find(|c| c.forms().contains(&p)) {
        Some(cap) => cap.form(ctx, submit, values).await,
        None => Err(UserError::plain("error_stale_button").into()),
    }
}

/// A DM line goes to the capability that asked this member last, unless another one that
/// is waiting claims it by its form (`Capability::claims_text`).
pub(super) async fn text(ctx: &mut Ctx<'_>, text: &str) -> Outcome<()> {
    let mut waiting: Vec<(Waiting, &dyn Capability)> = Vec::new();
    for cap in CAPABILITIES {
        if let Some(w) = cap.awaiting_text(ctx.c, ctx.me.id).await? {
            waiting.push((w, *cap));
        }
    }
    waiting.sort_by_key(|(w, _)| std::cmp::Reverse(w.asked_at));
    let mut chosen = waiting.first().copied();
    if waiting.len() > 1 {
        for (w, cap) in &waiting {
            if cap.claims_text(ctx.c, ctx.me.id, text).await? {
                chosen = Some((*w, *cap));
                break;
            }
        }
    }
    match chosen {
        Some((w, cap)) => cap.text(ctx, text, w).await,
        None => Err(UserError::plain("dm_nothing_to_answer").into()),
    }
}

/// Every job kind of every capability.
pub fn job_kinds() -> impl Iterator<Item = &'static dyn JobKind> {
    CAPABILITIES.iter().flat_map(|c| c.jobs().iter().copied())
}

/// Re-plan every capability's work for a team.
pub(super) async fn replan(c: &mut Conn, team_id: i64, now: DateTime<Utc>, replace: bool) -> anyhow::Result<()> {
    for cap in CAPABILITIES {
        cap.replan(c, team_id, now, replace).await?;
    }
    Ok(())
}

/// The person is away from today: every capability excuses them.
pub(super) async fn member_away(ctx: &mut Ctx<'_>) -> Outcome<()> {
    for cap in CAPABILITIES {
        cap.member_away(ctx).await?;
    }
    Ok(())
}

/// The names to offer for a `Kind::Name` parameter of the command `words`.
pub async fn names_for(c: &mut Conn, team_id: i64, words: &[String]) -> anyhow::Result<Vec<String>> {
    match find_command(words) {
        Some((cap, _)) => cap.names(c, team_id).await,
        None => Ok(Vec::new()),
    }
}

/// What every capability has to tell members on a day they are asked their daily
/// questions, as (member id, effect).
pub async fn daily_notes(c: &mut Conn, asked: &[(&Member, NaiveDate)]) -> anyhow::Result<Vec<(i64, Effect)>> {
    let mut out = Vec::new();
    for cap in CAPABILITIES {
        out.extend(cap.daily_notes(c, asked).await?);
    }
    Ok(out)
}

/// Every capability's lines for a team's daily report.
pub async fn report_notes(
    c: &mut Conn,
    r: &Renderer,
    team_id: i64,
    day: NaiveDate,
    locale: Locale,
) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    for cap in CAPABILITIES {
        out.extend(cap.report_notes(c, r, team_id, day, locale).await?);
    }
    Ok(out)
}

/// Everything every capability holds about a member, one entry per capability that holds
/// something, under its name.
pub async fn personal_data(c: &mut Conn, member: &Member) -> anyhow::Result<Map<String, Value>> {
    let mut out = Map::new();
    for cap in CAPABILITIES {
        let part = cap.personal_data(c, member).await?;
        if !part.is_null() {
            out.insert(cap.name().to_string(), part);
        }
    }
    Ok(out)
}

/// Every capability erases what it holds about a member.
pub async fn erase(c: &mut Conn, erasure: &Erasure) -> anyhow::Result<()> {
    for cap in CAPABILITIES {
        cap.erase(c, erasure).await?;
    }
    Ok(())
}
