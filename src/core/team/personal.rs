//! Personal data: who an erasure is about, the pseudonym they become, and the rewriting
//! of stored text that still names them.
//!
//! An erased member keeps a row under a pseudonym (`Former member 3`, whose command name
//! is `former-member-3`): what the team keeps (posted reports, summaries, actions) reads
//! the pseudonym where it read the name. Their names and platform ids are replaced as
//! whole names, whatever their case, so a longer word or name that contains them
//! (`kenjis`, `kenji-2`, `Australia/Sydney` is a zone) is left alone.

use serde_json::Value;

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

    /// `text` with every mention of them replaced by the pseudonym. A JSON document
    /// (a stored effect, event or settings) is walked: only its string values are
    /// rewritten, and values that are never free text (images, zones, keys, names of
    /// channels and rituals) keep everything but the platform ids.
    pub fn in_text(&self, text: &str) -> String {
        match json_document(text) {
            Some(doc) => self.walked(text, doc, false),
            None => replace_words(text, &self.text_words()),
        }
    }

    /// Settings (a stand-up's, a retro's, a poll's): they leave the lists of names
    /// (participants, audience) — an exact element, not a word in it — and other mentions
    /// are rewritten as `in_text`, except in the team's own templates (questions, prompts).
    pub fn in_settings(&self, text: &str) -> String {
        match json_document(text) {
            Some(doc) => self.walked(text, doc, true),
            None => text.to_string(),
        }
    }

    /// `doc` (parsed from `text`) walked; `text` itself when nothing in it names them.
    fn walked(&self, text: &str, doc: Value, settings: bool) -> String {
        let mut new = doc.clone();
        self.walk(&mut new, settings, false);
        if new == doc { text.to_string() } else { serde_json::to_string(&new).unwrap_or_else(|_| text.to_string()) }
    }

    fn walk(&self, v: &mut Value, settings: bool, kept: bool) {
        match v {
            Value::String(s) => {
                *s = if kept { replace_words(s, &self.id_words()) } else { replace_words(s, &self.text_words()) }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.walk(i, settings, kept)),
            Value::Object(map) => {
                let renamed: Vec<(String, String)> = map
                    .keys()
                    .filter_map(|k| {
                        self.id_words().into_iter().find(|(w, _)| *w == k).map(|(_, by)| (k.clone(), by.into()))
                    })
                    .collect();
                for (from, to) in renamed {
                    if let Some(x) = map.remove(&from) {
                        map.insert(to, x);
                    }
                }
                for (k, x) in map.iter_mut() {
                    if settings && NAME_LISTS.contains(&k.as_str()) {
                        if let Value::Array(names) = x {
                            names.retain(|n| !n.as_str().is_some_and(|n| self.names_them(n)));
                        }
                        continue;
                    }
                    let kept =
                        kept || KEPT_KEYS.contains(&k.as_str()) || settings && SETTINGS_KEPT.contains(&k.as_str());
                    self.walk(x, settings, kept);
                }
            }
            _ => {}
        }
    }

    /// Whether a list's element is them: their name, with or without `@`.
    fn names_them(&self, n: &str) -> bool {
        n.trim().trim_start_matches('@').to_lowercase() == self.name.to_lowercase()
    }

    /// Their platform ids only, with what replaces them.
    fn id_words(&self) -> Vec<(&str, &str)> {
        let names = [self.name.as_str(), self.display_name.as_str()];
        self.text_words().into_iter().filter(|(w, _)| !names.contains(w)).collect()
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

/// Keys of lists of member names in settings: the member leaves them.
const NAME_LISTS: &[&str] = &["participants", "audience"];
/// Keys whose values are never free text: only platform ids are replaced under them.
const KEPT_KEYS: &[&str] = &[
    "png",
    "tz",
    "zone",
    "template",
    "action",
    "action_id",
    "key",
    "update_key",
    "schedule",
    "channel",
    "standup",
    "retro",
];
/// In settings, also the ritual's name and the team's own templates.
const SETTINGS_KEPT: &[&str] = &["name", "questions", "prompts", "health", "when"];

/// `text` as a JSON document, when it is an object or an array.
fn json_document(text: &str) -> Option<Value> {
    let t = text.trim_start();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str(text).ok().filter(|v: &Value| v.is_object() || v.is_array())
}

/// Whether the chars `next, after` continue a name: a letter or digit, or a joiner
/// (`-`, `_`, `.`) followed by one (`kenji-2`, `kenji.sato`; not a sentence's full stop).
fn continues(next: Option<char>, after: Option<char>) -> bool {
    match next {
        Some(c) if c.is_alphanumeric() => true,
        Some('-' | '_' | '.') => after.is_some_and(char::is_alphanumeric),
        _ => false,
    }
}

/// `text` with each whole-name occurrence of a word (case ignored) replaced.
fn replace_words(text: &str, words: &[(&str, &str)]) -> String {
    let words: Vec<(String, usize, &str)> =
        words.iter().map(|(w, by)| (w.to_lowercase(), w.chars().count(), *by)).collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    'scan: while i < text.len() {
        let mut before = text[..i].chars().rev();
        if !continues(before.next(), before.next()) {
            for (w, n, by) in &words {
                let end = text[i..].char_indices().nth(*n).map_or(text.len(), |(at, _)| i + at);
                let candidate = &text[i..end];
                if candidate.chars().count() == *n
                    && candidate.to_lowercase() == *w
                    && !{
                        let mut after = text[end..].chars();
                        continues(after.next(), after.next())
                    }
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
    fn an_erased_member_leaves_the_lists_of_names_and_the_others_stay() {
        let e = kenji();
        let settings = r#"{"name":"kenji","participants":["ana","kenji","kenji-2"],"audience":["@Kenji"],"questions":[{"text":"Kenji?"}]}"#;
        assert_eq!(
            e.in_settings(settings),
            r#"{"audience":[],"name":"kenji","participants":["ana","kenji-2"],"questions":[{"text":"Kenji?"}]}"#
        );
        let untouched = r#"{"participants": ["ana"], "tz": "Europe/Paris"}"#;
        assert_eq!(e.in_settings(untouched), untouched, "nothing names him: the text is as it was");
    }

    #[test]
    fn another_member_whose_name_starts_with_theirs_is_left_alone() {
        let e = Erasure::new(4, 1, "kenji", "Kenji", &pseudonym("Former member", 1));
        assert_eq!(
            e.in_text("kenji-2, kenji_2 and kenji.sato stay; kenji."),
            "kenji-2, kenji_2 and kenji.sato stay; Former member 1."
        );
        assert_eq!(e.in_text(r#"{"text":"ask @kenji-2"}"#), r#"{"text":"ask @kenji-2"}"#);
    }

    #[test]
    fn a_zone_named_like_them_is_left_alone() {
        let e = Erasure::new(4, 1, "sydney", "Sydney", &pseudonym("Former member", 1));
        let settings = r#"{"tz":"Australia/Sydney","participants":["sydney","ana"],"schedule":"0 9 * * *"}"#;
        assert_eq!(
            e.in_settings(settings),
            r#"{"participants":["ana"],"schedule":"0 9 * * *","tz":"Australia/Sydney"}"#
        );
        let effect = r#"{"text":"Sydney is away","zone":"Australia/Sydney"}"#;
        assert_eq!(e.in_text(effect), r#"{"text":"Former member 1 is away","zone":"Australia/Sydney"}"#);
    }

    #[test]
    fn an_image_in_an_effect_keeps_its_bytes() {
        let e = Erasure::new(4, 1, "abc", "Abc", &pseudonym("Former member", 1));
        let png = "iVBORw0KGgo+abc/abc+AAAA";
        let effect =
            format!(r#"{{"kind":"post","text":"Chart for abc","image":{{"png":"{png}","alt":"abc's chart"}}}}"#);
        let after: Value = serde_json::from_str(&e.in_text(&effect)).expect("still JSON");
        assert_eq!(after["image"]["png"], png);
        assert_eq!(after["text"], "Chart for Former member 1");
        assert_eq!(after["image"]["alt"], "Former member 1's chart");
    }

    #[test]
    fn a_free_text_mention_reads_the_pseudonym() {
        let e = Erasure::new(4, 1, "kenji", "Kenji Sato", &pseudonym("Former member", 1));
        assert_eq!(e.in_text("Pairing with Kenji"), "Pairing with Former member 1");
        assert_eq!(e.in_text("Pairing with Kenji Sato."), "Pairing with Former member 1.");
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
