//! `PEOPLE` on Discord, behind the `Platform` vocabulary: each person is a Discord user
//! (an id, their name as username, a client locale from their language), each channel a
//! text channel of the fake's server; a command line goes as the typed options Discord's
//! client sends, a form is the modal a click was answered with, and a private answer is
//! the one made through the interaction's token.

use super::{DiscordVia, DiscordWorld, STANDUP, body_text, sub};
use crate::drivers::{Platform, channel_of, plain};
use crate::fakes::discord::{GUILD, user};

use crate::helpers::{Db, PEOPLE, TestApp};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Mutex;
use tandem::core::Locale;
use tandem::core::command::{Kind, Param, split_args, words};

/// The server's text channels, by name.
const CHANNELS: [(&str, &str); 2] = [("standup", STANDUP.0), ("team", "1300000000000000201")];

/// A modal a click was answered with: its custom id, the DM message it came from, its questions.
#[derive(Debug, Clone)]
struct Modal {
    custom_id: String,
    message_id: String,
    questions: Vec<String>,
}

/// Tandem on the fake Discord, with `PEOPLE` as users of its server.
pub struct Discord {
    pub w: DiscordWorld,
    modals: Mutex<HashMap<String, Modal>>,
    /// The token and acknowledgement of each person's last command.
    last_command: Mutex<HashMap<String, (String, Value)>>,
}

/// A person as the Discord driver names them: (user id, username, client locale).
/// `PEOPLE[i]` is `13000000000000003ii`.
fn user_of(who: &str) -> (String, &'static str, &'static str) {
    let i = PEOPLE.iter().position(|p| p.0 == who).unwrap_or_else(|| panic!("{who} is not one of PEOPLE"));
    let locale = match PEOPLE[i].4 {
        Locale::Fr => "fr",
        Locale::En => "en-US",
    };
    (format!("13000000000000003{i:02}"), PEOPLE[i].0, locale)
}

fn channel_id(name: &str) -> &'static str {
    CHANNELS.iter().find(|c| c.0 == name).map(|c| c.1).unwrap_or_else(|| panic!("no channel #{name} on the server"))
}

/// `/tandem standup create daily channel=#standup …` as Discord's client sends it: the
/// subcommand path, one typed option per argument, and the channels and users they name.
pub fn typed_options(line: &str) -> (Value, Value) {
    let words = words(line).unwrap_or_else(|e| panic!("{line:?} does not split: {e:?}"));
    let (_, meta) = tandem::service::registry::find_command(&words).unwrap_or_else(|| panic!("no command {line:?}"));
    let args = split_args(&words[meta.words.len()..]);
    // A parameter that takes the remaining words gets them as one value, as typed.
    let mut words_left = args.positional.iter();
    let mut positional = Vec::new();
    for p in meta.params.iter().filter(|p| p.positional) {
        let value = if p.rest {
            words_left.by_ref().cloned().collect::<Vec<_>>().join(" ")
        } else {
            words_left.next().cloned().unwrap_or_default()
        };
        if !value.is_empty() {
            positional.push((p, value));
        }
    }
    let positional = positional.iter().map(|(p, v)| (*p, v));
    let named = args.options.iter().map(|(name, value)| {
        let p = meta.param(name).unwrap_or_else(|| panic!("{:?} has no option {name}", meta.words));
        (p, value)
    });
    let (mut channels, mut users) = (Map::new(), Map::new());
    let mut options = Vec::new();
    for (p, value) in positional.chain(named) {
        options.push(option(p, value, &mut channels, &mut users));
    }
    let mut resolved = Map::new();
    if !channels.is_empty() {
        resolved.insert("channels".into(), Value::Object(channels));
    }
    if !users.is_empty() {
        resolved.insert("users".into(), Value::Object(users));
    }
    let resolved = if resolved.is_empty() { Value::Null } else { Value::Object(resolved) };
    (sub(meta.words, json!(options)), resolved)
}

/// One option, typed as `/tandem` registers it (`discord::commands`).
fn option(p: &Param, value: &str, channels: &mut Map<String, Value>, users: &mut Map<String, Value>) -> Value {
    let (kind, value) = match p.kind {
        Kind::Text | Kind::Name | Kind::Choice(_) => (3, json!(value)),
        Kind::Integer(..) => (4, json!(value.parse::<i64>().unwrap_or_else(|_| panic!("{} is a number", p.name)))),
        Kind::Boolean => (5, json!(matches!(value, "yes" | "oui" | "true"))),
        Kind::Channel => {
            let name = value.trim_start_matches('#');
            let id = channel_id(name);
            let channel = json!({ "id": id, "name": name, "type": 0, "permissions": "2248473465835073",
                                  "flags": 0, "parent_id": null, "guild_id": GUILD });
            channels.insert(id.into(), channel);
            (7, json!(id))
        }
        Kind::Member => {
            let (id, username, _) = user_of(value.trim_start_matches('@'));
            users.insert(id.clone(), user(&id, username));
            (6, json!(id))
        }
    };
    json!({ "name": p.name, "type": kind, "value": value })
}

impl Discord {
    pub async fn start(db: Db, via: DiscordVia) -> Discord {
        let w = DiscordWorld::start(db, via).await;
        Discord { w, modals: Mutex::default(), last_command: Mutex::default() }
    }

    pub async fn over_the_gateway(db: Db) -> Discord {
        Discord::start(db, DiscordVia::Gateway).await
    }
}

/// The latest DM message holding a choice form: its id and its select menus.
fn choice_message(messages: &[Value]) -> (String, Vec<Value>) {
    let selects = |m: &Value| -> Vec<Value> {
        let rows = m["components"].as_array().cloned().unwrap_or_default();
        rows.iter()
            .flat_map(|r| r["components"].as_array().cloned().unwrap_or_default())
            .filter(|c| c["type"] == 3)
            .collect()
    };
    messages
        .iter()
        .rev()
        .find(|m| !selects(m).is_empty())
        .map(|m| (m["id"].as_str().unwrap_or_default().to_string(), selects(m)))
        .unwrap_or_else(|| panic!("no choice form in {messages:#?}"))
}

impl Platform for Discord {
    fn app(&self) -> &TestApp {
        &self.w.t
    }

    async fn command(&self, who: &str, place: &str, line: &str) {
        let (id, name, locale) = user_of(who);
        let channel = channel_of(place).map(|name| (channel_id(name), name));
        let (options, resolved) = typed_options(line);
        let answer = self.w.command((&id, name, locale), channel, options, resolved).await;
        self.last_command.lock().expect("commands").insert(who.to_string(), answer);
    }

    async fn say_in_dm(&self, who: &str, text: &str) {
        let (id, name, locale) = user_of(who);
        self.w.dm((&id, name, locale), text).await;
        self.tick().await;
    }

    /// A click in a server channel is acknowledged silently (type 6); its answer is a
    /// private followup through the interaction's token.
    async fn click_in(&self, who: &str, channel: &str, prefix: &str) {
        let (id, name, locale) = user_of(who);
        let channel_name = channel_of(channel).expect("a channel");
        let channel = channel_id(channel_name);
        let (custom_id, message_id) = self.w.button_in(channel, prefix);
        let interaction = super::unique_id();
        let p = crate::fakes::discord::channel_button_interaction(
            &interaction,
            (&id, name, locale),
            (channel, channel_name),
            &custom_id,
            &message_id,
        );
        let answer = self.w.interaction(p).await;
        self.last_command.lock().expect("commands").insert(who.to_string(), (format!("tok-{interaction}"), answer));
        self.tick().await;
    }

    async fn click(&self, who: &str, prefix: &str) {
        let (id, name, locale) = user_of(who);
        let person = (id.as_str(), name, locale);
        let (custom_id, message_id) = self.w.button(person, prefix);
        let answer = self.w.click(person, &custom_id, &message_id).await;
        // A modal is the answer to the click itself (type 9).
        if answer["type"] == 9 {
            let rows = answer["data"]["components"].as_array().cloned().unwrap_or_default();
            let label = |row: &Value| row["components"][0]["label"].as_str().unwrap_or_default().to_string();
            let questions = rows.iter().map(label).collect();
            let custom_id = answer["data"]["custom_id"].as_str().unwrap_or_default().to_string();
            let modal = Modal { custom_id, message_id, questions };
            self.modals.lock().expect("modals").insert(who.to_string(), modal);
        }
        self.tick().await;
    }

    async fn form_questions(&self, who: &str) -> Vec<String> {
        let modals = self.modals.lock().expect("modals");
        modals.get(who).map(|m| m.questions.clone()).unwrap_or_else(|| panic!("no modal open for {who}"))
    }

    async fn submit_form(&self, who: &str, values: &[&str]) {
        let (id, name, locale) = user_of(who);
        let modal = self.modals.lock().expect("modals").remove(who);
        let modal = modal.unwrap_or_else(|| panic!("no modal open for {who}"));
        self.w.submit((&id, name, locale), &modal.custom_id, values, Some(&modal.message_id)).await;
        self.tick().await;
    }

    async fn dm_texts(&self, who: &str) -> Vec<String> {
        let (id, name, locale) = user_of(who);
        self.w.dm_texts((&id, name, locale)).iter().map(|t| plain(t)).collect()
    }

    async fn channel_texts(&self, channel: &str) -> Vec<String> {
        let name = channel_of(channel).expect("a channel");
        self.w.texts(channel_id(name)).iter().map(|t| plain(t)).collect()
    }

    /// Attachments of the posts, with the bytes the fake received for them.
    async fn channel_images(&self, channel: &str) -> Vec<(String, Vec<u8>)> {
        let name = channel_of(channel).expect("a channel");
        let messages = self.w.fake.messages_in(channel_id(name));
        let attachments = messages.iter().flat_map(|m| m["attachments"].as_array().cloned().unwrap_or_default());
        attachments
            .map(|a| {
                let id = a["id"].as_str().expect("an attachment id");
                let bytes = self.w.fake.attachment_bytes(id).expect("the attachment's bytes");
                (a["description"].as_str().unwrap_or_default().to_string(), bytes)
            })
            .collect()
    }

    async fn choice_form(&self, who: &str) -> Vec<(String, Vec<String>)> {
        let (id, ..) = user_of(who);
        let dm = crate::fakes::discord::dm_channel_for(&id);
        let (_, selects) = choice_message(&self.w.fake.messages_in(&dm));
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        selects
            .iter()
            .map(|s| {
                let options = s["options"].as_array().cloned().unwrap_or_default();
                (text(&s["placeholder"]), options.iter().map(|o| text(&o["label"])).collect())
            })
            .collect()
    }

    /// Each pick is a select interaction (Tandem redraws the message with it); then the
    /// submit button is clicked.
    async fn choose_and_submit(&self, who: &str, picks: &[&[&str]]) {
        let (id, name, locale) = user_of(who);
        let dm = crate::fakes::discord::dm_channel_for(&id);
        let (message, selects) = choice_message(&self.w.fake.messages_in(&dm));
        for (s, labels) in selects.iter().zip(picks) {
            let values: Vec<Value> = s["options"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|o| labels.contains(&o["label"].as_str().unwrap_or_default()))
                .map(|o| o["value"].clone())
                .collect();
            let custom_id = s["custom_id"].as_str().unwrap_or_default();
            let mut p = crate::fakes::discord::button_interaction(
                &super::unique_id(),
                &id,
                name,
                locale,
                &dm,
                custom_id,
                &message,
            );
            p["data"] = json!({ "custom_id": custom_id, "component_type": 3, "values": values, "id": 1 });
            let answer = self.w.interaction(p).await;
            assert_eq!(answer["type"], 7, "a pick redraws the message: {answer:#}");
        }
        let (submit, message) = self.w.button((&id, name, locale), tandem::core::effect::CHOICE_SUBMIT_PREFIX);
        self.w.click((&id, name, locale), &submit, &message).await;
        self.tick().await;
    }

    /// Private on Discord means through the interaction: acknowledged with an ephemeral
    /// placeholder (type 5, flag 64), which the first answer replaces; later ones are
    /// ephemeral followups.
    async fn ephemeral_for(&self, who: &str) -> String {
        let last = self.last_command.lock().expect("commands").get(who).cloned();
        let (token, ack) = last.unwrap_or_else(|| panic!("{who} has typed no command"));
        let silent = ack["type"].as_i64() == Some(6);
        assert!(
            silent || (ack["type"].as_i64(), ack["data"]["flags"].as_i64()) == (Some(5), Some(64)),
            "private: {ack:#}"
        );
        let followups = self.w.fake.followups(&token);
        let text = match followups.last() {
            Some(f) => {
                assert_eq!(f["flags"].as_i64().map(|flags| flags & 64), Some(64), "an ephemeral followup: {f:#}");
                body_text(f)
            }
            None => self.w.private_answer(&token),
        };
        plain(&text)
    }

    async fn private_answers(&self, who: &str) -> Vec<String> {
        let last = self.last_command.lock().expect("commands").get(who).cloned();
        let (token, _) = last.unwrap_or_else(|| panic!("{who} has typed no command"));
        let first = self.w.private_answer(&token);
        let followups = self.w.fake.followups(&token).iter().map(body_text).collect::<Vec<_>>();
        std::iter::once(first).chain(followups).map(|t| plain(&t)).collect()
    }
}
