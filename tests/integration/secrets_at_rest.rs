//! Secrets at rest: a workspace's bot token from the OAuth install is stored sealed with
//! `TANDEM_SECRET_KEY`, still works, needs its key to start, and moves to a new key with
//! `tandem secret rotate`.

use crate::drivers::slack::SlackWorld;
use crate::helpers::{Db, SECRET_KEY, SlackVia};
use crate::retro_tables::rows_of_every_table;
use base64::Engine;
use reqwest::header;
use tandem::clock::Clock;
use tandem::secret::Secret;

const TOKEN: &str = "xoxb-newco-token";
const NEW_KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

/// Newco's admin installs Tandem through the OAuth flow; returns the final page's status.
async fn install_newco(w: &SlackWorld) -> reqwest::StatusCode {
    w.fake.add_oauth_code("code-1", "T0NEWCO", "Newco", TOKEN, "U0BOSS");
    w.fake.add_user("U0BOSS", "boss", "Bea Boss", "Europe/Paris", "en-US");
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let r = browser.get(format!("{}/slack/install", w.t.base)).send().await.expect("install");
    let Some(cookie) = r.headers().get(header::SET_COOKIE) else { return r.status() };
    let cookie = cookie.to_str().expect("cookie").split(';').next().expect("pair").to_string();
    let state = cookie.split_once('=').expect("name=value").1.to_string();
    let r = browser
        .get(format!("{}/slack/oauth/callback", w.t.base))
        .query(&[("code", "code-1"), ("state", state.as_str())])
        .header(header::COOKIE, &cookie)
        .send()
        .await
        .expect("callback");
    r.status()
}

/// The token Tandem used for its last answer to the installer in Newco.
async fn token_of_an_answer(w: &SlackWorld) -> Option<String> {
    w.command_in("T0NEWCO", "U0BOSS", ("C0NEWS", "news"), "help").await;
    w.t.tick().await;
    w.fake.calls_to("chat.postEphemeral").last().and_then(|c| c.auth.clone())
}

/// Every form of the token a dump could show it in: as is, base64, hex.
fn traces_of_the_token() -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let mut traces = vec![TOKEN.to_string(), hex::encode(TOKEN), hex::encode_upper(TOKEN)];
    for engine in [STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD] {
        // A base64 run inside a longer value starts on any of three byte offsets.
        for skip in 0..3 {
            let encoded = engine.encode(&TOKEN.as_bytes()[skip..]);
            traces.push(encoded[2..encoded.len() - 4].to_string());
        }
    }
    traces
}

async fn stored_token(w: &SlackWorld) -> String {
    let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
    let ws = tandem::store::platform::workspace(&mut c, "slack", "T0NEWCO").await.expect("query").expect("installed");
    ws.bot_token.expect("a token").expose().to_string()
}

async fn an_installed_workspace_token_is_nowhere_in_clear_and_still_posts(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    assert_eq!(install_newco(&w).await, 200);
    assert_eq!(token_of_an_answer(&w).await.as_deref(), Some(TOKEN), "Newco's own token is used");

    let rows = rows_of_every_table(&w.t).await;
    assert!(rows.iter().any(|(table, _)| table == "platform_teams"), "the dump reads the workspaces");
    for trace in traces_of_the_token() {
        let found: Vec<_> = rows.iter().filter(|(_, row)| row.contains(&trace)).collect();
        assert!(found.is_empty(), "{trace:?} is in {found:#?}");
    }
    assert!(stored_token(&w).await.starts_with("enc:v1:"));
}

on_both_databases!(
    an_installed_workspace_token_is_nowhere_in_clear_and_still_posts,
    an_installed_token_is_sealed_sqlite,
    an_installed_token_is_sealed_postgres
);

async fn tandem_refuses_to_start_without_the_key_its_tokens_were_sealed_with(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    assert_eq!(install_newco(&w).await, 200);

    let mut config = crate::helpers::config(&w.t.db_url, Default::default(), Default::default());
    config.secret_key = None;
    let clock = std::sync::Arc::new(w.t.clock.clone());
    let e = tandem::app::App::build(&config, clock.clone()).await.expect_err("no start without the key");
    let text = format!("{e:#}");
    assert!(text.contains("TANDEM_SECRET_KEY is not set: set TANDEM_SECRET_KEY to the key"), "{text}");
    assert!(!text.contains(TOKEN) && !text.contains(SECRET_KEY), "{text}");

    config.secret_key = Some(Secret::new(NEW_KEY));
    let e = tandem::app::App::build(&config, clock).await.expect_err("no start with another key");
    let text = format!("{e:#}");
    assert!(text.contains("give it as TANDEM_SECRET_KEY_OLD and run `tandem secret rotate`"), "{text}");
    assert!(!text.contains(NEW_KEY), "{text}");
}

on_both_databases!(
    tandem_refuses_to_start_without_the_key_its_tokens_were_sealed_with,
    no_start_without_the_key_sqlite,
    no_start_without_the_key_postgres
);

async fn rotating_the_key_reseals_every_token_and_the_old_key_is_no_longer_needed(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    assert_eq!(install_newco(&w).await, 200);
    let before = stored_token(&w).await;

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(["secret", "rotate"])
        .env("TANDEM_CONFIG", "/dev/null")
        .env("TANDEM_DATABASE_URL", &w.t.db_url)
        .env("TANDEM_SECRET_KEY", NEW_KEY)
        .env("TANDEM_SECRET_KEY_OLD", SECRET_KEY)
        .output()
        .expect("run tandem secret rotate");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said} {}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("Re-sealed 1 stored secrets"), "{said}");
    assert!(!said.contains(NEW_KEY) && !said.contains(SECRET_KEY));

    let w = w.restart_with(|c| c.secret_key = Some(Secret::new(NEW_KEY))).await;
    let after = stored_token(&w).await;
    assert_ne!(tandem::secret::seal::key_id_of(&after), tandem::secret::seal::key_id_of(&before));
    assert_eq!(token_of_an_answer(&w).await.as_deref(), Some(TOKEN), "the token works under the new key alone");

    let mut config = crate::helpers::config(&w.t.db_url, Default::default(), Default::default());
    config.secret_key = Some(Secret::new(SECRET_KEY));
    let old_only = tandem::app::App::build(&config, std::sync::Arc::new(w.t.clock.clone())).await;
    assert!(old_only.is_err(), "the old key opens nothing any more");
}

on_both_databases!(
    rotating_the_key_reseals_every_token_and_the_old_key_is_no_longer_needed,
    rotation_reseals_sqlite,
    rotation_reseals_postgres
);

async fn a_token_stored_in_clear_before_sealing_is_sealed_at_start_up(db: Db) {
    let w = SlackWorld::start_without_key(db, SlackVia::EventsApi).await;
    {
        let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
        let team = tandem::store::team::create_team(&mut c, "newco", tandem::core::Locale::En, "UTC", w.t.clock.now())
            .await
            .expect("team");
        let ws = tandem::store::platform::Workspace {
            external_id: "T0NEWCO".into(),
            team_id: team,
            bot_token: Some(Secret::new(TOKEN)),
        };
        tandem::store::platform::bind_workspace(&mut c, "slack", &ws, Some("U0BOSS"), w.t.clock.now())
            .await
            .expect("an install from before sealing");
    }
    assert_eq!(stored_token(&w).await, TOKEN, "without a key it stays as it was");

    let w = w.restart_with(|_| {}).await;
    assert!(stored_token(&w).await.starts_with("enc:v1:"), "sealed once a key is set");
    w.fake.add_user("U0BOSS", "boss", "Bea Boss", "Europe/Paris", "en-US");
    assert_eq!(token_of_an_answer(&w).await.as_deref(), Some(TOKEN));
}

on_both_databases!(
    a_token_stored_in_clear_before_sealing_is_sealed_at_start_up,
    a_clear_token_is_sealed_at_start_up_sqlite,
    a_clear_token_is_sealed_at_start_up_postgres
);

async fn without_a_key_the_install_stops_before_slack_is_asked_for_a_token(db: Db) {
    let w = SlackWorld::start_without_key(db, SlackVia::EventsApi).await;
    assert_eq!(install_newco(&w).await, 503);
    let page = reqwest::Client::new()
        .get(format!("{}/slack/oauth/callback?code=code-1&state=s", w.t.base))
        .header(header::ACCEPT_LANGUAGE, "fr")
        .send()
        .await
        .expect("callback");
    assert_eq!(page.status(), 503);
    let text = page.text().await.expect("page");
    assert!(text.contains("TANDEM_SECRET_KEY") && text.contains("a été modifié"), "{text}");
    assert!(w.fake.calls_to("oauth.v2.access").is_empty(), "no token was asked for");
}

on_both_databases!(
    without_a_key_the_install_stops_before_slack_is_asked_for_a_token,
    no_install_without_a_key_sqlite,
    no_install_without_a_key_postgres
);
