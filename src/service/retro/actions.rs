//! Actions: added in the actions phase (or on their own), listed, edited and marked done;
//! followed in their owner's daily DM around their due date, and listed in the daily
//! report once overdue. Marking one done edits the boards and the DM note that show it.

use super::{DONE_BUTTON, board};
use crate::core::model::Member;
use crate::core::retro::{ActionFilter, Phase};
use crate::core::{ButtonStyle, Effect, Locale, Message, Target, UserError};
use crate::render::Renderer;
use crate::service::{Ctx, Outcome};
use crate::store::retro::actions::Action;
use crate::store::{self, Conn};
use chrono::{Days, NaiveDate};
use serde_json::json;

async fn member_id(ctx: &mut Ctx<'_>, name: &str) -> Outcome<i64> {
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    team.iter()
        .find(|m| m.name == name)
        .map(|m| m.id)
        .ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": name })).into())
}

async fn find(ctx: &mut Ctx<'_>, id: i64) -> Outcome<Action> {
    store::retro::actions::get(ctx.c, ctx.team.id, id)
        .await?
        .ok_or_else(|| UserError::new("error_unknown_action", json!({ "id": id })).into())
}

/// `action add "…" owner=@ana due=2026-12-18 [theme=2]`: kept with the run in its actions
/// phase, if there is one.
pub(super) async fn add(
    ctx: &mut Ctx<'_>,
    text: &str,
    owner: Option<String>,
    due: Option<NaiveDate>,
    theme: Option<i64>,
) -> Outcome<()> {
    let owner_id = match &owner {
        Some(name) => Some(member_id(ctx, name).await?),
        None => None,
    };
    let runs = store::retro::open_runs(ctx.c, ctx.team.id).await?;
    let run = runs.into_iter().find(|r| r.phase == Phase::Actions);
    if let (Some(run), Some(t)) = (&run, theme) {
        let themes = store::retro::cards::themes(ctx.c, run.id).await?;
        if !themes.iter().any(|x| x.number == t) {
            return Err(UserError::new("error_unknown_theme", json!({ "number": t, "count": themes.len() })).into());
        }
    }
    let run_id = run.as_ref().map(|r| r.id);
    let id =
        store::retro::actions::add(ctx.c, ctx.team.id, run_id, theme, text, owner_id, due, ctx.me.id, ctx.now).await?;
    if let Some(run) = &run {
        let mut out = Vec::new();
        board::refresh(ctx.c, &ctx.svc.renderer, run, ctx.now, &mut out).await?;
        ctx.out.extend(out);
    }
    let data = json!({ "id": id, "text": text, "owner": owner, "due": due.map(|d| d.to_string()), "retro": run.map(|r| r.retro_name) });
    ctx.reply("action_added", data);
    Ok(())
}

pub(super) async fn list(ctx: &mut Ctx<'_>, filter: ActionFilter) -> Outcome<()> {
    let all = store::retro::actions::of_team(ctx.c, ctx.team.id, filter != ActionFilter::All).await?;
    let me = ctx.me.id;
    let shown: Vec<Action> =
        all.into_iter().filter(|a| filter != ActionFilter::Mine || a.owner_id == Some(me)).collect();
    let names = board::names_by_id(ctx.c, ctx.team.id).await?;
    let today = crate::core::standup::local_day(ctx.me.tz, ctx.now);
    let mut rows = board::action_rows(&shown, &names);
    for (row, a) in rows.iter_mut().zip(&shown) {
        row["overdue"] = json!(a.done_at.is_none() && a.due.is_some_and(|d| d < today));
    }
    let which = match filter {
        ActionFilter::Mine => "mine",
        ActionFilter::Open => "open",
        ActionFilter::All => "all",
    };
    ctx.reply("action_list", json!({ "actions": rows, "which": which }));
    Ok(())
}

/// `action done ID` or the Done button: the boards showing it and its DM note follow.
pub(super) async fn done(ctx: &mut Ctx<'_>, id: i64) -> Outcome<()> {
    let action = find(ctx, id).await?;
    if !store::retro::actions::done(ctx.c, id, ctx.now).await? {
        return Err(UserError::new("error_action_already_done", json!({ "id": id })).into());
    }
    let mut out = Vec::new();
    for run in store::retro::open_runs(ctx.c, ctx.team.id).await? {
        let shows = run.id == action.run_id.unwrap_or(-1)
            || board::earlier_actions(ctx.c, &run).await?.iter().any(|a| a.id == id);
        if shows {
            board::refresh(ctx.c, &ctx.svc.renderer, &run, ctx.now, &mut out).await?;
        }
    }
    if let (Some(key), Some(owner)) = (store::retro::actions::note_key(ctx.c, id).await?, action.owner_id) {
        let owner = store::team::member(ctx.c, owner).await?;
        out.push(Effect::Update { key, message: note(&action, owner.locale, true, None) });
    }
    ctx.out.extend(out);
    ctx.reply("action_done", json!({ "id": id, "text": action.body }));
    Ok(())
}

pub(super) async fn edit(
    ctx: &mut Ctx<'_>,
    id: i64,
    text: Option<String>,
    owner: Option<String>,
    due: Option<NaiveDate>,
) -> Outcome<()> {
    let mut a = find(ctx, id).await?;
    if let Some(t) = text {
        a.body = t;
    }
    if let Some(name) = &owner {
        a.owner_id = Some(member_id(ctx, name).await?);
    }
    if due.is_some() {
        a.due = due;
    }
    store::retro::actions::edit(ctx.c, &a).await?;
    let names = board::names_by_id(ctx.c, ctx.team.id).await?;
    let row = board::action_rows(std::slice::from_ref(&a), &names).remove(0);
    ctx.reply("action_edited", row);
    Ok(())
}

/// The note about an action in its owner's DM, with a Done button while it is open.
fn note(a: &Action, locale: Locale, done: bool, day: Option<NaiveDate>) -> Message {
    let overdue = a.due.zip(day).is_some_and(|(due, day)| day > due);
    let data =
        json!({ "id": a.id, "text": a.body, "due": a.due.map(|d| d.to_string()), "done": done, "overdue": overdue });
    let msg = Message::new("action_due_note", data, locale);
    if done {
        msg
    } else {
        msg.with_styled_button("button_action_done", format!("{DONE_BUTTON}:{}", a.id), ButtonStyle::Primary)
    }
}

/// On the day before, the day of and the day after its due date, an open action's owner
/// is asked about it in their daily DM: for each (member, day) asked, the notes as
/// (member, effect). All the members' actions are read in one query.
pub(super) async fn daily_notes(c: &mut Conn, asked: &[(&Member, NaiveDate)]) -> anyhow::Result<Vec<(i64, Effect)>> {
    let mut out = Vec::new();
    if asked.is_empty() {
        return Ok(out);
    }
    let ids: Vec<i64> = asked.iter().map(|(m, _)| m.id).collect();
    let actions = store::retro::actions::open_of_members(c, &ids).await?;
    for (member, day) in asked {
        for a in actions.iter().filter(|a| a.owner_id == Some(member.id)) {
            let Some(due) = a.due else { continue };
            let near = [due.checked_sub_days(Days::new(1)), Some(due), due.checked_add_days(Days::new(1))];
            if !near.contains(&Some(*day)) {
                continue;
            }
            let key = format!("action:{}:note:{day}", a.id);
            // Two stand-ups on one day make one note.
            if store::retro::actions::note_key(c, a.id).await?.as_deref() == Some(key.as_str()) {
                continue;
            }
            store::retro::actions::set_note_key(c, a.id, &key).await?;
            let note = note(a, member.locale, false, Some(*day));
            out.push((member.id, Effect::post_keyed(Target::Dm { member_id: member.id }, note, key)));
        }
    }
    Ok(out)
}

/// The team's open actions past their due date, one line each for the daily report.
pub(super) async fn report_notes(
    c: &mut Conn,
    r: &Renderer,
    team_id: i64,
    day: NaiveDate,
    locale: Locale,
) -> anyhow::Result<Vec<String>> {
    let names = board::names_by_id(c, team_id).await?;
    let mut lines = Vec::new();
    for a in
        store::retro::actions::of_team(c, team_id, true).await?.into_iter().filter(|a| a.due.is_some_and(|d| d < day))
    {
        let data = json!({
            "id": a.id,
            "text": a.body,
            "owner": a.owner_id.and_then(|id| names.get(&id).cloned()),
            "due": a.due.map(|d| d.to_string()),
        });
        lines.push(r.message(&Message::new("action_overdue_line", data, locale))?);
    }
    Ok(lines)
}
