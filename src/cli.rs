//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "dossier",
    version,
    about = "Turn articles and actor profiles into a cross-linked static site"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Print nothing but errors and warnings.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say what each stage did and how long it took.
    #[arg(long, short, global = true)]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct ContentArgs {
    /// The content folder.
    #[arg(long, default_value = "content")]
    pub content: PathBuf,
    /// Treat warnings as errors (for CI).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from the content folder into the output folder.
    Build {
        #[command(flatten)]
        content: ContentArgs,
        /// The output folder, replaced as a whole when the build succeeds.
        #[arg(long, default_value = "public")]
        output: PathBuf,
        /// Absolute URL the site is published at (for the sitemap and feed); overrides site.yaml.
        #[arg(long)]
        base_url: Option<String>,
        /// Replace the output folder even if dossier did not write it (its files are lost).
        #[arg(long)]
        force: bool,
    },
    /// Validate everything `build` validates; write nothing.
    Check {
        #[command(flatten)]
        content: ContentArgs,
    },
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages.
    Serve {
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
        /// The port to listen on; the next free one is used if it is taken.
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Start a new site in DIR (new or empty): content with an example, schemas, workflows.
    Init {
        /// The site folder to create; `dossier build` then works inside it.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Write a new actor profile or article, every field commented.
    New {
        /// What to create.
        what: NewKind,
        /// The actor's name or the article's title; the file name is its slug.
        name: String,
        /// For an actor: person, organization (the default), state or coalition.
        #[arg(long)]
        kind: Option<String>,
        /// The content folder.
        #[arg(long, default_value = "content")]
        content: PathBuf,
    },
    /// Print the JSON Schema (draft 2020-12) of actor profiles, outlets and front matter.
    Schema {
        /// Write one file per schema into this folder instead of printing them.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewKind {
    Actor,
    Article,
}
