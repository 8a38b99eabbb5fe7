//! The command grammar every capability shares: `/tandem WORDS [ARGS]`.
//!
//! A capability describes each of its commands once, as a `Spec`: its words, its typed
//! parameters, the act it needs (`policy::Act`) and how its arguments become the
//! capability's own command. Help, usage lines, the argument checks and Discord's
//! `/tandem` schema are all made from that description.

pub mod param;
pub mod tokens;

pub use param::{Kind, Param};
pub use tokens::{Args, split_args, tokenize};

use super::UserError;
use super::policy::Act;
use serde_json::json;

/// One command, described: what help, checks and Discord's schema are made from.
#[derive(Debug)]
pub struct Meta {
    pub words: &'static [&'static str],
    pub params: &'static [Param],
    /// What the person must be allowed to do; `None`: anyone in the team.
    pub permission: Option<Act>,
    /// Its answer is a form: on Slack and Discord it opens before the acknowledgement.
    pub opens_form: bool,
}

impl Meta {
    /// The label key describing this command in `prompts/<locale>/labels.toml`.
    pub fn label_key(&self) -> String {
        format!("cmd_{}", self.words.join("_"))
    }

    /// `/tandem standup show NAME`, from the parameters.
    pub fn usage(&self) -> String {
        let mut u = format!("/tandem {}", self.words.join(" "));
        for p in self.params {
            u.push(' ');
            u.push_str(&p.usage());
        }
        u
    }

    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The arguments fit the parameters: no unknown option, the required ones given, no
    /// more positional words than the command takes.
    pub fn check(&self, a: &Args) -> Result<(), UserError> {
        let usage = self.usage();
        if let Some(key) = a.options.keys().find(|k| self.param(k).is_none_or(|p| p.positional)) {
            return Err(UserError::new("error_unknown_option", json!({ "option": key, "usage": usage })));
        }
        let positional = self.params.iter().filter(|p| p.positional);
        let most = if positional.clone().any(|p| p.rest) { usize::MAX } else { positional.clone().count() };
        let least = positional.filter(|p| p.required).count();
        if a.positional.len() > most || a.positional.len() < least {
            return Err(UserError::new("error_usage", json!({ "usage": usage })));
        }
        if let Some(p) = self.params.iter().find(|p| p.required && !p.positional && !a.options.contains_key(p.name)) {
            return Err(UserError::new("error_missing_option", json!({ "option": p.name, "usage": usage })));
        }
        Ok(())
    }
}

/// A command of one capability: its description, and how checked arguments become the
/// capability's own command `C` (the second argument is the usage line, for errors).
#[derive(Debug)]
pub struct Spec<C> {
    pub meta: Meta,
    pub build: fn(Args, &str) -> Result<C, UserError>,
}

/// The words of what follows `/tandem`: checked for length, split with quotes, without
/// a leading `/tandem`. No command starts an empty line: it is answered with the help,
/// like an unknown command.
pub fn words(line: &str) -> Result<Vec<String>, UserError> {
    super::text::check_length(line)?;
    let words = tokenize(line)?;
    Ok(match words.first().map(String::as_str) {
        Some("/tandem") | Some("tandem") => words[1..].to_vec(),
        _ => words,
    })
}

/// The command among `metas` whose words start `words`, the longest first.
pub fn find<'a>(metas: impl IntoIterator<Item = &'a Meta>, words: &[String]) -> Option<&'a Meta> {
    metas
        .into_iter()
        .filter(|m| {
            !m.words.is_empty()
                && m.words.len() <= words.len()
                && m.words.iter().zip(words).all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
        .max_by_key(|m| m.words.len())
}

/// The refusal for words no command starts with.
pub fn unknown(words: &[String]) -> UserError {
    UserError::new("error_unknown_command", json!({ "command": words.join(" ") }))
}

/// Build the command `meta` describes from `specs` (the capability's own list).
pub fn build<C>(specs: &'static [Spec<C>], meta: &Meta, args: Args) -> Result<C, UserError> {
    let spec = specs.iter().find(|s| s.meta.words == meta.words).ok_or_else(|| unknown(&[]))?;
    meta.check(&args)?;
    (spec.build)(args, &meta.usage())
}

/// Parse a whole line against one capability's commands (its unit tests, the bench).
pub fn parse<C>(specs: &'static [Spec<C>], line: &str) -> Result<C, UserError> {
    let words = words(line)?;
    let meta = find(specs.iter().map(|s| &s.meta), &words).ok_or_else(|| unknown(&words))?;
    build(specs, meta, split_args(&words[meta.words.len()..]))
}

/// The one positional word a command takes.
pub fn one_word<'a>(a: &'a Args, usage: &str) -> Result<&'a str, UserError> {
    match a.positional.as_slice() {
        [w] => Ok(w),
        _ => Err(UserError::new("error_usage", json!({ "usage": usage }))),
    }
}

/// The one positional word, as a name (`daily`, `ana`).
pub fn one_name(a: &Args, usage: &str) -> Result<String, UserError> {
    super::text::check_name(one_word(a, usage)?)
}

/// A `key=2026-11-01` date option, if given.
pub fn date_opt(a: &mut Args, key: &str) -> Result<Option<chrono::NaiveDate>, UserError> {
    a.take(key).map(|d| super::text::parse_date(&d)).transpose()
}
