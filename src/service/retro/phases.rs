//! A run's life: opened (cards asked by DM), advanced phase by phase at each deadline or
//! by the facilitator, and closed (summary posted and kept, anonymous traces forgotten).

use super::{CARD_FORM_BUTTON, HEALTH_FORM_BUTTON, VOTE_BUTTON, board, jobs, prompt_text};
use crate::core::model::{Member, Role};
use crate::core::policy::{Act, may};
use crate::core::retro::{Phase, THEMES_PER_MESSAGE};
use crate::core::text::moment;
use crate::core::{ButtonStyle, Effect, Message, Target, UserError};
use crate::render::Renderer;
use crate::service::{Ctx, Outcome};
use crate::store::retro::{Retro, Run};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// `retro run NAME`: open a run now.
pub(super) async fn run_now(ctx: &mut Ctx<'_>, name: &str) -> Outcome<()> {
    let retro = super::settings::find(ctx, name).await?;
    if store::retro::open_runs(ctx.c, ctx.team.id).await?.iter().any(|r| r.retro_id == retro.id) {
        return Err(UserError::new("error_retro_running", json!({ "name": retro.settings.name })).into());
    }
    let mut out = Vec::new();
    if open(ctx.c, &ctx.svc.renderer, &retro, ctx.now, &mut out).await?.is_none() {
        return Err(UserError::new("error_retro_running", json!({ "name": retro.settings.name })).into());
    }
    ctx.out.extend(out);
    ctx.reply("retro_started", json!({ "name": retro.settings.name }));
    Ok(())
}

/// Who a retro asks: those it names, or every member but stakeholders.
fn participants<'a>(retro: &Retro, team: &'a [Member]) -> Vec<&'a Member> {
    let named = &retro.settings.participants;
    team.iter()
        .filter(|m| if named.is_empty() { m.role != Role::Stakeholder } else { named.contains(&m.name) })
        .collect()
}

/// Open a run of `retro`: each participant is asked for cards by DM, the board is posted.
/// `None` when the retro has a run open already.
pub(super) async fn open(
    c: &mut Conn,
    r: &Renderer,
    retro: &Retro,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<Option<i64>> {
    let s = &retro.settings;
    let secret = s.anonymous.then(|| hex::encode(rand::random::<[u8; 32]>()));
    let deadline = now + Duration::minutes(s.collect_minutes);
    let sprint = current_sprint(c, retro.team_id).await?;
    let Some(run_id) =
        store::retro::open_run(c, retro, sprint, secret.as_deref(), retro.created_by, deadline, now).await?
    else {
        return Ok(None);
    };
    let run = store::retro::run(c, run_id).await?;
    let team = store::team::members(c, retro.team_id).await?;
    let earlier = board::earlier_actions(c, &run).await?;
    let names = board::names_by_id(c, retro.team_id).await?;
    let last_time = board::action_rows(&earlier, &names);
    let remind_at = deadline - Duration::minutes((s.collect_minutes / 4).min(4 * 60));
    for m in participants(retro, &team) {
        store::retro::add_participant(c, run_id, m.id, now).await?;
        let prompts: Vec<String> = s.prompts.iter().map(|p| prompt_text(r, p, m.locale)).collect();
        let data = json!({
            "name": s.name,
            "sprint": sprint,
            "prompts": prompts,
            "health": !s.health.is_empty(),
            "rate_example": vec!["4"; s.health.len()].join(" "),
            "anonymous": s.anonymous,
            "deadline": moment(deadline, m.tz, now),
            "last_time": last_time,
        });
        let mut msg = Message::new("retro_dm_open", data, m.locale).with_styled_button(
            "button_retro_cards",
            format!("{CARD_FORM_BUTTON}:{run_id}"),
            ButtonStyle::Primary,
        );
        if !s.health.is_empty() {
            msg = msg.with_button("button_retro_health", format!("{HEALTH_FORM_BUTTON}:{run_id}"));
        }
        out.push(Effect::post(Target::Dm { member_id: m.id }, msg));
        if remind_at > now {
            store::jobs::schedule(c, jobs::REMIND, run_id, m.id, remind_at).await?;
        }
    }
    store::jobs::schedule(c, jobs::PHASE, run_id, 0, deadline).await?;
    board::post(c, r, &run, now, out).await?;
    Ok(Some(run_id))
}

/// `retro advance NAME`: the facilitator moves the run to its next phase now.
pub(super) async fn advance_command(ctx: &mut Ctx<'_>, name: &str) -> Outcome<()> {
    let retro = super::settings::find(ctx, name).await?;
    let Some(run) = store::retro::open_runs(ctx.c, ctx.team.id).await?.into_iter().find(|r| r.retro_id == retro.id)
    else {
        return Err(UserError::new("error_no_open_retro", json!({ "name": retro.settings.name })).into());
    };
    check_facilitator(ctx, &run)?;
    let run = store::retro::locked_run(ctx.c, run.id).await?;
    let mut out = Vec::new();
    let phase = advance(ctx.c, &ctx.svc.renderer, &run, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    ctx.reply("retro_advanced", json!({ "name": run.retro_name, "phase": phase.code() }));
    Ok(())
}

/// The facilitator: who set the retro up, or anyone who manages rituals.
pub(super) fn check_facilitator(ctx: &Ctx<'_>, run: &Run) -> Outcome<()> {
    if run.facilitator_id == Some(ctx.me.id) || may(ctx.me.role, Act::ManageRituals) {
        return Ok(());
    }
    Err(UserError::new("error_not_facilitator", json!({ "name": run.retro_name })).into())
}

fn minutes_of(run: &Run, phase: Phase) -> i64 {
    let s = &run.settings;
    match phase {
        Phase::Collect => s.collect_minutes,
        Phase::Group => s.group_minutes,
        Phase::Vote => s.vote_minutes,
        Phase::Actions | Phase::Closed => s.actions_minutes,
    }
}

/// Move a run to its next phase, once (a second caller finds it moved and does nothing).
pub(super) async fn advance(
    c: &mut Conn,
    r: &Renderer,
    run: &Run,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<Phase> {
    let next = run.phase.next();
    let deadline = if next == Phase::Closed { now } else { now + Duration::minutes(minutes_of(run, next)) };
    if !store::retro::set_phase(c, run.id, run.phase, next, deadline).await? {
        return Ok(run.phase);
    }
    if run.phase == Phase::Collect {
        store::jobs::cancel(c, jobs::REMIND, run.id, None).await?;
    }
    if next == Phase::Vote {
        singleton_themes(c, run).await?;
    }
    let run = store::retro::run(c, run.id).await?;
    match next {
        Phase::Closed => close(c, r, &run, now, out).await?,
        _ => {
            store::jobs::schedule(c, jobs::PHASE, run.id, 0, deadline).await?;
            if next == Phase::Vote {
                ask_votes(c, &run, now, out).await?;
            }
            board::refresh(c, r, &run, now, out).await?;
        }
    }
    Ok(next)
}

/// Cards left out of every theme become themes of their own, so they can be voted on.
async fn singleton_themes(c: &mut Conn, run: &Run) -> anyhow::Result<()> {
    for card in store::retro::cards::list(c, run.id).await?.into_iter().filter(|k| k.theme_number.is_none()) {
        let title: String = card.body.chars().take(80).collect();
        let n = store::retro::cards::theme_titled(c, run.id, &title).await?;
        store::retro::cards::set_theme(c, run.id, &[card.number], Some(n)).await?;
    }
    Ok(())
}

/// Each voter gets the themes with a button per theme, paged to fit every platform.
async fn ask_votes(c: &mut Conn, run: &Run, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<()> {
    let themes = store::retro::cards::themes(c, run.id).await?;
    for member_id in store::retro::participants(c, run.id).await? {
        if !run.settings.facilitator_votes && run.facilitator_id == Some(member_id) {
            continue;
        }
        let m = store::team::member(c, member_id).await?;
        let pages = themes.chunks(THEMES_PER_MESSAGE).count();
        for (page, chunk) in themes.chunks(THEMES_PER_MESSAGE).enumerate() {
            let rows: Vec<_> = chunk.iter().map(|t| json!({ "number": t.number, "title": t.title })).collect();
            let data = json!({
                "name": run.retro_name,
                "themes": rows,
                "votes": run.settings.votes,
                "max_per_item": run.settings.max_per_item,
                "deadline": moment(run.phase_deadline, m.tz, now),
                "page": page + 1,
                "pages": pages,
            });
            let mut msg = Message::new("retro_dm_vote", data, m.locale);
            for t in chunk {
                msg = msg.with_button(&format!("+1 #{}", t.number), format!("{VOTE_BUTTON}:{}:{}", run.id, t.number));
            }
            out.push(Effect::post(Target::Dm { member_id }, msg));
        }
    }
    Ok(())
}

/// Close: the summary is posted and kept, the board shows the end, the secret goes and
/// what answered anonymous input is forgotten.
async fn close(c: &mut Conn, r: &Renderer, run: &Run, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<()> {
    let locale = store::team::team(c, run.team_id).await?.locale;
    let summary = board::summary_data(c, r, run, locale, now).await?;
    let contributors = store::retro::cards::contributors(c, run.id).await?;
    let voters = store::retro::cards::tally(c, run.id).await?.1;
    store::retro::close(c, run.id, (contributors, voters), &summary, now).await?;
    store::jobs::cancel(c, jobs::PHASE, run.id, None).await?;
    store::jobs::cancel(c, jobs::REMIND, run.id, None).await?;
    if let Some(tag) = run.forget_tag() {
        store::retro::cards::unlink(c, run.id).await?;
        store::forget::forget(c, &tag).await?;
    }
    // Each edit of the board held the counts of its moment: only the post and the last
    // edit, pushed below, stay.
    store::forget::delivered_edits(c, &board::board_key(run.id)).await?;
    let run = store::retro::run(c, run.id).await?;
    board::refresh(c, r, &run, now, out).await?;
    out.push(Effect::post(
        Target::Channel { channel_id: run.channel_id },
        Message::new("retro_summary", summary, locale).as_card(),
    ));
    Ok(())
}

/// The number of the team's running sprint.
async fn current_sprint(c: &mut Conn, team_id: i64) -> anyhow::Result<Option<i64>> {
    Ok(store::sprint::current(c, team_id).await?.map(|s| s.number))
}
