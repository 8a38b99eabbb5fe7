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
    let mut po = 0;
    for (name, display_name, role, tz, locale) in people {
        let id =
            store::team::add_member(&mut tx, team, &NewMember { name, display_name, role, tz, locale }, now).await?;
        if role == Role::Po {
            po = id;
        }
    }
    let channel_id = store::team::channel_id(&mut tx, team, "team").await?;
    tx.commit().await?;
    let conversation = Conversation::Channel { channel_id };
    let commands =
        [r#"standup create daily channel=#team schedule="30 9 * * MON-FRI" local=yes window=3h"#, "standup run daily"];
    for (i, line) in commands.into_iter().enumerate() {
        let ev = Inbound {
            platform: "demo".into(),
            event_id: format!("seed-{i}"),
            member_id: po,
            conversation,
            kind: InboundKind::Command(line.to_string()),
        };
        svc.handle(&ev, now).await?;
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
    let mut member_ids = Vec::new();
    for i in 0..members {
        let (name, display_name) = (format!("dev{i}"), format!("Dev {i}"));
        let m = NewMember {
            name: &name,
            display_name: &display_name,
            role: Role::Developer,
            tz: "UTC",
            locale: Locale::En,
        };
        member_ids.push(store::team::add_member(&mut tx, team, &m, due).await?);
    }
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
