//! The round's report: posted once, then edited in place as late answers arrive.

use super::jobs;
use super::question_text;
use crate::core::model::ReportFormat;
use crate::core::policy::{Act, may};
use crate::core::standup::Status;
use crate::core::standup::report::{BlockerLine, PersonReport, ReportAnswer, person_data, report_data};
use crate::core::text::is_blocker;
use crate::core::{Effect, Message, Target};
use crate::render::Renderer;
use crate::store::standup::rounds::Round;
use crate::store::{self, Conn};
use chrono::{DateTime, Utc};

/// Post the report if nobody is still expected.
pub(super) async fn maybe_report(
    c: &mut Conn,
    r: &Renderer,
    round_id: i64,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    if !store::standup::rounds::anyone_waiting(c, round_id).await? {
        post_report(c, r, round_id, now, out).await?;
    }
    Ok(())
}

/// Post the round's report once (at the deadline, or when everyone is done).
pub(super) async fn post_report(
    c: &mut Conn,
    r: &Renderer,
    round_id: i64,
    now: DateTime<Utc>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    if !store::standup::rounds::mark_reported(c, round_id, now).await? {
        return Ok(());
    }
    store::jobs::cancel(c, jobs::DEADLINE, round_id, None).await?;
    let round = store::standup::rounds::get(c, round_id).await?;
    let (data, people, locale) = report_parts(c, r, &round).await?;
    let format = report_format(c, &round).await?;
    let target = Target::Channel { channel_id: round.channel_id };
    out.push(Effect::post_keyed(
        target,
        Message::new(header_template(format), data, locale).as_card(),
        report_key(&round),
    ));
    if format == ReportFormat::Thread {
        for p in people.iter().filter(|p| p.status == Status::Answered) {
            out.push(thread_reply(&round, p, locale));
        }
    }
    Ok(())
}

/// The report is out and something changed (a late answer, a skip): edit it in place;
/// in thread format, a late answer also gets its own reply.
pub(super) async fn refresh_report(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
    late_member: Option<i64>,
    out: &mut Vec<Effect>,
) -> anyhow::Result<()> {
    let (data, people, locale) = report_parts(c, r, round).await?;
    let format = report_format(c, round).await?;
    out.push(Effect::Update {
        key: report_key(round),
        message: Message::new(header_template(format), data, locale).as_card(),
    });
    if let (ReportFormat::Thread, Some(id)) = (format, late_member)
        && let Some(p) = people.iter().find(|p| p.member_id == id)
    {
        out.push(thread_reply(round, p, locale));
    }
    Ok(())
}

/// The key of a round's report message, for updates in place.
fn report_key(round: &Round) -> String {
    format!("report:{}", round.id)
}

/// The main message's template: the whole report, or the header of a threaded one.
fn header_template(format: ReportFormat) -> &'static str {
    match format {
        ReportFormat::Summary => "standup_report",
        ReportFormat::Thread => "standup_report_header",
    }
}

async fn report_format(c: &mut Conn, round: &Round) -> anyhow::Result<ReportFormat> {
    Ok(store::standup::get(c, round.standup_id).await?.map_or(ReportFormat::Summary, |s| s.settings.report_format))
}

/// One person's answers as a reply in the report's thread.
fn thread_reply(round: &Round, p: &PersonReport, locale: crate::core::Locale) -> Effect {
    let key = report_key(round);
    let mut m = Message::new("standup_report_person", person_data(&round.standup_name, p), locale);
    m.thread_of = Some(key.clone());
    Effect::post_keyed(Target::Channel { channel_id: round.channel_id }, m, format!("{key}:{}", p.member_id))
}

async fn report_parts(
    c: &mut Conn,
    r: &Renderer,
    round: &Round,
) -> anyhow::Result<(serde_json::Value, Vec<PersonReport>, crate::core::Locale)> {
    let team = store::team::team(c, round.team_id).await?;
    let members = store::team::members(c, round.team_id).await?;
    let mut people = Vec::new();
    let mut all_answers = store::standup::rounds::answers_of_round(c, round.id).await?;
    for p in store::standup::rounds::participants(c, round.id).await? {
        let Some(m) = members.iter().find(|m| m.id == p.member_id) else { continue };
        let answers = match p.status {
            Status::Answered => all_answers.remove(&m.id).unwrap_or_default(),
            _ => Vec::new(),
        };
        people.push(PersonReport {
            member_id: m.id,
            name: m.name.clone(),
            display_name: m.display_name.clone(),
            status: p.status,
            late: p.late,
            answers: answers
                .into_iter()
                .map(|(i, a)| {
                    let q = round.questions.get(i);
                    ReportAnswer {
                        question: q.map(|q| question_text(r, q, team.locale)).unwrap_or_default(),
                        blocker: q.is_some_and(|q| q.blocker) && is_blocker(&a),
                        answer: a,
                    }
                })
                .collect(),
        });
    }
    people.sort_by(|a, b| a.display_name.cmp(&b.display_name));
    let blockers: Vec<BlockerLine> = store::standup::blockers::blockers_of_round(c, round.id)
        .await?
        .into_iter()
        .filter(|b| b.resolved_at.is_none())
        .map(|b| BlockerLine {
            id: b.id,
            who: members.iter().find(|m| m.id == b.member_id).map(|m| m.display_name.clone()).unwrap_or_default(),
            text: b.body,
        })
        .collect();
    let mentions: Vec<String> = if blockers.is_empty() {
        Vec::new()
    } else {
        members.iter().filter(|m| may(m.role, Act::HearOfBlockers)).map(|m| format!("@{}", m.name)).collect()
    };
    let mut data = report_data(&round.standup_name, round.day, &people, &blockers, &mentions);
    // Other capabilities' lines for the day.
    data["notes"] = crate::service::registry::report_notes(c, r, round.team_id, round.day, team.locale).await?.into();
    Ok((data, people, team.locale))
}
