//! A scenario file as `--scenarios DIR` loads it, from arbitrary text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = absim::domain::scenario::Scenarios::parse_one(text, "fuzz.toml");
    }
});
