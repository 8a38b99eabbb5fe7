//! Any text as typed in a DM or a form, or given to `tandem schedule preview`: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    tandem::doors::typed_text(text);
});
