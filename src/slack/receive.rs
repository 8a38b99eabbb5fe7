//! Slack events at the door: stored before the acknowledgement; a modal asked for opens
//! at once, while its trigger is valid.

use super::inbound::{SlackEvent, first_action};
use super::{PLATFORM, Slack, blocks};
use crate::clock::Clock;
use crate::core::InboundKind;
use crate::service::{Service, registry};
use crate::store::{self, platform};
use chrono::{DateTime, Utc};
use slack_morphism::prelude::*;
use std::sync::Arc;

/// Takes events from the socket and the HTTP endpoints.
#[derive(Clone)]
pub struct Receiver {
    pub svc: Service,
    pub slack: Slack,
    pub clock: Arc<dyn Clock>,
    /// Stores events before they are acknowledged, several in one commit.
    pub intake: store::intake::Intake,
    /// Wakes the background loop so a stored event is handled at once.
    pub kick: Arc<tokio::sync::Notify>,
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}

impl Receiver {
    /// Take an event: open a modal at once if it asks for one, else store it to handle
    /// after the acknowledgement. Returns once it is safe to acknowledge.
    pub async fn receive(&self, ev: SlackEvent) -> anyhow::Result<()> {
        let now = self.clock.now();
        if self.open_form(&ev, now).await? {
            return Ok(());
        }
        let Some(id) = ev.dedupe_id() else { return Ok(()) };
        let payload = serde_json::to_string(&ev)?;
        let kind = match &ev {
            SlackEvent::Push(_) => "event",
            SlackEvent::Command(_) => "command",
            SlackEvent::Interaction(_) => "interaction",
        };
        if self.intake.push(PLATFORM, &id, payload, now).await? {
            crate::metrics::received(PLATFORM, kind);
            self.kick.notify_one();
        } else {
            tracing::debug!(event = id, "Slack retried an event already stored");
        }
        Ok(())
    }

    /// A click on "answer in a form" or `/tandem answer`: the modal opens now, while the
    /// trigger is valid. False when this is not such an event, or the person is new to
    /// Tandem, or Slack refused (then the usual path shows the form in the DM).
    async fn open_form(&self, ev: &SlackEvent, now: DateTime<Utc>) -> anyhow::Result<bool> {
        let (workspace, user, trigger, asked) = match ev {
            SlackEvent::Interaction(SlackInteractionEvent::BlockActions(b)) => {
                let Some(action) = first_action(b).filter(|a| registry::button_opens_form(a)) else {
                    return Ok(false);
                };
                let Some(user) = &b.user else { return Ok(false) };
                (&b.team.id.0, &user.id.0, &b.trigger_id.0, InboundKind::Click(action))
            }
            SlackEvent::Command(c) if c.text.as_deref().is_some_and(registry::command_opens_form) => {
                (&c.team_id.0, &c.user_id.0, &c.trigger_id.0, InboundKind::Command(c.text.clone().unwrap_or_default()))
            }
            _ => return Ok(false),
        };
        let (ws, member) = {
            let mut c = self.svc.store.pool.acquire().await?;
            let Some(ws) = platform::workspace(&mut c, PLATFORM, workspace).await? else { return Ok(false) };
            let Some(member) = platform::member_by_external(&mut c, PLATFORM, ws.team_id, user).await? else {
                return Ok(false);
            };
            (ws, member)
        };
        let message = match self.svc.form_for(member, &asked, now).await? {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(false),
            Err(refusal) => {
                self.svc.tell(member, refusal, now).await?;
                self.kick.notify_one();
                return Ok(true);
            }
        };
        let Some(form) = &message.form else { return Ok(false) };
        let view = blocks::modal(&self.svc.renderer, &message, form)?;
        let Some(token) = self.slack.token_for(Some(&ws))? else { return Ok(false) };
        let req = SlackApiViewsOpenRequest::new(SlackTriggerId(trigger.clone()), view);
        match self.slack.client.open_session(&token).views_open(&req).await {
            Ok(_) => Ok(true),
            Err(e) => {
                tracing::warn!(error = %e, "views.open failed; the form goes to the DM instead");
                Ok(false)
            }
        }
    }
}
