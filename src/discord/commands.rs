//! Tandem's Discord application commands: `/tandem` holds the commands of one word, and
//! each first word of longer commands is a command of its own (`/standup create`,
//! `/retro vote`), so that each stays within Discord's 25 subcommands and 8,000
//! characters. Options are typed from the registry's parameters; `flatten` goes back from
//! what Discord sends to the command line the grammar reads.

use crate::core::Locale;
use crate::core::command::{Kind, Param};
use crate::render::Renderer;
use crate::service::registry;
use serenity::all::{
    ChannelType, CommandDataOption, CommandDataOptionValue, CommandOptionType, CreateCommand, CreateCommandOption,
};

/// The application command holding the commands of one word.
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

/// The commands as registered: `/tandem` with the commands of one word, then one command
/// per first word of the others; descriptions in English and French.
pub fn definitions(r: &Renderer) -> Vec<CreateCommand> {
    let describe = |key: &str| (short(&r.label(Locale::En, key)), short(&r.label(Locale::Fr, key)));
    let (en, fr) = describe("cmd_discord");
    let mut tandem = CreateCommand::new(NAME).description(en).description_localized("fr", fr);
    let mut groups: Vec<(&str, CreateCommand)> = Vec::new();
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
                Some((_, g)) => *g = g.clone().add_option(sub),
                None => {
                    let (en, fr) = describe(&format!("cmd_group_{group}"));
                    groups.push((
                        group,
                        CreateCommand::new(*group).description(en).description_localized("fr", fr).add_option(sub),
                    ));
                }
            },
            _ => tandem = tandem.add_option(sub),
        }
    }
    std::iter::once(tandem).chain(groups.into_iter().map(|(_, g)| g)).collect()
}

/// The first words that are Discord commands of their own, each with whether it is also
/// a command of one word in `/tandem` (`me` and `me export`).
fn group_words() -> Vec<(&'static str, bool)> {
    let mut words: Vec<&str> =
        registry::commands().filter(|(_, m)| m.words.len() > 1).map(|(_, m)| m.words[0]).collect();
    words.sort_unstable();
    words.dedup();
    let alone = |w: &str| registry::commands().any(|(_, m)| m.words == [w]);
    words.into_iter().map(|w| (w, alone(w))).collect()
}

/// The second words of the commands that start with `first`.
fn leaves(first: &str) -> Vec<&'static str> {
    registry::commands().filter(|(_, m)| m.words.len() > 1 && m.words[0] == first).map(|(_, m)| m.words[1]).collect()
}

/// A text as a Discord user types it: `/tandem retro vote 2` is `/retro vote 2` there;
/// `/tandem me` stays when `me` is a command of its own and no second word follows.
pub fn as_typed_on_discord(text: &str) -> String {
    let mut out = text.to_string();
    for (w, alone) in group_words() {
        let long = format!("/{NAME} {w}");
        let mut from = 0;
        while let Some(i) = out[from..].find(&long).map(|i| i + from) {
            let end = i + long.len();
            let rest = &out[end..];
            let leaf_follows = rest.strip_prefix(' ').is_some_and(|r| {
                leaves(w).iter().any(|l| {
                    r.starts_with(l) && !r[l.len()..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '-')
                })
            });
            if rest.chars().next().is_some_and(char::is_alphanumeric) || (alone && !leaf_follows) {
                from = end;
                continue;
            }
            out.replace_range(i..end, &format!("/{w}"));
            from = i + w.len() + 1;
        }
    }
    out
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

/// The grammar's words and the option values of an invocation of the command `name`, in
/// Discord's order: `/retro vote` is `retro vote`, `/tandem me` is `me`.
pub fn flatten(name: &str, options: &[CommandDataOption]) -> (Vec<String>, Vec<(String, Value)>) {
    let mut words = if name == NAME { Vec::new() } else { vec![name.to_string()] };
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
        let defs: Vec<serde_json::Value> =
            definitions(&r).into_iter().map(|d| serde_json::to_value(d).expect("json")).collect();
        let command = |name: &str| defs.iter().find(|d| d["name"] == name);
        for (_, meta) in registry::commands() {
            let (name, leaf) = match meta.words {
                [w] => (NAME, *w),
                [g, w] => (*g, *w),
                _ => panic!("{:?}: Discord nests no deeper than a command and its subcommand", meta.words),
            };
            let subs = command(name).and_then(|d| d["options"].as_array()).expect("the command");
            assert!(subs.iter().any(|o| o["name"] == leaf && o["type"] == 1), "{:?} is not /{name} {leaf}", meta.words);
        }
        for d in &defs {
            let text = d.to_string();
            assert!(!text.contains("\"opt_") && !text.contains("\"cmd_"), "a label is missing: {text}");
            assert!(d["options"].as_array().is_some_and(|o| o.len() <= 25), "25 subcommands at most: {}", d["name"]);
            for o in std::iter::once(d).chain(d["options"].as_array().into_iter().flatten()) {
                assert!(o["description"].as_str().is_some_and(|d| !d.is_empty() && d.chars().count() <= 100));
                assert!(o["description_localizations"]["fr"].as_str().is_some());
            }
        }
    }

    /// Discord counts the names, descriptions and choice values of a command and all its
    /// options, per language, and refuses a command above 8,000 characters.
    fn characters(v: &serde_json::Value, locale: Option<&str>) -> usize {
        let own = |field: &str| match locale {
            Some(l) => v[format!("{field}_localizations")][l].as_str().or(v[field].as_str()),
            None => v[field].as_str(),
        };
        let mut n = own("name").map_or(0, |s| s.chars().count()) + own("description").map_or(0, |s| s.chars().count());
        for c in v["choices"].as_array().into_iter().flatten() {
            n += c["name"].as_str().map_or(0, |s| s.chars().count())
                + c["value"].as_str().map_or(0, |s| s.chars().count());
        }
        n + v["options"].as_array().into_iter().flatten().map(|o| characters(o, locale)).sum::<usize>()
    }

    #[test]
    fn every_command_fits_discords_limits_in_both_languages() {
        let r = Renderer::load().expect("templates");
        for def in definitions(&r) {
            let def = serde_json::to_value(def).expect("json");
            for locale in [None, Some("fr")] {
                let n = characters(&def, locale);
                assert!(n <= 8000, "/{} has {n} characters in {locale:?}; Discord takes 8000", def["name"]);
            }
            for sub in def["options"].as_array().into_iter().flatten() {
                let options = sub["options"].as_array().map_or(0, Vec::len);
                assert!(options <= 25, "{} {} has {options} options", def["name"], sub["name"]);
                for o in sub["options"].as_array().into_iter().flatten() {
                    if let Some(max) = o["max_value"].as_i64() {
                        assert!(max <= 1 << 53, "Discord's integers stop at 2^53: {o}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_command_of_a_group_is_written_as_discord_users_type_it() {
        assert_eq!(
            as_typed_on_discord("Usage: /tandem retro vote 2 [retro=NAME]"),
            "Usage: /retro vote 2 [retro=NAME]"
        );
        assert_eq!(as_typed_on_discord("/tandem standup list, /tandem me"), "/standup list, /tandem me");
        assert_eq!(as_typed_on_discord("/tandem standupx"), "/tandem standupx");
        assert_eq!(as_typed_on_discord("/tandem me tz=UTC, /tandem me export"), "/tandem me tz=UTC, /me export");
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
