//! What a build tells whoever watches it: the stage it is in and, for the
//! long ones, how many of their steps are done. The library only reports;
//! the command line (src/cmd/progress.rs) decides what, if anything, to show.

/// The stages of a full build, in order (render and search run together).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading the site's files and resolving articles against the glossary.
    Load,
    /// Rendering and writing pages; a step is a planned file.
    Render,
    /// Indexing for search; a step is a shard.
    Search,
    /// Checking every link into the site against what was built.
    Links,
}

impl Stage {
    pub fn label(self) -> &'static str {
        match self {
            Stage::Load => "reading and resolving",
            Stage::Render => "rendering pages",
            Stage::Search => "indexing search shards",
            Stage::Links => "checking links",
        }
    }
}

/// A watcher of a build. Called from the render threads, so `Sync`.
pub trait Progress: Sync {
    /// `stage` begins, with `total` steps (0 when it has none to count).
    fn start(&self, stage: Stage, total: usize);
    /// One more step of `stage` is done.
    fn step(&self, stage: Stage);
    /// `stage` is over.
    fn finish(&self, stage: Stage);
}

/// Reports to nobody: what every caller but `gloss build` passes.
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _: Stage, _: usize) {}
    fn step(&self, _: Stage) {}
    fn finish(&self, _: Stage) {}
}
