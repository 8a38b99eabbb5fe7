//! Planning poker, decided: decks, what a reveal shows (each vote, the spread, the median,
//! whether to discuss), and the story queue.

pub mod commands;
#[cfg(test)]
mod tests;

pub use commands::{COMMANDS, PokerCommand};

use super::UserError;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The default deck: Fibonacci-like, with "?" (no idea) and ☕ (a break), ten cards — two
/// rows of five buttons on Discord, one actions block on Slack.
pub const FIBONACCI: &[&str] = &["0", "1", "2", "3", "5", "8", "13", "21", "?", "☕"];
const TSHIRT: &[&str] = &["XS", "S", "M", "L", "XL", "?", "☕"];
const POWERS: &[&str] = &["0", "1", "2", "4", "8", "16", "32", "?", "☕"];
/// The most cards a deck holds: four rows of five buttons, the fifth row left free.
pub const MAX_CARDS: usize = 20;
/// The longest card.
const MAX_CARD_CHARS: usize = 8;
/// The longest story title.
pub const MAX_TITLE_CHARS: usize = 200;
/// The most stories one `poker start` queues.
pub const MAX_STORIES: usize = 20;

/// A deck by name (`fibonacci`, `tshirt`, `powers`) or as its cards (`1|2|4|8|?`).
pub fn deck(spec: &str) -> Result<Vec<String>, UserError> {
    let named = match spec.trim().to_ascii_lowercase().as_str() {
        "fibonacci" | "" => Some(FIBONACCI),
        "tshirt" | "t-shirt" => Some(TSHIRT),
        "powers" => Some(POWERS),
        _ => None,
    };
    if let Some(cards) = named {
        return Ok(cards.iter().map(|c| c.to_string()).collect());
    }
    let cards: Vec<String> = spec.split('|').map(str::trim).filter(|c| !c.is_empty()).map(String::from).collect();
    let mut seen = std::collections::HashSet::new();
    let fits = (2..=MAX_CARDS).contains(&cards.len())
        && cards.iter().all(|c| c.chars().count() <= MAX_CARD_CHARS && !c.contains(':') && seen.insert(c.clone()));
    if !fits {
        return Err(UserError::new(
            "error_bad_deck",
            json!({ "value": spec, "max": MAX_CARDS, "chars": MAX_CARD_CHARS, "usage": "deck=\"1|2|4|8|?\"" }),
        ));
    }
    Ok(cards)
}

/// Stories as typed: `stories="A|B|C"`, each a title.
pub fn stories(spec: &str) -> Result<Vec<String>, UserError> {
    let out: Vec<String> = spec.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    if out.is_empty() || out.len() > MAX_STORIES {
        return Err(UserError::new("error_bad_stories", json!({ "max": MAX_STORIES, "usage": "stories=\"A|B|C\"" })));
    }
    for s in &out {
        check_title(s)?;
    }
    Ok(out)
}

pub fn check_title(title: &str) -> Result<String, UserError> {
    let title = title.trim();
    let length = title.chars().count();
    if title.is_empty() || length > MAX_TITLE_CHARS {
        return Err(UserError::new("error_bad_story", json!({ "max": MAX_TITLE_CHARS, "length": length })));
    }
    super::text::check_length(title)?;
    Ok(title.to_string())
}

/// The card `value` names in `deck`, or a refusal listing the deck.
pub fn card_in(deck: &[String], value: &str) -> Result<usize, UserError> {
    deck.iter()
        .position(|c| c.eq_ignore_ascii_case(value.trim()))
        .ok_or_else(|| UserError::new("error_not_in_deck", json!({ "value": value, "deck": deck.join(" ") })))
}

/// What a reveal shows, from the cards played (their places in the deck).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reveal {
    /// The lowest and highest card played among those that are estimates.
    pub low: Option<String>,
    pub high: Option<String>,
    /// The median of the numeric cards, with at most one decimal.
    pub median: Option<String>,
    /// The highest and lowest estimates are more than one card apart.
    pub discuss: bool,
    /// Everyone who gave an estimate gave the same.
    pub consensus: bool,
}

/// A card is an estimate unless it says "no idea" or "a break".
pub fn is_estimate(card: &str) -> bool {
    !matches!(card.trim_end_matches('\u{fe0f}'), "?" | "☕" | ":coffee:")
}

pub fn reveal(deck: &[String], played: &[usize]) -> Reveal {
    let mut places: Vec<usize> =
        played.iter().copied().filter(|i| deck.get(*i).is_some_and(|c| is_estimate(c))).collect();
    places.sort_unstable();
    let (low, high) = (places.first().copied(), places.last().copied());
    let mut numbers: Vec<f64> = places.iter().filter_map(|i| deck[*i].parse::<f64>().ok()).collect();
    numbers.sort_by(f64::total_cmp);
    let median = match numbers.len() {
        0 => None,
        n if n % 2 == 1 => Some(numbers[n / 2]),
        n => Some((numbers[n / 2 - 1] + numbers[n / 2]) / 2.0),
    };
    Reveal {
        low: low.map(|i| deck[i].clone()),
        high: high.map(|i| deck[i].clone()),
        median: median.map(|m| if m.fract() == 0.0 { format!("{m:.0}") } else { format!("{m:.1}") }),
        discuss: matches!((low, high), (Some(l), Some(h)) if h - l > 1),
        consensus: places.len() > 1 && low == high,
    }
}
