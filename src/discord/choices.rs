//! A form of choice fields on Discord: a message with one string select menu per field and a
//! submit button, because serenity 0.12's modals hold text inputs only.
//!
//! A pick is answered at the door by redrawing the message with the picks marked as the
//! menu's defaults (an interaction answer of type 7, which changes nothing in Tandem, so it
//! is not stored). The submit button's click then carries the message as Discord shows it,
//! and its defaults are the picks: it becomes `InboundKind::Form { submit, values }` like a
//! Slack modal or a web chat form.

use super::render::truncate;
use crate::core::effect::{MAX_CHOICES, picked};
use crate::core::{Form, Message};
use crate::render::Renderer;
use serenity::all::{
    ActionRow, ActionRowComponent, ButtonStyle, CreateActionRow, CreateButton, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, SelectMenu,
};

pub use crate::core::effect::CHOICE_SUBMIT_PREFIX as SUBMIT_PREFIX;
/// Discord's limits: an option's label, a select's placeholder.
const OPTION_CHARS: usize = 100;
const PLACEHOLDER_CHARS: usize = 150;

/// The form's rows: a select per field (`q0`, `q1`…), then the submit button.
pub fn rows(r: &Renderer, m: &Message, form: &Form) -> Vec<CreateActionRow> {
    let mut rows: Vec<CreateActionRow> = form
        .fields
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let choice = f.choice.as_ref()?;
            let options = choice
                .keyed()
                .take(MAX_CHOICES)
                .map(|(key, label, o)| {
                    CreateSelectMenuOption::new(truncate(label, OPTION_CHARS), key)
                        .default_selection(f.is_picked(&o.value))
                })
                .collect();
            let menu = CreateSelectMenu::new(format!("q{i}"), CreateSelectMenuKind::String { options })
                .placeholder(truncate(&f.label, PLACEHOLDER_CHARS))
                .min_values(0)
                .max_values(u8::try_from(choice.max_picks).unwrap_or(u8::MAX));
            Some(CreateActionRow::SelectMenu(menu))
        })
        .collect();
    let submit = CreateButton::new(format!("{SUBMIT_PREFIX}{}", form.submit))
        .label(r.label(m.locale, "button_submit"))
        .style(ButtonStyle::Primary);
    rows.push(CreateActionRow::Buttons(vec![submit]));
    rows
}

/// The message's rows again, the select `custom_id` now showing `values` as its picks.
pub fn with_picks(components: &[ActionRow], custom_id: &str, values: &[String]) -> Vec<CreateActionRow> {
    components
        .iter()
        .filter_map(|row| match row.components.first()? {
            ActionRowComponent::SelectMenu(menu) => {
                let picks = (menu.custom_id.as_deref() == Some(custom_id)).then_some(values);
                Some(CreateActionRow::SelectMenu(redraw(menu, picks)))
            }
            ActionRowComponent::Button(_) => Some(CreateActionRow::Buttons(
                row.components
                    .iter()
                    .filter_map(|c| match c {
                        ActionRowComponent::Button(b) => Some(CreateButton::from(b.clone())),
                        _ => None,
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

fn redraw(menu: &SelectMenu, picks: Option<&[String]>) -> CreateSelectMenu {
    let options = menu
        .options
        .iter()
        .map(|o| {
            let chosen = picks.map_or(o.default, |p| p.contains(&o.value));
            CreateSelectMenuOption::new(o.label.clone(), o.value.clone()).default_selection(chosen)
        })
        .collect();
    let mut m =
        CreateSelectMenu::new(menu.custom_id.clone().unwrap_or_default(), CreateSelectMenuKind::String { options });
    if let Some(p) = &menu.placeholder {
        m = m.placeholder(p.clone());
    }
    m.min_values(menu.min_values.unwrap_or(0)).max_values(menu.max_values.unwrap_or(1))
}

/// The form's values from the message the submit button is on: each select's defaults, in
/// field order.
pub fn values(components: &[ActionRow]) -> Vec<String> {
    let mut values: Vec<(usize, String)> = components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            ActionRowComponent::SelectMenu(menu) => {
                let i: usize = menu.custom_id.as_deref()?.strip_prefix('q')?.parse().ok()?;
                let chosen = menu.options.iter().filter(|o| o.default).map(|o| o.value.as_str());
                Some((i, picked(chosen)))
            }
            _ => None,
        })
        .collect();
    values.sort_by_key(|(i, _)| *i);
    values.into_iter().map(|(_, v)| v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message_rows() -> Vec<ActionRow> {
        serde_json::from_value(serde_json::json!([
            { "type": 1, "components": [{ "type": 3, "custom_id": "q1", "min_values": 0, "max_values": 3, "options": [
                { "label": "Red", "value": "0:red" }, { "label": "Green", "value": "1:green" },
                { "label": "Blue", "value": "2:blue" } ] }] },
            { "type": 1, "components": [{ "type": 3, "custom_id": "q0", "min_values": 0, "max_values": 1, "options": [
                { "label": "Yes", "value": "0:yes", "default": true }, { "label": "No", "value": "1:no" } ] }] },
            { "type": 1, "components": [{ "type": 2, "style": 1, "label": "Submit", "custom_id": "tandem-submit:poll:1" }] },
        ]))
        .expect("rows as Discord sends them")
    }

    #[test]
    fn picks_marked_on_the_message_come_back_as_the_forms_values_in_field_order() {
        let rows = message_rows();
        assert_eq!(values(&rows), ["yes", ""], "nothing picked yet in the second field");
        let redrawn = serde_json::to_value(with_picks(&rows, "q1", &["2:blue".into(), "0:red".into()])).expect("json");
        let again: Vec<ActionRow> = serde_json::from_value(redrawn).expect("rows");
        assert_eq!(values(&again), ["yes", "red\nblue"]);
        assert!(matches!(&again[2].components[0], ActionRowComponent::Button(_)), "the submit button stays");
    }
}
