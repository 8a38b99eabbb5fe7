//! A message as Discord shows it: Markdown content (cards as an embed), its image as an
//! attachment (a card's embed shows it), buttons in action rows, a form of text fields as a
//! modal and one of choice fields as select menus (`choices.rs`).

use crate::core::{self, Button, Form, Message};
use crate::render::Renderer;
use serenity::all::{
    ButtonStyle, CreateActionRow, CreateAllowedMentions, CreateAttachment, CreateButton, CreateEmbed, CreateInputText,
    CreateInteractionResponseFollowup, CreateMessage, CreateModal, EditAttachments, EditInteractionResponse,
    EditMessage, InputTextStyle,
};

/// Discord's limits: message content, embed description, button label, buttons per row,
/// rows per message, modal title, text-input label, text inputs in a modal.
const CONTENT_CHARS: usize = 2000;
const EMBED_CHARS: usize = 4096;
const BUTTON_CHARS: usize = 80;
const ROW_BUTTONS: usize = 5;
const ROWS: usize = 5;
const TITLE_CHARS: usize = 45;
const INPUT_LABEL_CHARS: usize = 45;
pub const MODAL_FIELDS: usize = 5;
/// Tandem's colour on card embeds.
const EMBED_COLOUR: u32 = 0x3b82f6;

/// A message ready for any of Discord's message builders.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub content: String,
    pub embed: Option<CreateEmbed>,
    pub rows: Vec<CreateActionRow>,
    /// The image, sent as an attachment with the message.
    pub files: Vec<CreateAttachment>,
}

impl Rendered {
    pub fn create(&self) -> CreateMessage {
        let m = CreateMessage::new().allowed_mentions(CreateAllowedMentions::new()).components(self.rows.clone());
        match &self.embed {
            Some(e) => m.embeds(vec![e.clone()]),
            None => m.content(self.content.clone()),
        }
    }

    /// The edit, its image replacing the message's attachments (or none left).
    pub fn edit(&self) -> EditMessage {
        let files = self.files.iter().cloned().fold(EditAttachments::new(), EditAttachments::add);
        let m = EditMessage::new()
            .allowed_mentions(CreateAllowedMentions::new())
            .components(self.rows.clone())
            .attachments(files);
        match &self.embed {
            Some(e) => m.content("").embeds(vec![e.clone()]),
            None => m.content(self.content.clone()).embeds(Vec::new()),
        }
    }

    /// The answer to an interaction, replacing its "thinking…" placeholder.
    pub fn edit_original(&self) -> EditInteractionResponse {
        let m =
            EditInteractionResponse::new().allowed_mentions(CreateAllowedMentions::new()).components(self.rows.clone());
        match &self.embed {
            Some(e) => m.embeds(vec![e.clone()]),
            None => m.content(self.content.clone()),
        }
    }

    /// A further private answer to an interaction.
    pub fn followup(&self) -> CreateInteractionResponseFollowup {
        let m = CreateInteractionResponseFollowup::new()
            .ephemeral(true)
            .allowed_mentions(CreateAllowedMentions::new())
            .components(self.rows.clone());
        match &self.embed {
            Some(e) => m.embeds(vec![e.clone()]),
            None => m.content(self.content.clone()),
        }
    }
}

/// Tandem's templates write bold as `*text*` (Slack and the web chat); Discord's
/// Markdown reads that as italics and wants `**text**`.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let chars: Vec<char> = text.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let doubled = (i > 0 && chars[i - 1] == '*') || chars.get(i + 1) == Some(&'*');
        if *c == '*' && !doubled {
            out.push_str("**");
        } else {
            out.push(*c);
        }
    }
    out
}

pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

pub fn message(r: &Renderer, m: &Message) -> anyhow::Result<Rendered> {
    let mut text = markdown(&super::commands::as_typed_on_discord(&r.message(m)?));
    let mut buttons: Vec<(String, &Button)> = m.buttons.iter().map(|b| (r.label(m.locale, &b.label), b)).collect();
    let mut choice_rows = Vec::new();
    if let Some(form) = m.form.as_ref().filter(|f| f.is_choices()) {
        choice_rows = super::choices::rows(r, m, form);
    } else if let Some(form) = &m.form {
        // A form that reached the outbox (no interaction to open a modal from): show what
        // it holds, and a button that opens it.
        for f in &form.fields {
            let value = if f.value.is_empty() { "—".to_string() } else { f.value.clone() };
            text.push_str(&format!("\n**{}**\n{}", f.label, value));
        }
        if let Some(open) = &form.opener {
            buttons.push((r.label(m.locale, &open.label), open));
        }
    }
    let button_rows = buttons
        .chunks(ROW_BUTTONS)
        .take(ROWS.saturating_sub(choice_rows.len()))
        .map(|chunk| {
            CreateActionRow::Buttons(
                chunk
                    .iter()
                    .map(|(label, b)| {
                        let style = match b.style {
                            core::ButtonStyle::Primary => ButtonStyle::Primary,
                            core::ButtonStyle::Danger => ButtonStyle::Danger,
                            core::ButtonStyle::Default => ButtonStyle::Secondary,
                        };
                        CreateButton::new(b.action.clone()).label(truncate(label, BUTTON_CHARS)).style(style)
                    })
                    .collect(),
            )
        })
        .collect::<Vec<_>>();
    let rows = button_rows.into_iter().chain(choice_rows).collect();
    let embed = m.card.then(|| {
        let e = CreateEmbed::new().description(truncate(&text, EMBED_CHARS)).color(EMBED_COLOUR);
        match &m.image {
            Some(i) => e.image(format!("attachment://{}", i.name)),
            None => e,
        }
    });
    let files = m
        .image
        .iter()
        .map(|i| CreateAttachment::bytes(i.png.clone(), i.name.clone()).description(i.alt.clone()))
        .collect();
    Ok(Rendered { content: truncate(&text, CONTENT_CHARS), embed, rows, files })
}

/// The answer form as a modal: one paragraph input per question (`q0`, `q1`…); `None`
/// when it has more questions than a modal holds (they are asked one by one in the DM), or
/// choice fields (a modal holds no select menu: they go as a message).
pub fn modal(r: &Renderer, m: &Message, form: &Form) -> Option<CreateModal> {
    if form.fields.is_empty() || form.fields.len() > MODAL_FIELDS || form.is_choices() {
        return None;
    }
    let rows = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut input =
                CreateInputText::new(InputTextStyle::Paragraph, truncate(&f.label, INPUT_LABEL_CHARS), format!("q{i}"))
                    .required(false)
                    .max_length(4000);
            if !f.value.is_empty() {
                input = input.value(f.value.clone());
            }
            CreateActionRow::InputText(input)
        })
        .collect();
    let title = truncate(&r.label(m.locale, "form_title"), TITLE_CHARS);
    Some(CreateModal::new(form.submit.clone(), title).components(rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_star_bold_becomes_discord_bold() {
        assert_eq!(markdown("📋 *daily* — *Ana* (late)"), "📋 **daily** — **Ana** (late)");
        assert_eq!(markdown("already **bold**"), "already **bold**");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }
}
