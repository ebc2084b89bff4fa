//! dossier: a folder of articles (Markdown) and actor profiles (YAML) in, a cross-linked
//! static site out. The stages are `load` → `resolve` → `render` → `output`.

pub mod cli;
pub mod diagnostic;
pub mod links;
pub mod load;
pub mod markdown;
pub mod mentions;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod schema;
pub mod serve;
pub mod text;
pub mod warnings;
