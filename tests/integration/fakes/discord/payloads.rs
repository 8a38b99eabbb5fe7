//! What Discord sends to a bot, shaped like the fixtures in `shared/fixtures/discord/`:
//! interactions (commands, autocomplete, clicks, modal submissions) and messages, and the
//! signature of an HTTP interaction.

use super::objects::{bot_message, bot_user, dm_channel_for, now, partial_member, user};
use super::{APP_ID, COMMAND_ID, GUILD, PERMISSIONS};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};

/// Where an interaction happens: a guild text channel (id, name) or a DM channel.
enum Place<'a> {
    Guild(&'a str, &'a str),
    Dm(&'a str),
}

/// The envelope of the fixtures' interactions around `data`: in a guild (context 0, `member`,
/// `guild_id`, `guild_locale`) or in a DM (context 1, `user`, a type 1 channel with recipients).
fn interaction(
    id: &str,
    kind: u8,
    user_id: &str,
    username: &str,
    locale: &str,
    place: Place<'_>,
    data: Value,
) -> Value {
    let who = user(user_id, username);
    let mut v = json!({
        "application_id": APP_ID, "version": 1, "locale": locale, "app_permissions": PERMISSIONS, "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD}, "attachment_size_limit": 10_485_760, "id": id,
        "type": kind, "token": format!("tok-{id}"), "data": data,
    });
    match place {
        Place::Guild(channel, name) => {
            let mut member = partial_member();
            member["user"] = who;
            v["context"] = json!(0);
            v["guild_id"] = json!(GUILD);
            v["guild"] = json!({"id": GUILD, "locale": "en-US", "features": []});
            v["guild_locale"] = json!("en-US");
            v["channel_id"] = json!(channel);
            v["channel"] = json!({
                "id": channel, "type": 0, "guild_id": GUILD, "name": name, "position": 1, "flags": 0,
                "parent_id": null, "topic": null, "nsfw": false, "rate_limit_per_user": 0, "last_message_id": null,
                "permissions": PERMISSIONS,
            });
            v["member"] = member;
        }
        Place::Dm(channel) => {
            v["context"] = json!(1);
            v["channel_id"] = json!(channel);
            v["channel"] =
                json!({"id": channel, "type": 1, "last_message_id": null, "flags": 0, "recipients": [who.clone()]});
            v["user"] = who;
        }
    }
    v
}

/// `data` of a command or autocomplete. `options` are written as one `/tandem` with its
/// groups (`retro` → `vote`); as Discord sends them, a group is a command of its own
/// (`/retro vote`), as Tandem registers it.
fn command_data(options: Value, resolved: Value, in_guild: bool) -> Value {
    let options = if options.is_null() { json!([]) } else { options };
    let (name, options) = match options.as_array().map(Vec::as_slice) {
        Some([group]) if group["type"] == 2 => (group["name"].clone(), group["options"].clone()),
        _ => (json!("tandem"), options),
    };
    let mut data = json!({"id": COMMAND_ID, "name": name, "type": 1, "options": options});
    if !resolved.is_null() {
        data["resolved"] = resolved;
    }
    if in_guild {
        data["guild_id"] = json!(GUILD);
    }
    data
}

/// A `/tandem` slash command (type 2) in a guild text channel `(id, name)`, or in the user's DM
/// (`dm_channel_for`) when `channel` is `None`. `options` is `data.options`; `resolved` is
/// `data.resolved` (left out when `Null`).
pub fn command_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    channel: Option<(&str, &str)>,
    options: Value,
    resolved: Value,
) -> Value {
    let dm = dm_channel_for(user_id);
    let place = channel.map_or(Place::Dm(&dm), |(channel, name)| Place::Guild(channel, name));
    interaction(id, 2, user_id, username, locale, place, command_data(options, resolved, channel.is_some()))
}

/// An autocomplete request (type 4) for `/tandem`: like `command_interaction`; the option being
/// typed carries `"focused": true` in `options`.
pub fn autocomplete_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    channel: Option<(&str, &str)>,
    options: Value,
) -> Value {
    let dm = dm_channel_for(user_id);
    let place = channel.map_or(Place::Dm(&dm), |(channel, name)| Place::Guild(channel, name));
    interaction(id, 4, user_id, username, locale, place, command_data(options, Value::Null, channel.is_some()))
}

/// A click on the button `custom_id` (type 3) of the bot's message `message_id` in a DM. The
/// message here is empty; `dispatch` swaps in the stored message of that id if there is one.
pub fn button_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    dm_channel: &str,
    custom_id: &str,
    message_id: &str,
) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 2, "id": 1});
    let mut v = interaction(id, 3, user_id, username, locale, Place::Dm(dm_channel), data);
    v["message"] = bot_message(message_id, dm_channel);
    v
}

/// A button clicked (type 3) on the bot's message `message_id` in a server channel.
pub fn channel_button_interaction(
    id: &str,
    (user_id, username, locale): (&str, &str, &str),
    (channel, channel_name): (&str, &str),
    custom_id: &str,
    message_id: &str,
) -> Value {
    let data = json!({"custom_id": custom_id, "component_type": 2, "id": 1});
    let mut v = interaction(id, 3, user_id, username, locale, Place::Guild(channel, channel_name), data);
    v["message"] = bot_message(message_id, channel);
    v
}

/// A modal submitted (type 5) in a DM: one action row per text input `(custom_id, value)`, and
/// the bot's message the modal came from, if any.
#[allow(clippy::too_many_arguments)] // reason: the brief's signature, one argument per payload field
pub fn modal_submit_interaction(
    id: &str,
    user_id: &str,
    username: &str,
    locale: &str,
    dm_channel: &str,
    custom_id: &str,
    values: &[(&str, &str)],
    message_id: Option<&str>,
) -> Value {
    let rows: Vec<Value> = values
        .iter()
        .enumerate()
        .map(|(i, (input, value))| {
            json!({"type": 1, "id": 2 * i + 1,
                   "components": [{"type": 4, "id": 2 * i + 2, "custom_id": input, "value": value}]})
        })
        .collect();
    let data = json!({"custom_id": custom_id, "components": rows});
    let mut v = interaction(id, 5, user_id, username, locale, Place::Dm(dm_channel), data);
    if let Some(message_id) = message_id {
        v["message"] = bot_message(message_id, dm_channel);
    }
    v
}

/// The `d` of a MESSAGE_CREATE for a person's message.
fn incoming_message(id: &str, user_id: &str, username: &str, channel: &str, content: &str) -> Value {
    json!({
        "type": 0, "tts": false, "timestamp": now(), "pinned": false, "nonce": id, "mentions": [],
        "mention_roles": [], "mention_everyone": false, "id": id, "flags": 0, "embeds": [], "edited_timestamp": null,
        "content": content, "components": [], "channel_id": channel, "author": user(user_id, username),
        "attachments": [],
    })
}

/// The `d` of a MESSAGE_CREATE for a DM to the bot (`channel_type` 1, no `guild_id`).
pub fn dm_message(id: &str, user_id: &str, username: &str, dm_channel: &str, content: &str) -> Value {
    let mut d = incoming_message(id, user_id, username, dm_channel, content);
    d["channel_type"] = json!(1);
    d
}

/// The `d` of a MESSAGE_CREATE in a guild text channel. `content` is used as is (write
/// `<@APP_ID>` into it yourself); `mentions_bot` puts the bot in `mentions`.
pub fn guild_message(
    id: &str,
    user_id: &str,
    username: &str,
    channel_id: &str,
    content: &str,
    mentions_bot: bool,
) -> Value {
    let mut d = incoming_message(id, user_id, username, channel_id, content);
    d["channel_type"] = json!(0);
    d["guild_id"] = json!(GUILD);
    d["member"] = partial_member();
    if mentions_bot {
        let mut bot = bot_user();
        bot["member"] = partial_member();
        d["mentions"] = json!([bot]);
    }
    d
}

/// The `X-Signature-Ed25519` of an HTTP interaction: hex Ed25519 of `timestamp` then `body`,
/// with the key of the hex seed `seed_hex`.
pub fn sign(seed_hex: &str, timestamp: &str, body: &str) -> String {
    let seed: [u8; 32] = hex::decode(seed_hex).expect("a hex seed").try_into().expect("a 32-byte seed");
    let key = SigningKey::from_bytes(&seed);
    hex::encode(key.sign(format!("{timestamp}{body}").as_bytes()).to_bytes())
}
