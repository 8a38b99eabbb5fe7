//! Outbound effects: what Tandem wants said, platform-neutral. Adapters render them.
//! `form.rs` holds forms and their choice fields, `image.rs` the image a message carries;
//! `check` refuses what some platform could not show, before it reaches the outbox.

mod form;
mod image;

pub use form::{
    CHOICE_SUBMIT_PREFIX, Choice, ChoiceOption, EffectError, Form, FormField, MAX_CHOICE_FIELDS,
    MAX_CHOICE_VALUE_CHARS, MAX_CHOICES, choice_key, picked,
};
pub use image::{Image, MAX_IMAGE_BYTES};

use super::Locale;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A team channel, by Tandem channel id.
    Channel { channel_id: i64 },
    /// A direct message to a member.
    Dm { member_id: i64 },
    /// Seen only by `member_id`, in the conversation where they typed the command.
    Ephemeral { member_id: i64, conversation: Conversation },
}

/// A conversation a command was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conversation {
    Channel { channel_id: i64 },
    Dm { member_id: i64 },
}

impl Conversation {
    pub fn as_target(self) -> Target {
        match self {
            Conversation::Channel { channel_id } => Target::Channel { channel_id },
            Conversation::Dm { member_id } => Target::Dm { member_id },
        }
    }
}

/// A button under a message. `label` names a label in `prompts/<locale>/labels.toml`;
/// `action` is what comes back when it is clicked: `PREFIX:…`, the prefix naming the
/// capability's button in the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    pub label: String,
    pub action: String,
    #[serde(default)]
    pub style: ButtonStyle,
}

/// How a button stands out: the main thing to do, a destructive one, or neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    #[default]
    Default,
    Primary,
    Danger,
}

/// A message: a template, its data and the language to render it in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub template: String,
    pub data: Value,
    pub locale: Locale,
    #[serde(default)]
    pub buttons: Vec<Button>,
    /// Post as a reply in the thread of the message with this key.
    #[serde(default)]
    pub thread_of: Option<String>,
    /// A form to fill in (a modal on Slack and Discord, an HTML form on the web chat).
    #[serde(default)]
    pub form: Option<Form>,
    /// Shown as a card (a Discord embed): a report, a board.
    #[serde(default)]
    pub card: bool,
    /// An image shown with the message (a poll's bar chart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
}

impl Message {
    pub fn new(template: &str, data: Value, locale: Locale) -> Self {
        Message {
            template: template.to_string(),
            data,
            locale,
            buttons: Vec::new(),
            thread_of: None,
            form: None,
            card: false,
            image: None,
        }
    }

    pub fn with_button(self, label: &str, action: impl Into<String>) -> Self {
        self.with_styled_button(label, action, ButtonStyle::Default)
    }

    pub fn with_styled_button(mut self, label: &str, action: impl Into<String>, style: ButtonStyle) -> Self {
        self.buttons.push(Button { label: label.to_string(), action: action.into(), style });
        self
    }

    /// Shown as a card (a Discord embed).
    pub fn as_card(mut self) -> Self {
        self.card = true;
        self
    }

    /// With an image under the text.
    pub fn with_image(mut self, image: Image) -> Self {
        self.image = Some(image);
        self
    }
}

/// One thing to deliver. `key` names a message so that it can later be updated in place
/// (`Update` with the same key edits the platform message instead of posting again).
/// Several `Update`s of one key still waiting in the outbox are delivered as one edit, the
/// latest: a live board receiving 50 changes in a minute is edited a few times, not 50.
/// `Delete` removes the message; updates of it still waiting are then not delivered, and a
/// key that was never delivered has nothing to delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Effect {
    Post { target: Target, message: Message, key: Option<String> },
    Update { key: String, message: Message },
    Delete { key: String },
}

impl Effect {
    pub fn post(target: Target, message: Message) -> Self {
        Effect::Post { target, message, key: None }
    }

    pub fn post_keyed(target: Target, message: Message, key: String) -> Self {
        Effect::Post { target, message, key: Some(key) }
    }

    /// The message key an edit or a delete applies to (several waiting make one).
    pub fn edited_key(&self) -> Option<&str> {
        match self {
            Effect::Update { key, .. } | Effect::Delete { key } => Some(key),
            Effect::Post { .. } => None,
        }
    }

    /// Refuse what some platform could not show: too many choices or choice fields, a
    /// form mixing text and choice fields, an image too large or badly named.
    pub fn check(&self) -> Result<(), EffectError> {
        let message = match self {
            Effect::Post { message, .. } | Effect::Update { message, .. } => message,
            Effect::Delete { .. } => return Ok(()),
        };
        if let Some(form) = &message.form {
            form.check()?;
        }
        if let Some(image) = &message.image {
            image.check()?;
        }
        Ok(())
    }
}
