//! People using Tandem, by name, on any platform: one vocabulary (`Platform`) for what a
//! person does (a command, a line in their DM, a click, a form) and sees (their DMs, a
//! channel's posts, the answers only they see), so that a scenario is written once and
//! runs on the web chat, Slack and Discord.
//!
//! Each platform keeps its own driver, for tests of what only it has: `web_chat::Person`
//! (a browser), `slack::SlackWorld` and `discord::DiscordWorld` (the fakes, in their own
//! ids and payloads). `WebChat`, `slack::Slack` and `discord::Discord` put them behind the
//! vocabulary: they know the ids `PEOPLE` have on their platform and write what people read
//! back as plain text (`plain`).

pub mod discord;
pub mod slack;
pub mod web_chat;

use crate::helpers::{PEOPLE, TestApp};
use chrono::{DateTime, Utc};
use tandem::core::Locale;
use tandem::core::model::Role;

/// Tandem on one platform, and the people of `PEOPLE` who use it there.
///
/// `who` is a member's name (`"ana"`); `place` is `"dm"` (the person's DM with the bot) or
/// a channel, `"#standup"`. Every action waits until Tandem has handled it and delivered
/// what follows (one `tick`), so what a person sees can be read at once.
pub trait Platform {
    /// Tandem and its hand-moved clock.
    fn app(&self) -> &TestApp;

    /// `who` types `line` (`/tandem …`) in `place`, as the platform sends it: a line on
    /// the web chat, a slash command's text on Slack, typed options on Discord.
    async fn command(&self, who: &str, place: &str, line: &str);

    /// `who` writes `text` in their DM with the bot.
    async fn say_in_dm(&self, who: &str, text: &str);

    /// `who` clicks the latest button in their DM whose action starts with `prefix`
    /// (`"form:"`, `"skip:"`): buttons are found by what they do, whatever the language.
    async fn click(&self, who: &str, prefix: &str);

    /// `who` clicks the latest button of the bot's posts in `channel` (`"#team"`) whose
    /// action starts with `prefix` (`"poll_vote:1:0"`); what answers them alone is then
    /// `ephemeral_for`.
    async fn click_in(&self, who: &str, channel: &str, prefix: &str);

    /// The questions of the form `who`'s last click opened, in order.
    async fn form_questions(&self, who: &str) -> Vec<String>;

    /// `who` submits the form their last click opened, one value per question.
    async fn submit_form(&self, who: &str, values: &[&str]);

    /// The texts of the bot's messages in `who`'s DM, oldest first, as they read now.
    async fn dm_texts(&self, who: &str) -> Vec<String>;

    /// The texts of the bot's posts in `channel` (`"#standup"`) that everyone sees, oldest
    /// first, as edited.
    async fn channel_texts(&self, channel: &str) -> Vec<String>;

    /// The last answer only `who` sees, where they typed their last command.
    async fn ephemeral_for(&self, who: &str) -> String;

    /// Every answer only `who` sees where they typed their last command, oldest first (on
    /// Discord, the answers to that command): a long answer comes in several.
    async fn private_answers(&self, who: &str) -> Vec<String>;

    /// The images on the bot's posts in `channel`, oldest first: (alt text, the bytes as the
    /// platform hands them to a person).
    async fn channel_images(&self, channel: &str) -> Vec<(String, Vec<u8>)>;

    /// The latest form of choice fields in `who`'s DM: each field's label and its options'
    /// labels.
    async fn choice_form(&self, who: &str) -> Vec<(String, Vec<String>)>;

    /// `who` picks options (by label, one list per field) in that form and submits it.
    async fn choose_and_submit(&self, who: &str, picks: &[&[&str]]);

    /// The text of the bot's last message in `who`'s DM.
    async fn last_dm(&self, who: &str) -> String {
        self.dm_texts(who).await.pop().unwrap_or_default()
    }

    /// Move the clock to `t` and run what is due: jobs, then deliveries.
    async fn at(&self, t: DateTime<Utc>) {
        self.app().at(t).await;
    }

    /// Run what is due now.
    async fn tick(&self) {
        self.app().tick().await;
    }
}

/// A text as a person reads it, whatever the platform wrote: emphasis markers dropped
/// (Slack's and the web chat's `*bold*`, Discord's `**bold**`), Slack's `&lt;`, `&gt;` and
/// `&amp;` read back. A `*` with a space on each side (a cron field) is text and stays.
pub fn plain(text: &str) -> String {
    let text = text.replace("**", "*").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let chars: Vec<char> = text.chars().collect();
    let space = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_none_or(|c| c.is_whitespace());
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| *c != '*' || (space(i.checked_sub(1)) && space(Some(i + 1))))
        .map(|(_, c)| c)
        .collect()
}

/// The channel a place names: `"#standup"` → `Some("standup")`, `"dm"` → `None`.
pub fn channel_of(place: &str) -> Option<&str> {
    match place {
        "dm" => None,
        _ => Some(place.strip_prefix('#').unwrap_or_else(|| panic!("a place is \"dm\" or \"#channel\": {place:?}"))),
    }
}

/// The person of `PEOPLE` called `who`: (name, display name, role, zone, language).
pub fn person(who: &str) -> (&'static str, &'static str, Role, &'static str, Locale) {
    PEOPLE.into_iter().find(|p| p.0 == who).unwrap_or_else(|| panic!("{who} is not one of PEOPLE"))
}

#[test]
fn texts_read_the_same_whatever_the_platforms_markup() {
    assert_eq!(plain("📋 *daily* — *Ana* (late)"), "📋 daily — Ana (late)");
    assert_eq!(plain("📋 **daily** — **Ana** (late)"), "📋 daily — Ana (late)");
    assert_eq!(plain("schedule 0 9 * * MON-FRI"), "schedule 0 9 * * MON-FRI");
    assert_eq!(plain("&lt;!channel&gt; &amp; co"), "<!channel> & co");
}
