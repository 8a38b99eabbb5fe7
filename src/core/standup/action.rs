//! Button actions: short strings that come back when a person clicks.
//!
//! They carry ids only; the clicker is always checked against the stored owner.

/// What a click asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Open the answer form for a round.
    OpenForm { round_id: i64 },
    /// Skip a round.
    Skip { round_id: i64 },
    /// Mark a blocker resolved.
    Resolve { blocker_id: i64 },
}

impl Action {
    pub fn encode(&self) -> String {
        match self {
            Action::OpenForm { round_id } => format!("form:{round_id}"),
            Action::Skip { round_id } => format!("skip:{round_id}"),
            Action::Resolve { blocker_id } => format!("resolve:{blocker_id}"),
        }
    }

    pub fn decode(s: &str) -> Option<Action> {
        let (kind, id) = s.split_once(':')?;
        let id: i64 = id.parse().ok()?;
        match kind {
            "form" => Some(Action::OpenForm { round_id: id }),
            "skip" => Some(Action::Skip { round_id: id }),
            "resolve" => Some(Action::Resolve { blocker_id: id }),
            _ => None,
        }
    }
}

/// The prefixes of the stand-up's buttons, and of those that open a form.
pub const BUTTONS: &[&str] = &["form", "skip", "resolve"];
pub const FORM_BUTTONS: &[&str] = &["form"];
/// The prefix of the answer form's `submit` (`answers:ROUND`).
pub const ANSWER_FORM: &str = "answers";

/// The answer form's `submit` for a round.
pub fn answer_form(round_id: i64) -> String {
    format!("{ANSWER_FORM}:{round_id}")
}

/// The round of an answer form's `submit`.
pub fn answer_form_round(submit: &str) -> Option<i64> {
    submit.strip_prefix(ANSWER_FORM)?.strip_prefix(':')?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_survive_a_round_trip_and_junk_is_refused() {
        for a in [Action::OpenForm { round_id: 7 }, Action::Skip { round_id: 8 }, Action::Resolve { blocker_id: 9 }] {
            assert_eq!(Action::decode(&a.encode()), Some(a));
        }
        assert_eq!(Action::decode("resolve:abc"), None);
        assert_eq!(Action::decode("drop:1"), None);
        assert_eq!(answer_form_round(&answer_form(12)), Some(12));
        assert_eq!(answer_form_round("answers:x"), None);
    }
}
