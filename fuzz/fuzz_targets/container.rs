#![no_main]
//! The capped zip reader every zip-based format goes through.
use libfuzzer_sys::fuzz_target;
use prepub::extract::container::Container;

fuzz_target!(|data: &[u8]| {
    let limits = prepub_fuzz::limits();
    if let Ok(container) = Container::open(data, &limits) {
        for name in container.names().to_vec() {
            let _ = container.read(&name);
            let _ = container.read_text(&name);
        }
        let _ = container.resolve("word/document.xml");
    }
});
