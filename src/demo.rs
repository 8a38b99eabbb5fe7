//! The demo team seeded on an empty database, so the first page shows Tandem at work.

use crate::core::model::Role;
use crate::core::{Conversation, Inbound, InboundKind, Locale};
use crate::service::Service;
use crate::store::{self, teams::NewMember};
use chrono::{DateTime, Utc};

/// Seeds the demo team if there is no team yet; returns whether it did.
pub async fn seed_if_empty(svc: &Service, now: DateTime<Utc>) -> anyhow::Result<bool> {
    let mut tx = svc.store.begin().await?;
    if store::teams::count_teams(&mut tx).await? > 0 {
        return Ok(false);
    }
    // Replicas starting together on an empty Postgres race here; one seeds, the others see it.
    let Some(team) = store::teams::create_team_if_new(&mut tx, "demo", Locale::En, "Europe/Paris", now).await? else {
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
            store::teams::add_member(&mut tx, team, &NewMember { name, display_name, role, tz, locale }, now).await?;
        if role == Role::Po {
            po = id;
        }
    }
    let channel_id = store::teams::channel_id(&mut tx, team, "team").await?;
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
