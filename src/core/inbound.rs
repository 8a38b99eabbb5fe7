//! Inbound events, platform-neutral: what a person did, already matched to a member.

use super::Conversation;

#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    /// `webchat`, `slack`, `discord`: with `event_id`, the key for deduplication.
    pub platform: String,
    /// The platform's own id for this event (Slack `event_id`, Discord interaction id,
    /// web chat request id).
    pub event_id: String,
    pub member_id: i64,
    pub conversation: Conversation,
    pub kind: InboundKind,
}

impl Inbound {
    pub fn new(
        platform: &str,
        event_id: String,
        member_id: i64,
        conversation: Conversation,
        kind: InboundKind,
    ) -> Inbound {
        Inbound { platform: platform.to_string(), event_id, member_id, conversation, kind }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum InboundKind {
    /// `/tandem …`: the text after the command name.
    Command(String),
    /// Plain text typed in a DM with the bot.
    Text(String),
    /// A button click, with the button's action.
    Click(String),
    /// A form submission: its `submit` action and the values in field order.
    Form { submit: String, values: Vec<String> },
}
