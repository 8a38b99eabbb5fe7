//! The service layer: loads state, asks the core, and writes the new state and its
//! outbound effects in one transaction.
//!
//! Every entry point takes `now`; nothing here reads the clock.

mod handling;
pub mod identity;
mod jobs;
mod poker;
mod poll;
pub mod registry;
mod retro;
mod sprint;
pub(crate) mod standup;
mod team;

use crate::core::{Conversation, Effect, InboundKind, Message, Target, UserError};
use crate::render::Renderer;
use crate::store::team::Team;
use crate::store::{self, Conn, Store};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

pub use jobs::TickReport;
pub use team::help_data;

/// What went wrong while handling an event.
#[derive(Debug)]
pub enum Fail {
    /// Shown to the person, in their language; nothing is changed.
    User(UserError),
    /// Logged with a reference id; the person sees an apology with that id.
    Internal(anyhow::Error),
}

impl From<UserError> for Fail {
    fn from(e: UserError) -> Self {
        Fail::User(e)
    }
}

impl From<anyhow::Error> for Fail {
    fn from(e: anyhow::Error) -> Self {
        Fail::Internal(e)
    }
}

impl From<sqlx::Error> for Fail {
    fn from(e: sqlx::Error) -> Self {
        Fail::Internal(e.into())
    }
}

impl From<serde_json::Error> for Fail {
    fn from(e: serde_json::Error) -> Self {
        Fail::Internal(e.into())
    }
}

pub type Outcome<T> = Result<T, Fail>;

/// Settings the service needs, from the configuration.
#[derive(Debug, Clone)]
pub struct Options {
    /// How late a missed fire may still run (and say it is late).
    pub grace: Duration,
    /// This process's name in job leases.
    pub instance: String,
    /// How long a claimed job or outbox item stays ours.
    pub lease: Duration,
    /// The public base URL, for links (exports).
    pub base_url: String,
    /// Stand-up answers and web chat messages older than this many months are deleted by
    /// housekeeping; `None` keeps them.
    pub retention_months: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub store: Store,
    pub renderer: Arc<Renderer>,
    pub options: Options,
}

/// What became of an inbound event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// Refused with a message to the person; nothing changed.
    Refused,
    /// Seen before (a platform retry): ignored.
    Duplicate,
    /// Failed inside; the person got an apology with a reference.
    Failed,
}

/// The state of one event being handled: the transaction, who, where, and what to send.
pub struct Ctx<'a> {
    pub c: &'a mut Conn,
    pub now: DateTime<Utc>,
    pub team: Team,
    pub me: crate::core::model::Member,
    pub conversation: Conversation,
    pub out: Vec<Effect>,
    pub svc: &'a Service,
    /// Set when the input is anonymous (a capability says so): its stored copies (the
    /// platform's payload, the web chat's line) and the answers to the person alone (DMs,
    /// ephemeral replies) carry this tag, and are deleted when the ritual closes.
    pub forget_tag: Option<String>,
}

impl Ctx<'_> {
    /// An answer only the person sees, where they typed.
    pub fn reply(&mut self, template: &str, data: serde_json::Value) {
        let m = Message::new(template, data, self.me.locale);
        self.reply_message(m);
    }

    pub fn reply_message(&mut self, m: Message) {
        let target = Target::Ephemeral { member_id: self.me.id, conversation: self.conversation };
        self.out.push(Effect::post(target, m));
    }
}

impl Service {
    /// The form a click or a command answers with, changing nothing: platforms that open
    /// forms themselves (Slack and Discord modals) show it at once, before the
    /// acknowledgement. `Ok(Err(message))` is the refusal to show instead, in the
    /// member's language; `Ok(Ok(None))` when the answer holds no form.
    pub async fn form_for(
        &self,
        member_id: i64,
        asked: &InboundKind,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<Option<Message>, Message>> {
        let mut tx = self.store.begin().await?;
        let me = store::team::member(&mut tx, member_id).await?;
        let team = store::team::team(&mut tx, me.team_id).await?;
        let conversation = Conversation::Dm { member_id };
        let locale = me.locale;
        let mut ctx = Ctx { c: &mut tx, now, team, me, conversation, out: Vec::new(), svc: self, forget_tag: None };
        let result = match asked {
            InboundKind::Click(action) => registry::click(&mut ctx, action).await,
            InboundKind::Command(line) => registry::run_command(&mut ctx, line).await,
            _ => Ok(()),
        };
        let out = std::mem::take(&mut ctx.out);
        tx.rollback().await?;
        match result {
            Ok(()) => Ok(Ok(out.into_iter().find_map(|e| match e {
                Effect::Post { message, .. } if message.form.is_some() => Some(message),
                _ => None,
            }))),
            Err(Fail::User(e)) => Ok(Err(self.user_error_message(&e, locale))),
            Err(Fail::Internal(e)) => Err(e),
        }
    }

    /// Tell a member something outside of any event (a refusal found by an adapter):
    /// through the outbox, like everything else.
    pub async fn tell(&self, member_id: i64, message: Message, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        let me = store::team::member(&mut tx, member_id).await?;
        let target = Target::Dm { member_id };
        store::outbox::push(&mut tx, me.team_id, &Effect::post(target, message), now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Take the zone and language a member's chat client suggests, unless they chose
    /// their own; stand-ups held in each member's zone are re-planned when it changed.
    pub async fn adopt_client_prefs(
        &self,
        member_id: i64,
        tz: Option<&str>,
        locale: crate::core::Locale,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        if store::team::adopt_client_prefs(&mut tx, member_id, tz, locale).await? && tz.is_some() {
            let me = store::team::member(&mut tx, member_id).await?;
            registry::replan(&mut tx, me.team_id, now, true).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// An unknown command answers with the help; other errors with their own template.
    fn user_error_message(&self, e: &UserError, locale: crate::core::Locale) -> Message {
        if e.template == "error_unknown_command" {
            return team::help_message(&self.renderer, locale, e.data["command"].clone());
        }
        Message::new(e.template, e.data.clone(), locale)
    }

    /// Run every job due at `now` (the scheduler's tick).
    pub async fn run_due_jobs(&self, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        jobs::run_due(self, now).await
    }

    /// When the next job this process runs falls due, after `now`.
    pub async fn next_job_due(&self, now: DateTime<Utc>) -> anyhow::Result<Option<DateTime<Utc>>> {
        let kinds: Vec<&str> = registry::job_kinds().map(|k| k.name()).collect();
        let mut c = self.store.pool.acquire().await?;
        store::jobs::next_due(&mut c, &kinds, now).await
    }

    /// Plan every capability's scheduled work at start-up: what is missing is added, an
    /// overdue fire is kept so it runs late.
    pub async fn sync_all_schedules(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        for team in store::team::teams(&mut tx).await? {
            registry::replan(&mut tx, team.id, now, false).await?;
        }
        tx.commit().await?;
        store::jobs::refresh_statistics(&self.store).await;
        Ok(())
    }
}

/// Push effects into the outbox; those caused by a platform event answer it, and those
/// answering anonymous input carry the tag they are forgotten by.
pub(crate) async fn flush(
    c: &mut Conn,
    team_id: i64,
    effects: &[Effect],
    now: DateTime<Utc>,
    reply_to: Option<&str>,
    forget_tag: Option<&str>,
) -> anyhow::Result<()> {
    let items: Vec<_> = effects.iter().map(|e| outgoing(team_id, e, reply_to, forget_tag)).collect();
    store::outbox::push_many(c, &items, now).await
}

/// An effect as pushed to the outbox.
pub(crate) fn outgoing<'a>(
    team_id: i64,
    effect: &'a Effect,
    reply_to: Option<&'a str>,
    forget_tag: Option<&'a str>,
) -> store::outbox::Outgoing<'a> {
    // What is said to the person alone is what links them to their input; the
    // channel's posts are public and stay.
    let personal = matches!(effect, Effect::Post { target: Target::Dm { .. } | Target::Ephemeral { .. }, .. });
    store::outbox::Outgoing {
        team_id,
        effect,
        // A public effect of anonymous input keeps no trace of the event that caused it.
        reply_to: reply_to.filter(|_| personal || forget_tag.is_none()),
        forget_tag: forget_tag.filter(|_| personal),
    }
}
