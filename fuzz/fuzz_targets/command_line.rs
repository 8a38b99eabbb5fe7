//! A `/tandem …` line of any bytes through the grammar, the registry and the capability's
//! own command (`tandem::doors::command_line`): no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|line: &str| {
    let _ = tandem::doors::command_line(line);
});
