//! Block Kit: a rendered message as sections and buttons, a form as a modal.

use crate::core::{Form, Message};
use crate::render::Renderer;
use slack_morphism::prelude::*;

/// Slack's limits: characters in a section, a label, a modal title; blocks per message.
const SECTION_CHARS: usize = 3000;
const LABEL_CHARS: usize = 2000;
const TITLE_CHARS: usize = 24;
const MAX_BLOCKS: usize = 50;
/// The notification text that goes with the blocks.
const FALLBACK_CHARS: usize = 3000;

/// `&`, `<` and `>` are Slack's control characters in text; everything people typed
/// goes through here so that `<!channel>` in an answer stays text.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A message as Slack shows it: the notification text and the blocks.
pub fn message(r: &Renderer, m: &Message) -> anyhow::Result<(String, Vec<SlackBlock>)> {
    let text = escape(&r.message(m)?);
    let mut blocks: Vec<SlackBlock> =
        sections(&text).into_iter().map(|s| SlackSectionBlock::new().with_text(md!(s)).into()).collect();
    let mut buttons: Vec<(String, String)> =
        m.buttons.iter().map(|b| (r.label(m.locale, &b.label), b.action.clone())).collect();
    if let Some(form) = &m.form {
        // A form reached here without a trigger to open a modal with: show what it
        // holds, and a button that opens it.
        for f in &form.fields {
            let value = if f.value.is_empty() { "—".to_string() } else { escape(&f.value) };
            blocks.push(SlackSectionBlock::new().with_text(md!(format!("*{}*\n{}", escape(&f.label), value))).into());
        }
        if let Some(open) = &form.opener {
            buttons.push((r.label(m.locale, &open.label), open.action.clone()));
        }
    }
    blocks.truncate(MAX_BLOCKS - 1);
    if !buttons.is_empty() {
        let elements: Vec<SlackActionBlockElement> = buttons
            .into_iter()
            .take(25)
            .map(|(label, action)| {
                SlackBlockButtonElement::new(pt!(truncate(&label, 75)))
                    .with_action_id(SlackActionId(action.clone()))
                    .with_value(action)
                    .into()
            })
            .collect();
        blocks.push(SlackActionsBlock::new(elements).into());
    }
    Ok((truncate(&text, FALLBACK_CHARS), blocks))
}

/// The answer form as a modal: one multi-line input per question, in order (`q0`, `q1`…).
pub fn modal(r: &Renderer, m: &Message, form: &Form) -> anyhow::Result<SlackView> {
    let intro = escape(&r.message(m)?);
    let mut blocks: Vec<SlackBlock> =
        vec![SlackSectionBlock::new().with_text(md!(truncate(&intro, SECTION_CHARS))).into()];
    for (i, f) in form.fields.iter().enumerate() {
        let mut input =
            SlackBlockPlainTextInputElement::new().with_action_id(SlackActionId("answer".into())).with_multiline(true);
        if !f.value.is_empty() {
            input = input.with_initial_value(f.value.clone());
        }
        let label = truncate(&f.label, LABEL_CHARS);
        blocks.push(
            SlackInputBlock::new(label.as_str().into(), input.into())
                .with_block_id(SlackBlockId(format!("q{i}")))
                .into(),
        );
    }
    let title = truncate(&r.label(m.locale, "form_title"), TITLE_CHARS);
    let view = SlackModalView::new(title.as_str().into(), blocks)
        .with_submit(truncate(&r.label(m.locale, "button_submit"), TITLE_CHARS).as_str().into())
        .with_close(truncate(&r.label(m.locale, "button_cancel"), TITLE_CHARS).as_str().into())
        .with_callback_id(SlackCallbackId(form.submit.clone()));
    Ok(SlackView::Modal(view))
}

/// A modal's answers in question order: blocks `q0`, `q1`… as the modal named them.
pub fn modal_values(state: Option<&SlackViewState>) -> Vec<String> {
    let Some(state) = state else { return Vec::new() };
    let mut values: Vec<(usize, String)> = state
        .values
        .iter()
        .filter_map(|(block, actions)| {
            let i: usize = block.0.strip_prefix('q')?.parse().ok()?;
            let v = actions.values().next()?.value.clone().unwrap_or_default();
            Some((i, v))
        })
        .collect();
    values.sort_by_key(|(i, _)| *i);
    values.into_iter().map(|(_, v)| v).collect()
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
    fn control_characters_typed_by_people_stay_text() {
        assert_eq!(escape("<!channel> & <@U1>"), "&lt;!channel&gt; &amp; &lt;@U1&gt;");
    }
}
