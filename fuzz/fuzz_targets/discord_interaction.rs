//! Any body at Discord's interactions endpoint: decoded, acknowledged, stored and read
//! back, its command through the grammar. A stored interaction that does not read back is
//! a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Err(e) = tandem::doors::discord_interaction(body) {
        panic!("{e:#}");
    }
});
