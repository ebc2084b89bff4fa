//! One integration test binary, a module per feature, so the suite links once.

mod support;

mod build;
mod cli;
mod content;
mod errors;
mod graph;
mod hardening;
mod incremental;
mod init;
mod json_schema;
mod listings;
mod pages;
mod properties;
mod publish;
#[cfg(unix)]
mod rebuild;
mod search;
mod serve;
