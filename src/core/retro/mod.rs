//! Retrospectives, decided: phases and their order, prompts from templates, card lines as
//! typed, vote allowances, team health figures, themes ranked, and the keyed hash that
//! lets an anonymous retro know a card's author without storing who it is.

pub mod commands;
pub mod options;
#[cfg(test)]
mod tests;

pub use commands::{ActionFilter, COMMANDS, RetroCommand};
pub use options::{Prompt, RetroOptions, RetroSettings, When};

use super::UserError;
use serde_json::json;
use std::collections::BTreeMap;

/// The longest card.
pub const MAX_CARD_CHARS: usize = 500;
/// Health figures are shown only from this many answers: fewer would expose someone.
pub const MIN_HEALTH_ANSWERS: usize = 3;
/// The most themes one voting message holds; more are paged over several messages.
pub const THEMES_PER_MESSAGE: usize = 20;

/// A retro's phases, in order. Each ends at its deadline or when the facilitator advances it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Collect,
    Group,
    Vote,
    Actions,
    Closed,
}

impl Phase {
    pub const ALL: [Phase; 5] = [Phase::Collect, Phase::Group, Phase::Vote, Phase::Actions, Phase::Closed];

    pub fn code(self) -> &'static str {
        match self {
            Phase::Collect => "collect",
            Phase::Group => "group",
            Phase::Vote => "vote",
            Phase::Actions => "actions",
            Phase::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.code() == s)
    }

    /// The phase after this one (closed stays closed).
    pub fn next(self) -> Phase {
        match self {
            Phase::Collect => Phase::Group,
            Phase::Group => Phase::Vote,
            Phase::Vote => Phase::Actions,
            Phase::Actions | Phase::Closed => Phase::Closed,
        }
    }
}

/// Who wrote a card, rated or voted, as stored: the shared keyed hash of anonymous input
/// (`core::anonymous`), under the run's secret when the retro is anonymous.
pub use super::anonymous::{author_key, named_author};

/// What a DM line means during the collect phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardInput {
    /// Cards: (prompt index from 0, text).
    Cards(Vec<(usize, String)>),
    /// A bare number: what follows goes to that prompt.
    Switch(usize),
}

/// Read a DM message: one card per line, each `N text` (the prompt's number) or plain
/// text for the prompt `cursor`; a lone `N` switches prompt.
pub fn read_cards(text: &str, prompts: usize, cursor: usize) -> Result<CardInput, UserError> {
    let bad_prompt = |n: &str| UserError::new("error_unknown_prompt", json!({ "number": n, "count": prompts }));
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if let [only] = lines.as_slice()
        && only.chars().all(|c| c.is_ascii_digit())
    {
        let n: usize = only.parse().map_err(|_| bad_prompt(only))?;
        return (1..=prompts).contains(&n).then(|| CardInput::Switch(n - 1)).ok_or_else(|| bad_prompt(only));
    }
    let mut cards = Vec::new();
    for line in lines {
        let digits: String = line.chars().take_while(char::is_ascii_digit).collect();
        let after = &line[digits.len()..];
        let numbered = !digits.is_empty() && after.starts_with(|c: char| c.is_whitespace() || ".):-".contains(c));
        let (prompt, body) = if numbered {
            let n: usize = digits.parse().map_err(|_| bad_prompt(&digits))?;
            if !(1..=prompts).contains(&n) {
                return Err(bad_prompt(&digits));
            }
            (n - 1, after.trim_start().trim_start_matches(['.', ')', ':', '-']).trim())
        } else {
            (cursor, line)
        };
        cards.push((prompt, check_card(body)?));
    }
    if cards.is_empty() {
        return Err(UserError::plain("error_empty_card"));
    }
    Ok(CardInput::Cards(cards))
}

/// True when every line starts with a prompt's number (`1 Pair more`, `2. Demos`) or the
/// message is a lone number: a card beyond doubt.
pub fn numbered(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty()).peekable();
    lines.peek().is_some()
        && lines.all(|l| {
            let digits = l.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && l[digits..].chars().next().is_none_or(|c| c.is_whitespace() || ".):-".contains(c))
        })
}

/// A card's text, checked: not empty, at most `MAX_CARD_CHARS`.
pub fn check_card(body: &str) -> Result<String, UserError> {
    let body = body.trim();
    if body.is_empty() {
        return Err(UserError::plain("error_empty_card"));
    }
    let chars = body.chars().count();
    if chars > MAX_CARD_CHARS {
        return Err(UserError::new("error_card_too_long", json!({ "max": MAX_CARD_CHARS, "length": chars })));
    }
    super::text::check_length(body)?;
    Ok(body.to_string())
}

/// The dots a voter would have after adding `add` (theme numbers) to `current`: refused
/// beyond the allowance, beyond `max_per_item` on one theme, or on an unknown theme.
pub fn add_votes(
    current: &BTreeMap<i64, i64>,
    add: &[i64],
    themes: &[i64],
    allowance: i64,
    max_per_item: i64,
) -> Result<BTreeMap<i64, i64>, UserError> {
    let mut dots = current.clone();
    for t in add {
        if !themes.contains(t) {
            return Err(UserError::new("error_unknown_theme", json!({ "number": t, "count": themes.len() })));
        }
        let on_theme = dots.entry(*t).or_insert(0);
        *on_theme += 1;
        if *on_theme > max_per_item {
            return Err(UserError::new("error_votes_per_theme", json!({ "number": t, "max": max_per_item })));
        }
    }
    let used: i64 = dots.values().sum();
    if used > allowance {
        let left = allowance - current.values().sum::<i64>();
        return Err(UserError::new("error_votes_used", json!({ "allowance": allowance, "left": left.max(0) })));
    }
    Ok(dots)
}

/// One health question's answers, as the board shows them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Health {
    pub question: String,
    pub answers: usize,
    /// How many gave 1, 2, 3, 4 and 5; empty below `MIN_HEALTH_ANSWERS`.
    pub counts: Vec<usize>,
    /// The average with one decimal, as text; `None` below `MIN_HEALTH_ANSWERS`.
    pub average: Option<String>,
    /// Averages of the previous runs, oldest first (those with enough answers).
    pub trend: Vec<String>,
}

/// The figures for one question from its scores (1–5).
pub fn health(question: &str, scores: &[i64], trend: Vec<String>) -> Health {
    let enough = scores.len() >= MIN_HEALTH_ANSWERS;
    let counts =
        if enough { (1..=5).map(|v| scores.iter().filter(|s| **s == v).count()).collect() } else { Vec::new() };
    Health { question: question.to_string(), answers: scores.len(), counts, average: average(scores), trend }
}

/// The average of the scores with one decimal, when there are enough of them.
pub fn average(scores: &[i64]) -> Option<String> {
    (scores.len() >= MIN_HEALTH_ANSWERS)
        .then(|| format!("{:.1}", scores.iter().sum::<i64>() as f64 / scores.len() as f64))
}

/// `3 7 12 as "Slow deploys"` (tokens as typed, or one token holding them all) → the card
/// numbers and the theme's title.
pub fn read_group(tokens: &[String]) -> Result<(Vec<i64>, String), UserError> {
    let tokens = respread(tokens)?;
    let bad = || UserError::plain("error_bad_group");
    let split =
        tokens.iter().position(|t| t.eq_ignore_ascii_case("as") || t.eq_ignore_ascii_case("comme")).ok_or_else(bad)?;
    let numbers = numbers(&tokens[..split])?;
    let title = tokens[split + 1..].join(" ");
    let title = title.trim();
    if numbers.is_empty() || title.is_empty() {
        return Err(bad());
    }
    super::text::check_length(title)?;
    Ok((numbers, check_title(title)?))
}

/// The longest theme title.
pub const MAX_TITLE_CHARS: usize = 80;

/// A theme's title, checked.
pub fn check_title(title: &str) -> Result<String, UserError> {
    let title = title.trim();
    let length = title.chars().count();
    if length > MAX_TITLE_CHARS {
        return Err(UserError::new("error_too_long", json!({ "max": MAX_TITLE_CHARS, "length": length })));
    }
    super::text::check_length(title)?;
    Ok(title.to_string())
}

/// Numbers as typed (`3 7 12`, `3,7,12`, or one token holding them).
pub fn read_numbers(tokens: &[String]) -> Result<Vec<i64>, UserError> {
    let tokens = respread(tokens)?;
    let n = numbers(&tokens)?;
    if n.is_empty() {
        return Err(UserError::new("error_bad_number", json!({ "value": "" })));
    }
    Ok(n)
}

/// Discord hands what was typed in one option as one value: split it again.
fn respread(tokens: &[String]) -> Result<Vec<String>, UserError> {
    match tokens {
        [one] if one.contains(char::is_whitespace) => super::command::tokenize(one),
        _ => Ok(tokens.to_vec()),
    }
}

fn numbers(tokens: &[String]) -> Result<Vec<i64>, UserError> {
    tokens
        .iter()
        .flat_map(|t| t.split(','))
        .filter(|t| !t.is_empty())
        .map(|t| {
            let t = t.trim_start_matches('#');
            t.parse::<i64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| UserError::new("error_bad_number", json!({ "value": t })))
        })
        .collect()
}

/// Theme numbers ranked by votes, most first; ties keep the theme order.
pub fn ranked(votes: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut v = votes.to_vec();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

/// Minutes as people write them: `90` → `1h30m`, `1440` → `24h`.
pub fn minutes_text(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m}m"),
    }
}

/// The share of `done` among `total`, in whole percent (`None` when there were none).
pub fn share_done(done: usize, total: usize) -> Option<u32> {
    (total > 0).then(|| ((done * 100 + total / 2) / total) as u32)
}
