use super::*;
use crate::core::command::parse;

fn cards(deck: &[&str]) -> Vec<String> {
    deck.iter().map(|c| c.to_string()).collect()
}

#[test]
fn the_default_deck_is_fibonacci_with_a_question_mark_and_a_coffee() {
    assert_eq!(deck("fibonacci").expect("deck"), cards(FIBONACCI));
    assert_eq!(deck("tshirt").expect("deck")[0], "XS");
    assert_eq!(deck("1|2|4|8|?").expect("deck"), cards(&["1", "2", "4", "8", "?"]));
}

#[test]
fn a_deck_of_one_card_repeated_cards_or_too_many_is_refused() {
    for bad in ["5", "1|1|2", "1|2|3|4|5|6|7|8|9|10|11|12|13|14|15|16|17|18|19|20|21", "1|toolongcard"] {
        assert_eq!(deck(bad).expect_err(bad).template, "error_bad_deck", "{bad}");
    }
}

#[test]
fn a_reveal_gives_the_spread_the_median_and_whether_to_discuss() {
    let fib = cards(FIBONACCI);
    let at = |c: &str| fib.iter().position(|x| x == c).expect("card");
    let close = reveal(&fib, &[at("3"), at("5"), at("5")]);
    assert_eq!(
        (close.low.as_deref(), close.high.as_deref(), close.median.as_deref()),
        (Some("3"), Some("5"), Some("5"))
    );
    assert!(!close.discuss, "3 and 5 are neighbours");
    let far = reveal(&fib, &[at("2"), at("8"), at("?")]);
    assert!(far.discuss, "2 and 8 are three cards apart");
    assert_eq!(far.median.as_deref(), Some("5"), "the median of 2 and 8; ? is no estimate");
    let same = reveal(&fib, &[at("5"), at("5"), at("☕")]);
    assert!(same.consensus && !same.discuss);
    let none = reveal(&fib, &[at("?")]);
    assert_eq!((none.low, none.median, none.discuss), (None, None, false));
    let shirts = cards(TSHIRT);
    let s = reveal(&shirts, &[0, 3]);
    assert!(s.discuss && s.median.is_none(), "t-shirt sizes have a spread but no median");
}

#[test]
fn a_card_is_found_in_its_deck_whatever_the_case_and_refused_otherwise() {
    let shirts = cards(TSHIRT);
    assert_eq!(card_in(&shirts, "xl").expect("XL"), 4);
    assert_eq!(card_in(&shirts, "XXL").expect_err("not a card").template, "error_not_in_deck");
}

#[test]
fn poker_commands_read_as_typed() {
    let start = parse(
        COMMANDS,
        r#"poker start "CHECKOUT-12 Pay with Apple Pay" deck=tshirt close=2h link=https://x.test/C-12"#,
    );
    let PokerCommand::Start { stories, deck, close_minutes, link, .. } = start.expect("start") else { panic!("start") };
    assert_eq!(
        (stories, deck.as_deref(), close_minutes),
        (vec!["CHECKOUT-12 Pay with Apple Pay".to_string()], Some("tshirt"), Some(120))
    );
    assert_eq!(link.as_deref(), Some("https://x.test/C-12"));
    let queue = parse(COMMANDS, r#"poker start stories="A|B|C""#).expect("queue");
    assert!(matches!(queue, PokerCommand::Start { ref stories, .. } if stories.len() == 3));
    assert_eq!(
        parse(COMMANDS, r#"poker vote 5 reason="Needs a migration" story=4"#).expect("vote"),
        PokerCommand::Vote { story: Some(4), card: "5".into(), reason: Some("Needs a migration".into()) }
    );
    assert_eq!(parse(COMMANDS, "poker start").expect_err("no story").template, "error_usage");
    assert_eq!(parse(COMMANDS, "poker start A link=ftp://x").expect_err("no web link").template, "error_bad_link");
    assert_eq!(parse(COMMANDS, "poker start A deck=5").expect_err("no deck").template, "error_bad_deck");
}
