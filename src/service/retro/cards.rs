//! Cards and health ratings: typed in the DM (one per line, by prompt number), sent by
//! form, listed, edited and deleted by their author until the collect phase ends. In an
//! anonymous run every one of these inputs is marked to be forgotten (`Ctx::forget_tag`).

use super::{CARD_FORM, CARD_FORM_BUTTON, HEALTH_FORM, HEALTH_FORM_BUTTON, board, prompt_text};
use crate::core::retro::{CardInput, Phase, check_card, read_cards};
use crate::core::{Button, ButtonStyle, Effect, Form, FormField, Message, Target, UserError};
use crate::service::{Ctx, Outcome};
use crate::store;
use crate::store::retro::Run;
use serde_json::json;

/// The run a command is about: the one named, or the team's only open one.
pub(super) async fn which_run(ctx: &mut Ctx<'_>, name: Option<&str>) -> Outcome<Run> {
    let open = store::retro::open_runs(ctx.c, ctx.team.id).await?;
    let mut fitting: Vec<Run> =
        open.into_iter().filter(|r| name.is_none_or(|n| r.retro_name.eq_ignore_ascii_case(n))).collect();
    match fitting.len() {
        1 => Ok(store::retro::locked_run(ctx.c, fitting.remove(0).id).await?),
        0 => Err(UserError::new("error_no_open_retro", json!({ "name": name })).into()),
        _ => {
            let names: Vec<String> = fitting.iter().map(|r| r.retro_name.clone()).collect();
            Err(UserError::new("error_several_open_retros", json!({ "names": names.join(", ") })).into())
        }
    }
}

/// A run in `phase` that this member takes part in.
async fn participating(ctx: &mut Ctx<'_>, run: &Run, phase: Phase) -> Outcome<()> {
    // What a participant sends an anonymous run is forgotten with it, refused or not.
    ctx.forget_tag = run.forget_tag();
    if !store::retro::participants(ctx.c, run.id).await?.contains(&ctx.me.id) {
        return Err(UserError::new("error_not_participant", json!({ "name": run.retro_name })).into());
    }
    if run.phase != phase {
        return Err(wrong_phase(run, phase));
    }
    Ok(())
}

pub(super) fn wrong_phase(run: &Run, wanted: Phase) -> crate::service::Fail {
    UserError::new(
        "error_wrong_phase",
        json!({ "name": run.retro_name, "phase": run.phase.code(), "wanted": wanted.code() }),
    )
    .into()
}

/// A DM line while a run collects this member's cards.
pub(super) async fn take_text(ctx: &mut Ctx<'_>, text: &str) -> Outcome<()> {
    let Some((run_id, _, cursor)) = store::retro::collecting_for(ctx.c, ctx.me.id).await? else {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    };
    let run = store::retro::locked_run(ctx.c, run_id).await?;
    participating(ctx, &run, Phase::Collect).await?;
    match read_cards(text, run.settings.prompts.len(), cursor)? {
        CardInput::Switch(i) => {
            store::retro::set_cursor(ctx.c, run.id, ctx.me.id, i).await?;
            let prompt = prompt_text(&ctx.svc.renderer, &run.settings.prompts[i], ctx.me.locale);
            ctx.reply("retro_dm_prompt", json!({ "name": run.retro_name, "number": i + 1, "prompt": prompt }));
        }
        CardInput::Cards(cards) => add_cards(ctx, &run, &cards).await?,
    }
    Ok(())
}

async fn add_cards(ctx: &mut Ctx<'_>, run: &Run, cards: &[(usize, String)]) -> Outcome<()> {
    let author = run.author_key(ctx.me.id);
    let mut numbers = Vec::new();
    for (prompt, body) in cards {
        numbers.push(store::retro::cards::add(ctx.c, run.id, *prompt, body, &author).await?);
    }
    let mut out = Vec::new();
    board::refresh(ctx.c, &ctx.svc.renderer, run, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    let msg = Message::new("retro_cards_added", json!({ "name": run.retro_name, "numbers": numbers }), ctx.me.locale)
        .with_button("button_retro_cards", format!("{CARD_FORM_BUTTON}:{}", run.id));
    ctx.out.push(Effect::post(Target::Dm { member_id: ctx.me.id }, msg));
    Ok(())
}

/// The card form: one field per prompt, a card per line.
pub(super) async fn open_card_form(ctx: &mut Ctx<'_>, run_id: i64) -> Outcome<()> {
    let run = store::retro::locked_run(ctx.c, run_id).await?;
    participating(ctx, &run, Phase::Collect).await?;
    let fields = run
        .settings
        .prompts
        .iter()
        .map(|p| FormField::text(prompt_text(&ctx.svc.renderer, p, ctx.me.locale), ""))
        .collect();
    let mut msg = Message::new("retro_card_form", json!({ "name": run.retro_name }), ctx.me.locale);
    let opener = Button {
        label: "button_retro_cards".into(),
        action: format!("{CARD_FORM_BUTTON}:{run_id}"),
        style: ButtonStyle::Primary,
    };
    msg.form = Some(Form { submit: format!("{CARD_FORM}:{run_id}"), fields, opener: Some(opener) });
    ctx.reply_message(msg);
    Ok(())
}

pub(super) async fn take_card_form(ctx: &mut Ctx<'_>, run_id: i64, values: &[String]) -> Outcome<()> {
    let run = store::retro::locked_run(ctx.c, run_id).await?;
    participating(ctx, &run, Phase::Collect).await?;
    let mut cards = Vec::new();
    for (i, value) in values.iter().enumerate().take(run.settings.prompts.len()) {
        for line in value.lines().map(str::trim).filter(|l| !l.is_empty()) {
            cards.push((i, check_card(line)?));
        }
    }
    if cards.is_empty() {
        return Err(UserError::plain("error_empty_card").into());
    }
    add_cards(ctx, &run, &cards).await
}

/// The health form: each question rated 1 to 5.
pub(super) async fn open_health_form(ctx: &mut Ctx<'_>, run_id: i64) -> Outcome<()> {
    let run = store::retro::locked_run(ctx.c, run_id).await?;
    participating(ctx, &run, Phase::Collect).await?;
    let mut fields = Vec::new();
    for q in &run.settings.health {
        let options = (1..=5).map(|v| (v.to_string(), v.to_string()));
        let field = FormField::choice(prompt_text(&ctx.svc.renderer, q, ctx.me.locale), options, 1)
            .map_err(anyhow::Error::from)?;
        fields.push(field);
    }
    let mut msg = Message::new("retro_health_form", json!({ "name": run.retro_name }), ctx.me.locale);
    let opener = Button {
        label: "button_retro_health".into(),
        action: format!("{HEALTH_FORM_BUTTON}:{run_id}"),
        style: ButtonStyle::Default,
    };
    msg.form = Some(Form { submit: format!("{HEALTH_FORM}:{run_id}"), fields, opener: Some(opener) });
    ctx.reply_message(msg);
    Ok(())
}

pub(super) async fn take_health_form(ctx: &mut Ctx<'_>, run_id: i64, values: &[String]) -> Outcome<()> {
    let run = store::retro::locked_run(ctx.c, run_id).await?;
    let scores: Vec<i64> = values.iter().map(|v| v.trim().parse().unwrap_or(0)).collect();
    save_ratings(ctx, &run, &scores).await
}

/// `retro rate 4 3`: a score per health question, in order.
pub(super) async fn rate(ctx: &mut Ctx<'_>, name: Option<&str>, scores: &[i64]) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    save_ratings(ctx, &run, scores).await
}

async fn save_ratings(ctx: &mut Ctx<'_>, run: &Run, scores: &[i64]) -> Outcome<()> {
    participating(ctx, run, Phase::Collect).await?;
    let count = run.settings.health.len();
    if count == 0 {
        return Err(UserError::new("error_no_health", json!({ "name": run.retro_name })).into());
    }
    if scores.len() != count || scores.iter().any(|s| !(1..=5).contains(s)) {
        let example = vec!["4"; count].join(" ");
        return Err(UserError::new("error_bad_scores", json!({ "count": count, "example": example })).into());
    }
    let rater = run.author_key(ctx.me.id);
    for (i, s) in scores.iter().enumerate() {
        store::retro::cards::rate(ctx.c, run.id, i, &rater, *s).await?;
    }
    let mut out = Vec::new();
    board::refresh(ctx.c, &ctx.svc.renderer, run, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    ctx.reply("retro_rated", json!({ "name": run.retro_name, "scores": scores }));
    Ok(())
}

/// `retro cards`: the member's own cards, numbered.
pub(super) async fn mine(ctx: &mut Ctx<'_>, name: Option<&str>) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    participating(ctx, &run, run.phase).await?;
    let author = run.author_key(ctx.me.id);
    let prompts: Vec<String> =
        run.settings.prompts.iter().map(|p| prompt_text(&ctx.svc.renderer, p, ctx.me.locale)).collect();
    let cards: Vec<_> = store::retro::cards::list(ctx.c, run.id)
        .await?
        .into_iter()
        .filter(|k| k.author == author)
        .map(|k| json!({ "number": k.number, "prompt": prompts.get(k.prompt_index), "text": k.body }))
        .collect();
    ctx.reply(
        "retro_cards_mine",
        json!({ "name": run.retro_name, "cards": cards, "editable": run.phase == Phase::Collect }),
    );
    Ok(())
}

/// `retro edit-card N "…"` (`text`) or `retro delete-card N` (`None`): one's own card only.
pub(super) async fn edit(ctx: &mut Ctx<'_>, name: Option<&str>, number: i64, text: Option<&str>) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    participating(ctx, &run, Phase::Collect).await?;
    let author = run.author_key(ctx.me.id);
    let changed = match text {
        Some(t) => store::retro::cards::edit(ctx.c, run.id, number, &author, &check_card(t)?).await?,
        None => store::retro::cards::delete(ctx.c, run.id, number, &author).await?,
    };
    if !changed {
        return Err(UserError::new("error_unknown_card", json!({ "number": number })).into());
    }
    let mut out = Vec::new();
    board::refresh(ctx.c, &ctx.svc.renderer, &run, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    let template = if text.is_some() { "retro_card_edited" } else { "retro_card_deleted" };
    ctx.reply(template, json!({ "number": number }));
    Ok(())
}
