//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "dossier",
    version,
    about = "Turn articles and actor profiles into a cross-linked static site"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from the content folder into the output folder.
    Build {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The output folder, replaced as a whole when the build succeeds.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// Absolute URL the site is published at (for the sitemap and feed); overrides site.yaml.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Validate everything `build` validates; write nothing.
    Check {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
}
