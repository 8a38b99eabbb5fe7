//! `/tandem` as a Discord application command: the web chat's grammar as subcommands
//! (and groups) with typed options, and the way back from the options Discord sends to
//! the command line that grammar reads.

use crate::core::Locale;
use crate::core::command::REGISTRY;
use crate::render::Renderer;
use serenity::all::{
    ChannelType, CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption,
};

/// The application command's name.
pub const NAME: &str = "tandem";

/// How an option is typed on Discord and written on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Free text, written as it is (quoted when needed).
    Text,
    /// A stand-up name, with autocomplete.
    Standup,
    /// A whole number in a range.
    Integer(i64, i64),
    /// yes or no.
    Boolean,
    /// A text channel, written `#name`.
    Channel,
    /// A server member, written `@name`.
    User,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// One option of a subcommand. A positional one is written bare, the others `name=value`.
#[derive(Debug)]
pub struct Opt {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub positional: bool,
}

const fn opt(name: &'static str, kind: Kind) -> Opt {
    Opt { name, kind, required: false, positional: false }
}
const fn arg(name: &'static str, kind: Kind) -> Opt {
    Opt { name, kind, required: true, positional: true }
}
const fn need(name: &'static str, kind: Kind) -> Opt {
    Opt { name, kind, required: true, positional: false }
}

const STANDUP_SETTINGS: [Opt; 10] = [
    opt("tz", Kind::Text),
    opt("local", Kind::Boolean),
    opt("questions", Kind::Text),
    opt("window", Kind::Text),
    opt("format", Kind::Choice(&["summary", "thread"])),
    opt("reminders", Kind::Integer(0, 5)),
    opt("remind_after", Kind::Text),
    opt("escalate_days", Kind::Integer(1, 30)),
    opt("members", Kind::Text),
    opt("schedule", Kind::Text),
];

/// The options of each command, by the command's words (as in `REGISTRY`).
pub fn options_of(words: &[&str]) -> Vec<Opt> {
    let standup = || vec![arg("name", Kind::Standup)];
    let period = || vec![opt("from", Kind::Text), opt("to", Kind::Text)];
    match words {
        ["standup", "create"] => {
            let mut v = vec![arg("name", Kind::Text), need("channel", Kind::Channel), need("schedule", Kind::Text)];
            v.extend(STANDUP_SETTINGS.into_iter().filter(|o| o.name != "schedule"));
            v
        }
        ["standup", "edit"] => {
            let mut v = vec![arg("name", Kind::Standup), opt("channel", Kind::Channel)];
            v.extend(STANDUP_SETTINGS);
            v
        }
        ["standup", "show" | "pause" | "resume" | "delete" | "run"] => standup(),
        ["skip"] => vec![Opt { required: false, ..arg("standup", Kind::Standup) }],
        ["away"] => vec![arg("dates", Kind::Text)],
        ["holiday", "add"] => vec![arg("dates", Kind::Text)],
        ["holiday", "remove"] => vec![arg("day", Kind::Text)],
        ["resolve"] => vec![arg("blocker", Kind::Integer(1, i64::from(i32::MAX)))],
        ["history"] => {
            let mut v = vec![Opt { required: false, ..arg("member", Kind::User) }, opt("team", Kind::Boolean)];
            v.extend(period());
            v
        }
        ["stats"] => period(),
        ["rollup"] => vec![opt("week", Kind::Text)],
        ["export"] => {
            let mut v = vec![arg("format", Kind::Choice(&["csv", "json"]))];
            v.extend(period());
            v
        }
        ["me"] => vec![opt("tz", Kind::Text), opt("locale", Kind::Choice(&["en", "fr"])), opt("quiet", Kind::Text)],
        ["member", "add"] => vec![
            arg("name", Kind::Text),
            opt("role", Kind::Choice(&["developer", "pm", "po", "sm", "stakeholder"])),
            opt("display", Kind::Text),
            opt("tz", Kind::Text),
            opt("locale", Kind::Choice(&["en", "fr"])),
        ],
        _ => Vec::new(),
    }
}

/// Discord's longest description.
const DESCRIPTION_CHARS: usize = 100;

fn short(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_string();
    }
    let mut s: String = text.chars().take(DESCRIPTION_CHARS - 1).collect();
    s.push('…');
    s
}

/// The `/tandem` command as registered: one subcommand per grammar command, grouped by
/// their first word when they have two; descriptions in English and French.
pub fn definition(r: &Renderer) -> CreateCommand {
    let describe = |key: &str| (short(&r.label(Locale::En, key)), short(&r.label(Locale::Fr, key)));
    let (en, fr) = describe("cmd_discord");
    let mut command = CreateCommand::new(NAME).description(en).description_localized("fr", fr);
    let mut groups: Vec<(&str, CreateCommandOption)> = Vec::new();
    for spec in REGISTRY {
        let (en, fr) = describe(&spec.label_key());
        let leaf = *spec.words.last().unwrap_or(&"help");
        let mut sub = CreateCommandOption::new(CommandOptionType::SubCommand, leaf, en).description_localized("fr", fr);
        for o in options_of(spec.words) {
            sub = sub.add_sub_option(option(r, &o));
        }
        match spec.words {
            [group, _] => match groups.iter_mut().find(|(g, _)| g == group) {
                Some((_, g)) => *g = g.clone().add_sub_option(sub),
                None => {
                    let (en, fr) = describe(&format!("cmd_group_{group}"));
                    let g = CreateCommandOption::new(CommandOptionType::SubCommandGroup, *group, en)
                        .description_localized("fr", fr)
                        .add_sub_option(sub);
                    groups.push((group, g));
                }
            },
            _ => command = command.add_option(sub),
        }
    }
    for (_, g) in groups {
        command = command.add_option(g);
    }
    command
}

fn option(r: &Renderer, o: &Opt) -> CreateCommandOption {
    let key = match o.kind {
        Kind::Choice(words) if words.contains(&"csv") => "opt_format_export".to_string(),
        _ => format!("opt_{}", o.name),
    };
    let (en, fr) = (short(&r.label(Locale::En, &key)), short(&r.label(Locale::Fr, &key)));
    let kind = match o.kind {
        Kind::Text | Kind::Standup | Kind::Choice(_) => CommandOptionType::String,
        Kind::Integer(..) => CommandOptionType::Integer,
        Kind::Boolean => CommandOptionType::Boolean,
        Kind::Channel => CommandOptionType::Channel,
        Kind::User => CommandOptionType::User,
    };
    let mut c = CreateCommandOption::new(kind, o.name, en).description_localized("fr", fr).required(o.required);
    match o.kind {
        Kind::Standup => c = c.set_autocomplete(true),
        Kind::Integer(min, max) => c = c.min_int_value(min as u64).max_int_value(max as u64),
        Kind::Channel => c = c.channel_types(vec![ChannelType::Text]),
        Kind::Choice(words) => {
            for w in words {
                c = c.add_string_choice(*w, *w);
            }
        }
        Kind::Text | Kind::Boolean | Kind::User => {}
    }
    c
}

/// A value as the grammar reads it; channels and users are written by the caller.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Channel(u64),
    User(u64),
}

/// The command words and option values of a `/tandem` invocation, in Discord's order.
pub fn flatten(options: &[CommandDataOption]) -> (Vec<String>, Vec<(String, Value)>) {
    let mut words = Vec::new();
    let mut values = Vec::new();
    let mut level = options;
    while let Some(first) = level.first() {
        match &first.value {
            CommandDataOptionValue::SubCommandGroup(inner) | CommandDataOptionValue::SubCommand(inner) => {
                words.push(first.name.clone());
                level = inner;
            }
            _ => {
                for o in level {
                    let v = match &o.value {
                        CommandDataOptionValue::String(s) => Value::Text(s.clone()),
                        CommandDataOptionValue::Integer(n) => Value::Text(n.to_string()),
                        CommandDataOptionValue::Number(n) => Value::Text(n.to_string()),
                        CommandDataOptionValue::Boolean(b) => Value::Text(if *b { "yes" } else { "no" }.into()),
                        CommandDataOptionValue::Channel(c) => Value::Channel(c.get()),
                        CommandDataOptionValue::User(u) => Value::User(u.get()),
                        CommandDataOptionValue::Autocomplete { value, .. } => Value::Text(value.clone()),
                        _ => continue,
                    };
                    values.push((o.name.clone(), v));
                }
                break;
            }
        }
    }
    (words, values)
}

/// The command line for `words` with `values` already written as text (`#name`, `@name`).
pub fn command_line(words: &[String], values: &[(String, String)]) -> String {
    let spec_options = options_of(&words.iter().map(String::as_str).collect::<Vec<_>>());
    let mut line = words.join(" ");
    for (name, value) in values {
        let positional = spec_options.iter().find(|o| o.name == name).is_some_and(|o| o.positional);
        line.push(' ');
        match (positional, name.as_str()) {
            // `history team`: the whole team, a word of its own.
            (false, "team") if words == ["history"] => {
                if value == "yes" {
                    line.push_str("team");
                } else {
                    line.pop();
                }
            }
            (true, _) => line.push_str(&quote(value)),
            (false, _) => {
                line.push_str(name);
                line.push('=');
                line.push_str(&quote(value));
            }
        }
    }
    line
}

/// A value as one word: bare when it is one, else in quotes it does not contain.
fn quote(value: &str) -> String {
    if !value.is_empty() && !value.chars().any(|c| c.is_whitespace() || "\"'“”".contains(c)) {
        return value.to_string();
    }
    for (open, close) in [('"', '"'), ('\'', '\''), ('“', '”')] {
        if !value.contains(open) && !value.contains(close) {
            return format!("{open}{value}{close}");
        }
    }
    format!("\"{}\"", value.replace('"', "'"))
}

/// The focused option of an autocomplete request and what was typed so far.
pub fn focused(options: &[CommandDataOption]) -> Option<(String, String)> {
    for o in options {
        match &o.value {
            CommandDataOptionValue::SubCommandGroup(inner) | CommandDataOptionValue::SubCommand(inner) => {
                if let Some(f) = focused(inner) {
                    return Some(f);
                }
            }
            CommandDataOptionValue::Autocomplete { value, .. } => return Some((o.name.clone(), value.clone())),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::command::parse;

    #[test]
    fn every_grammar_command_has_a_subcommand_and_its_options_parse() {
        let r = Renderer::load().expect("templates");
        let def = serde_json::to_value(definition(&r)).expect("json");
        let top = def["options"].as_array().expect("options");
        assert!(top.len() <= 25, "Discord allows 25 subcommands and groups, got {}", top.len());
        for spec in REGISTRY {
            let found = match spec.words {
                [w] => top.iter().any(|o| o["name"] == *w && o["type"] == 1),
                [g, w] => top.iter().any(|o| {
                    o["name"] == *g && o["options"].as_array().is_some_and(|s| s.iter().any(|s| s["name"] == *w))
                }),
                _ => false,
            };
            assert!(found, "{:?} is not in /tandem", spec.words);
        }
        let text = def.to_string();
        assert!(!text.contains("\"opt_") && !text.contains("\"cmd_"), "a label is missing: {text}");
        for o in top {
            assert!(o["description"].as_str().is_some_and(|d| !d.is_empty() && d.chars().count() <= 100));
            assert!(o["description_localizations"]["fr"].as_str().is_some());
        }
    }

    #[test]
    fn typed_options_become_the_command_line_the_grammar_reads() {
        let words = vec!["standup".to_string(), "create".to_string()];
        let values = vec![
            ("name".to_string(), "daily".to_string()),
            ("channel".to_string(), "#standup".to_string()),
            ("schedule".to_string(), "30 9 * * MON-FRI".to_string()),
            ("questions".to_string(), "What's new?|blocker:Stuck on \"x\"?".to_string()),
            ("local".to_string(), "yes".to_string()),
        ];
        let line = command_line(&words, &values);
        assert_eq!(
            line,
            "standup create daily channel=#standup schedule=\"30 9 * * MON-FRI\" questions=“What's new?|blocker:Stuck on \"x\"?” local=yes"
        );
        assert!(parse(&line).is_ok(), "{line}");
        let history = command_line(&["history".into()], &[("team".into(), "yes".into())]);
        assert_eq!(history, "history team");
        assert!(parse(&history).is_ok());
    }
}
