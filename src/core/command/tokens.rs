//! Splitting a command line into words and `key=value` options, with quotes.

use crate::core::UserError;
use serde_json::json;
use std::collections::BTreeMap;

/// A command line after the command's own words: positional words and options.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Args {
    pub positional: Vec<String>,
    pub options: BTreeMap<String, String>,
}

impl Args {
    pub fn take(&mut self, key: &str) -> Option<String> {
        self.options.remove(key)
    }

    /// Refuse options nobody asked for, naming the first one.
    pub fn finish(&self, usage: &str) -> Result<(), UserError> {
        if let Some(key) = self.options.keys().next() {
            return Err(UserError::new("error_unknown_option", json!({ "option": key, "usage": usage })));
        }
        Ok(())
    }
}

/// Split on spaces; `"…"`, `“…”` and `'…'` group words; `key=value` becomes an option.
/// An apostrophe inside a word is a letter (`O'Brien`, `l'équipe`): only one that starts a
/// word or a value opens a quote. Inside quotes, `\"` (or the quote's own closing mark
/// after a backslash) is the character itself, and `\\` a backslash.
pub fn tokenize(line: &str) -> Result<Vec<String>, UserError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                let close = if q == '“' { '”' } else { q };
                match c {
                    '\\' if chars.peek().is_some_and(|n| *n == close || *n == '"' || *n == '\\') => {
                        cur.extend(chars.next());
                    }
                    _ if c == close => quote = None,
                    _ => cur.push(c),
                }
            }
            None if c == '"' || c == '“' || (c == '\'' && (!in_word || cur.ends_with('='))) => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            None => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err(UserError::new("error_unclosed_quote", json!({ "line": line })));
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Sort words into positional ones and `key=value` options (keys lowercased).
pub fn split_args(words: &[String]) -> Args {
    let mut args = Args::default();
    for w in words {
        match w.split_once('=') {
            Some((k, v)) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                args.options.insert(k.to_ascii_lowercase(), v.to_string());
            }
            _ => args.positional.push(w.clone()),
        }
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_keep_their_spaces() {
        let words = tokenize(r#"standup create daily schedule="30 9 * * MON-FRI" tz=Europe/Paris"#).expect("tokenizes");
        let args = split_args(&words[2..]);
        assert_eq!(args.positional, vec!["daily"]);
        assert_eq!(args.options["schedule"], "30 9 * * MON-FRI");
        assert_eq!(args.options["tz"], "Europe/Paris");
    }

    #[test]
    fn an_apostrophe_inside_a_word_is_a_letter_and_escaped_quotes_are_kept() {
        let words = tokenize(r#"member add obrien display=O'Brien"#).expect("tokenizes");
        assert_eq!(words, ["member", "add", "obrien", "display=O'Brien"]);
        let words = tokenize(r#"questions="Qu'as-tu fait pour l'équipe ?|Le \"plan\" ?""#).expect("tokenizes");
        assert_eq!(words, [r#"questions=Qu'as-tu fait pour l'équipe ?|Le "plan" ?"#]);
        let words = tokenize("display='Ana Lima' 'two words'").expect("tokenizes");
        assert_eq!(words, ["display=Ana Lima", "two words"]);
    }

    #[test]
    fn an_unclosed_quote_is_refused() {
        assert_eq!(tokenize(r#"standup create x schedule="30 9"#).map_err(|e| e.template), Err("error_unclosed_quote"));
    }
}
