//! Themes and votes: the facilitator groups cards into themes during the group phase;
//! each participant spends their dots during the vote phase, hidden until it ends.

use super::board;
use super::cards::{which_run, wrong_phase};
use super::phases::check_facilitator;
use crate::core::UserError;
use crate::core::retro::{self, Phase};
use crate::service::{Ctx, Outcome};
use crate::store;
use crate::store::retro::Run;
use serde_json::json;

/// `retro group 3 7 as "Slow deploys"` (`title`), or `retro ungroup 7` (`None`).
pub(super) async fn group(ctx: &mut Ctx<'_>, name: Option<&str>, cards: &[i64], title: Option<&str>) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    check_facilitator(ctx, &run)?;
    if run.phase != Phase::Group {
        return Err(wrong_phase(&run, Phase::Group));
    }
    let known: Vec<i64> = store::retro::cards::list(ctx.c, run.id).await?.iter().map(|k| k.number).collect();
    if let Some(n) = cards.iter().find(|n| !known.contains(n)) {
        return Err(UserError::new("error_unknown_card", json!({ "number": n, "any": true })).into());
    }
    let theme = match title {
        Some(t) => Some(store::retro::cards::theme_titled(ctx.c, run.id, t).await?),
        None => None,
    };
    store::retro::cards::set_theme(ctx.c, run.id, cards, theme).await?;
    refresh(ctx, &run).await?;
    ctx.reply("retro_grouped", json!({ "cards": cards, "title": title, "theme": theme }));
    Ok(())
}

pub(super) async fn rename(ctx: &mut Ctx<'_>, name: Option<&str>, theme: i64, title: &str) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    check_facilitator(ctx, &run)?;
    if run.phase != Phase::Group {
        return Err(wrong_phase(&run, Phase::Group));
    }
    let title = retro::check_title(title)?;
    if !store::retro::cards::rename_theme(ctx.c, run.id, theme, &title).await? {
        return Err(unknown_theme(ctx, &run, theme).await);
    }
    refresh(ctx, &run).await?;
    ctx.reply("retro_grouped", json!({ "theme": theme, "title": title, "renamed": true }));
    Ok(())
}

async fn unknown_theme(ctx: &mut Ctx<'_>, run: &Run, n: i64) -> crate::service::Fail {
    let count = match store::retro::cards::themes(ctx.c, run.id).await {
        Ok(t) => t.len(),
        Err(e) => return e.into(),
    };
    UserError::new("error_unknown_theme", json!({ "number": n, "count": count })).into()
}

async fn refresh(ctx: &mut Ctx<'_>, run: &Run) -> Outcome<()> {
    let mut out = Vec::new();
    board::refresh(ctx.c, &ctx.svc.renderer, run, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    Ok(())
}

/// A voter of this run, in its vote phase; their votes are then anonymous input when the
/// run is.
async fn voter(ctx: &mut Ctx<'_>, run: &Run) -> Outcome<String> {
    // Even a refused vote says what someone wanted: it is forgotten like the others.
    ctx.forget_tag = run.forget_tag();
    if !store::retro::participants(ctx.c, run.id).await?.contains(&ctx.me.id) {
        return Err(UserError::new("error_not_participant", json!({ "name": run.retro_name })).into());
    }
    if run.phase != Phase::Vote {
        return Err(wrong_phase(run, Phase::Vote));
    }
    if !run.settings.facilitator_votes && run.facilitator_id == Some(ctx.me.id) {
        return Err(UserError::new("error_facilitator_no_vote", json!({ "name": run.retro_name })).into());
    }
    Ok(run.author_key(ctx.me.id))
}

/// Add a dot on each of `themes` (a theme twice: two dots).
pub(super) async fn vote(ctx: &mut Ctx<'_>, run_id: Option<i64>, name: Option<&str>, themes: &[i64]) -> Outcome<()> {
    let run = match run_id {
        Some(id) => store::retro::locked_run(ctx.c, id).await?,
        None => which_run(ctx, name).await?,
    };
    let key = voter(ctx, &run).await?;
    let numbers: Vec<i64> = store::retro::cards::themes(ctx.c, run.id).await?.iter().map(|t| t.number).collect();
    let current = store::retro::cards::votes_of(ctx.c, run.id, &key).await?;
    let s = &run.settings;
    let dots = retro::add_votes(&current, themes, &numbers, s.votes, s.max_per_item)?;
    store::retro::cards::set_votes(ctx.c, run.id, &key, &dots).await?;
    reply_votes(ctx, &run, &dots).await
}

/// `retro unvote 2`: take a dot back from each theme named.
pub(super) async fn unvote(ctx: &mut Ctx<'_>, name: Option<&str>, themes: &[i64]) -> Outcome<()> {
    let run = which_run(ctx, name).await?;
    let key = voter(ctx, &run).await?;
    let mut dots = store::retro::cards::votes_of(ctx.c, run.id, &key).await?;
    for t in themes {
        match dots.get_mut(t) {
            Some(n) if *n > 0 => *n -= 1,
            _ => return Err(UserError::new("error_no_vote_there", json!({ "number": t })).into()),
        }
    }
    store::retro::cards::set_votes(ctx.c, run.id, &key, &dots).await?;
    reply_votes(ctx, &run, &dots).await
}

async fn reply_votes(ctx: &mut Ctx<'_>, run: &Run, dots: &std::collections::BTreeMap<i64, i64>) -> Outcome<()> {
    let used: i64 = dots.values().sum();
    let mine: Vec<_> = dots.iter().filter(|(_, n)| **n > 0).map(|(t, n)| json!({ "theme": t, "dots": n })).collect();
    refresh(ctx, run).await?;
    ctx.reply(
        "retro_voted",
        json!({ "name": run.retro_name, "used": used, "allowance": run.settings.votes, "mine": mine }),
    );
    Ok(())
}
