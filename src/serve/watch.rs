//! Watches the site's sources and calls back once per burst of changes.
//!
//! Watched: `content/`, `templates/` and `static/` (recursively) and
//! `gloss.toml`. The site folder itself is watched flat, so that gloss.toml
//! being replaced (editors save by renaming) and the three folders being
//! created later are both seen; anything else in it, the output folder
//! (`public/`) first of all, is ignored, as are editor scratch files.
//!
//! Events are debounced (15 ms after the first one), so an editor's
//! save-rename-write burst, which takes a millisecond or two, is one rebuild;
//! batches that queued up while the previous one was being handled are
//! folded into one. The debounce is most of the time from a save to the
//! reload, so it is kept short: a late event costs one more (fast) rebuild.
//!
//! Reading a file is not a change: notify reports opens and closes too
//! (inotify's `IN_OPEN`), so a build reading the sources would trigger the
//! next build forever. [`ChangesOnly`] drops those events before the
//! debouncer, which sees paths only and cannot tell them apart.

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{EventHandler, RecommendedWatcher, RecursiveMode, WatcherKind};
use notify_debouncer_mini::{
    new_debouncer_opt, Config, DebounceEventResult, DebouncedEventKind, Debouncer,
};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;
use std::time::Duration;

const DEBOUNCE: Duration = Duration::from_millis(15);
/// The folders of the site folder that hold sources.
const SOURCE_DIRS: [&str; 3] = ["content", "templates", "static"];
const CONFIG: &str = "gloss.toml";

/// One burst of relevant changes.
#[derive(Debug)]
pub(super) struct Changes {
    /// Changed paths (absolute), sorted, no duplicates.
    pub paths: Vec<PathBuf>,
    /// Every change is a stylesheet in static/: the page can swap its
    /// stylesheets instead of reloading.
    pub css_only: bool,
}

enum Message {
    Fs(DebounceEventResult),
    Stop,
}

/// A running watcher; [`Watcher::stop`] or dropping it stops it.
pub(super) struct Watcher {
    control: Sender<Message>,
    thread: Option<JoinHandle<()>>,
}

impl Watcher {
    /// Starts watching `root` (canonical); `on_change` runs on the watcher's
    /// thread, one call at a time. Watching has begun when this returns.
    pub(super) fn start(
        root: &Path,
        on_change: impl Fn(Changes) + Send + 'static,
    ) -> io::Result<Watcher> {
        let (control, messages) = channel();
        let events = control.clone();
        let mut debouncer = new_debouncer_opt::<_, ChangesOnly>(
            Config::default().with_timeout(DEBOUNCE),
            move |result| {
                let _ = events.send(Message::Fs(result));
            },
        )
        .map_err(notify_error)?;
        debouncer
            .watcher()
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(notify_error)?;
        for dir in SOURCE_DIRS {
            let dir = root.join(dir);
            if dir.is_dir() {
                debouncer
                    .watcher()
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(notify_error)?;
            }
        }
        let root = root.to_path_buf();
        let thread = std::thread::Builder::new()
            .name("gloss-watch".into())
            .spawn(move || run(debouncer, &root, &messages, on_change))?;
        Ok(Watcher {
            control,
            thread: Some(thread),
        })
    }

    pub(super) fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        let _ = self.control.send(Message::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The platform's watcher, minus events that are not changes: opening,
/// reading and closing a file without writing it.
struct ChangesOnly(RecommendedWatcher);

impl notify::Watcher for ChangesOnly {
    fn new<F: EventHandler>(mut handler: F, config: notify::Config) -> notify::Result<Self> {
        let filtered = move |event: notify::Result<notify::Event>| {
            if event.as_ref().map_or(true, |e| is_change(&e.kind)) {
                handler.handle_event(event);
            }
        };
        RecommendedWatcher::new(filtered, config).map(ChangesOnly)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        self.0.watch(path, mode)
    }

    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        self.0.unwatch(path)
    }

    fn configure(&mut self, option: notify::Config) -> notify::Result<bool> {
        self.0.configure(option)
    }

    fn kind() -> WatcherKind {
        RecommendedWatcher::kind()
    }
}

/// Everything but accesses, except closing a file that was open for writing.
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

fn notify_error(e: notify::Error) -> io::Error {
    io::Error::other(format!("cannot watch the site folder: {e}"))
}

fn run<W: notify::Watcher>(
    mut debouncer: Debouncer<W>,
    root: &Path,
    messages: &Receiver<Message>,
    on_change: impl Fn(Changes),
) {
    while let Ok(message) = messages.recv() {
        let mut batch = Vec::new();
        match message {
            Message::Stop => return,
            Message::Fs(result) => take(result, &mut batch),
        }
        // Fold in what queued up while the last rebuild ran.
        loop {
            match messages.try_recv() {
                Ok(Message::Fs(result)) => take(result, &mut batch),
                Ok(Message::Stop) => return,
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return,
            }
        }
        let mut paths: Vec<PathBuf> = batch.into_iter().filter(|p| relevant(root, p)).collect();
        if paths.is_empty() {
            continue;
        }
        paths.sort();
        paths.dedup();
        // A source folder created after the start: watch it from now on.
        for dir in SOURCE_DIRS {
            let dir = root.join(dir);
            if paths.contains(&dir) && dir.is_dir() {
                let _ = debouncer.watcher().watch(&dir, RecursiveMode::Recursive);
            }
        }
        let css_only = paths.iter().all(|p| is_static_css(root, p));
        on_change(Changes { paths, css_only });
    }
}

/// Adds the paths whose writes are over to `batch`. The debouncer reports a
/// path as `AnyContinuous` when its first event is a debounce period old but
/// its last is not, which happens to every save whose events straddle the
/// deadline by microseconds; its final `Any` follows, and that one counts.
fn take(result: DebounceEventResult, batch: &mut Vec<PathBuf>) {
    match result {
        Ok(events) => batch.extend(
            events
                .into_iter()
                .filter(|e| e.kind == DebouncedEventKind::Any)
                .map(|e| e.path),
        ),
        Err(e) => eprintln!("gloss serve: watching: {e}"),
    }
}

/// Whether a change to `path` can change the site.
pub(super) fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = rel.components();
    let Some(first) = parts.next().and_then(|c| c.as_os_str().to_str()) else {
        return false;
    };
    let in_sources = SOURCE_DIRS.contains(&first);
    let is_config = first == CONFIG && parts.next().is_none();
    (in_sources || is_config) && !is_scratch(path)
}

/// Editor scratch files: vim's swap files, backups and its `4913` probe,
/// Emacs lock files, and `.tmp` files of atomic saves.
pub(super) fn is_scratch(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    name == "4913"
        || name.ends_with('~')
        || name.starts_with(".#")
        || [".swp", ".swo", ".swx", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

fn is_static_css(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root.join("static")).is_ok()
        && path.extension().is_some_and(|ext| ext == "css")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_watch_ignores_scratch_files_and_the_output() {
        let root = Path::new("/site");
        for path in [
            "/site/content/a.md",
            "/site/content/deep/er/b.png",
            "/site/templates/page.html",
            "/site/static/site.css",
            "/site/gloss.toml",
            "/site/content",
        ] {
            assert!(relevant(root, Path::new(path)), "{path}");
        }
        for path in [
            "/site/public/index.html",
            "/site/.gloss-build/x",
            "/site/notes.txt",
            "/site/gloss.toml~",
            "/site/content/.a.md.swp",
            "/site/content/.a.md.swx",
            "/site/content/a.md~",
            "/site/content/.#a.md",
            "/site/content/4913",
            "/site/static/site.css.tmp",
            "/elsewhere/content/a.md",
        ] {
            assert!(!relevant(root, Path::new(path)), "{path}");
        }
    }

    #[test]
    fn serve_watch_reading_is_not_a_change() {
        use notify::event::{CreateKind, ModifyKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Read
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Any)));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
        assert!(is_change(&EventKind::Remove(
            notify::event::RemoveKind::Any
        )));
    }

    #[test]
    fn serve_watch_a_save_counts_once_its_writes_are_over() {
        use notify_debouncer_mini::DebouncedEvent;
        let event = |path: &str, kind| DebouncedEvent::new(PathBuf::from(path), kind);
        let mut batch = Vec::new();
        // A save whose last write came just after the debounce deadline: the
        // debouncer reports it as still going, then again as done.
        take(
            Ok(vec![event(
                "/site/content/a.md",
                DebouncedEventKind::AnyContinuous,
            )]),
            &mut batch,
        );
        assert!(batch.is_empty());
        take(
            Ok(vec![
                event("/site/content/a.md", DebouncedEventKind::Any),
                event("/site/content/b.md", DebouncedEventKind::AnyContinuous),
            ]),
            &mut batch,
        );
        assert_eq!(batch, [PathBuf::from("/site/content/a.md")]);
    }

    #[test]
    fn serve_watch_tells_stylesheet_changes() {
        let root = Path::new("/site");
        assert!(is_static_css(root, Path::new("/site/static/css/a.css")));
        assert!(!is_static_css(root, Path::new("/site/templates/a.css")));
        assert!(!is_static_css(root, Path::new("/site/static/a.js")));
    }
}
