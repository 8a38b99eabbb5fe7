//! Personal data: who an erasure is about, the pseudonym they become, and the rewriting
//! of stored text that still names them.
//!
//! An erased member keeps a row under a pseudonym (`Former member 3`, whose command name
//! is `former-member-3`): what the team keeps (posted reports, summaries, actions) reads
//! the pseudonym where it read the name. Their names and platform ids are replaced as
//! whole words, whatever their case, so a longer word that contains them is left alone.

/// One member being erased: what names them, and what replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub member_id: i64,
    pub team_id: i64,
    /// Their name (`ana`) and display name (`Ana Lima`).
    pub name: String,
    pub display_name: String,
    /// Their ids on the chat platforms: user ids, DM channels. A numeric one (Discord's)
    /// becomes `1` in text, so that a stored event still reads as an event.
    pub platform_ids: Vec<String>,
    /// As people read it: `Former member 3`.
    pub pseudonym: String,
    /// As commands name it: `former-member-3`.
    pub pseudonym_name: String,
}

impl Erasure {
    /// The erasure of a member who becomes `pseudonym` (`Former member 3`).
    pub fn new(member_id: i64, team_id: i64, name: &str, display_name: &str, pseudonym: &str) -> Erasure {
        let pseudonym_name = pseudonym_name(pseudonym);
        let pseudonym = pseudonym.to_string();
        Erasure {
            member_id,
            team_id,
            name: name.to_string(),
            display_name: display_name.to_string(),
            platform_ids: Vec::new(),
            pseudonym,
            pseudonym_name,
        }
    }

    /// Every word that names them, longest first, with what replaces it in text people
    /// read (a report, a summary, a stored event).
    fn text_words(&self) -> Vec<(&str, &str)> {
        let mut words = vec![(self.display_name.as_str(), self.pseudonym.as_str())];
        words.push((self.name.as_str(), self.pseudonym.as_str()));
        // A numeric id (Discord's) becomes `1`, so a stored event still reads as one.
        let id_by = |id: &str| if id.chars().all(|c| c.is_ascii_digit()) { "1" } else { self.pseudonym_name.as_str() };
        words.extend(self.platform_ids.iter().map(|id| (id.as_str(), id_by(id))));
        words.retain(|(w, _)| !w.trim().is_empty());
        words.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        words
    }

    /// `text` with every mention of them replaced by the pseudonym.
    pub fn in_text(&self, text: &str) -> String {
        replace_words(text, &self.text_words())
    }

    /// `text` (settings holding lists of names, `alice,ana`) with their name replaced by
    /// the pseudonym's name, so the list still reads as names; other mentions as `in_text`.
    pub fn in_names(&self, text: &str) -> String {
        let first = replace_words(text, &[(self.name.as_str(), self.pseudonym_name.as_str())]);
        self.in_text(&first)
    }

    /// Whether `text` mentions them.
    pub fn mentioned_in(&self, text: &str) -> bool {
        self.in_text(text) != text
    }

    /// The words to look for in a database (lower case), to find rows worth rewriting.
    pub fn search_words(&self) -> Vec<String> {
        self.text_words().iter().map(|(w, _)| w.to_lowercase()).collect()
    }
}

/// The team's `number`th erased member, as people read it: `Former member 3`, from the
/// label's words (`Former member`, `Ancien membre`).
pub fn pseudonym(words: &str, number: i64) -> String {
    format!("{} {number}", words.trim())
}

/// The pseudonym as commands name it: `former-member-3`.
pub fn pseudonym_name(pseudonym: &str) -> String {
    pseudonym.to_lowercase().split_whitespace().collect::<Vec<_>>().join("-")
}

/// `text` with each whole-word occurrence of a word (case ignored) replaced.
fn replace_words(text: &str, words: &[(&str, &str)]) -> String {
    let word_char = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let words: Vec<(String, usize, &str)> =
        words.iter().map(|(w, by)| (w.to_lowercase(), w.chars().count(), *by)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        if !word_char(text[..i].chars().next_back()) {
            for (w, n, by) in &words {
                let end = text[i..].char_indices().nth(*n).map_or(text.len(), |(at, _)| i + at);
                let candidate = &text[i..end];
                if candidate.chars().count() == *n
                    && candidate.to_lowercase() == *w
                    && !word_char(text[end..].chars().next())
                {
                    out.push_str(by);
                    i = end;
                    continue 'scan;
                }
            }
        }
        let c = text[i..].chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kenji() -> Erasure {
        let mut e = Erasure::new(4, 1, "kenji", "Kenji Sato", &pseudonym("Former member", 3));
        e.platform_ids = vec!["U0KENJI".into(), "1300000000000000303".into()];
        e
    }

    #[test]
    fn a_pseudonym_is_numbered_and_named_for_commands() {
        assert_eq!(pseudonym("Former member", 3), "Former member 3");
        assert_eq!(pseudonym_name(&pseudonym("Ancien membre ", 1)), "ancien-membre-1");
    }

    #[test]
    fn every_mention_becomes_the_pseudonym_and_longer_words_stay() {
        let e = kenji();
        let text =
            r#"{"text":"📋 *Kenji Sato* (late) — KENJI said: ask @kenji, <@U0KENJI>; kenjis and kenji_bot stay"}"#;
        assert_eq!(
            e.in_text(text),
            r#"{"text":"📋 *Former member 3* (late) — Former member 3 said: ask @Former member 3, <@former-member-3>; kenjis and kenji_bot stay"}"#
        );
        assert!(e.mentioned_in("Kenji") && !e.mentioned_in("Kenjiro and Léa"));
        let discord = r#"{"users":{"1300000000000000303":{"username":"kenji"}}}"#;
        assert_eq!(e.in_text(discord), r#"{"users":{"1":{"username":"Former member 3"}}}"#, "still a snowflake");
    }

    #[test]
    fn a_list_of_names_keeps_reading_as_names() {
        let e = kenji();
        assert_eq!(e.in_names(r#"{"participants":["ana","kenji"]}"#), r#"{"participants":["ana","former-member-3"]}"#);
        assert_eq!(e.in_names("olivier,kenji,lea"), "olivier,former-member-3,lea");
    }

    #[test]
    fn a_name_with_an_accent_is_found_whatever_its_case() {
        let e = Erasure::new(5, 1, "lea", "Léa", "Ancien membre 1");
        assert_eq!(
            e.in_text("Réunion avec Léa, léa et LÉA à 9 h"),
            "Réunion avec Ancien membre 1, Ancien membre 1 et Ancien membre 1 à 9 h"
        );
    }
}
