//! One integration test binary, a module per feature, so the suite links once.

mod support;

mod build;
mod cli;
mod content;
mod errors;
mod hardening;
mod properties;
mod serve;
