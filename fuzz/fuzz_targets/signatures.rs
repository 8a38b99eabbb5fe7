//! Slack's and Discord's signature checks on any headers and body: no panic, and nothing
//! unsigned verifies.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (Option<&str>, Option<&str>, &[u8], i64)| {
    let (timestamp, signature, body, now) = input;
    assert_eq!(tandem::doors::signatures(timestamp, signature, body, now), (false, false));
});
