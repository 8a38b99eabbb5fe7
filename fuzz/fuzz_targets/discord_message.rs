//! Any gateway message (a DM or a mention of the bot): decoded, stored and read back, its
//! line through the grammar. A stored message that does not read back is a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Err(e) = tandem::doors::discord_message(body) {
        panic!("{e:#}");
    }
});
