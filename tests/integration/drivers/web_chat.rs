//! People on the web chat, as a browser would be: `Person` signs in, posts lines, clicks
//! and forms (each post with the page's form token and the site's `Origin`), and reads a
//! conversation's JSON; `WebChat` is the team of `PEOPLE` behind the `Platform` vocabulary.

use super::{Platform, channel_of, plain};
use crate::helpers::{Db, PEOPLE, TestApp};
use reqwest::cookie::{CookieStore, Jar};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A browser on the web chat: it keeps cookies and says where its posts come from.
pub fn browser(base: &str) -> reqwest::Client {
    browser_and_jar(base).0
}

/// A browser and its cookie jar, to read what it holds.
fn browser_and_jar(base: &str) -> (reqwest::Client, Arc<Jar>) {
    let jar = Arc::new(Jar::default());
    let mut origin = reqwest::header::HeaderMap::new();
    origin.insert(reqwest::header::ORIGIN, base.parse().expect("origin"));
    let client = reqwest::Client::builder().cookie_provider(jar.clone()).default_headers(origin).build();
    (client.expect("client"), jar)
}

/// The form token of the page at `url`, as its hidden `csrf` fields hold it.
pub async fn form_token(client: &reqwest::Client, url: &str) -> String {
    let page = client.get(url).send().await.expect("page").text().await.expect("html");
    let (_, rest) = page.split_once(r#"name="csrf" value=""#).unwrap_or_else(|| panic!("no form token in {page}"));
    rest.split('"').next().unwrap_or_default().to_string()
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Sign `client` in as the member `id` through the login page, as a browser does.
pub async fn sign_in(client: &reqwest::Client, base: &str, id: i64) -> reqwest::Response {
    let token = form_token(client, &format!("{base}/chat")).await;
    let form = [("member_id", id.to_string()), ("csrf", token)];
    client.post(format!("{base}/chat/login")).form(&form).send().await.expect("login")
}

impl TestApp {
    /// Sign in to the web chat as `name`.
    pub async fn person(&self, name: &str) -> Person {
        let (client, jar) = browser_and_jar(&self.base);
        let p = Person {
            client,
            base: self.base.clone(),
            member_id: self.member_id(name).await,
            csrf: Mutex::default(),
            jar,
        };
        p.sign_in().await;
        p
    }
}

/// Someone using the web chat in a browser.
pub struct Person {
    pub client: reqwest::Client,
    pub base: String,
    member_id: i64,
    /// The form token the pages give this person's session.
    csrf: Mutex<String>,
    jar: Arc<Jar>,
}

/// A fresh request id, as the page puts in each form it posts (a resend repeats it).
pub fn request_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

impl Person {
    /// Pick who you are on the login page, and keep the form token the chat page gives.
    async fn sign_in(&self) {
        let r = sign_in(&self.client, &self.base, self.member_id).await;
        assert!(r.status().is_success(), "login as member {}: {}", self.member_id, r.status());
        *self.csrf.lock().expect("token") = form_token(&self.client, &format!("{}/chat", self.base)).await;
    }

    /// The form token of this person's session, as the page's hidden fields hold it.
    pub fn csrf(&self) -> String {
        self.csrf.lock().expect("token").clone()
    }

    /// The value of a cookie this person's browser holds for the web chat.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let url = format!("{}/chat", self.base).parse().expect("url");
        let all = self.jar.cookies(&url)?;
        let all = all.to_str().expect("ascii").to_string();
        all.split("; ").find_map(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_string)
    }

    /// Post a page's form with its token. Someone back after their session ended (12 hours
    /// unused, a week old: days pass in scenarios) sees the login page and signs in again.
    pub async fn post(&self, path: &str, fields: &[(String, String)]) -> reqwest::Response {
        for again in [false, true] {
            let mut form = fields.to_vec();
            form.push(("csrf".into(), self.csrf()));
            let r = self.client.post(format!("{}{path}", self.base)).form(&form).send().await.expect("post");
            if r.status() != 401 || again {
                return r;
            }
            self.sign_in().await;
        }
        unreachable!("the loop returns")
    }

    /// Type `text` in a conversation (`dm` or `channel:ID`), with a fresh request id.
    pub async fn say(&self, conv: &str, text: &str) {
        self.say_with_id(conv, text, &request_id()).await;
    }

    pub async fn say_with_id(&self, conv: &str, text: &str, id: &str) {
        let r = self.post("/chat/send", &pairs(&[("conv", conv), ("text", text), ("request_id", id)])).await;
        assert!(r.status().is_success(), "send {text:?}: {}", r.status());
    }

    pub async fn click(&self, conv: &str, action: &str) {
        let r = self
            .post("/chat/click", &pairs(&[("conv", conv), ("action", action), ("request_id", &request_id())]))
            .await;
        assert!(r.status().is_success(), "click {action}: {}", r.status());
    }

    pub async fn submit_form(&self, conv: &str, submit: &str, values: &[&str]) {
        let mut fields = pairs(&[("conv", conv), ("submit", submit), ("request_id", &request_id())]);
        for (i, v) in values.iter().enumerate() {
            fields.push((format!("v{i}"), v.to_string()));
        }
        let r = self.post("/chat/form", &fields).await;
        assert!(r.status().is_success(), "form {submit}: {}", r.status());
    }

    /// The conversation as this person sees it, oldest first.
    pub async fn messages(&self, conv: &str) -> Vec<Value> {
        for again in [false, true] {
            let url = format!("{}/api/chat/messages", self.base);
            let r = self.client.get(url).query(&[("conv", conv)]).send().await.expect("messages");
            if r.status() == 401 && !again {
                self.sign_in().await;
                continue;
            }
            assert!(r.status().is_success(), "messages: {}", r.status());
            return r.json().await.expect("json");
        }
        unreachable!("the loop returns")
    }

    /// Bodies of the bot's messages in a conversation.
    pub async fn bot_lines(&self, conv: &str) -> Vec<String> {
        self.messages(conv)
            .await
            .iter()
            .filter(|m| m["author_member"].is_null())
            .map(|m| m["body"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The bot's last message in a conversation.
    pub async fn last_bot(&self, conv: &str) -> String {
        self.bot_lines(conv).await.pop().unwrap_or_default()
    }

    /// The latest button whose action starts with `prefix` (`skip:`, `form:`, `resolve:`),
    /// with its label: buttons are found by what they do, whatever the person's language.
    pub async fn button(&self, conv: &str, prefix: &str) -> (String, String) {
        let msgs = self.messages(conv).await;
        msgs.iter()
            .rev()
            .flat_map(|m| m["extra"]["buttons"].as_array().cloned().unwrap_or_default())
            .find(|b| b["action"].as_str().is_some_and(|a| a.starts_with(prefix)))
            .map(|b| {
                (
                    b["action"].as_str().unwrap_or_default().to_string(),
                    b["label"].as_str().unwrap_or_default().to_string(),
                )
            })
            .unwrap_or_else(|| panic!("no {prefix} button in {conv}: {msgs:#?}"))
    }

    /// The latest form offered in a conversation: (submit action, current values).
    pub async fn form(&self, conv: &str) -> (String, Vec<String>) {
        let (submit, fields) = self.form_fields(conv).await;
        (submit, fields.into_iter().map(|(_, value)| value).collect())
    }

    /// The latest form offered in a conversation: (submit action, (label, value) per field).
    pub async fn form_fields(&self, conv: &str) -> (String, Vec<(String, String)>) {
        let msgs = self.messages(conv).await;
        let form = msgs.iter().rev().find_map(|m| m["extra"]["form"].as_object().cloned()).expect("a form");
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let fields = form["fields"].as_array().expect("fields").iter().map(|f| (text(&f["label"]), text(&f["value"])));
        (form["submit"].as_str().expect("submit").to_string(), fields.collect())
    }
}

/// Tandem's web chat with team "acme" and `PEOPLE` signed in.
pub struct WebChat {
    t: TestApp,
    people: HashMap<&'static str, Person>,
    /// Where each person typed their last command (`dm`, `channel:ID`).
    last_place: Mutex<HashMap<String, String>>,
}

impl WebChat {
    pub async fn start(db: Db) -> WebChat {
        let t = TestApp::spawn(db).await;
        let mut people = HashMap::new();
        for (name, ..) in PEOPLE {
            people.insert(name, t.person(name).await);
        }
        WebChat { t, people, last_place: Mutex::default() }
    }

    fn person(&self, who: &str) -> &Person {
        self.people.get(who).unwrap_or_else(|| panic!("{who} is not on the web chat"))
    }

    /// The web chat's name for a place: `dm`, or `channel:ID` (the channel made if new).
    async fn conv(&self, place: &str) -> String {
        match channel_of(place) {
            None => "dm".to_string(),
            Some(name) => self.t.channel_param(name).await,
        }
    }
}

/// Messages from the bot (no author), for everyone or for the viewer only.
fn from_bot(messages: Vec<Value>, private: bool) -> Vec<String> {
    messages
        .into_iter()
        .filter(|m| m["author_member"].is_null() && m["visible_to"].is_null() != private)
        .map(|m| plain(m["body"].as_str().unwrap_or_default()))
        .collect()
}

/// The latest form of choice fields in a conversation's messages.
fn choice_form_of(messages: &[Value]) -> Value {
    let has_options = |f: &Value| f["fields"].as_array().is_some_and(|fs| fs.iter().all(|x| x["options"].is_array()));
    messages
        .iter()
        .rev()
        .map(|m| m["extra"]["form"].clone())
        .find(has_options)
        .unwrap_or_else(|| panic!("no choice form in {messages:#?}"))
}

impl Platform for WebChat {
    fn app(&self) -> &TestApp {
        &self.t
    }

    async fn command(&self, who: &str, place: &str, line: &str) {
        let conv = self.conv(place).await;
        self.person(who).say(&conv, line).await;
        self.last_place.lock().expect("places").insert(who.to_string(), conv);
        self.tick().await;
    }

    async fn say_in_dm(&self, who: &str, text: &str) {
        self.person(who).say("dm", text).await;
        self.tick().await;
    }

    async fn click(&self, who: &str, prefix: &str) {
        let p = self.person(who);
        let (action, _) = p.button("dm", prefix).await;
        p.click("dm", &action).await;
        self.tick().await;
    }

    async fn click_in(&self, who: &str, channel: &str, prefix: &str) {
        let conv = self.conv(channel).await;
        let p = self.person(who);
        let (action, _) = p.button(&conv, prefix).await;
        p.click(&conv, &action).await;
        self.last_place.lock().expect("places").insert(who.to_string(), conv);
        self.tick().await;
    }

    async fn form_questions(&self, who: &str) -> Vec<String> {
        let (_, fields) = self.person(who).form_fields("dm").await;
        fields.into_iter().map(|(label, _)| label).collect()
    }

    async fn submit_form(&self, who: &str, values: &[&str]) {
        let p = self.person(who);
        let (submit, _) = p.form("dm").await;
        p.submit_form("dm", &submit, values).await;
        self.tick().await;
    }

    async fn dm_texts(&self, who: &str) -> Vec<String> {
        self.person(who).bot_lines("dm").await.iter().map(|l| plain(l)).collect()
    }

    async fn channel_texts(&self, channel: &str) -> Vec<String> {
        let conv = self.conv(channel).await;
        let anyone = self.person(PEOPLE[0].0);
        from_bot(anyone.messages(&conv).await, false)
    }

    /// The image as the page links it, fetched by a signed-in member of the team.
    async fn channel_images(&self, channel: &str) -> Vec<(String, Vec<u8>)> {
        let conv = self.conv(channel).await;
        let anyone = self.person(PEOPLE[0].0);
        let page = anyone.client.get(format!("{}/chat?conv={conv}", self.t.base)).send().await.expect("page");
        let page = page.text().await.expect("html");
        let mut images = Vec::new();
        for m in anyone.messages(&conv).await.iter().filter(|m| !m["extra"]["image"].is_null()) {
            let alt = m["extra"]["image"]["alt"].as_str().unwrap_or_default().to_string();
            let url = format!("/chat/images/{}", m["id"]);
            assert!(page.contains(&format!(r#"src="{url}" alt="{alt}""#)), "the page shows {url}:\n{page}");
            let r = anyone.client.get(format!("{}{url}", self.t.base)).send().await.expect("image");
            assert_eq!(r.headers()["content-type"], "image/png", "{url}");
            images.push((alt, r.bytes().await.expect("bytes").to_vec()));
        }
        images
    }

    async fn choice_form(&self, who: &str) -> Vec<(String, Vec<String>)> {
        let form = choice_form_of(&self.person(who).messages("dm").await);
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let fields = form["fields"].as_array().cloned().unwrap_or_default();
        fields
            .iter()
            .map(|f| {
                (text(&f["label"]), f["options"].as_array().into_iter().flatten().map(|o| text(&o["label"])).collect())
            })
            .collect()
    }

    /// As the browser posts the page's form: `fields`, then each select's picked keys as `cN`.
    async fn choose_and_submit(&self, who: &str, picks: &[&[&str]]) {
        let p = self.person(who);
        let form = choice_form_of(&p.messages("dm").await);
        let fields = form["fields"].as_array().cloned().unwrap_or_default();
        let mut post = vec![
            ("conv".to_string(), "dm".to_string()),
            ("submit".into(), form["submit"].as_str().unwrap_or_default().into()),
            ("request_id".into(), super::web_chat::request_id()),
            ("fields".into(), fields.len().to_string()),
        ];
        for (i, (f, labels)) in fields.iter().zip(picks).enumerate() {
            for o in f["options"].as_array().into_iter().flatten() {
                if labels.contains(&o["label"].as_str().unwrap_or_default()) {
                    post.push((format!("c{i}"), o["key"].as_str().unwrap_or_default().to_string()));
                }
            }
        }
        let r = p.post("/chat/form", &post).await;
        assert!(r.status().is_success(), "form: {}", r.status());
        self.tick().await;
    }

    async fn ephemeral_for(&self, who: &str) -> String {
        let conv = self.last_place.lock().expect("places").get(who).cloned();
        let conv = conv.unwrap_or_else(|| panic!("{who} has typed no command"));
        from_bot(self.person(who).messages(&conv).await, true).pop().unwrap_or_default()
    }

    async fn private_answers(&self, who: &str) -> Vec<String> {
        let conv = self.last_place.lock().expect("places").get(who).cloned();
        let conv = conv.unwrap_or_else(|| panic!("{who} has typed no command"));
        from_bot(self.person(who).messages(&conv).await, true)
    }
}
