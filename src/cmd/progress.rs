//! What `gloss build` shows while it works. On a terminal: a line for each
//! stage, with a bar for the pages and the search shards, cleared when the
//! build ends so only the summary stays. Not on a terminal: nothing, except
//! in CI logs (`CI` set) for a site of [`LONG`] planned files or more, where
//! each stage after loading gets one line. Nothing with `--quiet`.

use gloss::progress::{Progress, Stage};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Planned files from which a build counts as long work in a CI log.
const LONG: usize = 1_000;

/// How a build's progress is shown.
pub(crate) enum Shown {
    Bars(Bars),
    Lines(Lines),
    Nothing,
}

/// The way to show progress for this run.
pub(crate) fn for_build(quiet: bool) -> Shown {
    if quiet {
        Shown::Nothing
    } else if std::io::stderr().is_terminal() {
        Shown::Bars(Bars::default())
    } else if std::env::var_os("CI").is_some() {
        Shown::Lines(Lines::default())
    } else {
        Shown::Nothing
    }
}

impl Shown {
    pub(crate) fn progress(&self) -> &dyn Progress {
        match self {
            Shown::Bars(b) => b,
            Shown::Lines(l) => l,
            Shown::Nothing => &gloss::progress::Silent,
        }
    }
}

fn slot(stage: Stage) -> usize {
    match stage {
        Stage::Load => 0,
        Stage::Render => 1,
        Stage::Search => 2,
        Stage::Links => 3,
    }
}

/// indicatif's bars on stderr, one a stage.
pub(crate) struct Bars {
    multi: MultiProgress,
    bars: Mutex<[Option<ProgressBar>; 4]>,
}

impl Default for Bars {
    fn default() -> Self {
        Bars {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::stderr()),
            bars: Mutex::new(Default::default()),
        }
    }
}

impl Progress for Bars {
    fn start(&self, stage: Stage, total: usize) {
        let bar = if total == 0 {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                    .expect("the spinner template parses"),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template("  {msg:24} [{bar:30}] {human_pos}/{human_len} {eta}")
                    .expect("the bar template parses")
                    .progress_chars("=> "),
            );
            bar
        };
        bar.set_message(stage.label());
        let bar = self.multi.add(bar);
        self.bars.lock().expect("no panic holds the bars")[slot(stage)] = Some(bar);
    }

    fn step(&self, stage: Stage) {
        if let Some(bar) = &self.bars.lock().expect("no panic holds the bars")[slot(stage)] {
            bar.inc(1);
        }
    }

    fn finish(&self, stage: Stage) {
        if let Some(bar) = self.bars.lock().expect("no panic holds the bars")[slot(stage)].take() {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }
}

/// One plain line a stage, for CI logs, once the build is known to be long.
#[derive(Default)]
pub(crate) struct Lines {
    long: AtomicBool,
    shards: AtomicUsize,
}

impl Progress for Lines {
    fn start(&self, stage: Stage, total: usize) {
        if stage == Stage::Render && total >= LONG {
            self.long.store(true, Ordering::Relaxed);
        }
        if stage == Stage::Search {
            self.shards.store(total, Ordering::Relaxed);
        } else if self.long.load(Ordering::Relaxed) {
            match total {
                0 => eprintln!("gloss: {}", stage.label()),
                n => eprintln!("gloss: {} ({n})", stage.label()),
            }
        }
    }

    fn step(&self, _: Stage) {}

    fn finish(&self, stage: Stage) {
        // Search starts beside rendering, maybe before the build is known
        // to be long: its line comes when it ends.
        if stage == Stage::Search && self.long.load(Ordering::Relaxed) {
            let n = self.shards.load(Ordering::Relaxed);
            eprintln!("gloss: {} ({n}): done", stage.label());
        }
    }
}
