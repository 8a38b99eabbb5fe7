//! The service layer: loads state, asks the core, and writes the new state and its
//! outbound effects in one transaction.
//!
//! Every entry point takes `now`; nothing here reads the clock.

mod answers;
mod blockers;
mod commands;
mod history;
mod home;
pub mod identity;
mod jobs;
mod report;
mod rounds;

use crate::core::command::action::Action;
use crate::core::{Conversation, Effect, Inbound, InboundKind, Message, Target, UserError};
use crate::render::Renderer;
use crate::store::teams::Team;
use crate::store::{self, Conn, Store};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use std::sync::Arc;

pub use jobs::TickReport;

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
pub(crate) struct Ctx<'a> {
    pub c: &'a mut Conn,
    pub now: DateTime<Utc>,
    pub team: Team,
    pub me: crate::core::model::Member,
    pub conversation: Conversation,
    pub out: Vec<Effect>,
    pub svc: &'a Service,
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
    /// Handle one inbound event: deduplicate, apply, write effects — all or nothing.
    pub async fn handle(&self, ev: &Inbound, now: DateTime<Utc>) -> anyhow::Result<Handled> {
        let mut tx = self.store.begin().await?;
        if !store::inbound::first_time(&mut tx, &ev.platform, &ev.event_id, now).await? {
            return Ok(Handled::Duplicate);
        }
        let me = store::teams::member(&mut tx, ev.member_id).await?;
        let team = store::teams::team(&mut tx, me.team_id).await?;
        let mut ctx = Ctx { c: &mut tx, now, team, me, conversation: ev.conversation, out: Vec::new(), svc: self };
        let result = match &ev.kind {
            InboundKind::Command(line) => match crate::core::command::parse(line) {
                Ok(cmd) => commands::execute(&mut ctx, cmd).await,
                Err(e) => Err(Fail::User(e)),
            },
            InboundKind::Text(text) => answers::take_text(&mut ctx, text).await,
            InboundKind::Click(action) => match Action::decode(action) {
                Some(a) => answers::click(&mut ctx, a).await,
                None => Err(Fail::User(UserError::plain("error_stale_button"))),
            },
            InboundKind::Form { submit, values } => answers::take_form(&mut ctx, submit, values).await,
        };
        let (team_id, me, conversation, out) =
            (ctx.team.id, ctx.me.clone(), ctx.conversation, std::mem::take(&mut ctx.out));
        match result {
            Ok(()) => {
                flush(&mut tx, team_id, &out, now, Some(&ev.event_id)).await?;
                tx.commit().await?;
                Ok(Handled::Done)
            }
            Err(fail) => {
                tx.rollback().await?;
                let (handled, message) = match fail {
                    Fail::User(e) => (Handled::Refused, self.user_error_message(&e, me.locale)),
                    Fail::Internal(e) => {
                        let reference = format!("{:08x}", rand::random::<u32>());
                        tracing::error!(
                            reference,
                            error = format!("{e:#}"),
                            event = ev.event_id,
                            "handling an inbound event failed"
                        );
                        (Handled::Failed, Message::new("error_internal", json!({ "reference": reference }), me.locale))
                    }
                };
                let mut tx = self.store.begin().await?;
                // A refusal is an answer: a retry of the same event gets nothing more.
                // An internal failure is not recorded, so the platform's retry can succeed.
                if handled == Handled::Refused {
                    store::inbound::first_time(&mut tx, &ev.platform, &ev.event_id, now).await?;
                }
                let target = Target::Ephemeral { member_id: me.id, conversation };
                let answer = Effect::post(target, message);
                store::outbox::push_reply(&mut tx, team_id, &answer, now, Some(&ev.event_id)).await?;
                tx.commit().await?;
                Ok(handled)
            }
        }
    }

    /// The answer form a member asks for (a button, or `/tandem answer` without a round),
    /// changing nothing: platforms that open forms themselves (Slack modals) show it at
    /// once. `Ok(Err(message))` is the refusal to show instead, in the member's language.
    pub async fn answer_form(
        &self,
        member_id: i64,
        round_id: Option<i64>,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Result<Message, Message>> {
        let mut tx = self.store.begin().await?;
        let me = store::teams::member(&mut tx, member_id).await?;
        let team = store::teams::team(&mut tx, me.team_id).await?;
        let conversation = Conversation::Dm { member_id };
        let locale = me.locale;
        let mut ctx = Ctx { c: &mut tx, now, team, me, conversation, out: Vec::new(), svc: self };
        let result = match round_id {
            Some(id) => answers::open_form(&mut ctx, id).await,
            None => answers::open_form_for_latest(&mut ctx).await,
        };
        let out = std::mem::take(&mut ctx.out);
        tx.rollback().await?;
        match result {
            Ok(()) => out
                .into_iter()
                .find_map(|e| match e {
                    Effect::Post { message, .. } if message.form.is_some() => Some(Ok(message)),
                    _ => None,
                })
                .ok_or_else(|| anyhow::anyhow!("the answer form produced no form")),
            Err(Fail::User(e)) => Ok(Err(self.user_error_message(&e, locale))),
            Err(Fail::Internal(e)) => Err(e),
        }
    }

    /// Tell a member something outside of any event (a refusal found by an adapter):
    /// through the outbox, like everything else.
    pub async fn tell(&self, member_id: i64, message: Message, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        let me = store::teams::member(&mut tx, member_id).await?;
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
        if store::teams::adopt_client_prefs(&mut tx, member_id, tz, locale).await? && tz.is_some() {
            let me = store::teams::member(&mut tx, member_id).await?;
            for s in store::standups::list(&mut tx, me.team_id).await? {
                if s.settings.member_local_time {
                    rounds::sync_jobs(&mut tx, &s, now, true).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// An unknown command answers with the help; other errors with their own template.
    fn user_error_message(&self, e: &UserError, locale: crate::core::Locale) -> Message {
        if e.template == "error_unknown_command" {
            let mut data = commands::help_data(&self.renderer, locale);
            data["unknown"] = e.data["command"].clone();
            return Message::new("help", data, locale);
        }
        Message::new(e.template, e.data.clone(), locale)
    }

    /// Run every job due at `now` (the scheduler's tick).
    pub async fn run_due_jobs(&self, now: DateTime<Utc>) -> anyhow::Result<TickReport> {
        jobs::run_due(self, now).await
    }

    /// Re-plan the fires of every stand-up (at start-up, and after a member's zone changes).
    pub async fn sync_all_schedules(&self, now: DateTime<Utc>) -> anyhow::Result<()> {
        let mut tx = self.store.begin().await?;
        for team in store::teams::teams(&mut tx).await? {
            for s in store::standups::list(&mut tx, team.id).await? {
                rounds::sync_jobs(&mut tx, &s, now, false).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }
}

/// A question in `locale`: default questions follow each reader's language.
pub(crate) fn question_text(r: &Renderer, q: &crate::core::model::Question, locale: crate::core::Locale) -> String {
    match &q.key {
        Some(key) => r.label(locale, key),
        None => q.text.clone(),
    }
}

/// Push effects into the outbox; those caused by a platform event answer it.
pub(crate) async fn flush(
    c: &mut Conn,
    team_id: i64,
    effects: &[Effect],
    now: DateTime<Utc>,
    reply_to: Option<&str>,
) -> anyhow::Result<()> {
    for e in effects {
        store::outbox::push_reply(c, team_id, e, now, reply_to).await?;
    }
    Ok(())
}
