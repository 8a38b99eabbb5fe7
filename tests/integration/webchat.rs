//! The built-in web chat as a browser sees it: pick who you are, read, click, stay live.

use crate::helpers::{Db, TestApp};

on_both_databases!(the_chat_page_shows_people_messages_buttons_and_streams_changes, page_on_sqlite, page_on_postgres);

async fn the_chat_page_shows_people_messages_buttons_and_streams_changes(db: Db) {
    let t = TestApp::spawn(db).await;
    let login = reqwest::get(format!("{}/chat", t.base)).await.expect("get").text().await.expect("html");
    for name in ["Paula", "Olivier", "Ana", "Kenji", "Léa"] {
        assert!(login.contains(&format!("<button>{name}</button>")), "the login page offers {name}");
    }
    let team = t.channel_param("team").await;
    t.person("olivier")
        .await
        .say(&team, r#"/tandem standup create daily channel=team schedule="30 9 * * *" members=ana"#)
        .await;
    t.at("2026-11-23T08:30:00Z".parse().expect("instant")).await;

    let ana = t.person("ana").await;
    let page =
        ana.client.get(format!("{}/chat?conv=dm", t.base)).send().await.expect("get").text().await.expect("html");
    assert!(page.contains("Time for <strong>daily</strong>"), "markup is rendered");
    assert!(page.contains(r#"name="action" value="skip:"#) && page.contains("<button>Skip today</button>"));
    assert!(page.contains("# team"), "channels are listed");

    // The live stream says "ready", then "changed" when a new message lands.
    let mut events = ana.client.get(format!("{}/chat/events", t.base)).send().await.expect("sse");
    assert_eq!(events.headers()["content-type"], "text/event-stream");
    let first = String::from_utf8_lossy(&events.chunk().await.expect("chunk").expect("data")).into_owned();
    assert!(first.contains("event: ready"), "{first}");
    ana.say("dm", "Reviewed the roadmap").await;
    t.tick().await;
    let next = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        loop {
            let chunk = events.chunk().await.expect("chunk").expect("data");
            let text = String::from_utf8_lossy(&chunk).into_owned();
            if text.contains("event: changed") {
                return text;
            }
        }
    })
    .await
    .expect("a change event within the polling interval");
    assert!(next.contains("event: changed"));
    let health = reqwest::get(format!("{}/healthz", t.base)).await.expect("health");
    assert_eq!(health.status(), 200);
}
