//! Any body at one of Slack's three endpoints (picked by the first byte): decoded, stored
//! and read back, its text through the grammar. A stored event that does not read back
//! would be acknowledged and then lost: that is a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tandem::doors::{SlackEndpoint, slack_body};

fuzz_target!(|data: &[u8]| {
    let Some((pick, body)) = data.split_first() else { return };
    let endpoint = match pick % 3 {
        0 => SlackEndpoint::Events,
        1 => SlackEndpoint::Commands,
        _ => SlackEndpoint::Interactions,
    };
    if let Err(e) = slack_body(endpoint, body) {
        panic!("{e:#}");
    }
});
