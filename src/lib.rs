//! dossier: a folder of articles (Markdown) and actor profiles (YAML) in, a cross-linked
//! static site out. The stages, one module each: [`load`] → [`resolve`] → [`lint`] →
//! [`render`] → [`write`]; [`pipeline`] runs them in order and [`cmd`] holds the commands.

pub mod cli;
pub mod cmd;
pub mod diagnostic;
pub mod incremental;
pub mod init;
pub mod links;
pub mod lint;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod text;
pub mod write;
