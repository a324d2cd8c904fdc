//! Local preview (`gloss serve`): build the site into memory, serve it on
//! loopback, rebuild on every change and tell open browsers to reload.
//!
//! The parts:
//! - this module owns the served state (the last good site, or the errors of
//!   the last failed build) and the rebuild step that replaces it;
//! - `http` answers requests from that state (path checks, content
//!   types, the 404 page, injection of the reload script);
//! - `watch` turns file-system events under the site folder into
//!   debounced rebuilds;
//! - `reload` is the live-reload channel: Server-Sent Events at
//!   `/__gloss/events` and the script that listens to them.
//!
//! The server never writes to disk: every rebuild produces the whole site as
//! a map and swaps it in whole, so a request sees either the old site or the
//! new one, never a mix. The builder is a parameter, so the server can be
//! driven by an [`crate::incremental::Session`] ([`run`]) or by a fake site
//! in tests ([`Server::new`]).
//!
//! [`run`] rebuilds incrementally: an edited article re-renders its own pages
//! and the pages that list articles; any other change (a new or deleted
//! file, a glossary entry, `[[entities]]`, a template, static files,
//! gloss.toml) is a full rebuild. Both are tested to give the same bytes as a
//! full build. Its builds write no search index (`pagefind/`, see
//! [`BuildOptions::search_index`]): indexing would take seconds on every
//! save of a large site. The `/search/` page is still there, and the search
//! box on it finds nothing until the site is built with `gloss build`.

mod conn;
mod http;
mod reload;
mod watch;

pub(crate) use http::content_type;

use crate::diagnostics::{Diagnostic, Report};
use crate::incremental::Session;
use crate::{BuildOptions, OutputFile, RenderedSite};
use reload::{Event, Failure, Hub};
use std::collections::BTreeMap;
use std::io::{self, IsTerminal};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread::JoinHandle;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// What a builder is told about the build it is asked for.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BuildContext {
    /// The URL the site is served at, without a trailing slash
    /// (`http://127.0.0.1:4170`): the preview's base URL, so that absolute
    /// links stay on the local server.
    pub base_url: String,
    /// The watched files whose change caused this build (absolute paths);
    /// empty for the first build. Unused by full rebuilds; there for
    /// incremental ones.
    pub changed: Vec<PathBuf>,
}

/// Renders the whole site into memory; see [`Server::new`].
pub type Builder = dyn Fn(&BuildContext) -> Result<RenderedSite, Report> + Send + Sync;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Options {
    /// The address to bind; loopback unless the user asked otherwise.
    pub bind: IpAddr,
    /// The port to try first; 0 picks a free one (for tests).
    pub port: u16,
    /// How many following ports to try when `port` is taken.
    pub port_attempts: u16,
    /// Inject the reload script and open `/__gloss/events`.
    pub reload: bool,
    /// The site folder to watch (its content/, templates/, static/ and
    /// gloss.toml); `None` serves the first build and never rebuilds.
    pub watch: Option<PathBuf>,
    /// Print only errors (build failures, warnings about the bind address).
    pub quiet: bool,
    /// Connections served at once, each by a thread of its own, live-reload
    /// streams included (at most half of them). When all are taken, the one
    /// that has waited longest for a request is closed to make room; see
    /// `conn` for every bound a client meets.
    pub workers: usize,
    /// The site's base path (`/news` for `base_url = ".../news/"`), empty
    /// for a site at the root: the site is served below it, as it will be
    /// once published, and `/` redirects there.
    pub mount: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 4170,
            port_attempts: 20,
            reload: true,
            watch: None,
            quiet: false,
            workers: 64,
            mount: String::new(),
        }
    }
}

/// A preview server that has not started yet.
pub struct Server {
    builder: Arc<Builder>,
    options: Options,
}

impl Server {
    /// A server that builds the site with `builder`, once at start and again
    /// after every change under [`Options::watch`].
    pub fn new<F>(builder: F, options: Options) -> Server
    where
        F: Fn(&BuildContext) -> Result<RenderedSite, Report> + Send + Sync + 'static,
    {
        Server {
            builder: Arc::new(builder),
            options,
        }
    }

    /// Binds (moving to the next free port if the asked one is taken), runs
    /// the first build, starts watching and starts answering requests.
    /// Returns once the server is ready; a failed first build is not an
    /// error here: the server then shows the errors at every URL.
    pub fn start(self) -> io::Result<Handle> {
        let Server { builder, options } = self;
        let listener = bind(&options)?;
        let addr = listener.local_addr()?;
        let url = format!("{}{}/", site_url(addr).trim_end_matches('/'), options.mount);
        // Canonical, so that it is a prefix of the paths events report.
        let root = options
            .watch
            .as_ref()
            .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()));

        let limits = conn::Limits {
            connections: options.workers.max(2),
        };
        let shared = Arc::new(Shared {
            site: RwLock::new(Arc::new(Snapshot {
                files: None,
                failure: None,
                build: 0,
            })),
            hub: Hub::default(),
            streams: conn::StreamSlots::new(limits.streams()),
            build_lock: Mutex::new(()),
            builder,
            base_url: url.trim_end_matches('/').to_string(),
            mount: options.mount.clone(),
            instance: instance_id(),
            port: addr.port(),
            bind: options.bind,
            reload: options.reload,
            quiet: options.quiet,
            root: root.clone(),
        });

        // Watching starts first, so an edit made during the first build
        // causes a second one.
        let watcher = match &root {
            Some(root) => {
                let shared = Arc::clone(&shared);
                Some(watch::Watcher::start(root, move |changes| {
                    shared.rebuild(changes.paths, changes.css_only);
                })?)
            }
            None => None,
        };
        shared.rebuild(Vec::new(), false);

        let closing = Arc::new(AtomicBool::new(false));
        let connections = Arc::new(conn::Connections::default());
        let accept = {
            let shared = Arc::clone(&shared);
            let handler: Arc<conn::Handler> =
                Arc::new(move |request: &conn::Request| http::handle(request, &shared));
            let connections = Arc::clone(&connections);
            let closing = Arc::clone(&closing);
            std::thread::Builder::new()
                .name("gloss-accept".into())
                .spawn(move || conn::accept_loop(listener, handler, connections, limits, closing))?
        };

        if !options.quiet {
            println!("Serving {url} (Ctrl-C to stop)");
        }
        Ok(Handle {
            addr,
            url,
            shared,
            closing,
            connections,
            accept: Some(accept),
            watcher,
        })
    }
}

/// A running server. Dropping it shuts the server down.
pub struct Handle {
    addr: SocketAddr,
    url: String,
    shared: Arc<Shared>,
    closing: Arc<AtomicBool>,
    connections: Arc<conn::Connections>,
    accept: Option<JoinHandle<()>>,
    watcher: Option<watch::Watcher>,
}

impl Handle {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port the server listens on (not always the one asked for).
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The site's URL, with a trailing slash (`http://127.0.0.1:4170/`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Rebuilds now, as a change to a watched file would.
    pub fn rebuild(&self) {
        self.shared.rebuild(Vec::new(), false);
    }

    /// Blocks until the server stops (for `gloss serve`, until the process is
    /// interrupted).
    pub fn wait(mut self) {
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }

    /// Stops watching, closes live-reload connections and stops the workers.
    pub fn shutdown(self) {
        drop(self);
    }

    fn stop(&mut self) {
        if let Some(watcher) = self.watcher.take() {
            watcher.stop();
        }
        self.closing.store(true, Ordering::SeqCst);
        self.shared.hub.close();
        if let Some(accept) = self.accept.take() {
            // Wake the accepting thread, which then sees `closing`.
            let _ = std::net::TcpStream::connect(wake_address(self.addr));
            let _ = accept.join();
        }
        // Their threads end once their sockets are closed.
        self.connections
            .close_all(std::time::Duration::from_secs(5));
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What `gloss serve` is asked to do (the command line's `serve` flags).
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The port to listen on; if it is taken, the next free one is used.
    pub port: u16,
    /// The address to bind (an IP address).
    pub bind: String,
    /// Open the site in a browser once it is built.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Inject the live-reload script and open the reload endpoint.
    pub reload: bool,
}

/// Runs `gloss serve` for the site at `root` until the process is stopped.
///
/// Builds with [`crate::render_site`] (drafts as `args.drafts` says, the base
/// URL set to the local server's), serves on `args.bind:args.port` or the
/// next free port, rebuilds on every change, and opens a browser when
/// `args.open`. `quiet` keeps only errors and the URL. Returns an error when
/// the bind address is not an IP address or no port could be bound.
pub fn run(root: PathBuf, args: &ServeOptions, quiet: bool) -> io::Result<()> {
    let bind = parse_bind(&args.bind)?;
    let options = Options {
        bind,
        port: args.port,
        reload: args.reload,
        watch: Some(root.clone()),
        quiet,
        mount: configured_base_path(&root),
        ..Options::default()
    };
    let drafts = args.drafts;
    let session: Mutex<Option<Session>> = Mutex::new(None);
    let server = Server::new(
        move |ctx: &BuildContext| {
            let opts = BuildOptions {
                root: root.clone(),
                output: None,
                drafts,
                base_url: Some(ctx.base_url.clone()),
                search_index: false,
            };
            build_in_session(&session, &opts, &ctx.changed)
        },
        options,
    );
    let handle = server.start()?;
    if quiet {
        // The URL is what the command is for: print it even when quiet.
        println!("{}", handle.url());
    }
    if args.open {
        open_browser(handle.url());
    }
    handle.wait();
    Ok(())
}

/// The path of the base_url in the site's gloss.toml (`/news`), read once
/// at start: the preview serves the site below it. Empty when there is none
/// or the file cannot be read (the first build then reports why).
fn configured_base_path(root: &Path) -> String {
    let Ok(text) = std::fs::read_to_string(root.join("gloss.toml")) else {
        return String::new();
    };
    let Ok(value) = text.parse::<toml::Table>() else {
        return String::new();
    };
    value
        .get("base_url")
        .and_then(toml::Value::as_str)
        .and_then(|u| crate::routes::check_base_url(u).ok())
        .map(|u| crate::routes::Base::new(&u).path().to_string())
        .unwrap_or_default()
}

/// One build of `serve`: a full [`Session::build`] the first time, after a
/// failed full build, when the options changed or when nothing says what
/// changed ([`Handle::rebuild`]); else [`Session::update`], which runs the
/// same pipeline reusing what did not change.
fn build_in_session(
    session: &Mutex<Option<Session>>,
    opts: &BuildOptions,
    changed: &[PathBuf],
) -> Result<RenderedSite, Report> {
    let mut guard = match session.lock() {
        Ok(guard) => guard,
        // A build panicked while updating: its state cannot be trusted.
        Err(poisoned) => {
            let mut guard = poisoned.into_inner();
            *guard = None;
            session.clear_poison();
            guard
        }
    };
    if let Some(s) = guard.as_mut() {
        let same = s.options().base_url == opts.base_url && s.options().drafts == opts.drafts;
        if same && !changed.is_empty() {
            return s.update(changed);
        }
    }
    match Session::build(opts) {
        Ok((s, site)) => {
            *guard = Some(s);
            Ok(site)
        }
        Err(report) => {
            *guard = None;
            Err(report)
        }
    }
}

/// `--bind`: an IP address, or `localhost`.
fn parse_bind(text: &str) -> io::Result<IpAddr> {
    if text.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    text.trim_matches(|c| c == '[' || c == ']')
        .parse()
        .map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("--bind {text}: not an IP address (try 127.0.0.1 or 0.0.0.0)"),
            )
        })
}

/// Binds `options.port`, or the first free port after it.
fn bind(options: &Options) -> io::Result<TcpListener> {
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the site, drafts included",
            options.bind
        );
    }
    let last = if options.port == 0 {
        0
    } else {
        options.port.saturating_add(options.port_attempts)
    };
    let mut port = options.port;
    loop {
        match TcpListener::bind((options.bind, port)) {
            Ok(listener) => {
                no_delay(&listener);
                if port != options.port {
                    eprintln!("port {} is in use; using {port} instead", options.port);
                }
                return Ok(listener);
            }
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && port < last => port += 1,
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("cannot listen on {}:{port}: {e}", options.bind),
                ))
            }
        }
    }
}

/// Turns Nagle's algorithm off for every connection the listener accepts
/// (Linux copies the option to accepted sockets). A response's head and a
/// large body go out in separate writes; with Nagle on, the body of every
/// response after the first on a kept-alive connection waited for the
/// browser's delayed ACK, 40 ms a request, longer than a rebuild takes.
#[cfg(unix)]
fn no_delay(listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket descriptor, and a pointer to a c_int with its
    // size, as setsockopt(2) requires; on failure the socket is unchanged.
    unsafe {
        libc::setsockopt(
            listener.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(unix))]
fn no_delay(_: &TcpListener) {}

/// Where to connect to reach a listener bound to `addr` (the unspecified
/// address is not one to connect to).
fn wake_address(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// The URL to print and open for a bound address.
fn site_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) if ip.is_unspecified() => "[::1]".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{host}:{}/", addr.port())
}

/// Tells a reconnecting browser whether it is talking to the same server
/// process (see the `hello` event).
fn instance_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", nanos, std::process::id())
}

/// Opens `url` in the default browser if a launcher is installed; failure is
/// not an error (the URL is printed anyway).
fn open_browser(url: &str) {
    let launcher = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let child = std::process::Command::new(launcher)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if let Ok(mut child) = child {
        // Reap it so it does not linger as a zombie.
        std::thread::spawn(move || child.wait());
    }
}

/// What is being served: one build's output, swapped whole.
struct Snapshot {
    /// The last good site; `None` until a build has succeeded.
    files: Option<Arc<BTreeMap<String, OutputFile>>>,
    /// The errors of the latest build, when it failed.
    failure: Option<Arc<Failure>>,
    /// Counts successful builds.
    build: u64,
}

/// State shared by the workers, the watcher and the live-reload streams.
struct Shared {
    site: RwLock<Arc<Snapshot>>,
    hub: Hub,
    /// Places for live-reload streams.
    streams: conn::StreamSlots,
    /// Serialises rebuilds (the watcher and [`Handle::rebuild`]).
    build_lock: Mutex<()>,
    builder: Arc<Builder>,
    base_url: String,
    /// See [`Options::mount`].
    mount: String,
    instance: String,
    port: u16,
    bind: IpAddr,
    reload: bool,
    quiet: bool,
    /// The watched site folder, canonical, to shorten paths in log lines.
    root: Option<PathBuf>,
}

impl Shared {
    /// The current snapshot; cheap (one `Arc` clone), never blocks for long.
    fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.site.read().unwrap_or_else(|e| e.into_inner()))
    }

    fn swap(&self, snapshot: Snapshot) {
        *self.site.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }

    /// The token a page compares to tell whether it shows the current build.
    fn build_token(&self, build: u64) -> String {
        format!("{}-{build}", self.instance)
    }

    /// Builds the whole site, swaps it in when the build succeeds and tells
    /// the browsers: `reload` (or `css` when only stylesheets changed and the
    /// page was fine), or `error` with the report, keeping the last good site.
    fn rebuild(&self, changed: Vec<PathBuf>, css_only: bool) {
        let _guard = self.build_lock.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let context = BuildContext {
            base_url: self.base_url.clone(),
            changed,
        };
        // A panicking build is a failed build: the server keeps serving.
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| (self.builder)(&context)))
            .unwrap_or_else(|panic| Err(panic_report(panic.as_ref())));
        let previous = self.snapshot();
        match result {
            Ok(site) => {
                let build = previous.build + 1;
                let count = site.files.len();
                self.swap(Snapshot {
                    files: Some(Arc::new(site.files)),
                    failure: None,
                    build,
                });
                if !self.quiet {
                    let warnings = site.stats.warnings.trim_end();
                    if !warnings.is_empty() {
                        eprintln!("{warnings}");
                    }
                    println!(
                        "{} {count} files in {} ms{}",
                        if build == 1 { "built" } else { "rebuilt" },
                        started.elapsed().as_millis(),
                        describe(&context.changed, self.root.as_deref())
                    );
                    if let Some(line) = site.stats.drafts_line().filter(|_| build == 1) {
                        eprintln!("{line}");
                    }
                }
                let token = self.build_token(build);
                let event = if css_only && previous.failure.is_none() && previous.files.is_some() {
                    Event::Css(token)
                } else {
                    Event::Reload(token)
                };
                self.hub.broadcast(&event);
            }
            Err(report) => {
                print_report(&report);
                eprintln!(
                    "{}",
                    if previous.files.is_some() {
                        "build failed: still serving the last good build"
                    } else {
                        "build failed: serving the errors until they are fixed"
                    }
                );
                let failure = Arc::new(Failure::new(&report));
                self.swap(Snapshot {
                    files: previous.files.clone(),
                    failure: Some(Arc::clone(&failure)),
                    build: previous.build,
                });
                self.hub.broadcast(&Event::Error(failure));
            }
        }
    }
}

/// `" (content/a.md)"`, `" (3 changes)"` or nothing, for the rebuild line.
fn describe(changed: &[PathBuf], root: Option<&Path>) -> String {
    match changed {
        [] => String::new(),
        [one] => {
            let shown = root.and_then(|r| one.strip_prefix(r).ok()).unwrap_or(one);
            format!(" ({})", shown.display())
        }
        many => format!(" ({} changes)", many.len()),
    }
}

/// A report for a build that panicked (a bug in gloss, not in the site).
fn panic_report(panic: &(dyn std::any::Any + Send)) -> Report {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    Report::single(
        Diagnostic::error(format!("the build panicked: {message}")).note(
            "this is a bug in gloss; the server keeps running and retries on the next change",
        ),
    )
}

/// A failed build's report on the terminal, coloured when it is one.
fn print_report(report: &Report) {
    let text = if io::stderr().is_terminal() {
        report.colored()
    } else {
        report.rendered()
    };
    // `eprint!`, not a raw write: tests capture it.
    eprint!("{text}");
    if !text.ends_with('\n') {
        eprintln!();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_bind_accepts_ip_addresses_and_localhost() {
        assert_eq!(
            parse_bind("localhost").ok(),
            Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
        );
        assert_eq!(
            parse_bind("0.0.0.0").ok(),
            Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
        );
        assert!(parse_bind("[::1]").is_ok_and(|ip| ip.is_loopback()));
        assert!(parse_bind("example.com").is_err());
    }

    /// Accepted connections turn Nagle's algorithm off, so that responses on
    /// a kept-alive connection are not held for the client's delayed ACK.
    #[cfg(target_os = "linux")]
    #[test]
    fn serve_connections_send_without_delay() {
        use std::os::fd::AsRawFd;
        let listener = bind(&Options {
            port: 0,
            ..Options::default()
        })
        .expect("bind");
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        let mut on: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: a valid socket, and a c_int buffer with its size.
        let rc = unsafe {
            libc::getsockopt(
                accepted.as_raw_fd(),
                libc::IPPROTO_TCP,
                libc::TCP_NODELAY,
                (&mut on as *mut libc::c_int).cast(),
                &mut len,
            )
        };
        assert_eq!(rc, 0);
        assert_eq!(on, 1, "TCP_NODELAY is off on an accepted connection");
        drop(client);
    }

    /// `run`'s builder: a full build first, then updates, always equal to a
    /// full build with the same options (no search index).
    #[test]
    fn serve_session_builds_then_updates_like_a_full_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        for e in walkdir::WalkDir::new(&fixture)
            .into_iter()
            .map(Result::unwrap)
        {
            let target = dir.path().join(e.path().strip_prefix(&fixture).unwrap());
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(e.path(), &target).unwrap();
            }
        }
        let opts = BuildOptions {
            root: dir.path().to_path_buf(),
            output: None,
            drafts: false,
            base_url: Some("http://127.0.0.1:4170".into()),
            search_index: false,
        };
        let session = Mutex::new(None);
        let first = build_in_session(&session, &opts, &[]).expect("first build");
        assert!(!first.files.keys().any(|k| k.starts_with("pagefind/")));
        assert!(first.files.contains_key("search/index.html"));
        let article = dir.path().join("content/articles/ferry-timetable.md");
        let text = std::fs::read_to_string(&article).unwrap();
        std::fs::write(&article, text.replace("Times are local.", "Local times.")).unwrap();
        let updated =
            build_in_session(&session, &opts, std::slice::from_ref(&article)).expect("update");
        let guard = session.lock().unwrap();
        assert!(guard.as_ref().unwrap().last_update_was_incremental());
        let full = crate::render_site(&opts).expect("full build");
        assert!(
            updated.files == full.files,
            "the update differs from a full build"
        );
    }

    #[test]
    fn serve_url_never_shows_the_unspecified_address() {
        let addr = SocketAddr::from(([0, 0, 0, 0], 4170));
        assert_eq!(site_url(addr), "http://127.0.0.1:4170/");
        let addr = SocketAddr::from(([0, 0, 0, 0, 0, 0, 0, 0], 80));
        assert_eq!(site_url(addr), "http://[::1]:80/");
    }
}
