//! The command line. Each doc comment here is the `--help` text.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// gloss: a static site generator for annotated articles.
///
/// Turns a folder of Markdown articles, whose front matter carries source
/// notes, quotes and glossary entries, into a static HTML site.
#[derive(Debug, Parser)]
#[command(name = "gloss", version, about, long_about)]
pub struct Cli {
    /// The site folder. Default: the nearest folder upward holding gloss.toml.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,

    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print more about what the build does.
    #[arg(long, short, global = true)]
    pub verbose: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site: gloss.toml and content/ with one sample article.
    Init {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Build the site into its output folder (public/ by default).
    Build(BuildArgs),
    /// Create a new article (`gloss new article "Title"`) or glossary entry
    /// (`gloss new entry "Name"`) with its front matter filled in.
    New {
        /// What to create: `article` or `entry`.
        #[arg(value_parser = ["article", "entry"])]
        kind: String,
        /// The article's title or the entry's name; its slug becomes the file name.
        title: String,
        /// For an entry: `person` (the default) or `organisation`.
        #[arg(long = "kind", value_name = "KIND", value_parser = ["person", "organisation", "organization"])]
        entry_kind: Option<String>,
    },
    /// The built-in theme.
    #[command(subcommand)]
    Theme(ThemeCommand),
    /// Check the site for errors, and every link into the site, without writing anything.
    Check(BuildArgs),
    /// Build the site, serve it on 127.0.0.1 and rebuild on every change.
    Serve(ServeArgs),
    /// Import a raw article (.txt, .html or .md) as an annotated draft:
    /// quotes with their speakers, source notes and proposed glossary entries.
    Import(ImportArgs),
    /// Build the site, then publish it to a target of gloss.toml's [[deploy.targets]].
    Deploy(DeployArgs),
    /// Remove the build cache (.gloss/cache in the site folder) and nothing else.
    Clean,
}

#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The article to import: plain text, a saved HTML page or Markdown.
    pub file: PathBuf,
    /// Print the draft and the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The report's format: `text` for people, `json` for tools.
    #[arg(long, value_parser = ["text", "json"], default_value = "text")]
    pub format: String,
}

#[derive(Debug, Subcommand)]
pub enum ThemeCommand {
    /// Write the built-in templates and static files into the site, to edit
    /// and override them. Existing files are kept (and listed) unless --force.
    Export {
        /// Where to write `templates/` and `static/`. Default: the site folder.
        dir: Option<PathBuf>,
        /// Overwrite files that already exist.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args, Clone)]
pub struct BuildArgs {
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Override gloss.toml's base_url (e.g. for a preview deployment).
    #[arg(long, value_name = "URL", value_parser = crate::config::parse_base_url)]
    pub base_url: Option<String>,
    /// Where to write the site. Default: public/ in the site folder.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Fail on warnings as on errors (nothing is written).
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print problems: `human` (the default) or `json` on stdout, for
    /// CI (schema in docs/diagnostics.md).
    #[arg(long, value_name = "FORMAT", default_value = "human", value_parser = ["human", "json"])]
    pub format: String,
    /// Build everything afresh: neither read nor write the build cache
    /// (.gloss/cache). `check` never uses the cache.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// The port to listen on; if it is taken, the next free one is used.
    #[arg(long, short, default_value_t = 4170)]
    pub port: u16,
    /// The address to bind. Anything but loopback exposes your drafts to the network.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub bind: String,
    /// Open the site in a browser once it is built.
    #[arg(long)]
    pub open: bool,
    /// Include articles marked `draft = true`.
    #[arg(long)]
    pub drafts: bool,
    /// Do not inject the live-reload script or open the reload endpoint.
    #[arg(long)]
    pub no_reload: bool,
}

#[derive(Debug, Args, Clone)]
pub struct DeployArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    /// The target to publish to, by its `name` in gloss.toml. May be left out when there is one.
    #[arg(long, short, value_name = "NAME")]
    pub target: Option<String>,
    /// Print what would be sent and removed, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Also remove remote files the site no longer has. Without it they are kept.
    #[arg(long)]
    pub delete: bool,
    /// Publish the output folder as last built even when this build fails.
    #[arg(long)]
    pub force: bool,
    /// Publish the output folder as it is, without building first.
    #[arg(long)]
    pub no_build: bool,
}
