//! Connecting workspaces: the OAuth install stores a workspace's own token; Socket Mode
//! reconnects where Slack sends it after a disconnect.

use crate::drivers::slack::{SlackWorld, people};
use crate::helpers::{Db, SlackVia};
use reqwest::header;

async fn a_workspace_installs_tandem_and_its_own_token_is_used(db: Db) {
    let w = SlackWorld::start(db, SlackVia::EventsApi).await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let r = browser.get(format!("{}/slack/install", w.t.base)).send().await.expect("install");
    assert_eq!(r.status(), 302);
    let location = r.headers()[header::LOCATION].to_str().expect("location").to_string();
    let expected = format!("{}/oauth/v2/authorize?client_id=123.456&scope=", w.fake.api_url().trim_end_matches("/api"));
    assert!(location.starts_with(&expected) && location.contains("commands"), "{location}");
    let cookie = r.headers()[header::SET_COOKIE].to_str().expect("cookie").split(';').next().expect("pair").to_string();
    let state = cookie.split_once('=').expect("name=value").1.to_string();

    // A forged callback (wrong state) changes nothing.
    w.fake.add_oauth_code("code-1", "T0NEWCO", "Newco", "xoxb-newco-token", "U0BOSS");
    w.fake.add_user("U0BOSS", "boss", "Bea Boss", "Europe/Paris", "fr-FR");
    let callback = format!("{}/slack/oauth/callback", w.t.base);
    let forged =
        browser.get(&callback).query(&[("code", "code-1"), ("state", "forged")]).header(header::COOKIE, &cookie);
    let r = forged.send().await.expect("callback");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("page").contains("did not finish"));
    assert!(w.fake.calls_to("oauth.v2.access").is_empty(), "the code was not even tried");

    // The real callback, from a French browser: the workspace is installed.
    let r = browser
        .get(&callback)
        .query(&[("code", "code-1"), ("state", state.as_str())])
        .header(header::COOKIE, &cookie)
        .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .send()
        .await
        .expect("callback");
    assert_eq!(r.status(), 200);
    let page = r.text().await.expect("page");
    assert!(page.contains("Tandem est installé dans <strong>Newco</strong>"), "{page}");

    // The installer runs the new team, and Tandem speaks to Newco with Newco's token.
    w.command_in(
        "T0NEWCO",
        "U0BOSS",
        ("C0NEWS", "news"),
        r#"standup create daily channel=#news schedule="0 9 * * MON-FRI""#,
    )
    .await;
    w.t.tick().await;
    let replies = w.fake.calls_to("chat.postEphemeral");
    let reply = replies.last().expect("an answer to the command");
    assert_eq!(reply.auth.as_deref(), Some("xoxb-newco-token"), "{reply:#?}");
    let text = reply.body["text"].as_str().unwrap_or_default();
    assert!(text.contains("Stand-up créé"), "the installer may create stand-ups, in French: {text}");
}

async fn a_slack_team_cannot_be_entered_through_the_web_chat(db: Db) {
    let w = crate::drivers::slack::with_standup(db, SlackVia::EventsApi).await;
    let page = reqwest::get(format!("{}/chat", w.t.base)).await.expect("page").text().await.expect("html");
    assert!(!page.contains("Paula Martin"), "Slack people are not offered: {page}");
    let slack_member = {
        let mut c = w.t.app.svc.store.pool.acquire().await.expect("conn");
        let team = tandem::store::platform::workspace(&mut c, "slack", crate::drivers::slack::TEAM)
            .await
            .expect("query")
            .expect("the workspace's team");
        tandem::store::team::members(&mut c, team.team_id).await.expect("members")[0].id
    };
    // The page offers no one to pick, so the post is made by hand with the login form's
    // token, which the browser holds in a cookie.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::Client::builder().cookie_provider(jar.clone()).build().expect("client");
    browser.get(format!("{}/chat", w.t.base)).send().await.expect("page");
    let url = format!("{}/chat", w.t.base).parse().expect("url");
    let cookies = reqwest::cookie::CookieStore::cookies(&*jar, &url).expect("a login form cookie");
    let token = cookies.to_str().expect("ascii").split("tandem_login_form=").nth(1).expect("token");
    let token = token.split(';').next().unwrap_or_default().to_string();
    let r = browser
        .post(format!("{}/chat/login", w.t.base))
        .header("origin", &w.t.base)
        .form(&[("member_id", slack_member.to_string()), ("csrf", token)])
        .send()
        .await
        .expect("login");
    assert_eq!(r.status(), 400, "Slack identities are Slack's to check");
}

on_both_databases!(
    a_slack_team_cannot_be_entered_through_the_web_chat,
    a_slack_team_is_not_in_the_web_chat_sqlite,
    a_slack_team_is_not_in_the_web_chat_postgres
);

on_both_databases!(
    a_workspace_installs_tandem_and_its_own_token_is_used,
    a_slack_workspace_installs_tandem_sqlite,
    a_slack_workspace_installs_tandem_postgres
);

async fn socket_mode_reconnects_after_slack_asks_it_to(db: Db) {
    let w = SlackWorld::start(db, SlackVia::SocketMode).await;
    people(&w);
    w.command("U0ANA", ("C0STANDUP", "standup"), "help").await;
    assert_eq!(w.fake.socket_connections(), 1);
    w.fake.disconnect_all("refresh_requested");
    w.fake.wait_for_calls("apps.connections.open", 2).await;
    // Events still arrive, on the new connection.
    w.command("U0ANA", ("C0STANDUP", "standup"), "help").await;
    w.t.tick().await;
    let helps = w.fake.ephemerals_for("U0ANA");
    assert_eq!(helps.len(), 2, "{helps:#?}");
    assert_eq!(w.fake.socket_connections(), 1, "one connection, as configured");
}

on_both_databases!(
    socket_mode_reconnects_after_slack_asks_it_to,
    slack_socket_mode_reconnects_sqlite,
    slack_socket_mode_reconnects_postgres
);
