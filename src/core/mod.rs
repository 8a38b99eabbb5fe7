//! The domain: teams, stand-ups, schedules and the command grammar — pure, no I/O.
//!
//! Architecture invariant: nothing here imports a chat platform crate, `sqlx`, `axum` or
//! `tera`, reads the clock or the environment, or spawns. Time and ids are arguments.
//! `tests/tidy.rs` checks it.

pub mod command;
pub mod effect;
pub mod error;
pub mod inbound;
pub mod locale;
pub mod model;
pub mod schedule;
pub mod standup;
pub mod text;

pub use effect::{Button, Conversation, Effect, Form, FormField, Message, Target};
pub use error::UserError;
pub use inbound::{Inbound, InboundKind};
pub use locale::Locale;
