//! Stand-up fires open their rounds, many at once: the fires due in one claim of jobs (or
//! the one `standup run` makes) read what they share once (the rounds of their days, the
//! open blockers of their teams) and write their rounds, participants and jobs a few
//! hundred rows a statement. The teams' people come in a `Roster` the caller loaded.

use super::jobs;
use super::question_text;
use super::report::post_report;
use crate::core::model::{Member, absence_on};
use crate::core::schedule::Schedule;
use crate::core::standup::action::Action;
use crate::core::standup::{self, Status};
use crate::core::{ButtonStyle, Effect, Message, Target};
use crate::render::Renderer;
use crate::store::roster::Roster;
use crate::store::standup::Standup;
use crate::store::standup::blockers::Blocker;
use crate::store::standup::opening;
use crate::store::standup::rounds::{NewRound, Round};
use crate::store::{self, Conn};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::json;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One fire: open the round of the day `due` falls on. With `member_id` the stand-up fires
/// in that member's zone, and only they are asked now; otherwise everyone is.
#[derive(Debug, Clone, Copy)]
pub(super) struct Fire<'a> {
    pub standup: &'a Standup,
    pub due: DateTime<Utc>,
    pub member_id: Option<i64>,
    pub late: bool,
}

/// What one fire did. `opened` is false for a whole team's fire whose round of the day
/// was open already.
#[derive(Debug, Default)]
pub(super) struct Opened {
    pub opened: bool,
    pub effects: Vec<Effect>,
}

/// Open the rounds of `fires` (each fire's result in order); the roster holds their teams.
pub(super) async fn open_rounds(
    c: &mut Conn,
    r: &Renderer,
    roster: &Roster,
    fires: &[Fire<'_>],
    now: DateTime<Utc>,
) -> anyhow::Result<Vec<Opened>> {
    let mut done: Vec<Opened> = fires.iter().map(|_| Opened { opened: true, effects: Vec::new() }).collect();
    let mut days = Vec::with_capacity(fires.len());
    let mut people: Vec<Vec<&Member>> = Vec::with_capacity(fires.len());
    for f in fires {
        let s = f.standup;
        let tz = match f.member_id.and_then(|id| roster.member(s.team_id, id)) {
            Some(m) => m.tz,
            None => s.zone()?,
        };
        days.push(standup::local_day(tz, f.due));
        let team = roster.members(s.team_id);
        people.push(standup::participants(&s.settings, team).map_err(|e| anyhow::anyhow!("participants: {e}"))?);
    }
    // The fires of one round together, in (stand-up, day) order.
    let mut groups: BTreeMap<(i64, NaiveDate), Vec<usize>> = BTreeMap::new();
    for (i, f) in fires.iter().enumerate() {
        groups.entry((f.standup.id, days[i])).or_default().push(i);
    }
    let keys: Vec<(i64, NaiveDate)> = groups.keys().copied().collect();
    let existing = opening::by_days(c, &keys).await?;
    let mut round_of: HashMap<(i64, NaiveDate), i64> = HashMap::new();
    let mut new_rounds = Vec::new();
    for (key, fired) in &groups {
        let first = &fires[fired[0]];
        let s = first.standup;
        let window = Duration::minutes(s.settings.window_minutes);
        let whole_team = fired.iter().any(|&i| fires[i].member_id.is_none());
        if let Some(round) = existing.get(key) {
            for &i in fired.iter().filter(|&&i| fires[i].member_id.is_none()) {
                done[i].opened = false;
            }
            if fired.iter().any(|&i| fires[i].member_id.is_some()) {
                // This member's fire may come later than planned (they moved zones):
                // keep the deadline a full window after it.
                let needed = now + window;
                if round.reported_at.is_none() && needed > round.deadline_at {
                    store::standup::rounds::extend_deadline(c, round.id, needed).await?;
                    store::jobs::schedule(c, jobs::DEADLINE, round.id, 0, needed).await?;
                }
                round_of.insert(*key, round.id);
            }
            continue;
        }
        let deadline = if whole_team {
            now.max(first.due) + window
        } else {
            // The round waits for the last member's fire of the day.
            let sched = Schedule::parse(&s.settings.schedule).map_err(|e| anyhow::anyhow!("{e}"))?;
            let last = people[fired[0]]
                .iter()
                .filter_map(|m| standup::fire_on_day(&sched, m.tz, key.1))
                .max()
                .unwrap_or(first.due);
            last.max(now) + window
        };
        new_rounds.push(NewRound {
            standup_id: s.id,
            standup_name: &s.settings.name,
            team_id: s.team_id,
            channel_id: s.channel_id,
            day: key.1,
            questions: &s.settings.questions,
            opened_at: now,
            deadline_at: deadline,
            fired_late: first.late,
        });
    }
    let created = opening::create_many(c, &new_rounds).await?;
    // Rounds another replica created at this very moment: for the whole team that is the
    // same fire; a member's fire goes on and asks them in that round.
    let raced: Vec<(i64, NaiveDate)> =
        new_rounds.iter().map(|n| (n.standup_id, n.day)).filter(|k| !created.contains_key(k)).collect();
    let raced = if raced.is_empty() { HashMap::new() } else { opening::by_days(c, &raced).await? };
    let mut joining = Vec::new();
    let mut deadlines = Vec::new();
    for n in &new_rounds {
        let key = (n.standup_id, n.day);
        let fired = &groups[&key];
        if let Some(&id) = created.get(&key) {
            round_of.insert(key, id);
            for m in &people[fired[0]] {
                let status = match absence_on(n.day, roster.holidays(n.team_id), roster.time_off(m.id)) {
                    Some(a) => Status::from(a),
                    None => Status::Pending,
                };
                joining.push((id, m.id, status));
            }
            deadlines.push((id, 0, n.deadline_at));
            continue;
        }
        for &i in fired.iter().filter(|&&i| fires[i].member_id.is_none()) {
            done[i].opened = false;
        }
        if let Some(round) = raced.get(&key).filter(|_| fired.iter().any(|&i| fires[i].member_id.is_some())) {
            round_of.insert(key, round.id);
        }
    }
    store::jobs::schedule_many(c, jobs::DEADLINE, &deadlines).await?;
    let ids: Vec<i64> = round_of.values().copied().collect();
    // A round created in this transaction is nobody else's to see until it commits: only
    // those that were there already need their locks.
    let created_ids: HashSet<i64> = created.values().copied().collect();
    let existed: Vec<i64> = ids.iter().copied().filter(|id| !created_ids.contains(id)).collect();
    opening::lock_many(c, &existed).await?;
    let rounds = opening::get_many(c, &ids).await?;
    let round_ids: Vec<Option<i64>> = fires
        .iter()
        .zip(&days)
        .map(|(f, day)| round_of.get(&(f.standup.id, *day)).copied().filter(|id| rounds.contains_key(id)))
        .collect();
    // The new rounds' participants are written once it is known who is asked now: as
    // asked, rather than as pending and then again.
    let known = joining.iter().map(|&(round_id, member_id, status)| ((round_id, member_id), status)).collect();
    let asked = ask(c, fires, &people, &round_ids, known, &mut done).await?;
    let asked_now: HashSet<(i64, i64)> = asked.iter().map(|(_, round_id, m)| (*round_id, m.id)).collect();
    let joining: Vec<(i64, i64, Status, Option<DateTime<Utc>>)> = joining
        .into_iter()
        .map(|(round_id, member_id, status)| {
            if asked_now.contains(&(round_id, member_id)) {
                (round_id, member_id, Status::Asked, Some(now))
            } else {
                (round_id, member_id, status, None)
            }
        })
        .collect();
    opening::add_participants(c, &joining).await?;
    let to_ask: Vec<(usize, &Round, &Member)> = asked.iter().map(|(i, id, m)| (*i, &rounds[id], *m)).collect();
    if !to_ask.is_empty() {
        let pairs: Vec<(i64, i64)> = to_ask
            .iter()
            .map(|(_, round, m)| (round.id, m.id))
            .filter(|(round_id, _)| !created_ids.contains(round_id))
            .collect();
        opening::mark_asked(c, &pairs, now).await?;
        let teams: Vec<i64> = fires.iter().map(|f| f.standup.team_id).collect();
        let mut blockers: HashMap<i64, Vec<Blocker>> = HashMap::new();
        for b in store::standup::blockers::open_of_teams(c, &teams).await? {
            blockers.entry(b.member_id).or_default().push(b);
        }
        let mut reminders = Vec::new();
        for (i, round, m) in &to_ask {
            let (s, late) = (fires[*i].standup, fires[*i].late);
            let theirs = blockers.get(&m.id).map_or(&[][..], Vec::as_slice);
            done[*i].effects.push(open_dm(r, round, s, m, theirs, (now, late)));
            if s.settings.max_reminders > 0 {
                let at = now + Duration::minutes(s.settings.remind_after_minutes);
                if at < round.deadline_at {
                    reminders.push((round.id, m.id, at));
                }
            }
        }
        // Other capabilities' notes for the day follow the first question.
        let mut noted: Vec<(&Member, NaiveDate)> = to_ask.iter().map(|(_, round, m)| (*m, round.day)).collect();
        noted.sort_by_key(|(m, day)| (m.id, *day));
        noted.dedup_by_key(|(m, day)| (m.id, *day));
        for (member_id, note) in crate::service::registry::daily_notes(c, &noted).await? {
            if let Some((i, _, _)) = to_ask.iter().find(|(_, _, m)| m.id == member_id) {
                done[*i].effects.push(note);
            }
        }
        store::jobs::schedule_many(c, jobs::REMIND, &reminders).await?;
    }
    // A round where nobody is left to ask (all away, say) is reported at once.
    let waiting = opening::waiting(c, &ids).await?;
    for (key, id) in &round_of {
        if !waiting.contains(id) && rounds.get(id).is_some_and(|r| r.reported_at.is_none()) {
            post_report(c, r, *id, now, &mut done[groups[key][0]].effects).await?;
        }
    }
    Ok(done)
}

/// Who each fire asks now: its participants (or its one member) still pending in its
/// round (`round_ids`, by fire), each once, as (fire, round id, member). `known` holds the
/// participants of rounds created in this transaction, not written yet; the others are read.
async fn ask<'m>(
    c: &mut Conn,
    fires: &[Fire<'_>],
    people: &[Vec<&'m Member>],
    round_ids: &[Option<i64>],
    known: HashMap<(i64, i64), Status>,
    done: &mut [Opened],
) -> anyhow::Result<Vec<(usize, i64, &'m Member)>> {
    let live = |i: usize| done[i].opened || fires[i].member_id.is_some();
    let new_rounds: HashSet<i64> = known.keys().map(|(round_id, _)| *round_id).collect();
    // A whole team's round reads all its participants; a member's fire, that member's row.
    let (mut whole, mut pairs) = (Vec::new(), Vec::new());
    for (i, f) in fires.iter().enumerate() {
        match (round_ids[i].filter(|id| !new_rounds.contains(id)), f.member_id) {
            (Some(id), None) if live(i) => whole.push(id),
            (Some(id), Some(member_id)) => pairs.push((id, member_id)),
            _ => {}
        }
    }
    let mut rows = if whole.is_empty() { Vec::new() } else { opening::participants_of(c, &whole).await? };
    if !pairs.is_empty() {
        rows.extend(opening::participants_among(c, &pairs).await?);
    }
    let mut status = known;
    status.extend(rows.into_iter().map(|p| ((p.round_id, p.member_id), p.status)));
    let mut asked = Vec::new();
    for (i, f) in fires.iter().enumerate() {
        let Some(round_id) = round_ids[i].filter(|_| live(i)) else { continue };
        for m in people[i].iter().filter(|m| f.member_id.is_none_or(|id| id == m.id)) {
            if status.get(&(round_id, m.id)) == Some(&Status::Pending) {
                status.insert((round_id, m.id), Status::Asked);
                asked.push((i, round_id, *m));
            }
        }
    }
    Ok(asked)
}

fn open_dm(
    r: &Renderer,
    round: &Round,
    s: &Standup,
    m: &Member,
    blockers: &[Blocker],
    (now, late): (DateTime<Utc>, bool),
) -> Effect {
    let first = round.questions.first().map(|q| question_text(r, q, m.locale)).unwrap_or_default();
    let data = json!({
        "standup": s.settings.name,
        "day": round.day.to_string(),
        "late": late,
        "question": first,
        "n": 1,
        "total": round.questions.len(),
        "deadline": crate::core::text::moment(round.deadline_at, m.tz, now),
        "blockers": blockers.iter().map(|b| json!({ "id": b.id, "text": b.body })).collect::<Vec<_>>(),
    });
    let mut msg = Message::new("standup_dm_open", data, m.locale)
        .with_styled_button(
            "button_answer_form",
            Action::OpenForm { round_id: round.id }.encode(),
            ButtonStyle::Primary,
        )
        .with_button("button_skip", Action::Skip { round_id: round.id }.encode());
    for b in blockers {
        msg = msg.with_button("button_resolve", Action::Resolve { blocker_id: b.id }.encode());
    }
    Effect::post(Target::Dm { member_id: m.id }, msg)
}
