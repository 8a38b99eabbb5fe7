//! Any text as the value of each parameter of one command (picked by the first two
//! bytes), every other required parameter at its example: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((pick, value)) = data.split_first_chunk::<2>() else { return };
    let Ok(value) = std::str::from_utf8(value) else { return };
    tandem::doors::option_value(usize::from(u16::from_le_bytes(*pick)), value);
});
