//! A command's typed parameters: what help, usage lines, checks and Discord's schema are
//! made from, and the small value checks several commands share.

use crate::core::UserError;
use serde_json::json;

/// How a parameter is typed (on Discord) and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text.
    Text,
    /// The name of one of the capability's own things (a stand-up…): offered as you type.
    Name,
    /// A whole number in a range.
    Integer(i64, i64),
    /// yes or no.
    Boolean,
    /// A team channel, written `#name`.
    Channel,
    /// A team member, written `@name`.
    Member,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// One parameter. A positional one is written bare, the others `name=value`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub positional: bool,
    /// How it is written in the usage line: `NAME`, `#CHANNEL`, `Europe/Paris`.
    pub example: &'static str,
    /// Its description's label key, when not `opt_<name>`.
    pub label: Option<&'static str>,
    /// A positional one that takes every remaining word (`3 7 12 as "Slow deploys"`).
    pub rest: bool,
}

impl Param {
    /// An optional `name=value` option.
    pub const fn opt(name: &'static str, kind: Kind, example: &'static str) -> Param {
        Param { name, kind, required: false, positional: false, example, label: None, rest: false }
    }

    /// A required positional word.
    pub const fn arg(name: &'static str, kind: Kind, example: &'static str) -> Param {
        Param { name, kind, required: true, positional: true, example, label: None, rest: false }
    }

    /// This parameter, required.
    pub const fn required(self) -> Param {
        Param { required: true, ..self }
    }

    /// This positional parameter, taking every remaining word.
    pub const fn rest(self) -> Param {
        Param { rest: true, ..self }
    }

    /// This parameter, optional.
    pub const fn optional(self) -> Param {
        Param { required: false, ..self }
    }

    /// This parameter, described by another label.
    pub const fn labelled(self, label: &'static str) -> Param {
        Param { label: Some(label), ..self }
    }

    pub fn label_key(&self) -> String {
        self.label.map_or_else(|| format!("opt_{}", self.name), str::to_string)
    }

    /// As written in a usage line: `NAME`, `[tz=Europe/Paris]`.
    pub fn usage(&self) -> String {
        let value = match (self.example, self.kind) {
            ("", Kind::Choice(words)) => words.join("|"),
            (e, _) => e.to_string(),
        };
        let written = if self.positional { value } else { format!("{}={value}", self.name) };
        if self.required { written } else { format!("[{written}]") }
    }
}

/// A zone name, checked: `Europe/Paris`.
pub fn check_tz(tz: &str) -> Result<String, UserError> {
    tz.trim()
        .parse::<chrono_tz::Tz>()
        .map(|z| z.name().to_string())
        .map_err(|_| UserError::new("error_bad_timezone", json!({ "value": tz })))
}

/// yes or no, in English or French.
pub fn yes_no(v: &str, usage: &str) -> Result<bool, UserError> {
    match v.trim().to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "on" | "oui" => Ok(true),
        "no" | "n" | "false" | "off" | "non" => Ok(false),
        _ => Err(UserError::new("error_bad_choice", json!({ "value": v, "choices": "yes, no", "usage": usage }))),
    }
}

/// A whole number between `min` and `max`.
pub fn number_in(v: &str, min: i64, max: i64) -> Result<i64, UserError> {
    v.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| UserError::new("error_number_range", json!({ "value": v, "min": min, "max": max })))
}

/// One of `choices` (case-insensitive), else a refusal listing them.
pub fn choice<'a>(v: &str, choices: &[&'a str], usage: &str) -> Result<&'a str, UserError> {
    let lower = v.trim().to_ascii_lowercase();
    choices.iter().find(|c| **c == lower).copied().ok_or_else(|| {
        UserError::new("error_bad_choice", json!({ "value": v, "choices": choices.join(", "), "usage": usage }))
    })
}
