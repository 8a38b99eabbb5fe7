//! Votes by button: a click picks an option, changes a single vote, or withdraws a pick;
//! a multi-choice poll holds to its maximum; a quorum reached has the poll closed at once.

use super::{jobs, message};
use crate::core::UserError;
use crate::core::poll::{Tally, toggle};
use crate::service::{Ctx, Outcome};
use crate::store;
use serde_json::json;

/// A click on option `option` of poll `poll_id`.
pub(super) async fn vote(ctx: &mut Ctx<'_>, poll_id: i64, option: usize) -> Outcome<()> {
    let p = store::poll::locked(ctx.c, poll_id).await?.filter(|p| p.team_id == ctx.team.id);
    let p = p.ok_or_else(|| UserError::new("error_poll_unknown", json!({ "id": poll_id })))?;
    // Even a refused vote says what someone wanted: it is forgotten like the others.
    ctx.forget_tag = p.forget_tag();
    if p.closed_at.is_some() {
        return Err(UserError::new("error_poll_closed", json!({ "id": p.id, "question": p.question })).into());
    }
    let s = &p.settings;
    if (!s.audience.is_empty() || s.role.is_some()) && !store::poll::audience(ctx.c, p.id).await?.contains(&ctx.me.id) {
        return Err(UserError::new("error_poll_not_in_audience", json!({ "id": p.id, "question": p.question })).into());
    }
    let key = p.voter_key(ctx.me.id);
    let current = store::poll::picks_of(ctx.c, p.id, &key).await?;
    let picks = toggle(&current, option, s.options.len(), s.max_picks)?;
    store::poll::set_picks(ctx.c, p.id, &key, &picks, ctx.now).await?;
    let mut out = Vec::new();
    let tally = Tally::of(s.options.len(), &store::poll::votes(ctx.c, p.id).await?);
    let audience = store::poll::audience(ctx.c, p.id).await?.len();
    let quorum = s.quorum.is_some_and(|q| tally.reaches(q, audience));
    // The close runs as a job right after this event is stored: an anonymous vote's traces,
    // this one's included, are tagged by then, so the close forgets them all.
    if quorum {
        store::jobs::schedule(ctx.c, jobs::CLOSE, p.id, 0, ctx.now).await?;
    }
    message::refresh(ctx.c, &p, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    let chosen: Vec<&String> = picks.iter().filter_map(|i| s.options.get(*i)).collect();
    ctx.reply(
        "poll_voted",
        json!({ "id": p.id, "question": p.question, "picks": chosen, "max": s.max_picks, "quorum": quorum }),
    );
    Ok(())
}
