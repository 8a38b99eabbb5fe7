//! Discord events at the door: interactions and messages are stored before the
//! acknowledgement; forms (modals) and autocomplete are answered at once, from reads only,
//! because Discord wants them as the acknowledgement itself, and a pick in a choice form's
//! select menu redraws its message, storing nothing.

use super::inbound::{DiscordEvent, defers_with_source};
use super::{Discord, PLATFORM, choices, commands, identity, render};
use crate::clock::Clock;
use crate::core::InboundKind;
use crate::service::{Service, registry};
use crate::store::{self, platform};
use chrono::{DateTime, Utc};
use serenity::all::{
    AutocompleteChoice, CommandInteraction, ComponentInteractionDataKind, CreateAutocompleteResponse,
    CreateInteractionResponse, CreateInteractionResponseMessage, GuildId, Interaction, Message, User,
};
use std::sync::Arc;

pub(crate) fn acknowledgement(i: &Interaction) -> CreateInteractionResponse {
    if defers_with_source(i) {
        CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new().ephemeral(true))
    } else {
        CreateInteractionResponse::Acknowledge
    }
}

/// Takes events from the gateway and the HTTP endpoint.
#[derive(Clone)]
pub struct Receiver {
    pub svc: Service,
    pub discord: Discord,
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
    /// Take an interaction; returns the answer to give Discord once it is safe to.
    pub async fn interaction(&self, i: Interaction) -> anyhow::Result<CreateInteractionResponse> {
        let now = self.clock.now();
        match &i {
            Interaction::Ping(_) => return Ok(CreateInteractionResponse::Pong),
            Interaction::Autocomplete(c) => return self.autocomplete(c).await,
            _ => {}
        }
        if let Some(answer) = self.open_form(&i, now).await? {
            return Ok(answer);
        }
        // A pick in a choice form's select menu changes nothing in Tandem: the message is
        // redrawn with it, and the submit button's click carries it (`choices.rs`).
        if let Interaction::Component(c) = &i
            && let ComponentInteractionDataKind::StringSelect { values } = &c.data.kind
        {
            let rows = choices::with_picks(&c.message.components, &c.data.custom_id, values);
            let redrawn = CreateInteractionResponseMessage::new().components(rows);
            return Ok(CreateInteractionResponse::UpdateMessage(redrawn));
        }
        let answer = acknowledgement(&i);
        self.store(&i.id().get().to_string(), &DiscordEvent::Interaction(i), now).await?;
        Ok(answer)
    }

    /// Take a message from the gateway: kept when it is a person's DM to the bot, or a
    /// message in a server that mentions the bot (`@Tandem standup list`).
    pub async fn message(&self, m: Message) -> anyhow::Result<()> {
        if !self.is_for_us(&m) {
            return Ok(());
        }
        let id = m.id.get().to_string();
        self.store(&id, &DiscordEvent::Message(m), self.clock.now()).await
    }

    fn is_for_us(&self, m: &Message) -> bool {
        if m.author.bot || m.content.trim().is_empty() {
            return false;
        }
        m.guild_id.is_none() || m.mentions.iter().any(|u| u.id.get() == self.discord.application_id)
    }

    async fn store(&self, id: &str, ev: &DiscordEvent, now: DateTime<Utc>) -> anyhow::Result<()> {
        let payload = ev.payload()?;
        let kind = match ev {
            DiscordEvent::Interaction(_) => "interaction",
            DiscordEvent::Message(_) => "message",
        };
        if self.intake.push(PLATFORM, id, payload, now).await? {
            crate::metrics::received(PLATFORM, kind);
            self.kick.notify_one();
        } else {
            tracing::debug!(event = id, "Discord sent an event already stored");
        }
        Ok(())
    }

    /// `/tandem answer` or a click on "answer in a form": the modal is the answer. `None`
    /// when this is not such an event, the person is new to Tandem, or the form does not
    /// fit a modal (then the usual path handles it).
    async fn open_form(
        &self,
        i: &Interaction,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<CreateInteractionResponse>> {
        let (user, guild, asked) = match i {
            Interaction::Command(c) => {
                let (words, _) = commands::flatten(&c.data.name, &c.data.options);
                let line = words.join(" ");
                if !registry::command_opens_form(&line) {
                    return Ok(None);
                }
                (&c.user, c.guild_id, InboundKind::Command(line))
            }
            Interaction::Component(c) if registry::button_opens_form(&c.data.custom_id) => {
                (&c.user, c.guild_id, InboundKind::Click(c.data.custom_id.clone()))
            }
            _ => return Ok(None),
        };
        let Some(member) = self.known_member(guild, user).await? else { return Ok(None) };
        let message = match self.svc.form_for(member, &asked, now).await? {
            Ok(Some(m)) => m,
            Ok(None) => return Ok(None),
            Err(refusal) => {
                let text = render::message(&self.svc.renderer, &refusal)?.content;
                let answer = CreateInteractionResponseMessage::new().content(text).ephemeral(true);
                return Ok(Some(CreateInteractionResponse::Message(answer)));
            }
        };
        let Some(form) = &message.form else { return Ok(None) };
        Ok(render::modal(&self.svc.renderer, &message, form).map(CreateInteractionResponse::Modal))
    }

    async fn known_member(&self, guild: Option<GuildId>, user: &User) -> anyhow::Result<Option<i64>> {
        let Some(guild) = guild else { return identity::member_of_dm(&self.svc, user).await };
        let mut c = self.svc.store.pool.acquire().await?;
        let Some(ws) = platform::workspace(&mut c, PLATFORM, &guild.get().to_string()).await? else { return Ok(None) };
        platform::member_by_external(&mut c, PLATFORM, ws.team_id, &user.id.get().to_string()).await
    }

    /// The names the command's capability offers (stand-ups…) starting with (or
    /// containing) what was typed, at most 25.
    async fn autocomplete(&self, c: &CommandInteraction) -> anyhow::Result<CreateInteractionResponse> {
        let typed = commands::focused(&c.data.options).map(|(_, v)| v.to_lowercase()).unwrap_or_default();
        let mut names = Vec::new();
        if let Some(member) = self.known_member(c.guild_id, &c.user).await? {
            let mut conn = self.svc.store.pool.acquire().await?;
            let me = store::team::member(&mut conn, member).await?;
            let (words, _) = commands::flatten(&c.data.name, &c.data.options);
            names = registry::names_for(&mut conn, me.team_id, &words).await?;
        }
        names.sort_by_key(|n| (!n.starts_with(&typed), n.clone()));
        let choices = names
            .into_iter()
            .filter(|n| n.contains(&typed))
            .take(25)
            .map(|n| AutocompleteChoice::new(n.clone(), n))
            .collect();
        Ok(CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new().set_choices(choices)))
    }
}
