//! One integration test binary, a module per feature, so the suite links once.

mod support;

mod build;
mod cli;
mod content;
mod errors;
mod incremental;
mod init;
mod pages;
mod publish;
mod search;
mod serve;
