//! The web chat speaks its reader's language: the sign-in page, roles, headings, times and
//! what an empty conversation says.

use crate::helpers::{Db, TestApp};

on_both_databases!(
    the_web_chat_speaks_french_to_a_french_reader_from_the_sign_in_page_on,
    web_chat_in_french_on_sqlite,
    web_chat_in_french_on_postgres
);

async fn the_web_chat_speaks_french_to_a_french_reader_from_the_sign_in_page_on(db: Db) {
    let t = TestApp::spawn(db).await;
    let page = reqwest::Client::new()
        .get(format!("{}/chat", t.base))
        .header("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.8")
        .send()
        .await
        .expect("sign-in page")
        .text()
        .await
        .expect("body");
    assert!(page.contains(r#"<html lang="fr">"#) && page.contains("Choisissez qui vous êtes"), "{page}");
    assert!(page.contains("Développeur·se") && !page.contains("<small>developer"), "roles as words: {page}");

    // Léa (French) opens the empty #team: it says what will appear there, in French.
    let lea = t.person("lea").await;
    let team = t.channel_param("team").await;
    let html = |conv: String| {
        let client = lea.client.clone();
        let base = t.base.clone();
        async move { client.get(format!("{base}/chat?conv={conv}")).send().await.expect("page").text().await.expect("body") }
    };
    let page = html(team.clone()).await;
    assert!(page.contains("Messages privés") && !page.contains("<h2>DM</h2>"), "{page}");
    assert!(page.contains("Rien ici pour l&#x27;instant. Les rapports de stand-up arrivent ici"), "{page}");

    // A line from yesterday shows its date; today's only its time.
    lea.say(&team, "Bonjour l'équipe").await;
    t.tick().await;
    assert!(html(team.clone()).await.contains("<time>08:00</time>"), "today: the time alone");
    t.clock.advance(chrono::Duration::days(1));
    // A day later her session has lapsed: she signs in again, as a person would.
    let lea = t.person("lea").await;
    let page = lea.client.get(format!("{}/chat?conv={team}", t.base)).send().await.expect("page");
    assert!(page.text().await.expect("body").contains("<time>2026-11-23 08:00</time>"), "yesterday: with its date");
}
