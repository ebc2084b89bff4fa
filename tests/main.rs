//! One integration test binary, a module per feature, so the suite links once.

mod support;

mod build;
mod cli;
mod content;
mod errors;
mod graph;
mod incremental;
mod init;
mod json_schema;
mod listings;
mod pages;
mod publish;
mod search;
mod serve;
