//! A stand-up's DM fan-out on Discord: paced under the bot's global limit, every DM
//! delivered once.

use crate::drivers::discord::{DiscordVia, DiscordWorld, PAULA, STANDUP, create_options, sub};
use crate::fakes::discord::{FakeDiscord, GUILD, dm_channel_for};
use crate::helpers::{Db, TestApp, discord_config};
use serde_json::json;
use tandem::core::Locale;
use tandem::core::model::Role;

/// People on the server besides Paula, met by Tandem before (linked to members).
const OTHERS: usize = 149;

async fn a_dm_burst_is_paced_and_every_dm_arrives_once(db: Db) {
    let fake = FakeDiscord::start().await;
    // Discord allows a bot 50 requests a second; Tandem is set to 40 messages a second.
    fake.set_global_limit(50);
    let config = tandem::config::DiscordConfig { messages_per_minute: 2400, ..discord_config(&fake.api_url()) };
    let t = TestApp::spawn_discord_with(db, config).await;
    let w = DiscordWorld::connected(t, fake, DiscordVia::Http).await;
    w.command(PAULA, Some(STANDUP), sub(&["me"], json!([])), json!(null)).await;

    let now = tandem::clock::Clock::now(&w.t.clock);
    let users: Vec<String> = (0..OTHERS).map(|i| format!("15{i:017}")).collect();
    {
        let mut tx = w.t.app.svc.store.begin().await.expect("tx");
        let ws = tandem::store::platform::workspace(&mut tx, "discord", GUILD).await.expect("q").expect("server");
        for (i, user) in users.iter().enumerate() {
            let name = format!("dev{i}");
            let m = tandem::store::team::NewMember {
                name: &name,
                display_name: &name,
                role: Role::Developer,
                tz: "Europe/Paris",
                locale: Locale::En,
            };
            let id = tandem::store::team::add_member(&mut tx, ws.team_id, &m, now).await.expect("member");
            tandem::store::platform::link_member(&mut tx, "discord", ws.team_id, user, id).await.expect("link");
        }
        tx.commit().await.expect("commit");
    }
    let (options, resolved) = create_options();
    let (token, _) = w.command(PAULA, Some(STANDUP), options, resolved).await;
    assert!(w.private_answer(&token).contains("Stand-up created"), "{}", w.private_answer(&token));

    // 09:00 Paris: 150 DMs, each needing a DM channel opened first.
    w.t.at("2026-11-23T08:00:00Z".parse().expect("instant")).await;
    for user in users.iter().chain([PAULA.0.to_string()].iter()) {
        let n = w.fake.messages_in(&dm_channel_for(user)).len();
        assert_eq!(n, 1, "{user} got {n} DMs");
    }
    assert_eq!(w.fake.violations(), 0, "the global limit was never hit");
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
    let r = sqlx::query("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetch_one(&mut *c).await.expect("q");
    assert_eq!(sqlx::Row::try_get::<i64, _>(&r, 0).expect("n"), 0, "nothing left behind");
}

on_both_databases!(a_dm_burst_is_paced_and_every_dm_arrives_once, discord_dm_burst_sqlite, discord_dm_burst_postgres);
