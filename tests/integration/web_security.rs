//! What an attacker tries against the web chat, and what they get: a page on another site
//! posting with a signed-in person's cookie, or signing a visitor in as someone.

use crate::drivers::web_chat::{Person, browser, sign_in};
use crate::helpers::{Db, TestApp};
use reqwest::header::{ACCEPT_LANGUAGE, ORIGIN, SET_COOKIE};

async fn holidays(t: &TestApp) -> Vec<chrono::NaiveDate> {
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    tandem::store::team::holidays(&mut c, t.team_id).await.expect("holidays")
}

/// A post to `path` from the evil site's page, with whatever cookies `p`'s browser holds.
async fn from_evil_site(p: &Person, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    let url = format!("{}{path}", p.base);
    p.client.post(url).header(ORIGIN, "https://evil.example").form(form).send().await.expect("post")
}

on_both_databases!(
    a_cross_site_post_with_the_pms_cookie_is_refused_and_adds_no_holiday,
    cross_site_post_on_sqlite,
    cross_site_post_on_postgres
);

async fn a_cross_site_post_with_the_pms_cookie_is_refused_and_adds_no_holiday(db: Db) {
    let t = TestApp::spawn(db).await;
    let team = t.channel_param("team").await;
    let paula = t.person("paula").await;
    let line = "/tandem holiday add 2026-12-24";
    let form = [("conv", team.as_str()), ("text", line), ("request_id", "evil-1")];
    let r = from_evil_site(&paula, "/chat/send", &form).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.expect("page").contains("did not come from this Tandem page"));
    // Even the right token does not carry a post from another site, nor one that says
    // nothing of where it comes from.
    let with_token = [("conv", team.as_str()), ("text", line), ("request_id", "evil-2"), ("csrf", &paula.csrf())];
    assert_eq!(from_evil_site(&paula, "/chat/send", &with_token).await.status(), 403);
    let bare = reqwest::Client::builder().cookie_store(true).build().expect("client");
    let r = bare.post(format!("{}/chat/send", t.base)).form(&with_token).send().await.expect("post");
    assert_eq!(r.status(), 403, "no Origin nor Referer");
    // From this site, a post without the page's token (or with another session's) is refused.
    let kenji = t.person("kenji").await;
    let forged = [("conv", team.as_str()), ("text", line), ("request_id", "evil-3"), ("csrf", &kenji.csrf())];
    let r = paula.client.post(format!("{}/chat/send", t.base)).form(&forged).send().await.expect("post");
    assert_eq!(r.status(), 403);
    let r = paula
        .client
        .post(format!("{}/chat/click", t.base))
        .header(ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9")
        .form(&[("conv", "dm"), ("action", "skip:1"), ("request_id", "evil-4")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(r.text().await.expect("page").contains("ne vient pas de cette page Tandem"), "in French");
    t.tick().await;
    assert!(holidays(&t).await.is_empty(), "no holiday was added");
    assert!(!paula.messages(&team).await.iter().any(|m| m["body"] == line), "nothing was posted");
    // Paula's own page still works.
    paula.say(&team, line).await;
    t.tick().await;
    assert_eq!(holidays(&t).await.len(), 1);
}

on_both_databases!(
    a_cross_site_login_is_refused_and_signs_nobody_in,
    cross_site_login_on_sqlite,
    cross_site_login_on_postgres
);

async fn a_cross_site_login_is_refused_and_signs_nobody_in(db: Db) {
    let t = TestApp::spawn(db).await;
    let ana = t.member_id("ana").await.to_string();
    let visitor = browser(&t.base);
    // The visitor has the login page open, so their browser holds its token's cookie.
    visitor.get(format!("{}/chat", t.base)).send().await.expect("page");
    let r = visitor
        .post(format!("{}/chat/login", t.base))
        .header(ORIGIN, "https://evil.example")
        .form(&[("member_id", ana.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert!(r.headers().get(SET_COOKIE).is_none(), "no session cookie");
    let r =
        visitor.post(format!("{}/chat/login", t.base)).form(&[("member_id", ana.as_str())]).send().await.expect("post");
    assert_eq!(r.status(), 403, "from this site but without the login form's token");
    let r = visitor.get(format!("{}/api/chat/messages", t.base)).send().await.expect("get");
    assert_eq!(r.status(), 401, "the visitor is signed in as nobody");
    assert!(sign_in(&visitor, &t.base, ana.parse().expect("id")).await.status().is_success(), "the real form works");
}

/// What the messages API answers a browser presenting only `cookie`.
async fn messages_with_cookie(t: &TestApp, cookie: &str) -> u16 {
    let r = reqwest::Client::new().get(format!("{}/api/chat/messages", t.base)).header("cookie", cookie);
    r.send().await.expect("get").status().as_u16()
}

on_both_databases!(
    after_switching_person_the_old_session_cookie_reads_nothing,
    logout_revokes_on_sqlite,
    logout_revokes_on_postgres
);

async fn after_switching_person_the_old_session_cookie_reads_nothing(db: Db) {
    let t = TestApp::spawn(db).await;
    let ana = t.person("ana").await;
    let old = format!("tandem_session={}", ana.cookie("tandem_session").expect("a session cookie"));
    assert_eq!(messages_with_cookie(&t, &old).await, 200);
    let r =
        ana.client.post(format!("{}/chat/logout", t.base)).form(&[("csrf", &ana.csrf())]).send().await.expect("out");
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(messages_with_cookie(&t, &old).await, 401, "the session ended at logout");
}

on_both_databases!(
    a_session_unused_for_12_hours_or_begun_7_days_ago_reads_nothing,
    sessions_expire_on_sqlite,
    sessions_expire_on_postgres
);

async fn a_session_unused_for_12_hours_or_begun_7_days_ago_reads_nothing(db: Db) {
    let t = TestApp::spawn(db).await;
    let (ana, kenji) = (t.person("ana").await, t.person("kenji").await);
    let cookie = |p: &Person| format!("tandem_session={}", p.cookie("tandem_session").expect("cookie"));
    let (ana, kenji) = (cookie(&ana), cookie(&kenji));
    // Both read 11 hours later; then Ana stops.
    t.clock.advance(chrono::Duration::hours(11));
    assert_eq!(messages_with_cookie(&t, &ana).await, 200);
    assert_eq!(messages_with_cookie(&t, &kenji).await, 200);
    t.clock.advance(chrono::Duration::hours(11));
    assert_eq!(messages_with_cookie(&t, &kenji).await, 200);
    t.clock.advance(chrono::Duration::hours(1));
    assert_eq!(messages_with_cookie(&t, &ana).await, 401, "twelve hours without use");
    // Kenji goes on reading every 10 hours, until a week after he signed in.
    let week = crate::helpers::monday_morning() + chrono::Duration::days(7);
    while tandem::clock::Clock::now(&t.clock) + chrono::Duration::hours(10) < week {
        t.clock.advance(chrono::Duration::hours(10));
        assert_eq!(messages_with_cookie(&t, &kenji).await, 200);
    }
    t.clock.advance(chrono::Duration::hours(10));
    assert_eq!(messages_with_cookie(&t, &kenji).await, 401, "seven days after signing in");
    t.app.housekeep().await.expect("housekeeping");
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let left: i64 = sqlx::Row::get(
        &sqlx::query("SELECT COUNT(*) FROM webchat_sessions").fetch_one(&mut *c).await.expect("count"),
        0,
    );
    assert_eq!(left, 0, "housekeeping forgets ended sessions");
}

on_both_databases!(
    a_copy_of_the_database_holds_no_session_token_that_signs_anyone_in,
    hashed_sessions_on_sqlite,
    hashed_sessions_on_postgres
);

async fn a_copy_of_the_database_holds_no_session_token_that_signs_anyone_in(db: Db) {
    let t = TestApp::spawn(db).await;
    let ana = t.person("ana").await;
    let token = ana.cookie("tandem_session").expect("cookie");
    let mut c = t.app.svc.store.pool.acquire().await.expect("conn");
    let rows = sqlx::query("SELECT token_sha256 FROM webchat_sessions").fetch_all(&mut *c).await.expect("rows");
    drop(c);
    assert_eq!(rows.len(), 1);
    let stored: String = sqlx::Row::get(&rows[0], 0);
    assert_ne!(stored, token, "the token itself is not kept");
    assert_eq!(
        messages_with_cookie(&t, &format!("tandem_session={stored}")).await,
        401,
        "what is kept signs nobody in"
    );
    assert_eq!(messages_with_cookie(&t, &format!("tandem_session={token}")).await, 200);
}

on_both_databases!(
    the_pages_and_exports_may_not_be_framed_sniffed_cached_or_run_inline_script,
    headers_on_sqlite,
    headers_on_postgres
);

async fn the_pages_and_exports_may_not_be_framed_sniffed_cached_or_run_inline_script(db: Db) {
    use base64::Engine;
    use sha2::Digest;
    let t = TestApp::spawn(db).await;
    let login = reqwest::get(format!("{}/chat", t.base)).await.expect("page");
    let h = login.headers().clone();
    let csp = h["content-security-policy"].to_str().expect("ascii").to_string();
    for part in ["default-src 'none'", "script-src 'self';", "frame-ancestors 'none'", "form-action 'self'"] {
        assert!(csp.contains(part), "{part} in {csp}");
    }
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    // The page's inline style is allowed by its hash; its script is a file.
    let page = login.text().await.expect("html");
    let css = page.split_once("<style>").and_then(|(_, r)| r.split_once("</style>")).expect("a style block").0;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    assert!(csp.contains(&format!("'sha256-{hash}'")), "{csp}");
    let ana = t.person("ana").await;
    let chat = ana.client.get(format!("{}/chat?conv=dm", t.base)).send().await.expect("page");
    assert_eq!(chat.headers()["cache-control"], "no-store");
    let chat = chat.text().await.expect("html");
    assert!(chat.contains(r#"<script src="/chat/chat.js""#) && !chat.contains("<script>"), "{chat}");
    let script = ana.client.get(format!("{}/chat/chat.js", t.base)).send().await.expect("script");
    assert_eq!(script.headers()["content-type"], "text/javascript; charset=utf-8");
    assert!(script.text().await.expect("js").contains("EventSource"));
    for path in
        ["/chat/messages?conv=dm", "/api/chat/messages?conv=dm", "/export/answers.csv?from=2026-11-23&to=2026-11-23"]
    {
        let r = ana.client.get(format!("{}{path}", t.base)).send().await.expect("get");
        assert_eq!(r.status(), 200, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-store", "{path}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
    }
}

on_both_databases!(
    a_form_with_a_newline_in_its_conversation_gets_a_400_page_in_the_readers_language_not_a_500,
    bad_forms_on_sqlite,
    bad_forms_on_postgres
);

async fn a_form_with_a_newline_in_its_conversation_gets_a_400_page_in_the_readers_language_not_a_500(db: Db) {
    let t = TestApp::spawn(db).await;
    let paula = t.person("paula").await;
    let token = paula.csrf();
    for conv in ["dm\n", "dm\x7f", "channel:1\r\nSet-Cookie: x=y", "channel:", "channel:abc", ""] {
        let fields = [("conv", conv), ("text", " "), ("request_id", "r1"), ("csrf", &token)];
        let r = paula.client.post(format!("{}/chat/send", t.base)).form(&fields).send().await.expect("post");
        assert_eq!(r.status(), 400, "{conv:?}");
        assert!(r.text().await.expect("page").contains("This form could not be read"), "{conv:?}");
        let clicked = [("conv", conv), ("action", "skip:1"), ("request_id", "r2"), ("csrf", &token)];
        let r = paula.client.post(format!("{}/chat/click", t.base)).form(&clicked).send().await.expect("post");
        assert_eq!(r.status(), 400, "click {conv:?}");
        let filled = [("conv", conv), ("submit", "x"), ("request_id", "r3"), ("csrf", &token)];
        let r = paula.client.post(format!("{}/chat/form", t.base)).form(&filled).send().await.expect("post");
        assert_eq!(r.status(), 400, "form {conv:?}");
    }
    // Without a session, and with a field missing, the page says the same, in French if asked.
    let visitor = browser(&t.base);
    for fields in [vec![("conv", "dm\n"), ("text", "")], vec![("conv", "dm"), ("text", "hi")]] {
        let r = visitor
            .post(format!("{}/chat/send", t.base))
            .header(ACCEPT_LANGUAGE, "fr")
            .form(&fields)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status(), 400, "{fields:?}");
        let page = r.text().await.expect("page");
        assert!(page.contains("Ce formulaire est illisible") && !page.contains("Failed to deserialize"), "{page}");
    }
    let r = visitor.post(format!("{}/chat/login", t.base)).form(&[("member_id", "paula")]).send().await.expect("post");
    assert_eq!(r.status(), 400, "a member id that is not a number");
    // A well-formed conversation still works.
    paula.say("dm", "/tandem help").await;
}

on_both_databases!(
    a_conversation_of_250_messages_shows_the_last_200_and_a_link_to_the_rest,
    bounded_history_on_sqlite,
    bounded_history_on_postgres
);

async fn a_conversation_of_250_messages_shows_the_last_200_and_a_link_to_the_rest(db: Db) {
    use tandem::store::webchat::{ConvKind, NewChatMessage};
    let t = TestApp::spawn(db).await;
    let ana = t.person("ana").await;
    let ana_id = t.member_id("ana").await;
    let extra = serde_json::json!({});
    let mut tx = t.app.svc.store.begin().await.expect("tx");
    for i in 0..250 {
        let body = format!("line {i:03}");
        let m = NewChatMessage {
            team_id: t.team_id,
            conv_kind: ConvKind::Dm,
            conv_id: ana_id,
            visible_to: None,
            author_member: Some(ana_id),
            body: &body,
            extra: &extra,
            thread_of: None,
            outbox_id: None,
        };
        tandem::store::webchat::insert(&mut tx, &m, crate::helpers::monday_morning()).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    let get = |path: String| {
        let client = ana.client.clone();
        async move { client.get(path).send().await.expect("page").text().await.expect("html") }
    };
    let page = get(format!("{}/chat?conv=dm", t.base)).await;
    assert_eq!(page.matches("<article").count(), 200);
    assert!(page.contains("line 249") && page.contains("line 050") && !page.contains("line 049"));
    let link = page.split_once(r#"<p class="older"><a href=""#).expect("a link to older messages").1;
    let link = link.split('"').next().expect("href").replace("&amp;", "&");
    assert!(link.starts_with("/chat?conv=dm&before="), "{link}");
    let older = get(format!("{}{link}", t.base)).await;
    assert_eq!(older.matches("<article").count(), 50);
    assert!(older.contains("line 000") && older.contains("line 049") && !older.contains("line 050"));
    assert!(!older.contains(r#"class="older""#), "nothing older than the first message");
    assert!(
        older.contains(&format!(r#"data-before="{}""#, link.rsplit('=').next().expect("id"))),
        "live refresh stays"
    );
    let fragment =
        get(format!("{}/chat/messages?conv=dm&before={}", t.base, link.rsplit('=').next().expect("id"))).await;
    assert_eq!(fragment.matches("<article").count(), 50);
}
