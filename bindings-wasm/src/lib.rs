//! WASM bindings for commerce-rules (being built in issue 8).
