//! `PEOPLE` on Slack, behind the `Platform` vocabulary: each person is a Slack user the
//! fake knows (`U0ANA`: name, real name, zone, language), each channel a Slack channel
//! (`#standup` is `C0STANDUP`); a command's `#channel` and `@name` go as Slack's references,
//! and a form is the modal a click opened.

use super::SlackWorld;
use crate::drivers::{Platform, channel_of, person, plain};
use crate::helpers::{Db, PEOPLE, SlackVia, TestApp};
use std::collections::HashMap;
use std::sync::Mutex;
use tandem::core::Locale;

/// Tandem on the fake Slack, with `PEOPLE` as users of its workspace.
pub struct Slack {
    pub w: SlackWorld,
    /// The callback id and questions of the modal each person's last click opened.
    forms: Mutex<HashMap<String, (String, Vec<String>)>>,
    /// The Slack channel of each person's last command.
    last_place: Mutex<HashMap<String, String>>,
}

/// `ana` → `U0ANA`.
pub fn user_id(who: &str) -> String {
    format!("U0{}", person(who).0.to_uppercase())
}

/// `standup` → `C0STANDUP`.
pub fn channel_id(name: &str) -> String {
    format!("C0{}", name.to_uppercase())
}

/// A command's text as Slack sends it with escaping on (the app manifest's
/// `should_escape`): `#standup` → `<#C0STANDUP|standup>`, `@ana` → `<@U0ANA>`.
fn references(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(['#', '@']) {
        out.push_str(&rest[..at]);
        let (sigil, after) = rest[at..].split_at(1);
        let end = after.find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')).unwrap_or(after.len());
        let name = &after[..end];
        let known = PEOPLE.iter().any(|p| p.0 == name);
        match sigil {
            "#" if !name.is_empty() => out.push_str(&format!("<#{}|{name}>", channel_id(name))),
            "@" if known => out.push_str(&format!("<@{}>", user_id(name))),
            _ => out.push_str(&rest[at..at + 1 + end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

impl Slack {
    pub async fn start(db: Db, via: SlackVia) -> Slack {
        let w = SlackWorld::start(db, via).await;
        for (name, display_name, _, tz, locale) in PEOPLE {
            let locale = match locale {
                Locale::Fr => "fr-FR",
                Locale::En => "en-US",
            };
            w.fake.add_user(&user_id(name), name, display_name, tz, locale);
        }
        Slack { w, forms: Mutex::default(), last_place: Mutex::default() }
    }

    pub async fn over_socket_mode(db: Db) -> Slack {
        Slack::start(db, SlackVia::SocketMode).await
    }

    fn dm(&self, who: &str) -> String {
        self.w.fake.dm_channel_of(&user_id(who))
    }
}

/// The latest DM message holding a choice form: its ts and its selects' sections.
fn choice_message(messages: &[serde_json::Value]) -> (String, Vec<serde_json::Value>) {
    let selects = |m: &serde_json::Value| -> Vec<serde_json::Value> {
        let blocks = m["blocks"].as_array().cloned().unwrap_or_default();
        blocks.into_iter().filter(|b| b["accessory"]["type"].as_str().is_some_and(|t| t.ends_with("select"))).collect()
    };
    messages
        .iter()
        .rev()
        .find(|m| !selects(m).is_empty())
        .map(|m| (m["ts"].as_str().unwrap_or_default().to_string(), selects(m)))
        .unwrap_or_else(|| panic!("no choice form in {messages:#?}"))
}

impl Platform for Slack {
    fn app(&self) -> &TestApp {
        &self.w.t
    }

    async fn command(&self, who: &str, place: &str, line: &str) {
        let (channel, name) = match channel_of(place) {
            Some(name) => (channel_id(name), name.to_string()),
            None => (self.dm(who), "directmessage".to_string()),
        };
        let text = line.strip_prefix("/tandem").unwrap_or(line).trim();
        self.w.command(&user_id(who), (&channel, &name), &references(text)).await;
        self.last_place.lock().expect("places").insert(who.to_string(), channel);
        self.tick().await;
    }

    async fn say_in_dm(&self, who: &str, text: &str) {
        self.w.dm(&user_id(who), text).await;
        self.tick().await;
    }

    async fn click_in(&self, who: &str, channel: &str, prefix: &str) {
        let channel = channel_id(channel_of(channel).expect("a channel"));
        let action = self.w.button(&channel, prefix);
        self.w.click(&user_id(who), &channel, &action).await;
        self.last_place.lock().expect("places").insert(who.to_string(), channel);
        self.tick().await;
    }

    async fn click(&self, who: &str, prefix: &str) {
        let dm = self.dm(who);
        let action = self.w.button(&dm, prefix);
        let before = self.w.fake.views().len();
        self.w.click(&user_id(who), &dm, &action).await;
        // A modal opens before the click is acknowledged: it is there now, or not at all.
        let views = self.w.fake.views();
        if let Some(modal) = views[before..].iter().find(|v| v["method"] == "views.open") {
            let blocks = modal["view"]["blocks"].as_array().cloned().unwrap_or_default();
            let inputs = blocks.iter().filter(|b| b["type"] == "input");
            let questions = inputs.map(|b| b["label"]["text"].as_str().unwrap_or_default().to_string()).collect();
            let form = (super::callback_of(modal), questions);
            self.forms.lock().expect("forms").insert(who.to_string(), form);
        }
        self.tick().await;
    }

    async fn form_questions(&self, who: &str) -> Vec<String> {
        let forms = self.forms.lock().expect("forms");
        forms.get(who).map(|(_, questions)| questions.clone()).unwrap_or_else(|| panic!("no modal open for {who}"))
    }

    async fn submit_form(&self, who: &str, values: &[&str]) {
        let form = self.forms.lock().expect("forms").remove(who);
        let (callback, _) = form.unwrap_or_else(|| panic!("no modal open for {who}"));
        self.w.submit(&user_id(who), &callback, values).await;
        self.tick().await;
    }

    async fn dm_texts(&self, who: &str) -> Vec<String> {
        self.w.texts(&self.dm(who)).iter().map(|t| plain(t)).collect()
    }

    async fn channel_texts(&self, channel: &str) -> Vec<String> {
        let name = channel_of(channel).expect("a channel");
        self.w.texts(&channel_id(name)).iter().map(|t| plain(t)).collect()
    }

    /// Image blocks point at uploaded files; the bytes are the file's.
    async fn channel_images(&self, channel: &str) -> Vec<(String, Vec<u8>)> {
        let name = channel_of(channel).expect("a channel");
        let messages = self.w.fake.messages_in(&channel_id(name));
        let blocks = messages.iter().flat_map(|m| m["blocks"].as_array().cloned().unwrap_or_default());
        blocks
            .filter(|b| b["type"] == "image")
            .map(|b| {
                let id = b["slack_file"]["id"].as_str().expect("an uploaded file");
                let bytes = self.w.fake.file_bytes(id).unwrap_or_else(|| panic!("file {id} was never uploaded"));
                (b["alt_text"].as_str().unwrap_or_default().to_string(), bytes)
            })
            .collect()
    }

    async fn choice_form(&self, who: &str) -> Vec<(String, Vec<String>)> {
        let (_, sections) = choice_message(&self.w.fake.messages_in(&self.dm(who)));
        let text = |v: &serde_json::Value| plain(v.as_str().unwrap_or_default());
        sections
            .iter()
            .map(|s| {
                let options = s["accessory"]["options"].as_array().cloned().unwrap_or_default();
                (text(&s["text"]["text"]), options.iter().map(|o| text(&o["text"]["text"])).collect())
            })
            .collect()
    }

    /// Picks change the message's state; the submit button's click carries it.
    async fn choose_and_submit(&self, who: &str, picks: &[&[&str]]) {
        let dm = self.dm(who);
        let (ts, sections) = choice_message(&self.w.fake.messages_in(&dm));
        let mut state = serde_json::Map::new();
        for (s, labels) in sections.iter().zip(picks) {
            let kind = s["accessory"]["type"].as_str().unwrap_or_default();
            let chosen: Vec<serde_json::Value> = s["accessory"]["options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|o| labels.contains(&o["text"]["text"].as_str().unwrap_or_default()))
                .cloned()
                .collect();
            let value = match kind {
                "multi_static_select" => serde_json::json!({ "type": kind, "selected_options": chosen }),
                _ => serde_json::json!({ "type": kind, "selected_option": chosen.first() }),
            };
            let block = s["block_id"].as_str().unwrap_or_default().to_string();
            state.insert(block, serde_json::json!({ "answer": value }));
        }
        let submit = self.w.button(&dm, tandem::core::effect::CHOICE_SUBMIT_PREFIX);
        self.w.click_with_state(&user_id(who), &dm, &ts, &submit, serde_json::Value::Object(state)).await;
        self.tick().await;
    }

    async fn ephemeral_for(&self, who: &str) -> String {
        let place = self.last_place.lock().expect("places").get(who).cloned();
        let place = place.unwrap_or_else(|| panic!("{who} has typed no command"));
        // In the DM, what only they see is a message of the DM.
        if place == self.dm(who) {
            return self.last_dm(who).await;
        }
        let shown = self.w.fake.ephemerals_for(&user_id(who));
        let last = shown.iter().rev().find(|e| e["channel"] == place.as_str());
        plain(last.and_then(|e| e["text"].as_str()).unwrap_or_default())
    }

    async fn private_answers(&self, who: &str) -> Vec<String> {
        let place = self.last_place.lock().expect("places").get(who).cloned();
        let place = place.unwrap_or_else(|| panic!("{who} has typed no command"));
        if place == self.dm(who) {
            return self.dm_texts(who).await;
        }
        let shown = self.w.fake.ephemerals_for(&user_id(who));
        let here = shown.iter().filter(|e| e["channel"] == place.as_str());
        here.map(|e| plain(e["text"].as_str().unwrap_or_default())).collect()
    }
}

#[test]
fn channels_and_people_in_a_command_go_as_slack_references() {
    assert_eq!(
        references("standup create daily channel=#standup members=@ana,lea"),
        "standup create daily channel=<#C0STANDUP|standup> members=<@U0ANA>,lea"
    );
    assert_eq!(references("@nobody 50%#"), "@nobody 50%#");
}
