//! C API for commerce-rules (being built in issue 7).
