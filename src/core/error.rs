//! Errors shown to a person: a template name and its data, rendered in their language.
//!
//! Anything else is an internal error: it is logged with context, and the person sees a
//! short apology with a reference id.

use serde_json::{Value, json};

#[derive(Debug, Clone, PartialEq)]
pub struct UserError {
    /// A template under `prompts/<locale>/`, e.g. `error_unknown_standup`.
    pub template: &'static str,
    pub data: Value,
}

impl UserError {
    pub fn new(template: &'static str, data: Value) -> Self {
        UserError { template, data }
    }

    pub fn plain(template: &'static str) -> Self {
        UserError { template, data: json!({}) }
    }
}

impl std::fmt::Display for UserError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.template, self.data)
    }
}
