//! The JSON objects the fake Discord answers with and puts in events: users, the bot,
//! messages, the application, the guild, and the DM channel it gives each user.

use super::{APP_ID, BOT_NAME, DM_OFFSET, JOINED_AT, OWNER_ID, PERMISSIONS, TEST_PUBLIC_KEY_HEX};
use serde_json::{Value, json};

/// Now, as Discord writes timestamps: `2026-01-01T12:00:00.000000+00:00`.
pub(super) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, false)
}

/// The bot user as it appears in messages.
pub(super) fn bot_user() -> Value {
    let mut bot = user(APP_ID, BOT_NAME);
    bot["global_name"] = Value::Null;
    bot["bot"] = json!(true);
    bot
}

/// The bot user as `GET /users/@me` and READY show it.
pub(super) fn bot_self() -> Value {
    let mut bot = bot_user();
    bot["verified"] = json!(true);
    bot["mfa_enabled"] = json!(false);
    bot["email"] = Value::Null;
    bot
}

/// An empty message by the bot, as `POST /channels/{id}/messages` returns one.
pub(super) fn bot_message(id: &str, channel: &str) -> Value {
    json!({
        "id": id, "type": 0, "channel_id": channel, "content": "", "author": bot_user(), "attachments": [],
        "embeds": [], "mentions": [], "mention_roles": [], "pinned": false, "mention_everyone": false, "tts": false,
        "timestamp": now(), "edited_timestamp": null, "flags": 0, "components": [],
    })
}

pub(super) fn application() -> Value {
    json!({
        "id": APP_ID, "name": BOT_NAME, "icon": null, "description": "", "rpc_origins": [], "bot_public": true,
        "bot_require_code_grant": false, "owner": user(OWNER_ID, "owner"), "verify_key": TEST_PUBLIC_KEY_HEX,
        "team": null, "flags": 8_953_856, "role_connections_verification_url": null,
        "interactions_endpoint_url": null, "redirect_uris": [], "approximate_guild_count": 1,
    })
}

/// Enough of a guild for serenity's `PartialGuild`.
pub(super) fn guild(id: &str) -> Value {
    json!({
        "id": id, "name": "Fake Guild", "icon": null, "icon_hash": null, "splash": null, "discovery_splash": null,
        "owner_id": OWNER_ID, "widget_enabled": false, "widget_channel_id": null, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0, "roles": [], "emojis": [], "features": [],
        "mfa_level": 0, "application_id": null, "system_channel_id": null, "system_channel_flags": 0,
        "rules_channel_id": null, "max_presences": null, "max_members": 500_000, "vanity_url_code": null,
        "description": null, "banner": null, "premium_tier": 0, "premium_subscription_count": 0,
        "preferred_locale": "en-US", "public_updates_channel_id": null, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false,
        "safety_alerts_channel_id": null,
    })
}

/// A user object as in the fixtures; `global_name` is the username capitalised (`alice` → `Alice`).
pub fn user(id: &str, username: &str) -> Value {
    let mut chars = username.chars();
    let global_name: String = chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default();
    json!({
        "id": id, "username": username, "discriminator": "0", "global_name": global_name, "avatar": null,
        "public_flags": 0, "flags": 0, "banner": null, "accent_color": null, "avatar_decoration_data": null,
        "primary_guild": null, "collectibles": null,
    })
}

/// The DM channel the fake gives a user: their id plus 200000000000000000
/// (`1300000000000000300` → `1500000000000000300`).
pub fn dm_channel_for(user_id: &str) -> String {
    let id: u64 = user_id.parse().expect("a user id is a snowflake");
    id.checked_add(DM_OFFSET).expect("a user id below 2^64 - 2e17").to_string()
}

/// A guild member without its user, as in messages (the fixtures' member).
pub(super) fn partial_member() -> Value {
    json!({
        "roles": [], "permissions": PERMISSIONS, "nick": null, "avatar": null, "banner": null,
        "joined_at": JOINED_AT, "premium_since": null, "deaf": false, "mute": false, "pending": false, "flags": 0,
        "communication_disabled_until": null, "unusual_dm_activity_until": null,
    })
}
