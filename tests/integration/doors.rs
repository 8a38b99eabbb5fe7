//! Property tests of the doors (`tandem::doors`): whatever comes in — a command line, a
//! typed value, a Slack or Discord payload, a mutation of a real one — nothing panics, a
//! stored event reads back, and every refusal is a `UserError` that renders in English and
//! in French. Bounded (256 cases each) so the suite stays fast.

use crate::fakes::discord;
use crate::fakes::slack;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::OnceLock;
use tandem::core::{Locale, UserError};
use tandem::doors::{self, SlackEndpoint};
use tandem::render::Renderer;

fn config() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

fn renderer() -> &'static Renderer {
    static R: OnceLock<Renderer> = OnceLock::new();
    R.get_or_init(|| Renderer::load().expect("templates"))
}

/// A refusal a person would read: its template renders, in both languages, to some text.
fn renders(e: &UserError) -> Result<(), TestCaseError> {
    for locale in [Locale::En, Locale::Fr] {
        match renderer().render(locale, e.template, &e.data) {
            Ok(text) => prop_assert!(!text.is_empty(), "{locale} {} renders empty", e.template),
            Err(err) => prop_assert!(false, "{locale} {} does not render: {err:#}", e.template),
        }
    }
    Ok(())
}

fn every_refusal_renders(refusals: &[UserError]) -> Result<(), TestCaseError> {
    refusals.iter().try_for_each(renders)
}

/// The words of every command, for lines that start like a real one.
fn command_words() -> Vec<String> {
    tandem::service::registry::commands().map(|(_, m)| m.words.join(" ")).collect()
}

/// One word of a command line: an option, a quoted phrase, a name, a number, anything.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_]{1,10}=[^ ]{0,14}",
        "[a-z_]{1,10}=\"[^\"]{0,20}\"",
        "[\"'“][^\"'”]{0,20}[\"'”]?",
        "[#@]?[a-zA-Z0-9_-]{0,12}",
        "[0-9:/*,#LW-]{1,12}",
        "(MON|FRI|SUN|JAN|@daily|@weekly|yes|no|en|fr|Europe/Paris)",
        any::<String>().prop_map(|s| s.chars().take(16).collect()),
    ]
}

fn line() -> impl Strategy<Value = String> {
    let words = command_words();
    let start = prop_oneof![Just(String::new()), Just("/tandem ".to_string()), Just("tandem ".to_string())];
    (start, proptest::sample::select(words), proptest::collection::vec(token(), 0..8))
        .prop_map(|(start, command, rest)| format!("{start}{command} {}", rest.join(" ")))
}

/// A typed value shaped like what each parser reads, or anything at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,6} ?(m|min|h|d|w|minutes|hours|days)?",
        "[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}(\\.\\.[0-9]{4}-[0-9]{2}-[0-9]{2})?",
        "[0-9]{1,3}:[0-9]{1,3}-[0-9]{1,3}:[0-9]{1,3}",
        "([0-9*/,LW#-]{1,7} ){4}[0-9A-Z*/,#L-]{1,7}",
        "@(daily|weekly|monthly|yearly|hourly|reboot|[a-z]{1,6})",
        "[0-9]{1,4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}",
        "[^|]{0,12}(\\|[^|]{0,12}){0,30}",
        "([0-9]{1,3}[.:)]? [^\n]{0,20}\n){0,5}",
        "[A-Za-z_]{1,14}/[A-Za-z_]{1,14}",
        any::<String>(),
    ]
}

/// A JSON value to put in place of any part of a real payload.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        "[^\"]{0,20}".prop_map(Value::from),
        "[0-9]{1,20}".prop_map(Value::from),
    ];
    leaf.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,8}", inner, 0..4).prop_map(|m| json!(m)),
        ]
    })
}

/// Every place in a JSON document, as pointers.
fn pointers(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => {
            m.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out))
        }
        Value::Array(a) => a.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

/// A real payload with one part replaced, or removed (`None`).
fn mutated(real: Value) -> impl Strategy<Value = Value> {
    let mut places = Vec::new();
    pointers(&real, String::new(), &mut places);
    (proptest::sample::select(places), proptest::option::of(json_value())).prop_map(move |(at, new)| {
        let mut v = real.clone();
        match (at.rsplit_once('/'), new) {
            (None, Some(new)) => v = new,
            (None, None) => v = Value::Null,
            (Some(_), Some(new)) => *v.pointer_mut(&at).expect("a place") = new,
            (Some((parent, key)), None) => match v.pointer_mut(parent) {
                Some(Value::Object(m)) => drop(m.remove(&key.replace("~1", "/").replace("~0", "~"))),
                Some(Value::Array(a)) => drop(a.remove(key.parse::<usize>().expect("an index"))),
                _ => {}
            },
        }
        v
    })
}

/// A real body with a few bytes flipped, inserted or cut.
fn bytes_mutated(real: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = real.len().max(1);
    proptest::collection::vec((0..len, any::<u8>(), 0..3u8), 1..6).prop_map(move |edits| {
        let mut b = real.clone();
        for (at, byte, how) in edits {
            let at = at.min(b.len().saturating_sub(1));
            match how {
                0 if !b.is_empty() => b[at] ^= byte | 1,
                1 => b.insert(at, byte),
                _ if !b.is_empty() => drop(b.remove(at)),
                _ => {}
            }
        }
        b
    })
}

fn slack_bodies() -> Vec<(SlackEndpoint, Value)> {
    let command =
        slack::slash_command_form("T1", "C1", "team", "U1", "ana", "standup create daily channel=#team", "t.1");
    let interaction = slack::block_actions("T1", "U1", "C1", "1.2", "skip:1", "skip:1", "t.2");
    let submission = slack::view_submission("T1", "U1", "answer:1", "", &[("q0", "a", "Yesterday: tests")]);
    vec![
        (SlackEndpoint::Events, slack::message_im_event("T1", "U1", "D1", "Today: <@U2> & retros", "Ev1")),
        (SlackEndpoint::Commands, Value::Object(command.into_iter().map(|(k, v)| (k, Value::from(v))).collect())),
        (SlackEndpoint::Interactions, interaction),
        (SlackEndpoint::Interactions, submission),
    ]
}

/// A Slack body as the endpoint receives it: JSON, or a form (of a JSON `payload`).
fn slack_body(endpoint: SlackEndpoint, v: &Value) -> Vec<u8> {
    match endpoint {
        SlackEndpoint::Events => v.to_string().into_bytes(),
        SlackEndpoint::Commands => {
            let fields: Vec<(String, String)> = v
                .as_object()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().map_or(v.to_string(), String::from))).collect())
                .unwrap_or_default();
            serde_urlencoded::to_string(fields).expect("form").into_bytes()
        }
        SlackEndpoint::Interactions => serde_urlencoded::to_string([("payload", v.to_string())]).expect("form").into(),
    }
}

fn discord_interactions() -> Vec<Value> {
    let fixtures =
        ["interaction_application_command", "interaction_application_command_dm", "interaction_modal_submit"];
    let mut all: Vec<Value> = fixtures
        .iter()
        .chain(&["interaction_message_component_button"])
        .map(|f| {
            let path = format!("{}/tests/fixtures/discord/{f}.json", env!("CARGO_MANIFEST_DIR"));
            serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
        })
        .collect();
    let options = json!([{"name": "standup", "type": 2, "options": [{"name": "create", "type": 1,
        "options": [{"name": "name", "type": 3, "value": "daily"}, {"name": "channel", "type": 7, "value": "12"}]}]}]);
    all.push(discord::command_interaction("1", "2", "ana", "fr", Some(("3", "team")), options, Value::Null));
    all
}

fn discord_messages() -> Vec<Value> {
    let path = format!("{}/tests/fixtures/discord/gateway_message_create_dm.json", env!("CARGO_MANIFEST_DIR"));
    let gateway: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json");
    vec![
        gateway["d"].clone(),
        discord::dm_message("10", "2", "ana", "20", "Yesterday: polls"),
        discord::guild_message("11", "2", "ana", "3", "<@1> standup create daily channel=<#3>", true),
    ]
}

#[test]
fn every_command_of_the_registry_is_built_through_the_doors() {
    for (_, meta) in tandem::service::registry::commands() {
        assert!(doors::builds(meta), "/tandem {} is in no capability's list in doors.rs", meta.words.join(" "));
    }
}

#[test]
fn the_real_payloads_are_read_at_their_doors() {
    for (endpoint, v) in slack_bodies() {
        let r = doors::slack_body(endpoint, &slack_body(endpoint, &v)).expect("reads back");
        assert!(r.read, "{endpoint:?} {v}");
    }
    for v in discord_interactions() {
        assert!(doors::discord_interaction(v.to_string().as_bytes()).expect("reads back").read, "{v}");
    }
    for v in discord_messages() {
        assert!(doors::discord_message(v.to_string().as_bytes()).expect("reads back").read, "{v}");
    }
    let create = tandem::service::registry::commands().position(|(_, m)| m.words == ["standup", "create"]);
    let refused = doors::option_value(create.expect("standup create"), "61 9 * * *");
    assert!(refused.iter().any(|e| e.template == "error_bad_schedule"), "{refused:?}");
    assert!(doors::typed_text("61 9 * * *").iter().any(|e| e.template == "error_bad_schedule"));
    let refused = doors::command_line("standup create").expect_err("no name");
    assert!(refused.data["usage"].as_str().is_some_and(|u| u.starts_with("/tandem standup create")), "{refused:?}");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_command_line_is_answered_in_both_languages(line in prop_oneof![line(), any::<String>()]) {
        if let Err(e) = doors::command_line(&line) {
            renders(&e)?;
        }
    }

    #[test]
    fn any_value_of_any_option_is_answered_in_both_languages(command in any::<usize>(), v in value()) {
        every_refusal_renders(&doors::option_value(command, &v))?;
    }

    #[test]
    fn any_text_typed_in_a_dm_or_a_form_is_answered_in_both_languages(v in value()) {
        every_refusal_renders(&doors::typed_text(&v))?;
    }

    #[test]
    fn any_bytes_at_slacks_doors_are_turned_away_or_read(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        for endpoint in [SlackEndpoint::Events, SlackEndpoint::Commands, SlackEndpoint::Interactions] {
            let r = doors::slack_body(endpoint, &body).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
            every_refusal_renders(&r.refusals)?;
        }
    }

    #[test]
    fn a_real_slack_payload_changed_anywhere_is_turned_away_or_read(
        (endpoint, v) in proptest::sample::select(slack_bodies())
            .prop_flat_map(|(endpoint, v)| (Just(endpoint), mutated(v))),
        text in value(),
    ) {
        let r = doors::slack_body(endpoint, &slack_body(endpoint, &v)).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
        // The same payload carrying any text where a person types.
        let mut typed = v;
        for at in ["/event/text", "/text", "/actions/0/value", "/view/callback_id"] {
            if let Some(place) = typed.pointer_mut(at) { *place = Value::from(text.clone()); }
        }
        let r = doors::slack_body(endpoint, &slack_body(endpoint, &typed)).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
    }

    #[test]
    fn a_real_slack_body_with_bytes_changed_is_turned_away_or_read(
        (endpoint, body) in proptest::sample::select(slack_bodies())
            .prop_flat_map(|(endpoint, v)| (Just(endpoint), bytes_mutated(slack_body(endpoint, &v)))),
    ) {
        let r = doors::slack_body(endpoint, &body).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
    }

    #[test]
    fn a_real_discord_interaction_changed_anywhere_is_turned_away_or_read(
        v in proptest::sample::select(discord_interactions()).prop_flat_map(mutated),
    ) {
        let r = doors::discord_interaction(v.to_string().as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
    }

    #[test]
    fn a_real_discord_message_changed_anywhere_is_turned_away_or_read(
        v in proptest::sample::select(discord_messages()).prop_flat_map(mutated),
        content in value(),
    ) {
        let r = doors::discord_message(v.to_string().as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
        let mut typed = v;
        if let Some(place) = typed.pointer_mut("/content") { *place = Value::from(format!("<@1> {content}")); }
        let r = doors::discord_message(typed.to_string().as_bytes()).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        every_refusal_renders(&r.refusals)?;
    }

    #[test]
    fn any_bytes_at_discords_doors_are_turned_away_or_read(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..300),
            proptest::sample::select(discord_interactions()).prop_flat_map(|v| bytes_mutated(v.to_string().into_bytes())),
        ],
    ) {
        doors::discord_interaction(&body).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        doors::discord_message(&body).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
    }

    #[test]
    fn no_forged_header_or_body_passes_a_signature_check(
        timestamp in proptest::option::of(prop_oneof!["[0-9]{0,12}", "-?[0-9]{1,19}", any::<String>()]),
        signature in proptest::option::of(prop_oneof!["v0=[0-9a-f]{64}", "[0-9a-f]{128}", any::<String>()]),
        body in proptest::collection::vec(any::<u8>(), 0..100),
        now in any::<i64>(),
    ) {
        prop_assert_eq!(doors::signatures(timestamp.as_deref(), signature.as_deref(), &body, now), (false, false));
    }
}
