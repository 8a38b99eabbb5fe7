//! What a poll shows: its message in the channel (kept up to date in place, with a button
//! per option while open) and the final result, posted at close with its bar chart.

use super::VOTE_BUTTON;
use crate::core::poll::{self, Tally};
use crate::core::text::moment;
use crate::core::{Effect, Image, Locale, Message, Target};
use crate::store::poll::Poll;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The key of a poll's message in the channel.
pub(super) fn poll_key(poll_id: i64) -> String {
    format!("poll:{poll_id}")
}

/// The tally now: the votes while open, the kept totals once closed.
pub(super) async fn tally(c: &mut Conn, p: &Poll) -> anyhow::Result<Tally> {
    if let Some(kept) = &p.result {
        return Ok(kept.clone());
    }
    Ok(Tally::of(p.settings.options.len(), &store::poll::votes(c, p.id).await?))
}

/// The poll as it stands: options with their bars when they may be shown (live, or closed;
/// an anonymous poll's from three votes), else only how many voted.
pub(super) async fn data(c: &mut Conn, p: &Poll, tz: chrono_tz::Tz, now: DateTime<Utc>) -> anyhow::Result<Value> {
    let t = tally(c, p).await?;
    let closed = p.closed_at.is_some();
    let audience = store::poll::audience(c, p.id).await?.len();
    let shown = (p.settings.live || closed) && poll::may_show_breakdown(p.anonymous(), t.voters);
    let max = t.counts.iter().copied().max().unwrap_or(0);
    let leaders = t.leaders();
    let rows: Vec<Value> = p
        .settings
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let count = t.counts.get(i).copied().unwrap_or(0);
            json!({
                "number": i + 1,
                "option": o,
                "count": if shown { Some(count) } else { None },
                "bar": if shown { poll::bar(count, max) } else { String::new() },
                "percent": poll::percent(count, t.total()),
                "leader": shown && leaders.contains(&i),
            })
        })
        .collect();
    let winners: Vec<&String> = leaders.iter().filter_map(|i| p.settings.options.get(*i)).collect();
    Ok(json!({
        "id": p.id,
        "question": p.question,
        "rows": rows,
        "shown": shown,
        "closed": closed,
        "live": p.settings.live,
        "anonymous": p.anonymous(),
        "max_picks": p.settings.max_picks,
        "voters": t.voters,
        "audience": audience,
        "quorum": p.settings.quorum,
        "closes": p.closes_at.filter(|_| !closed).map(|d| moment(d, tz, now)),
        "tie": shown && t.is_tie(),
        "winners": if shown { winners } else { Vec::new() },
        "top": leaders.first().and_then(|i| t.counts.get(*i)).copied().unwrap_or(0),
        "too_few": p.anonymous() && !poll::may_show_breakdown(true, t.voters),
    }))
}

/// The poll's message, with a button per option while it is open.
pub(super) fn message(p: &Poll, data: Value, locale: Locale) -> Message {
    let mut m = Message::new("poll_message", data, locale).as_card();
    if p.closed_at.is_none() {
        for (i, o) in p.settings.options.iter().enumerate() {
            m = m.with_button(o, format!("{VOTE_BUTTON}:{}:{i}", p.id));
        }
    }
    m
}

/// Edit the poll's message to what it is now.
pub(super) async fn refresh(c: &mut Conn, p: &Poll, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<()> {
    let team = store::team::team(c, p.team_id).await?;
    let d = data(c, p, team.tz, now).await?;
    out.push(Effect::Update { key: poll_key(p.id), message: message(p, d, team.locale) });
    Ok(())
}

/// Post the poll's message once, under its key.
pub(super) async fn post(c: &mut Conn, p: &Poll, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<()> {
    let team = store::team::team(c, p.team_id).await?;
    let d = data(c, p, team.tz, now).await?;
    let target = Target::Channel { channel_id: p.channel_id };
    out.push(Effect::post_keyed(target, message(p, d, team.locale), poll_key(p.id)));
    Ok(())
}

/// The final result, posted at close: the winner or the tie, and the bar chart when the
/// breakdown may be shown.
pub(super) async fn result(c: &mut Conn, p: &Poll, now: DateTime<Utc>, out: &mut Vec<Effect>) -> anyhow::Result<()> {
    let team = store::team::team(c, p.team_id).await?;
    let d = data(c, p, team.tz, now).await?;
    let mut m = Message::new("poll_result", d.clone(), team.locale);
    if d["shown"] == true {
        let t = tally(c, p).await?;
        let png = crate::render::chart::bar_chart(&p.question, &p.settings.options, &t.counts)?;
        let counts: Vec<String> = p.settings.options.iter().zip(&t.counts).map(|(o, n)| format!("{o}: {n}")).collect();
        let alt = format!("{} — {}", p.question, counts.join(", "));
        m = m.with_image(Image::png(format!("poll-{}.png", p.id), alt, png));
    }
    out.push(Effect::post(Target::Channel { channel_id: p.channel_id }, m));
    Ok(())
}
