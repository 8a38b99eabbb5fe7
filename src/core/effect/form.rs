//! Forms: text fields or choice fields, the limits every platform can show, and how a
//! choice's picks travel through a platform and come back as one value per field.

use super::Button;
use serde::{Deserialize, Serialize};

/// The most options one choice field offers: Discord's select menu holds 25, Slack's 100.
pub const MAX_CHOICES: usize = 25;
/// The most choice fields one form holds: on Discord each is a select menu in its own row
/// of a message, which has five rows, and the last holds the submit button.
pub const MAX_CHOICE_FIELDS: usize = 4;
/// The longest option value: Discord takes 100 characters, less the index in front
/// (`choice_key`).
pub const MAX_CHOICE_VALUE_CHARS: usize = 80;

/// The action of a choice form's submit button where the form is shown in a message (a
/// Slack or Discord message with select menus): this, then the form's `submit`.
pub const CHOICE_SUBMIT_PREFIX: &str = "tandem-submit:";

/// A form: fields with their current values; `submit` comes back with the values, one per
/// field in field order.
///
/// A form holds text fields or choice fields, not both: Discord puts text inputs only in
/// modals and select menus only in messages, and a form must come back as one submission on
/// every platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    pub submit: String,
    pub fields: Vec<FormField>,
    /// The button that opens this form again, where it cannot be shown at once (a form
    /// that reaches a Slack or Discord DM without a modal).
    #[serde(default)]
    pub opener: Option<Button>,
}

/// One field. A text field's value is its text; a choice field's value is its picks'
/// values joined by `\n`, in the order of its options (none picked: empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// The field's label as written by the team (a question), not a template.
    pub label: String,
    pub value: String,
    /// Present for a choice field: a single select when at most one may be picked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choice: Option<Choice>,
}

/// The options of a choice field and how many may be picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub options: Vec<ChoiceOption>,
    /// 1: a single select; more: a multi select of at most this many.
    pub max_picks: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoiceOption {
    /// What comes back when it is picked.
    pub value: String,
    /// What the person reads.
    pub label: String,
}

/// What no platform could show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EffectError {
    #[error("a choice field offers {0} options; at most {MAX_CHOICES} fit every platform")]
    TooManyChoices(usize),
    #[error("a choice field offers no option")]
    NoChoices,
    #[error("a choice field allows {0} picks of {1} options")]
    MaxPicks(usize, usize),
    #[error("the option value {0:?} is empty, too long, repeated or holds a line break")]
    BadChoiceValue(String),
    #[error("a form mixes text and choice fields, which Discord cannot show as one")]
    MixedForm,
    #[error("a form holds {0} choice fields; at most {MAX_CHOICE_FIELDS} fit a Discord message")]
    TooManyChoiceFields(usize),
    #[error("the image {0}")]
    Image(String),
}

impl FormField {
    pub fn text(label: impl Into<String>, value: impl Into<String>) -> Self {
        FormField { label: label.into(), value: value.into(), choice: None }
    }

    /// A choice over `(value, label)` options, at most `max_picks` picked, none yet.
    /// Refused past `MAX_CHOICES` options.
    pub fn choice<V: Into<String>, L: Into<String>>(
        label: impl Into<String>,
        options: impl IntoIterator<Item = (V, L)>,
        max_picks: usize,
    ) -> Result<Self, EffectError> {
        let options = options
            .into_iter()
            .map(|(value, label)| ChoiceOption { value: value.into(), label: label.into() })
            .collect();
        let choice = Choice { options, max_picks };
        choice.check()?;
        Ok(FormField { label: label.into(), value: String::new(), choice: Some(choice) })
    }

    /// With these option values picked (in option order, whatever order they are given in).
    pub fn with_picked(mut self, values: &[&str]) -> Self {
        if let Some(c) = &self.choice {
            let picked: Vec<&str> = c.options.iter().map(|o| o.value.as_str()).filter(|v| values.contains(v)).collect();
            self.value = picked.join("\n");
        }
        self
    }

    /// Whether the option `value` is among the current picks.
    pub fn is_picked(&self, value: &str) -> bool {
        self.value.split('\n').any(|v| v == value)
    }
}

impl Choice {
    pub fn is_multi(&self) -> bool {
        self.max_picks > 1
    }

    /// The options as the platforms carry them: `(choice_key, label, option)`.
    pub fn keyed(&self) -> impl Iterator<Item = (String, &str, &ChoiceOption)> {
        self.options.iter().enumerate().map(|(i, o)| (choice_key(i, &o.value), o.label.as_str(), o))
    }

    fn check(&self) -> Result<(), EffectError> {
        let n = self.options.len();
        if n == 0 {
            return Err(EffectError::NoChoices);
        }
        if n > MAX_CHOICES {
            return Err(EffectError::TooManyChoices(n));
        }
        if self.max_picks == 0 || self.max_picks > n {
            return Err(EffectError::MaxPicks(self.max_picks, n));
        }
        for (i, o) in self.options.iter().enumerate() {
            let repeated = self.options[..i].iter().any(|p| p.value == o.value);
            if o.value.is_empty()
                || o.value.contains('\n')
                || o.value.chars().count() > MAX_CHOICE_VALUE_CHARS
                || repeated
            {
                return Err(EffectError::BadChoiceValue(o.value.clone()));
            }
        }
        Ok(())
    }
}

impl Form {
    /// The limits every platform can show (see `Form`).
    pub fn check(&self) -> Result<(), EffectError> {
        let choices = self.fields.iter().filter(|f| f.choice.is_some()).count();
        if choices > 0 && choices < self.fields.len() {
            return Err(EffectError::MixedForm);
        }
        if choices > MAX_CHOICE_FIELDS {
            return Err(EffectError::TooManyChoiceFields(choices));
        }
        self.fields.iter().filter_map(|f| f.choice.as_ref()).try_for_each(Choice::check)
    }

    /// A form of choice fields only (the other kind is text fields only).
    pub fn is_choices(&self) -> bool {
        !self.fields.is_empty() && self.fields.iter().all(|f| f.choice.is_some())
    }
}

/// An option as a platform carries it: its index, `:`, its value (`2:blue`). Platforms send
/// picks back in the order the person clicked them, or in the page's order; the index puts
/// them back in option order, so a multi select comes back the same on every platform.
pub fn choice_key(index: usize, value: &str) -> String {
    format!("{index}:{value}")
}

/// A choice field's value from the keys a platform sent back: their values in option
/// order, joined by `\n`. Keys that are not `choice_key`s are ignored.
pub fn picked<'a>(keys: impl IntoIterator<Item = &'a str>) -> String {
    let mut picks: Vec<(usize, &str)> = keys
        .into_iter()
        .filter_map(|k| {
            let (i, v) = k.split_once(':')?;
            Some((i.parse().ok()?, v))
        })
        .collect();
    picks.sort_by_key(|(i, _)| *i);
    picks.dedup_by_key(|(i, _)| *i);
    picks.into_iter().map(|(_, v)| v).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_of_more_options_than_every_platform_shows_is_refused() {
        let options: Vec<(String, String)> = (0..26).map(|i| (format!("v{i}"), format!("Option {i}"))).collect();
        assert_eq!(FormField::choice("Pick", options.clone(), 1), Err(EffectError::TooManyChoices(26)));
        assert!(FormField::choice("Pick", options[..25].to_vec(), 3).is_ok());
        assert_eq!(FormField::choice("Pick", [("a", "A")], 2), Err(EffectError::MaxPicks(2, 1)));
        assert!(matches!(FormField::choice("Pick", [("a\nb", "A")], 1), Err(EffectError::BadChoiceValue(_))));
    }

    #[test]
    fn a_form_is_text_fields_or_choice_fields() {
        let pick = FormField::choice("Pick", [("a", "A"), ("b", "B")], 1).expect("a choice");
        let mixed = Form { submit: "x".into(), fields: vec![FormField::text("Why?", ""), pick.clone()], opener: None };
        assert_eq!(mixed.check(), Err(EffectError::MixedForm));
        let five = Form { submit: "x".into(), fields: vec![pick; 5], opener: None };
        assert_eq!(five.check(), Err(EffectError::TooManyChoiceFields(5)));
    }

    #[test]
    fn picks_come_back_in_option_order_whatever_order_they_were_sent_in() {
        assert_eq!(picked(["2:blue", "0:red", "2:blue", "junk"]), "red\nblue");
        assert_eq!(picked([]), "");
        let f = FormField::choice("Colours", [("red", "Red"), ("green", "Green"), ("blue", "Blue")], 3)
            .expect("a choice")
            .with_picked(&["blue", "red"]);
        assert_eq!(f.value, "red\nblue");
        assert!(f.is_picked("blue") && !f.is_picked("green"));
        let keys: Vec<String> = f.choice.as_ref().expect("choice").keyed().map(|(k, ..)| k).collect();
        assert_eq!(keys, ["0:red", "1:green", "2:blue"]);
    }
}
