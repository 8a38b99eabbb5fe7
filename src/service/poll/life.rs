//! A poll's life: opened (posted with its buttons, its close and reminders planned),
//! listed and shown, closed once (by its deadline, its quorum or by hand: the result and
//! chart posted, an anonymous poll's traces forgotten), reopened, deleted, exported.

use super::{find, jobs, message};
use crate::core::model::Role;
use crate::core::policy::{Act, may};
use crate::core::poll::{Close, PollSettings, deadline};
use crate::core::{Conversation, Effect, UserError};
use crate::service::{Ctx, Outcome};
use crate::store::poll::Poll;
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

/// `poll "Question?" options="A|B" …`: the poll is posted in its channel.
pub(super) async fn create(
    ctx: &mut Ctx<'_>,
    question: &str,
    settings: PollSettings,
    close: Option<Close>,
    channel: Option<String>,
) -> Outcome<()> {
    let closes_at = close.map(|c| deadline(c, ctx.team.tz, ctx.now)).transpose()?;
    let channel_id = match (channel, ctx.conversation) {
        (Some(name), _) => store::team::channel_id(ctx.c, ctx.team.id, &name).await?,
        (None, Conversation::Channel { channel_id }) => channel_id,
        (None, Conversation::Dm { .. }) => {
            return Err(UserError::new("error_missing_option", json!({ "option": "channel" })).into());
        }
    };
    let audience = audience_of(ctx, &settings).await?;
    let secret = settings.anonymous.then(|| crate::core::anonymous::new_secret(rand::random()));
    let (c, now) = (&mut *ctx.c, ctx.now);
    let id = store::poll::create(
        c,
        ctx.team.id,
        channel_id,
        question,
        &settings,
        secret.as_deref(),
        ctx.me.id,
        closes_at,
        now,
    )
    .await?;
    for m in &audience {
        store::poll::add_audience(c, id, *m).await?;
    }
    if let Some(at) = closes_at {
        store::jobs::schedule(c, jobs::CLOSE, id, 0, at).await?;
        if settings.remind {
            let before = ((at - now) / 4).min(Duration::hours(4));
            for m in &audience {
                store::jobs::schedule(c, jobs::REMIND, id, *m, at - before).await?;
            }
        }
    }
    let poll = store::poll::get(c, ctx.team.id, id).await?.ok_or_else(|| anyhow::anyhow!("poll {id} vanished"))?;
    let mut out = Vec::new();
    message::post(ctx.c, &poll, now, &mut out).await?;
    ctx.out.extend(out);
    let channel = store::team::channel_name(ctx.c, channel_id).await?;
    ctx.reply("poll_created", json!({ "id": id, "question": question, "channel": channel }));
    Ok(())
}

/// Who a poll asks: the members it names, else those of its role, else everyone.
async fn audience_of(ctx: &mut Ctx<'_>, s: &PollSettings) -> Outcome<Vec<i64>> {
    let members = store::team::members(ctx.c, ctx.team.id).await?;
    let role = s.role.as_deref().and_then(Role::parse);
    let mut ids = Vec::new();
    for name in &s.audience {
        let m = members.iter().find(|m| &m.name == name);
        ids.push(m.ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": name })))?.id);
    }
    if s.audience.is_empty() {
        ids = members.iter().filter(|m| role.is_none_or(|r| m.role == r)).map(|m| m.id).collect();
    }
    if ids.is_empty() {
        return Err(UserError::new("error_poll_empty_audience", json!({ "role": s.role })).into());
    }
    Ok(ids)
}

/// `poll list`: the team's polls, newest first.
pub(super) async fn list(ctx: &mut Ctx<'_>) -> Outcome<()> {
    let mut rows = Vec::new();
    for p in store::poll::list(ctx.c, ctx.team.id).await?.into_iter().take(25) {
        rows.push(message::data(ctx.c, &p, ctx.me.tz, ctx.now).await?);
    }
    ctx.reply("poll_list", json!({ "polls": rows }));
    Ok(())
}

/// `poll show ID`: the poll as its message reads, to the person alone.
pub(super) async fn show(ctx: &mut Ctx<'_>, id: i64) -> Outcome<()> {
    let p = find(ctx, id).await?;
    let data = message::data(ctx.c, &p, ctx.me.tz, ctx.now).await?;
    ctx.reply("poll_message", data);
    Ok(())
}

/// Its creator, or anyone who manages rituals.
fn check_creator(ctx: &Ctx<'_>, p: &Poll) -> Outcome<()> {
    if p.created_by == ctx.me.id || may(ctx.me.role, Act::ManageRituals) {
        return Ok(());
    }
    Err(UserError::new("error_poll_not_creator", json!({ "id": p.id })).into())
}

/// `poll close ID`.
pub(super) async fn close_command(ctx: &mut Ctx<'_>, id: i64) -> Outcome<()> {
    let p = find(ctx, id).await?;
    check_creator(ctx, &p)?;
    let p = store::poll::locked(ctx.c, id).await?.ok_or_else(|| anyhow::anyhow!("poll {id} vanished"))?;
    let mut out = Vec::new();
    if !close(ctx.c, &p, ctx.now, &mut out).await? {
        return Err(UserError::new("error_poll_closed", json!({ "id": id, "question": p.question })).into());
    }
    ctx.out.extend(out);
    ctx.reply("poll_closed", json!({ "id": id, "question": p.question }));
    Ok(())
}

/// Close a poll, once (a second caller finds it closed: false). The tally is kept; an
/// anonymous poll's secret, votes and tagged traces go, and so do the delivered edits of
/// its message (each held the counts of its moment); the message shows the end and the
/// result is posted with its chart.
pub(super) async fn close(c: &mut Conn, p: &Poll, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<bool> {
    let tally = message::tally(c, p).await?;
    if !store::poll::close(c, p.id, &tally, now).await? {
        return Ok(false);
    }
    store::jobs::cancel(c, jobs::CLOSE, p.id, None).await?;
    store::jobs::cancel(c, jobs::REMIND, p.id, None).await?;
    if let Some(tag) = p.forget_tag() {
        store::poll::unlink(c, p.id).await?;
        store::forget::forget(c, &tag).await?;
    }
    store::forget::delivered_edits(c, &message::poll_key(p.id)).await?;
    let p = store::poll::get(c, p.team_id, p.id).await?.ok_or_else(|| anyhow::anyhow!("poll {} vanished", p.id))?;
    message::refresh(c, &p, now, out).await?;
    message::result(c, &p, now, out).await?;
    Ok(true)
}

/// Whether the share of the audience that voted reaches the poll's quorum.
pub(super) async fn quorum_reached(c: &mut Conn, p: &Poll) -> anyhow::Result<bool> {
    let Some(q) = p.settings.quorum else { return Ok(false) };
    let tally = message::tally(c, p).await?;
    Ok(tally.reaches(q, store::poll::audience(c, p.id).await?.len()))
}

/// `poll reopen ID close=…`: a closed named poll takes votes again until its new close.
pub(super) async fn reopen(ctx: &mut Ctx<'_>, id: i64, close: Close) -> Outcome<()> {
    let p = find(ctx, id).await?;
    check_creator(ctx, &p)?;
    if p.closed_at.is_none() {
        return Err(UserError::new("error_poll_open", json!({ "id": id })).into());
    }
    // Its voters' keys are gone with the secret: votes could not be told apart again.
    if p.anonymous() {
        return Err(UserError::new("error_poll_anonymous_reopen", json!({ "id": id })).into());
    }
    let at = deadline(close, ctx.team.tz, ctx.now)?;
    store::poll::reopen(ctx.c, id, at).await?;
    store::jobs::schedule(ctx.c, jobs::CLOSE, id, 0, at).await?;
    let p = find(ctx, id).await?;
    let mut out = Vec::new();
    message::refresh(ctx.c, &p, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    let closes = crate::core::text::moment(at, ctx.me.tz, ctx.now);
    ctx.reply("poll_reopened", json!({ "id": id, "question": p.question, "closes": closes }));
    Ok(())
}

/// `poll delete ID`: the poll, its votes and its message go.
pub(super) async fn delete(ctx: &mut Ctx<'_>, id: i64) -> Outcome<()> {
    let p = find(ctx, id).await?;
    check_creator(ctx, &p)?;
    store::jobs::cancel(ctx.c, jobs::CLOSE, id, None).await?;
    store::jobs::cancel(ctx.c, jobs::REMIND, id, None).await?;
    if let Some(tag) = p.forget_tag() {
        store::forget::forget(ctx.c, &tag).await?;
    }
    store::poll::delete(ctx.c, id).await?;
    ctx.out.push(Effect::Delete { key: message::poll_key(id) });
    ctx.reply("poll_deleted", json!({ "id": id, "question": p.question }));
    Ok(())
}

/// `poll export ID csv|json`: the counts per option (and, for a named poll, who voted
/// what), to the person alone.
pub(super) async fn export(ctx: &mut Ctx<'_>, id: i64, as_json: bool) -> Outcome<()> {
    let p = find(ctx, id).await?;
    let t = message::tally(ctx.c, &p).await?;
    let shown = crate::core::poll::may_show_breakdown(p.anonymous(), t.voters);
    let names: std::collections::HashMap<i64, String> =
        store::team::members(ctx.c, ctx.team.id).await?.into_iter().map(|m| (m.id, m.name)).collect();
    let voters: Vec<(String, String)> = if p.anonymous() {
        Vec::new()
    } else {
        let votes = store::poll::votes(ctx.c, p.id).await?;
        let name = |k: &str| crate::core::anonymous::named_author(k).and_then(|id| names.get(&id).cloned());
        votes.iter().map(|(k, o)| (name(k).unwrap_or_default(), p.settings.options[*o].clone())).collect()
    };
    let text = if as_json {
        let options: Vec<_> = p
            .settings
            .options
            .iter()
            .zip(&t.counts)
            .map(|(o, n)| json!({ "option": o, "votes": if shown { Some(n) } else { None } }))
            .collect();
        let votes: Vec<_> = voters.iter().map(|(m, o)| json!({ "member": m, "option": o })).collect();
        let doc = json!({ "id": p.id, "question": p.question, "closed": p.closed_at.is_some(), "voters": t.voters, "options": options, "votes": votes });
        serde_json::to_string_pretty(&doc)?
    } else {
        use crate::render::csv::cell;
        let mut lines = vec!["option,votes".to_string()];
        for (o, n) in p.settings.options.iter().zip(&t.counts) {
            lines.push(format!("{},{}", cell(o), if shown { n.to_string() } else { String::new() }));
        }
        if !voters.is_empty() {
            lines.push(String::new());
            lines.push("member,option".into());
            lines.extend(voters.iter().map(|(m, o)| format!("{},{}", cell(m), cell(o))));
        }
        lines.join("\n")
    };
    ctx.reply("poll_export", json!({ "id": id, "text": text, "json": as_json }));
    Ok(())
}
