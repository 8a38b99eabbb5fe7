//! Handling inbound events: each is recorded by its platform id (a repeat is dropped),
//! given to the capability the registry routes it to, and its effects written to the
//! outbox — in the caller's transaction, so a claim of received events is one commit.
//! Each event's changes are a savepoint of their own: a refusal or a failure undoes them
//! alone, then writes its answer.

use super::{Ctx, Fail, Handled, Service, flush, registry};
use crate::core::model::Member;
use crate::core::{Effect, Inbound, InboundKind, Message, Target};
use crate::store::team::Team;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};
use serde_json::json;

impl Service {
    /// Handle one inbound event: deduplicate, apply, write effects — all or nothing.
    pub async fn handle(&self, ev: &Inbound, now: DateTime<Utc>) -> anyhow::Result<Handled> {
        let mut tx = self.store.begin().await?;
        let handled = self.handle_all(&mut tx, &[ev], now, |_, _| {}).await?;
        tx.commit().await?;
        Ok(handled[0])
    }

    /// Handle events one after the other in the caller's transaction; `each` is told of
    /// every event as it is done (with its index in `events`). An error is one the
    /// transaction cannot go on from (the database's): roll it back.
    pub async fn handle_all(
        &self,
        c: &mut Conn,
        events: &[&Inbound],
        now: DateTime<Utc>,
        mut each: impl FnMut(usize, Handled),
    ) -> anyhow::Result<Vec<Handled>> {
        let keys: Vec<(&str, &str)> = events.iter().map(|e| (e.platform.as_str(), e.event_id.as_str())).collect();
        let first = store::inbound::first_times(c, &keys, now).await?;
        // Who sent them, read once for all; an event that changed something (done, not
        // refused) may have changed people too, so after one, each reads its own.
        let mut known = if events.len() > 1 {
            let ids: Vec<i64> = events.iter().zip(&first).filter(|(_, f)| **f).map(|(e, _)| e.member_id).collect();
            store::team::members_and_teams(c, &ids).await?
        } else {
            Default::default()
        };
        let mut savepoint = false;
        let mut out = Vec::with_capacity(events.len());
        for (i, (ev, first)) in events.iter().zip(first).enumerate() {
            let handled = if first {
                // The previous event's savepoint is released as this one's is taken.
                let sql = if savepoint { "RELEASE SAVEPOINT event; SAVEPOINT event" } else { "SAVEPOINT event" };
                sqlx::raw_sql(sql).execute(&mut *c).await?;
                savepoint = true;
                let handled = self.apply(c, ev, now, known.get(&ev.member_id).cloned()).await?;
                if handled == Handled::Done {
                    known.clear();
                }
                handled
            } else {
                Handled::Duplicate
            };
            each(i, handled);
            out.push(handled);
        }
        Ok(out)
    }

    /// One event, in the savepoint just taken; `who` is its sender and their team, when
    /// already read.
    async fn apply(
        &self,
        c: &mut Conn,
        ev: &Inbound,
        now: DateTime<Utc>,
        who: Option<(Member, Team)>,
    ) -> anyhow::Result<Handled> {
        let (me, team) = match who {
            Some(who) => who,
            None => store::team::member_and_team(c, ev.member_id).await?,
        };
        let mut ctx =
            Ctx { c, now, team, me, conversation: ev.conversation, out: Vec::new(), svc: self, forget_tag: None };
        let result = match &ev.kind {
            InboundKind::Command(line) => registry::run_command(&mut ctx, line).await,
            InboundKind::Text(text) => registry::text(&mut ctx, text).await,
            InboundKind::Click(action) => registry::click(&mut ctx, action).await,
            InboundKind::Form { submit, values } => registry::form(&mut ctx, submit, values).await,
        };
        let Ctx { c, team, me, conversation, out, forget_tag, .. } = ctx;
        let fail = match result {
            Ok(()) => {
                if let Some(tag) = &forget_tag {
                    forget_input(c, ev, me.id, tag).await?;
                }
                flush(c, team.id, &out, now, Some(&ev.event_id), forget_tag.as_deref()).await?;
                return Ok(Handled::Done);
            }
            Err(fail) => fail,
        };
        sqlx::raw_sql("ROLLBACK TO SAVEPOINT event").execute(&mut *c).await?;
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
        // A refusal is an answer: a retry of the same event gets nothing more. An internal
        // failure is not recorded, so the platform's retry can succeed.
        if handled == Handled::Failed {
            store::inbound::unsee(c, &ev.platform, &ev.event_id).await?;
        }
        // Refused or failed, anonymous input is tagged to be forgotten all the same;
        // tagging removes nothing now, so a platform's retry of a failure still works.
        if let Some(tag) = &forget_tag {
            forget_input(c, ev, me.id, tag).await?;
        }
        let answer = Effect::post(Target::Ephemeral { member_id: me.id, conversation }, message);
        store::outbox::push_tagged(c, team.id, &answer, now, Some(&ev.event_id), forget_tag.as_deref()).await?;
        Ok(handled)
    }
}

/// Anonymous input: the platform's stored payload and the line the web chat shows are
/// tagged, to be forgotten when the ritual closes.
async fn forget_input(c: &mut Conn, ev: &Inbound, member_id: i64, tag: &str) -> anyhow::Result<()> {
    store::inbox::tag(c, &ev.platform, &ev.event_id, tag).await?;
    let typed = match &ev.kind {
        InboundKind::Text(text) => Some(text.clone()),
        InboundKind::Command(line) => Some(format!("/tandem {line}")),
        _ => None,
    };
    if let (Some(typed), "webchat") = (typed, ev.platform.as_str()) {
        store::webchat::tag_typed(c, member_id, ev.conversation, &typed, tag).await?;
    }
    Ok(())
}
