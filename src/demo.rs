//! The demo team seeded on an empty database, so the first page shows Tandem at work.

use crate::core::model::Role;
use crate::core::{Conversation, Inbound, InboundKind, Locale};
use crate::service::Service;
use crate::store::{self, team::NewMember};
use chrono::{DateTime, Utc};

/// Seeds the demo team if there is no team yet; returns whether it did.
pub async fn seed_if_empty(svc: &Service, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = svc.store.begin().await?;
    if store::team::count_teams(&mut tx).await? > 0 {
        return Ok(false);
    }
    // Replicas starting together on an empty Postgres race here; one seeds, the others see it.
    let Some(team) = store::team::create_team_if_new(&mut tx, "demo", Locale::En, "Europe/Paris", now).await? else {
        return Ok(false);
    };
    let people = [
        ("paula", "Paula (PM)", Role::Pm, "Europe/Paris", Locale::En),
        ("olivier", "Olivier (PO)", Role::Po, "Europe/Paris", Locale::Fr),
        ("ana", "Ana", Role::Developer, "America/New_York", Locale::En),
        ("kenji", "Kenji", Role::Developer, "Asia/Tokyo", Locale::En),
        ("lea", "Léa", Role::Developer, "Europe/Paris", Locale::Fr),
    ];
    let mut ids = Vec::new();
    for (name, display_name, role, tz, locale) in people {
        let id =
            store::team::add_member(&mut tx, team, &NewMember { name, display_name, role, tz, locale }, now).await?;
        ids.push((name, id, locale));
    }
    let channel_id = store::team::channel_id(&mut tx, team, "team").await?;
    let conversation = Conversation::Channel { channel_id };
    // The PM says hello in #team, so the first page a newcomer opens is not empty.
    let (_, paula, _) = ids[0];
    let hello = svc.renderer.label(Locale::En, "demo_hello");
    crate::outbox::record_typed(&mut tx, team, conversation, paula, &hello, now).await?;
    tx.commit().await?;
    let (_, po, _) = ids[1];
    let mut n = 0;
    let mut event = |member_id: i64, conversation: Conversation, kind: InboundKind| {
        n += 1;
        Inbound::new("demo", format!("seed-{n}"), member_id, conversation, kind)
    };
    // Last week's kick-off, already answered by everyone: its report is in #team at once.
    let question = svc.renderer.label(Locale::En, "demo_question");
    let kickoff =
        format!(r#"standup create kickoff channel=#team schedule="0 9 * * MON" questions="{question}" reminders=0"#);
    for line in [kickoff.as_str(), "standup run kickoff"] {
        svc.handle(&event(po, conversation, InboundKind::Command(line.to_string())), now).await?;
    }
    for (name, id, locale) in &ids {
        let answer = svc.renderer.label(*locale, &format!("demo_answer_{name}"));
        svc.handle(&event(*id, Conversation::Dm { member_id: *id }, InboundKind::Text(answer)), now).await?;
    }
    // Today's stand-up, under way: the newcomer answers it in their DM.
    let commands =
        [r#"standup create daily channel=#team schedule="30 9 * * MON-FRI" local=yes window=3h"#, "standup run daily"];
    for line in commands {
        svc.handle(&event(po, conversation, InboundKind::Command(line.to_string())), now).await?;
    }
    Ok(true)
}

/// A load team for benchmarks and scale tests: `standups` stand-ups of `members`
/// developers each (one question, no reminder), every one due at `due`. With `local`,
/// the stand-ups fire in each member's zone: one job per member, all due at once.
pub async fn seed_load_team(
    store: &store::Store,
    name: &str,
    standups: usize,
    members: usize,
    due: DateTime<Utc>,
    local: bool,
) -> anyhow::Result<i64> {
    use crate::core::model::Question;
    use crate::core::standup::StandupOptions;
    let mut tx = store.begin().await?;
    let team = store::team::create_team(&mut tx, name, Locale::En, "UTC", due).await?;
    let member_ids = add_developers(&mut tx, team, members, due).await?;
    let channel = store::team::channel_id(&mut tx, team, "team").await?;
    let options = StandupOptions {
        channel: Some("team".into()),
        schedule: Some("0 9 * * *".into()),
        questions: Some(vec![Question { text: "Done?".into(), blocker: false, key: None }]),
        max_reminders: Some(0),
        member_local_time: Some(local),
        ..StandupOptions::default()
    };
    let mut ids = Vec::with_capacity(standups);
    for i in 0..standups {
        let s = crate::core::standup::new_settings(&format!("standup-{i}"), &options, "UTC", vec![])
            .map_err(|e| anyhow::anyhow!("load settings: {e}"))?;
        let id = store::standup::create(&mut tx, team, channel, &s, None, due)
            .await?
            .ok_or_else(|| anyhow::anyhow!("stand-up {i} exists"))?;
        ids.push(id);
    }
    // Member by member, so one stand-up's fires land in different claim batches and
    // replicas meet on the same round.
    for member in if local { member_ids } else { vec![0] } {
        for id in &ids {
            crate::service::standup::plan_fire(&mut tx, *id, member, due).await?;
        }
    }
    tx.commit().await?;
    Ok(team)
}

/// Developers `dev0`, `dev1`… (in UTC, English) added to `team`; their member ids.
async fn add_developers(c: &mut store::Conn, team: i64, n: usize, now: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let (name, display_name) = (format!("dev{i}"), format!("Dev {i}"));
        let m = NewMember {
            name: &name,
            display_name: &display_name,
            role: Role::Developer,
            tz: "UTC",
            locale: Locale::En,
        };
        ids.push(store::team::add_member(c, team, &m, now).await?);
    }
    Ok(ids)
}

/// Put a load team on a platform, as if each member had been met there once (a slash
/// command, say): member `devN` becomes user `{user_prefix}{N:07}` with no DM opened yet,
/// the team's #team is `channel`, and the team is bound to `workspace`.
pub async fn bind_load_team(
    store: &store::Store,
    team: i64,
    platform: &str,
    workspace: &str,
    user_prefix: &str,
    channel: &str,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let mut tx = store.begin().await?;
    let ws = store::platform::Workspace { external_id: workspace.into(), team_id: team, bot_token: None };
    store::platform::bind_workspace(&mut tx, platform, &ws, None, now).await?;
    for m in store::team::members(&mut tx, team).await? {
        let n: u64 = m.name.strip_prefix("dev").and_then(|n| n.parse().ok()).unwrap_or_default();
        store::platform::link_member(&mut tx, platform, team, &format!("{user_prefix}{n:07}"), m.id).await?;
    }
    let team_channel = store::team::channel_id(&mut tx, team, "team").await?;
    store::platform::bind_channel(&mut tx, platform, team, channel, team_channel).await?;
    tx.commit().await?;
    Ok(())
}

/// A team for the schedule benchmark: `members` developers and `standups` stand-ups,
/// stand-up `i` on the cron line `schedule(i)` (in UTC), none planned yet: a start-up
/// plans them.
pub async fn seed_scheduled_team(
    store: &store::Store,
    name: &str,
    standups: usize,
    members: usize,
    schedule: &dyn Fn(usize) -> String,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    use crate::core::model::Question;
    use crate::core::standup::StandupOptions;
    let mut tx = store.begin().await?;
    let team = store::team::create_team(&mut tx, name, Locale::En, "UTC", now).await?;
    add_developers(&mut tx, team, members, now).await?;
    let channel = store::team::channel_id(&mut tx, team, "team").await?;
    for i in 0..standups {
        let options = StandupOptions {
            channel: Some("team".into()),
            schedule: Some(schedule(i)),
            questions: Some(vec![Question { text: "Done?".into(), blocker: false, key: None }]),
            max_reminders: Some(0),
            ..StandupOptions::default()
        };
        let s = crate::core::standup::new_settings(&format!("standup-{i}"), &options, "UTC", vec![])
            .map_err(|e| anyhow::anyhow!("bench settings: {e}"))?;
        store::standup::create(&mut tx, team, channel, &s, None, now)
            .await?
            .ok_or_else(|| anyhow::anyhow!("stand-up {i} exists"))?;
    }
    tx.commit().await?;
    Ok(team)
}
