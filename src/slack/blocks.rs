//! Block Kit: a rendered message as sections, its image and buttons in their styles; a form
//! as a modal (text inputs, or static selects for choice fields) and its values read back.

use crate::core::effect::{CHOICE_SUBMIT_PREFIX, Choice, picked};
use crate::core::{ButtonStyle, Form, FormField, Message};
use crate::render::Renderer;
use slack_morphism::prelude::*;

/// Slack's limits: characters in a section, a label, an option's text, an image's alt
/// text, a modal title; blocks per message.
const SECTION_CHARS: usize = 3000;
const LABEL_CHARS: usize = 2000;
const OPTION_CHARS: usize = 75;
const ALT_CHARS: usize = 2000;
const TITLE_CHARS: usize = 24;
const MAX_BLOCKS: usize = 50;
/// The notification text that goes with the blocks.
const FALLBACK_CHARS: usize = 3000;

/// `&`, `<` and `>` are Slack's control characters in text; everything people typed
/// goes through here so that `<!channel>` in an answer stays text.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A message as Slack shows it: the notification text and the blocks; `image_file` is the
/// uploaded file of its image.
pub fn message(r: &Renderer, m: &Message, image_file: Option<&str>) -> anyhow::Result<(String, Vec<SlackBlock>)> {
    let text = escape(&r.message(m)?);
    let mut blocks: Vec<SlackBlock> =
        sections(&text).into_iter().map(|s| SlackSectionBlock::new().with_text(md!(s)).into()).collect();
    if let (Some(file), Some(image)) = (image_file, &m.image) {
        let source =
            SlackImageUrlOrFile::SlackFile { slack_file: SlackFileIdOrUrl::Id { id: SlackFileId(file.into()) } };
        blocks.push(SlackImageBlock::new(source, truncate(&image.alt, ALT_CHARS)).into());
    }
    let mut buttons: Vec<(String, String, ButtonStyle)> =
        m.buttons.iter().map(|b| (r.label(m.locale, &b.label), b.action.clone(), b.style)).collect();
    if let Some(form) = m.form.as_ref().filter(|f| f.is_choices()) {
        // A choice form in a message: each select beside its label in a section (`q0`,
        // `q1`…; actions blocks take no multi select), read back from the submit button's
        // click, whose event carries the message's state.
        for (i, f) in form.fields.iter().enumerate() {
            if let Some(choice) = &f.choice {
                let element = match select(f, choice) {
                    SlackInputBlockElement::MultiStaticSelect(e) => SlackSectionBlockElement::MultiStaticSelect(e),
                    SlackInputBlockElement::StaticSelect(e) => SlackSectionBlockElement::StaticSelect(e),
                    _ => continue,
                };
                let label = md!(format!("*{}*", escape(&truncate(&f.label, LABEL_CHARS))));
                let section = SlackSectionBlock::new()
                    .with_text(label)
                    .with_accessory(element)
                    .with_block_id(SlackBlockId(format!("q{i}")));
                blocks.push(section.into());
            }
        }
        let submit = format!("{CHOICE_SUBMIT_PREFIX}{}", form.submit);
        buttons.push((r.label(m.locale, "button_submit"), submit, ButtonStyle::Primary));
    } else if let Some(form) = &m.form {
        // A form reached here without a trigger to open a modal with: show what it
        // holds, and a button that opens it.
        for f in &form.fields {
            let value = if f.value.is_empty() { "—".to_string() } else { escape(&shown_value(f)) };
            blocks.push(SlackSectionBlock::new().with_text(md!(format!("*{}*\n{}", escape(&f.label), value))).into());
        }
        if let Some(open) = &form.opener {
            buttons.push((r.label(m.locale, &open.label), open.action.clone(), open.style));
        }
    }
    blocks.truncate(MAX_BLOCKS - 1);
    if !buttons.is_empty() {
        let elements: Vec<SlackActionBlockElement> = buttons
            .into_iter()
            .take(25)
            .map(|(label, action, style)| {
                let button = SlackBlockButtonElement::new(pt!(truncate(&label, 75)))
                    .with_action_id(SlackActionId(action.clone()))
                    .with_value(action);
                let style = match style {
                    ButtonStyle::Primary => Some(SlackBlockButtonStyle::Primary),
                    ButtonStyle::Danger => Some(SlackBlockButtonStyle::Danger),
                    ButtonStyle::Default => None,
                };
                SlackBlockButtonElement { style, ..button }.into()
            })
            .collect();
        blocks.push(SlackActionsBlock::new(elements).into());
    }
    Ok((truncate(&text, FALLBACK_CHARS), blocks))
}

/// A form as a modal: one input per field, in order (`q0`, `q1`…): a multi-line text input,
/// or a `static_select` / `multi_static_select` of a choice field's options.
pub fn modal(r: &Renderer, m: &Message, form: &Form) -> anyhow::Result<SlackView> {
    let intro = escape(&r.message(m)?);
    let mut blocks: Vec<SlackBlock> =
        vec![SlackSectionBlock::new().with_text(md!(truncate(&intro, SECTION_CHARS))).into()];
    for (i, f) in form.fields.iter().enumerate() {
        let element: SlackInputBlockElement = match &f.choice {
            Some(choice) => select(f, choice),
            None => {
                let mut input = SlackBlockPlainTextInputElement::new()
                    .with_action_id(SlackActionId("answer".into()))
                    .with_multiline(true);
                if !f.value.is_empty() {
                    input = input.with_initial_value(f.value.clone());
                }
                input.into()
            }
        };
        let label = truncate(&f.label, LABEL_CHARS);
        let mut input =
            SlackInputBlock::new(label.as_str().into(), element).with_block_id(SlackBlockId(format!("q{i}")));
        if f.choice.is_some() {
            // Picking nothing is an answer too ("none of these"); the capability decides.
            input = input.with_optional(true);
        }
        blocks.push(input.into());
    }
    let title = truncate(&r.label(m.locale, "form_title"), TITLE_CHARS);
    let view = SlackModalView::new(title.as_str().into(), blocks)
        .with_submit(truncate(&r.label(m.locale, "button_submit"), TITLE_CHARS).as_str().into())
        .with_close(truncate(&r.label(m.locale, "button_cancel"), TITLE_CHARS).as_str().into())
        .with_callback_id(SlackCallbackId(form.submit.clone()));
    Ok(SlackView::Modal(view))
}

/// A choice field's select: its options keyed by `choice_key`, its picks chosen already.
fn select(f: &FormField, choice: &Choice) -> SlackInputBlockElement {
    let options: Vec<SlackBlockChoiceItem<SlackBlockPlainTextOnly>> = choice
        .keyed()
        .take(crate::core::effect::MAX_CHOICES)
        .map(|(key, label, _)| SlackBlockChoiceItem::new(pt!(truncate(label, OPTION_CHARS)), key))
        .collect();
    let picked: Vec<SlackBlockChoiceItem<SlackBlockPlainTextOnly>> = choice
        .keyed()
        .zip(options.iter())
        .filter(|((_, _, o), _)| f.is_picked(&o.value))
        .map(|(_, item)| item.clone())
        .collect();
    let action = SlackActionId("answer".into());
    if choice.is_multi() {
        let mut e = SlackBlockMultiStaticSelectElement::new()
            .with_action_id(action)
            .with_options(options)
            .with_max_selected_items(choice.max_picks as u64);
        if !picked.is_empty() {
            e = e.with_initial_options(picked);
        }
        SlackInputBlockElement::MultiStaticSelect(e)
    } else {
        let mut e = SlackBlockStaticSelectElement::new().with_action_id(action).with_options(options);
        if let Some(first) = picked.into_iter().next() {
            e = e.with_initial_option(first);
        }
        SlackInputBlockElement::StaticSelect(e)
    }
}

/// A choice field's picks as people read them (their labels), a text field's text.
fn shown_value(f: &FormField) -> String {
    match &f.choice {
        Some(c) => {
            c.options.iter().filter(|o| f.is_picked(&o.value)).map(|o| o.label.as_str()).collect::<Vec<_>>().join(", ")
        }
        None => f.value.clone(),
    }
}

/// A modal's values in field order: blocks `q0`, `q1`… as the modal named them; a text
/// input's text, or a select's picks as `core::effect::picked` joins them.
pub fn modal_values(state: Option<&SlackViewState>) -> Vec<String> {
    let Some(state) = state else { return Vec::new() };
    let mut values: Vec<(usize, String)> = state
        .values
        .iter()
        .filter_map(|(block, actions)| {
            let i: usize = block.0.strip_prefix('q')?.parse().ok()?;
            let a = actions.values().next()?;
            let v = match (&a.selected_option, &a.selected_options) {
                (Some(one), _) => picked([one.value.as_str()]),
                (None, Some(many)) => picked(many.iter().map(|o| o.value.as_str())),
                (None, None) if is_select(&a.action_type) => String::new(),
                (None, None) => a.value.clone().unwrap_or_default(),
            };
            Some((i, v))
        })
        .collect();
    values.sort_by_key(|(i, _)| *i);
    values.into_iter().map(|(_, v)| v).collect()
}

fn is_select(kind: &SlackActionType) -> bool {
    kind.0.ends_with("static_select")
}

/// Split text into sections at line ends, each within Slack's limit.
fn sections(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        if !cur.is_empty() && cur.chars().count() + line.chars().count() + 1 > SECTION_CHARS {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push('\n');
        }
        cur.push_str(&truncate(line, SECTION_CHARS));
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_at_line_ends_within_the_section_limit() {
        let line = "x".repeat(1000);
        let text = [line.as_str(); 7].join("\n");
        let parts = sections(&text);
        assert_eq!(parts.len(), 4, "two 1,000-character lines per section: a third would pass 3,000");
        assert!(parts.iter().all(|p| p.chars().count() <= SECTION_CHARS));
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn a_modal_s_selects_come_back_as_the_fields_values_in_field_order() {
        let state: SlackViewState = serde_json::from_value(serde_json::json!({ "values": {
            "q1": { "answer": { "type": "multi_static_select", "selected_options": [
                { "text": { "type": "plain_text", "text": "Blue" }, "value": "2:blue" },
                { "text": { "type": "plain_text", "text": "Red" }, "value": "0:red" } ] } },
            "q0": { "answer": { "type": "static_select",
                "selected_option": { "text": { "type": "plain_text", "text": "Yes" }, "value": "0:yes" } } },
            "q2": { "answer": { "type": "multi_static_select", "selected_options": [] } },
        } }))
        .expect("a view state");
        assert_eq!(modal_values(Some(&state)), ["yes", "red\nblue", ""]);
    }

    #[test]
    fn buttons_show_their_style_and_a_choice_form_in_a_message_has_its_selects_and_a_submit() {
        let r = Renderer::load().expect("templates");
        let pick = FormField::choice("Colour?", [("red", "Red"), ("blue", "Blue")], 2).expect("a choice");
        let mut m = Message::new("error_internal", serde_json::json!({ "reference": "x" }), crate::core::Locale::En)
            .with_styled_button("button_skip", "skip:1", ButtonStyle::Danger)
            .with_button("button_skip", "skip:2");
        m.form = Some(Form { submit: "poll:1".into(), fields: vec![pick], opener: None });
        let (_, blocks) = message(&r, &m, None).expect("blocks");
        let json = serde_json::to_value(&blocks).expect("json");
        let actions = json.as_array().and_then(|b| b.iter().find(|b| b["type"] == "actions")).expect("buttons");
        let styles: Vec<&serde_json::Value> =
            actions["elements"].as_array().expect("elements").iter().map(|e| &e["style"]).collect();
        assert_eq!(styles, [&serde_json::json!("danger"), &serde_json::Value::Null, &serde_json::json!("primary")]);
        assert_eq!(actions["elements"][2]["action_id"], "tandem-submit:poll:1");
        let select = json.as_array().and_then(|b| b.iter().find(|b| b["block_id"] == "q0")).expect("the select");
        assert_eq!(select["accessory"]["type"], "multi_static_select");
        assert_eq!(select["accessory"]["options"][1]["value"], "1:blue");
    }

    #[test]
    fn control_characters_typed_by_people_stay_text() {
        assert_eq!(escape("<!channel> & <@U1>"), "&lt;!channel&gt; &amp; &lt;@U1&gt;");
    }
}
