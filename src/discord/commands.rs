//! `/tandem` as a Discord application command: every command of the registry as a
//! subcommand (grouped by its first word) with options typed from its parameters, and
//! the way back from the options Discord sends to the command line the grammar reads.

use crate::core::Locale;
use crate::core::command::{Kind, Param};
use crate::render::Renderer;
use crate::service::registry;
use serenity::all::{
    ChannelType, CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption,
};

/// The application command's name.
pub const NAME: &str = "tandem";

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
    for (_, meta) in registry::commands() {
        let (en, fr) = describe(&meta.label_key());
        let leaf = meta.words.last().copied().unwrap_or_default();
        let mut sub = CreateCommandOption::new(CommandOptionType::SubCommand, leaf, en).description_localized("fr", fr);
        // Discord wants required options before optional ones.
        let (required, optional): (Vec<&Param>, Vec<&Param>) = meta.params.iter().partition(|p| p.required);
        for p in required.into_iter().chain(optional) {
            sub = sub.add_sub_option(option(r, p));
        }
        match meta.words {
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

fn option(r: &Renderer, o: &Param) -> CreateCommandOption {
    let key = o.label_key();
    let (en, fr) = (short(&r.label(Locale::En, &key)), short(&r.label(Locale::Fr, &key)));
    let kind = match o.kind {
        Kind::Text | Kind::Name | Kind::Choice(_) => CommandOptionType::String,
        Kind::Integer(..) => CommandOptionType::Integer,
        Kind::Boolean => CommandOptionType::Boolean,
        Kind::Channel => CommandOptionType::Channel,
        Kind::Member => CommandOptionType::User,
    };
    let mut c = CreateCommandOption::new(kind, o.name, en).description_localized("fr", fr).required(o.required);
    match o.kind {
        Kind::Name => c = c.set_autocomplete(true),
        Kind::Integer(min, max) => c = c.min_int_value(min as u64).max_int_value(max as u64),
        Kind::Channel => c = c.channel_types(vec![ChannelType::Text]),
        Kind::Choice(words) => {
            for w in words {
                c = c.add_string_choice(*w, *w);
            }
        }
        Kind::Text | Kind::Boolean | Kind::Member => {}
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
    let meta = registry::find_command(words).map(|(_, m)| m);
    let mut line = words.join(" ");
    for (name, value) in values {
        let positional = meta.and_then(|m| m.param(name)).is_some_and(|p| p.positional);
        line.push(' ');
        if !positional {
            line.push_str(name);
            line.push('=');
        }
        line.push_str(&quote(value));
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

    #[test]
    fn every_grammar_command_has_a_subcommand_and_its_options_parse() {
        let r = Renderer::load().expect("templates");
        let def = serde_json::to_value(definition(&r)).expect("json");
        let top = def["options"].as_array().expect("options");
        assert!(top.len() <= 25, "Discord allows 25 subcommands and groups, got {}", top.len());
        for (_, meta) in registry::commands() {
            let found = match meta.words {
                [w] => top.iter().any(|o| o["name"] == *w && o["type"] == 1),
                [g, w] => top.iter().any(|o| {
                    o["name"] == *g && o["options"].as_array().is_some_and(|s| s.iter().any(|s| s["name"] == *w))
                }),
                _ => false,
            };
            assert!(found, "{:?} is not in /tandem", meta.words);
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
        let standup = crate::core::standup::COMMANDS;
        assert!(crate::core::command::parse(standup, &line).is_ok(), "{line}");
        let history = command_line(&["history".into()], &[("team".into(), "yes".into())]);
        assert_eq!(history, "history team=yes");
        let parsed = crate::core::command::parse(standup, &history);
        assert!(matches!(parsed, Ok(crate::core::standup::StandupCommand::History { team: true, .. })), "{parsed:?}");
    }
}
