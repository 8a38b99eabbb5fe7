//! Stories: put to the vote, voted on by button or command, revealed, re-voted, accepted;
//! each has one message in its channel, edited in place as it goes.

use super::{VOTE_BUTTON, jobs};
use crate::core::model::Role;
use crate::core::poker::{self, card_in};
use crate::core::policy::{Act, may};
use crate::core::text::moment;
use crate::core::{Conversation, Effect, Message, Target, UserError};
use crate::service::{Ctx, Outcome};
use crate::store::poker::{NewStory, State, Story};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};

/// `poker start`, parsed.
#[derive(Debug)]
pub(super) struct Start {
    pub stories: Vec<String>,
    pub deck: Option<String>,
    pub voters: Option<Vec<String>>,
    pub role: Option<String>,
    pub close_minutes: Option<i64>,
    pub link: Option<String>,
    pub channel: Option<String>,
}

/// A card as voted: by its name (a command) or its place in the deck (a button).
#[derive(Debug, Clone, Copy)]
pub(super) enum Card<'a> {
    Named(&'a str),
    Index(usize),
}

fn key(story_id: i64) -> String {
    format!("poker:{story_id}")
}

pub(super) async fn start(ctx: &mut Ctx<'_>, s: Start) -> Outcome<()> {
    let deck = poker::deck(s.deck.as_deref().unwrap_or("fibonacci"))?;
    let channel_id = match (&s.channel, ctx.conversation) {
        (Some(name), _) => store::team::channel_id(ctx.c, ctx.team.id, name).await?,
        (None, Conversation::Channel { channel_id }) => channel_id,
        (None, Conversation::Dm { .. }) => return Err(UserError::plain("error_poker_channel").into()),
    };
    let team = store::team::members(ctx.c, ctx.team.id).await?;
    let voters: Vec<i64> = match (&s.voters, s.role.as_deref()) {
        (Some(names), _) => {
            let mut ids = Vec::new();
            for n in names {
                let m = team.iter().find(|m| m.name == n.to_lowercase());
                ids.push(m.ok_or_else(|| UserError::new("error_unknown_member", json!({ "name": n })))?.id);
            }
            ids.dedup();
            let mut seen = std::collections::HashSet::new();
            ids.retain(|id| seen.insert(*id));
            ids
        }
        (None, Some(role)) => {
            let role = if role == "dev" { Role::Developer } else { Role::parse(role).unwrap_or(Role::Developer) };
            team.iter().filter(|m| m.role == role).map(|m| m.id).collect()
        }
        (None, None) => team.iter().filter(|m| m.role != Role::Stakeholder).map(|m| m.id).collect(),
    };
    if voters.is_empty() {
        return Err(UserError::plain("error_no_voters").into());
    }
    let sprint_number = store::sprint::current(ctx.c, ctx.team.id).await?.map(|s| s.number);
    let mut queue = None;
    let mut first = None;
    for (position, title) in s.stories.iter().enumerate() {
        let new = NewStory {
            team_id: ctx.team.id,
            channel_id,
            title,
            link: if position == 0 { s.link.as_deref() } else { None },
            deck: &deck,
            voters: &voters,
            facilitator_id: ctx.me.id,
            close_minutes: s.close_minutes,
            sprint_number,
        };
        let state = if position == 0 { State::Voting } else { State::Queued };
        let id = store::poker::add(ctx.c, &new, queue, state, ctx.now).await?;
        queue = Some((queue.map_or(id, |(q, _)| q), position as i64 + 1));
        first.get_or_insert(id);
    }
    let first = first.ok_or_else(|| anyhow::anyhow!("a queue of no story"))?;
    let story = store::poker::get(ctx.c, first).await?.ok_or_else(|| anyhow::anyhow!("story {first} vanished"))?;
    let mut out = Vec::new();
    open_voting(ctx.c, &story, ctx.now, true, &mut out).await?;
    ctx.out.extend(out);
    ctx.reply("poker_started", json!({ "id": story.id, "title": story.title, "queued": s.stories.len() - 1 }));
    Ok(())
}

/// A story's voting opens (first time: its message is posted; a re-vote: edited).
async fn open_voting(
    c: &mut Conn,
    story: &Story,
    now: DateTime<Utc>,
    post: bool,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    let deadline = story.close_minutes.map(|m| now + Duration::minutes(m));
    store::poker::set_state(c, story.id, State::Voting, story.round, deadline).await?;
    // One job per round: a reveal by hand never touches the job row the deadline may be
    // running at that moment; the job of a round that is over does nothing.
    if let Some(at) = deadline {
        store::jobs::schedule(c, jobs::REVEAL, story.id, story.round, at).await?;
    }
    let story = store::poker::get(c, story.id).await?.ok_or_else(|| anyhow::anyhow!("story vanished"))?;
    let message = story_message(c, &story, now).await?;
    out.push(if post {
        Effect::post_keyed(Target::Channel { channel_id: story.channel_id }, message, key(story.id))
    } else {
        Effect::Update { key: key(story.id), message }
    });
    Ok(())
}

/// The story's message: who has voted (never what) while voting; after the reveal each
/// vote, the spread, the median and whether to discuss; the estimate once accepted.
async fn story_message(c: &mut Conn, story: &Story, now: DateTime<Utc>) -> anyhow::Result<Message> {
    let team = store::team::team(c, story.team_id).await?;
    let members = store::team::members(c, story.team_id).await?;
    let name = |id: i64| members.iter().find(|m| m.id == id).map(|m| m.display_name.clone()).unwrap_or_default();
    let votes = store::poker::votes(c, story).await?;
    let voters: Vec<Value> = story
        .voters
        .iter()
        .map(|id| json!({ "name": name(*id), "voted": votes.iter().any(|(m, _, _)| m == id) }))
        .collect();
    let shown = story.state != State::Voting;
    let revealed = shown.then(|| {
        let played: Vec<usize> = votes.iter().map(|(_, card, _)| *card).collect();
        let figures = poker::reveal(&story.deck, &played);
        let each: Vec<Value> = votes
            .iter()
            .map(|(m, card, reason)| json!({ "name": name(*m), "card": story.deck.get(*card), "reason": reason }))
            .collect();
        json!({ "votes": each, "figures": figures })
    });
    let data = json!({
        "id": story.id,
        "title": story.title,
        "link": story.link,
        "deck": story.deck.join(" "),
        "state": story.state.code(),
        "round": story.round,
        "voters": voters,
        "voted": votes.len(),
        "total": story.voters.len(),
        "deadline": story.deadline.map(|d| moment(d, team.tz, now)),
        "revealed": revealed,
        "estimate": story.estimate,
        "example": example(story),
    });
    let mut m = Message::new("poker_story", data, team.locale).as_card();
    if story.state == State::Voting {
        for (i, card) in story.deck.iter().enumerate() {
            m = m.with_button(card, format!("{VOTE_BUTTON}:{}:{i}", story.id));
        }
    }
    Ok(m)
}

/// The story a command is about: the one named, or the team's only one in `state` (being
/// voted on, or revealed); locked.
async fn which(ctx: &mut Ctx<'_>, id: Option<i64>, state: State) -> Outcome<Story> {
    let id = match id {
        Some(id) => id,
        None => {
            // The one in the state the command needs; else the only open one, whose state
            // the refusal then names.
            let all = store::poker::open(ctx.c, ctx.team.id).await?;
            let fitting: Vec<Story> = all.iter().filter(|s| s.state == state).cloned().collect();
            let open = if fitting.is_empty() { all } else { fitting };
            match open.as_slice() {
                [one] => one.id,
                [] => return Err(UserError::plain("error_no_open_story").into()),
                many => {
                    let ids: Vec<String> = many.iter().map(|s| format!("#{} {}", s.id, s.title)).collect();
                    return Err(
                        UserError::new("error_several_open_stories", json!({ "stories": ids.join(", ") })).into()
                    );
                }
            }
        }
    };
    store::poker::locked(ctx.c, ctx.team.id, id)
        .await?
        .ok_or_else(|| UserError::new("error_unknown_story", json!({ "id": id })).into())
}

fn check_facilitator(ctx: &Ctx<'_>, story: &Story) -> Outcome<()> {
    if story.facilitator_id == ctx.me.id || may(ctx.me.role, Act::ManageRituals) {
        return Ok(());
    }
    Err(UserError::new("error_not_story_facilitator", json!({ "title": story.title })).into())
}

/// The refusal for a story that is not in `wanted`, saying where it is.
fn wrong_state(story: &Story, wanted: State) -> crate::service::Fail {
    let data = json!({ "title": story.title, "id": story.id, "state": story.state.code(), "example": example(story) });
    let template = if wanted == State::Voting { "error_story_not_voting" } else { "error_story_not_revealed" };
    UserError::new(template, data).into()
}

/// A card to show in examples: the first estimate of the deck past its lowest.
fn example(story: &Story) -> String {
    let estimates: Vec<&String> = story.deck.iter().filter(|c| poker::is_estimate(c)).collect();
    estimates.get(2).or(estimates.first()).map_or_else(String::new, |c| c.to_string())
}

pub(super) async fn vote(ctx: &mut Ctx<'_>, id: Option<i64>, card: Card<'_>, reason: Option<String>) -> Outcome<()> {
    let story = which(ctx, id, State::Voting).await?;
    if !story.voters.contains(&ctx.me.id) {
        return Err(UserError::new("error_not_voter", json!({ "title": story.title })).into());
    }
    if story.state != State::Voting {
        return Err(wrong_state(&story, State::Voting));
    }
    let index = match card {
        Card::Named(name) => card_in(&story.deck, name).map_err(|e| with_example(e, &story))?,
        Card::Index(i) if i < story.deck.len() => i,
        Card::Index(_) => return Err(UserError::plain("error_stale_button").into()),
    };
    store::poker::vote(ctx.c, &story, ctx.me.id, index, reason.as_deref()).await?;
    let message = story_message(ctx.c, &story, ctx.now).await?;
    ctx.out.push(Effect::Update { key: key(story.id), message });
    // Everyone has voted: the facilitator is told it is time to reveal.
    let votes = store::poker::votes(ctx.c, &story).await?;
    if votes.len() == story.voters.len() && story.voters.iter().all(|v| votes.iter().any(|(m, _, _)| m == v)) {
        let facilitator = store::team::member(ctx.c, story.facilitator_id).await?;
        let data = json!({ "id": story.id, "title": story.title });
        ctx.out.push(Effect::post(
            Target::Dm { member_id: facilitator.id },
            Message::new("poker_all_voted", data, facilitator.locale),
        ));
    }
    ctx.reply(
        "poker_voted",
        json!({ "id": story.id, "title": story.title, "card": story.deck[index], "reason": reason }),
    );
    Ok(())
}

/// Reveal the votes: by the facilitator once everyone has voted (or earlier with
/// `force=yes`), or at the deadline — never by itself on a vote.
pub(super) async fn reveal(ctx: &mut Ctx<'_>, id: Option<i64>, force: bool) -> Outcome<()> {
    let story = which(ctx, id, State::Voting).await?;
    check_facilitator(ctx, &story)?;
    if story.state != State::Voting {
        return Err(wrong_state(&story, State::Voting));
    }
    let voted = store::poker::votes(ctx.c, &story).await?.len();
    if voted == 0 {
        return Err(UserError::new("error_no_votes_yet", json!({ "title": story.title })).into());
    }
    if voted < story.voters.len() && !force {
        let data = json!({ "title": story.title, "id": story.id, "voted": voted, "total": story.voters.len() });
        return Err(UserError::new("error_not_everyone_voted", data).into());
    }
    let mut out = Vec::new();
    show_votes(ctx.c, &story, ctx.now, &mut out).await?;
    ctx.out.extend(out);
    Ok(())
}

pub(super) async fn show_votes(
    c: &mut Conn,
    story: &Story,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    store::poker::set_state(c, story.id, State::Revealed, story.round, None).await?;
    let story = store::poker::get(c, story.id).await?.ok_or_else(|| anyhow::anyhow!("story vanished"))?;
    out.push(Effect::Update { key: key(story.id), message: story_message(c, &story, now).await? });
    Ok(())
}

/// A re-vote: a new round, the earlier votes kept with their round but not shown.
pub(super) async fn revote(ctx: &mut Ctx<'_>, id: Option<i64>) -> Outcome<()> {
    let mut story = which(ctx, id, State::Revealed).await?;
    check_facilitator(ctx, &story)?;
    if story.state != State::Revealed {
        return Err(wrong_state(&story, State::Revealed));
    }
    story.round += 1;
    let mut out = Vec::new();
    open_voting(ctx.c, &story, ctx.now, false, &mut out).await?;
    ctx.out.extend(out);
    Ok(())
}

/// `poker accept 5`: the estimate is kept with the story; the queue's next story opens.
pub(super) async fn accept(ctx: &mut Ctx<'_>, id: Option<i64>, estimate: &str) -> Outcome<()> {
    let story = which(ctx, id, State::Revealed).await?;
    check_facilitator(ctx, &story)?;
    if story.state != State::Revealed {
        return Err(wrong_state(&story, State::Revealed));
    }
    let card = story.deck[card_in(&story.deck, estimate).map_err(|e| with_example(e, &story))?].clone();
    if !poker::is_estimate(&card) {
        return Err(UserError::new("error_not_an_estimate", json!({ "card": card, "example": example(&story) })).into());
    }
    // The estimate belongs to the sprint it was agreed in.
    let sprint = store::sprint::current(ctx.c, ctx.team.id).await?.map(|s| s.number);
    store::poker::accept(ctx.c, story.id, &card, sprint, ctx.now).await?;
    let accepted = store::poker::get(ctx.c, story.id).await?.ok_or_else(|| anyhow::anyhow!("story vanished"))?;
    let mut out = vec![Effect::Update { key: key(story.id), message: story_message(ctx.c, &accepted, ctx.now).await? }];
    let next = store::poker::next_queued(ctx.c, story.queue_id).await?;
    if let Some(next) = &next {
        open_voting(ctx.c, next, ctx.now, true, &mut out).await?;
    }
    ctx.out.extend(out);
    ctx.reply("poker_done", json!({ "title": story.title, "estimate": card, "next": next.map(|n| n.title) }));
    Ok(())
}

pub(super) async fn history(ctx: &mut Ctx<'_>) -> Outcome<()> {
    let rows: Vec<Value> = store::poker::recent(ctx.c, ctx.team.id, 20)
        .await?
        .into_iter()
        .map(|s| json!({ "id": s.id, "title": s.title, "link": s.link, "state": s.state.code(), "estimate": s.estimate, "sprint": s.sprint_number }))
        .collect();
    ctx.reply("poker_history", json!({ "stories": rows }));
    Ok(())
}

/// A refusal about a card, with an example from the story's own deck.
fn with_example(mut e: UserError, story: &Story) -> UserError {
    if let Some(data) = e.data.as_object_mut() {
        data.insert("example".into(), example(story).into());
    }
    e
}
