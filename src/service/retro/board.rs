//! The board: one message in the channel, kept up to date in place as a run moves
//! through its phases; the summary posted at close and kept; the Markdown export.

use super::prompt_text;
use crate::core::retro::{self, Phase};
use crate::core::text::moment;
use crate::core::{Effect, Locale, Message, Target, UserError};
use crate::render::Renderer;
use crate::service::{Ctx, Outcome};
use crate::store::retro::Run;
use crate::store::retro::actions::Action;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The longest a card reads on the board; the export has it whole.
const BOARD_CARD_CHARS: usize = 140;

pub(super) fn board_key(run_id: i64) -> String {
    format!("retro:{run_id}:board")
}

/// The board as it stands, in `locale`.
pub(super) async fn board_data(
    c: &mut Conn,
    r: &Renderer,
    run: &Run,
    locale: Locale,
    now: DateTime<Utc>,
) -> anyhow::Result<Value> {
    let team = store::team::team(c, run.team_id).await?;
    let members = names_by_id(c, run.team_id).await?;
    let participants = store::retro::participants(c, run.id).await?.len();
    let cards = store::retro::cards::list(c, run.id).await?;
    let themes = store::retro::cards::themes(c, run.id).await?;
    let (dots, voters) = store::retro::cards::tally(c, run.id).await?;
    // Once closed, the keys that told people apart are gone: the counts are those kept.
    let (contributors, voters) = if run.closed {
        (run.contributors, run.voters)
    } else {
        (store::retro::cards::contributors(c, run.id).await?, voters)
    };
    let show_votes = run.phase >= Phase::Actions;
    let prompts: Vec<String> = run.settings.prompts.iter().map(|p| prompt_text(r, p, locale)).collect();
    let card_rows: Vec<Value> = cards
        .iter()
        .map(|k| {
            json!({
                "number": k.number,
                "prompt": prompts.get(k.prompt_index).cloned().unwrap_or_default(),
                "text": short(&k.body, BOARD_CARD_CHARS),
                "theme": k.theme_number,
                "author": retro::named_author(&k.author).and_then(|id| members.get(&id).cloned()),
            })
        })
        .collect();
    let votes_of = |n: i64| dots.iter().find(|(t, _)| *t == n).map_or(0, |(_, d)| *d);
    let mut theme_rows: Vec<(i64, Value)> = themes
        .iter()
        .map(|t| {
            let numbers: Vec<i64> = cards.iter().filter(|k| k.theme_number == Some(t.number)).map(|k| k.number).collect();
            let v = votes_of(t.number);
            (v, json!({ "number": t.number, "title": t.title, "cards": numbers, "votes": if show_votes { Some(v) } else { None } }))
        })
        .collect();
    if show_votes {
        theme_rows.sort_by_key(|t| std::cmp::Reverse(t.0));
    }
    let health = health_rows(c, r, run, locale).await?;
    let actions = store::retro::actions::of_run(c, run.id).await?;
    let earlier = earlier_actions(c, run).await?;
    Ok(json!({
        "name": run.retro_name,
        "sprint": run.sprint_number,
        "phase": run.phase.code(),
        "closed": run.phase == Phase::Closed,
        "deadline": moment(run.phase_deadline, team.tz, now),
        "anonymous": run.anonymous(),
        "participants": participants,
        "contributors": contributors,
        "cards": if run.phase >= Phase::Group { card_rows } else { Vec::new() },
        "ungrouped": cards.iter().filter(|k| k.theme_number.is_none()).count(),
        "themes": theme_rows.into_iter().map(|(_, t)| t).collect::<Vec<_>>(),
        "voters": voters,
        "health": if run.phase >= Phase::Group { health } else { Vec::new() },
        "actions": action_rows(&actions, &members),
        "last_time": action_rows(&earlier, &members),
    }))
}

/// The actions agreed in earlier runs of the same retro that were still open when this one
/// opened (and those done since): "Last time we agreed…".
pub(super) async fn earlier_actions(c: &mut Conn, run: &Run) -> anyhow::Result<Vec<Action>> {
    let all = store::retro::actions::of_retro_before(c, run.retro_id, run.id).await?;
    Ok(all.into_iter().filter(|a| a.done_at.is_none_or(|d| d >= run.opened_at)).collect())
}

pub(super) fn action_rows(actions: &[Action], members: &HashMap<i64, String>) -> Vec<Value> {
    actions
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "text": a.body,
                "owner": a.owner_id.and_then(|id| members.get(&id).cloned()),
                "due": a.due.map(|d| d.to_string()),
                "done": a.done_at.is_some(),
            })
        })
        .collect()
}

pub(super) async fn names_by_id(c: &mut Conn, team_id: i64) -> anyhow::Result<HashMap<i64, String>> {
    Ok(store::team::members(c, team_id).await?.into_iter().map(|m| (m.id, m.display_name)).collect())
}

async fn health_rows(c: &mut Conn, r: &Renderer, run: &Run, locale: Locale) -> anyhow::Result<Vec<Value>> {
    let earlier: Vec<i64> =
        store::retro::runs_of(c, run.retro_id, 6).await?.into_iter().filter(|p| p.id < run.id).map(|p| p.id).collect();
    let mut rows = Vec::new();
    for (i, q) in run.settings.health.iter().enumerate() {
        let scores = store::retro::cards::scores(c, run.id, i).await?;
        let mut trend = Vec::new();
        for id in earlier.iter().rev() {
            if let Some(avg) = retro::average(&store::retro::cards::scores(c, *id, i).await?) {
                trend.push(avg);
            }
        }
        rows.push(serde_json::to_value(retro::health(&prompt_text(r, q, locale), &scores, trend))?);
    }
    Ok(rows)
}

fn short(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// The board's message, posted once and then edited.
pub(super) fn board_message(data: Value, locale: Locale) -> Message {
    Message::new("retro_board", data, locale).as_card()
}

/// The board as it is now, in the team's language.
async fn message_now(c: &mut Conn, r: &Renderer, run: &Run, now: DateTime<Utc>) -> anyhow::Result<Message> {
    let locale = store::team::team(c, run.team_id).await?.locale;
    Ok(board_message(board_data(c, r, run, locale, now).await?, locale))
}

/// Edit the board to what it is now.
pub(super) async fn refresh(
    c: &mut Conn,
    r: &Renderer,
    run: &Run,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    out.push(Effect::Update { key: board_key(run.id), message: message_now(c, r, run, now).await? });
    Ok(())
}

/// Post the board of a run that just opened.
pub(super) async fn post(
    c: &mut Conn,
    r: &Renderer,
    run: &Run,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    let target = Target::Channel { channel_id: run.channel_id };
    out.push(Effect::post_keyed(target, message_now(c, r, run, now).await?, board_key(run.id)));
    Ok(())
}

/// The summary of a run that is closing: themes by votes, health, actions with owners,
/// and the share of the last run's actions done.
pub(super) async fn summary_data(
    c: &mut Conn,
    r: &Renderer,
    run: &Run,
    locale: Locale,
    now: DateTime<Utc>,
) -> anyhow::Result<Value> {
    let mut data = board_data(c, r, run, locale, now).await?;
    let earlier = earlier_actions(c, run).await?;
    let done = earlier.iter().filter(|a| a.done_at.is_some()).count();
    data["earlier_done"] = json!(done);
    data["earlier_total"] = json!(earlier.len());
    data["earlier_share"] = json!(retro::share_done(done, earlier.len()));
    data["day"] =
        json!(run.phase_deadline.with_timezone(&store::team::team(c, run.team_id).await?.tz).date_naive().to_string());
    Ok(data)
}

/// `retro export NAME [sprint=N]`: the kept summary of the last closed run (or the run of
/// sprint N), as Markdown.
pub(super) async fn export(ctx: &mut Ctx<'_>, name: &str, sprint: Option<i64>) -> Outcome<()> {
    let retro = super::settings::find(ctx, name).await?;
    for run in store::retro::runs_of(ctx.c, retro.id, 200).await? {
        if sprint.is_some_and(|n| run.sprint_number != Some(n)) {
            continue;
        }
        if let Some(summary) = store::retro::summary(ctx.c, run.id).await? {
            ctx.reply("retro_export", summary);
            return Ok(());
        }
    }
    Err(UserError::new("error_no_open_retro", json!({ "name": name, "closed": true })).into())
}
