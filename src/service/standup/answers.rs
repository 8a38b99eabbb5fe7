//! Answers come in: one by one in the DM, or all at once in the form.

use super::blockers::resolve;
use super::jobs;
use super::report::{maybe_report, refresh_report};
use super::rounds::set_excused;
use super::{Ctx, Outcome, question_text};
use crate::core::standup::action::{Action, answer_form, answer_form_round};
use crate::core::standup::{self, Status};
use crate::core::text::{check_length, is_blocker};
use crate::core::{Button, ButtonStyle, Effect, Form, FormField, Message, Target, UserError};
use crate::store::standup::rounds::{Participant, Round};
use crate::store::{self};
use chrono::Duration;
use serde_json::json;

/// A line typed in the DM: the answer to the next question of the open round.
pub(super) async fn take_text(ctx: &mut Ctx<'_>, text: &str, round_id: i64) -> Outcome<()> {
    check_length(text)?;
    let round = store::standup::rounds::lock_and_get(ctx.c, round_id).await?;
    // Read again in the round's lock: still asked, and at which question.
    let p = store::standup::rounds::participant(ctx.c, round_id, ctx.me.id).await?;
    let Some(mut p) = p.filter(|p| p.status == Status::Asked) else {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    };
    let Some(q) = round.questions.get(p.next_question) else {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    };
    let asked = question_text(&ctx.svc.renderer, q, ctx.me.locale);
    store::standup::rounds::save_answer(ctx.c, round.id, ctx.me.id, p.next_question, &asked, text.trim(), ctx.now)
        .await?;
    p.next_question += 1;
    if let Some(next) = round.questions.get(p.next_question) {
        store::standup::rounds::save_participant(ctx.c, &p).await?;
        let next = question_text(&ctx.svc.renderer, next, ctx.me.locale);
        let data = json!({
            "question": next,
            "n": p.next_question + 1,
            "total": round.questions.len(),
            "standup": round.standup_name,
        });
        ctx.out.push(Effect::post(
            Target::Dm { member_id: ctx.me.id },
            Message::new("standup_dm_question", data, ctx.me.locale),
        ));
        return Ok(());
    }
    complete(ctx, &round, p).await
}

/// Every answer is in: mark answered (late after the deadline), open blockers, thank,
/// and report when the round is complete (or update the report already posted).
async fn complete(ctx: &mut Ctx<'_>, round: &Round, mut p: Participant) -> Outcome<()> {
    let first_time = p.status != Status::Answered;
    p.status = Status::Answered;
    p.answered_at = Some(ctx.now);
    p.late = p.late || (first_time && (ctx.now > round.deadline_at || round.reported_at.is_some()));
    store::standup::rounds::save_participant(ctx.c, &p).await?;
    store::jobs::cancel(ctx.c, jobs::REMIND, round.id, Some(ctx.me.id)).await?;
    let answers = store::standup::rounds::answers(ctx.c, round.id, ctx.me.id).await?;
    sync_blockers(ctx, round, &answers).await?;
    let qa: Vec<_> = answers
        .iter()
        .map(|(i, a)| {
            let q = round.questions.get(*i).map(|q| question_text(&ctx.svc.renderer, q, ctx.me.locale));
            json!({ "question": q.unwrap_or_default(), "answer": a })
        })
        .collect();
    let data = json!({ "standup": round.standup_name, "answers": qa, "late": p.late, "edited": !first_time });
    let mut msg = Message::new("standup_dm_thanks", data, ctx.me.locale);
    if round.reported_at.is_none() {
        msg = msg.with_styled_button(
            "button_edit",
            Action::OpenForm { round_id: round.id }.encode(),
            ButtonStyle::Primary,
        );
    }
    ctx.out.push(Effect::post(Target::Dm { member_id: ctx.me.id }, msg));
    let mut out = Vec::new();
    if round.reported_at.is_some() {
        refresh_report(ctx.c, &ctx.svc.renderer, round, Some(ctx.me.id), &mut out).await?;
    } else {
        maybe_report(ctx.c, &ctx.svc.renderer, round.id, ctx.now, &mut out).await?;
    }
    ctx.out.extend(out);
    Ok(())
}

/// Blockers follow the answers: a blocker answer opens one unless the member already has
/// it open (from this round or an earlier one); an edit that drops it resolves it.
async fn sync_blockers(ctx: &mut Ctx<'_>, round: &Round, answers: &[(usize, String)]) -> Outcome<()> {
    let blocking: Vec<&str> = answers
        .iter()
        .filter(|(i, body)| round.questions.get(*i).is_some_and(|q| q.blocker) && is_blocker(body))
        .map(|(_, body)| body.as_str())
        .collect();
    let open = store::standup::blockers::open_blockers(ctx.c, ctx.team.id, Some(ctx.me.id)).await?;
    for b in open.iter().filter(|b| b.round_id == round.id && !blocking.contains(&b.body.as_str())) {
        store::standup::blockers::resolve_blocker(ctx.c, b.id, ctx.me.id, ctx.now).await?;
        store::jobs::cancel(ctx.c, jobs::ESCALATE, b.id, None).await?;
    }
    let escalate_days = match store::standup::get(ctx.c, round.standup_id).await? {
        Some(s) => s.settings.escalate_after_days,
        None => standup::DEFAULT_ESCALATE_AFTER_DAYS,
    };
    for body in blocking {
        if !open.iter().any(|b| b.body == body) {
            let id = store::standup::blockers::open_blocker(ctx.c, round, ctx.me.id, body, ctx.now).await?;
            let at = ctx.now + Duration::days(escalate_days);
            store::jobs::schedule(ctx.c, jobs::ESCALATE, id, 0, at).await?;
        }
    }
    Ok(())
}

pub(super) async fn click(ctx: &mut Ctx<'_>, action: &str) -> Outcome<()> {
    let Some(a) = Action::decode(action) else { return Err(UserError::plain("error_stale_button").into()) };
    match a {
        Action::OpenForm { round_id } => open_form(ctx, round_id).await,
        Action::Skip { round_id } => {
            if store::standup::rounds::participant(ctx.c, round_id, ctx.me.id).await?.is_none() {
                return Err(UserError::plain("error_stale_button").into());
            }
            if !set_excused(ctx, round_id, Status::Skipped).await? {
                return Err(UserError::plain("error_nothing_to_skip").into());
            }
            let day = store::standup::rounds::get(ctx.c, round_id).await?.day;
            ctx.reply("skip_done", json!({ "day": day.to_string() }));
            Ok(())
        }
        Action::Resolve { blocker_id } => resolve(ctx, blocker_id).await,
    }
}

/// `/tandem answer`: the form for the latest round they were asked in.
pub(super) async fn open_form_for_latest(ctx: &mut Ctx<'_>) -> Outcome<()> {
    match store::standup::rounds::latest_for_member(ctx.c, ctx.me.id).await? {
        Some(p) => open_form(ctx, p.round_id).await,
        None => Err(UserError::plain("dm_nothing_to_answer").into()),
    }
}

pub(super) async fn open_form(ctx: &mut Ctx<'_>, round_id: i64) -> Outcome<()> {
    let Some(p) = store::standup::rounds::participant(ctx.c, round_id, ctx.me.id).await? else {
        return Err(UserError::plain("error_stale_button").into());
    };
    let round = store::standup::rounds::get(ctx.c, round_id).await?;
    check_editable(&round, &p)?;
    let answers = store::standup::rounds::answers(ctx.c, round_id, ctx.me.id).await?;
    let fields = round
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let value = answers.iter().find(|(j, _)| *j == i).map(|(_, a)| a.clone()).unwrap_or_default();
            FormField::text(question_text(&ctx.svc.renderer, q, ctx.me.locale), value)
        })
        .collect();
    let mut msg = Message::new(
        "standup_form",
        json!({ "standup": round.standup_name, "day": round.day.to_string() }),
        ctx.me.locale,
    );
    let opener = Button {
        label: "button_answer_form".into(),
        action: Action::OpenForm { round_id }.encode(),
        style: ButtonStyle::Primary,
    };
    msg.form = Some(Form { submit: answer_form(round_id), fields, opener: Some(opener) });
    ctx.reply_message(msg);
    Ok(())
}

/// Answers may change until the report is posted; a first answer is accepted late.
fn check_editable(round: &Round, p: &Participant) -> Outcome<()> {
    if round.reported_at.is_some() && p.status == Status::Answered {
        return Err(UserError::new(
            "error_round_closed",
            json!({ "standup": round.standup_name, "day": round.day.to_string() }),
        )
        .into());
    }
    if matches!(p.status, Status::Pending) {
        return Err(UserError::plain("dm_nothing_to_answer").into());
    }
    Ok(())
}

/// The answer form came back: every answer at once.
pub(super) async fn take_form(ctx: &mut Ctx<'_>, submit: &str, values: &[String]) -> Outcome<()> {
    let Some(round_id) = answer_form_round(submit) else { return Err(UserError::plain("error_stale_button").into()) };
    store::standup::rounds::lock(ctx.c, round_id).await?;
    let Some(p) = store::standup::rounds::participant(ctx.c, round_id, ctx.me.id).await? else {
        return Err(UserError::plain("error_stale_button").into());
    };
    let round = store::standup::rounds::get(ctx.c, round_id).await?;
    check_editable(&round, &p)?;
    if values.len() != round.questions.len() || values.iter().any(|v| v.trim().is_empty()) {
        return Err(UserError::new("error_form_incomplete", json!({ "total": round.questions.len() })).into());
    }
    for v in values {
        check_length(v)?;
    }
    for (i, (q, v)) in round.questions.iter().zip(values).enumerate() {
        let asked = question_text(&ctx.svc.renderer, q, ctx.me.locale);
        store::standup::rounds::save_answer(ctx.c, round_id, ctx.me.id, i, &asked, v.trim(), ctx.now).await?;
    }
    let mut p = p;
    p.next_question = round.questions.len();
    complete(ctx, &round, p).await
}
