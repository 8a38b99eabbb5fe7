//! The domain: one folder per capability (`team/`, `standup/`, `sprint/`, `retro/`, `poll/`), the command grammar,
//! schedules and the permission policy — pure, no I/O.
//!
//! Architecture invariant: nothing here imports a chat platform crate, `sqlx`, `axum` or
//! `tera`, reads the clock or the environment, or spawns. Time and ids are arguments.
//! `tests/tidy.rs` checks it.

pub mod anonymous;
pub mod command;
pub mod effect;
pub mod error;
pub mod inbound;
pub mod locale;
pub mod model;
pub mod poker;
pub mod policy;
pub mod poll;
pub mod retro;
pub mod schedule;
pub mod sprint;
pub mod standup;
pub mod team;
pub mod text;

pub use effect::{Button, ButtonStyle, Conversation, Effect, Form, FormField, Image, Message, Target};
pub use error::UserError;
pub use inbound::{Inbound, InboundKind};
pub use locale::Locale;
