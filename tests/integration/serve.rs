//! `gloss serve` end to end over loopback, against a fake site.
//!
//! The fake builder maps every file under `<tmp>/content` to an output file
//! of the same relative path and every file under `<tmp>/static` to a copied
//! file; a file containing `BROKEN` fails the build with an error pointing at
//! that word. The client is a few lines over `TcpStream`, so every request is
//! sent exactly as written (clients normalise `..` away).
//!
//! Nothing here asserts on timing: waits for events are bounded by a generous
//! socket timeout that only turns a hang into a failure.

use gloss::diagnostics::{Diagnostic, Diagnostics, Report};
use gloss::serve::{BuildContext, Handle, Options, Server};
use gloss::source::{SourceFile, SourceMap, Span};
use gloss::{OutputFile, RenderedSite};
use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tempfile::TempDir;

const TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------
// The fake site

fn fake_build(root: &Path) -> Result<RenderedSite, Report> {
    let mut site = RenderedSite::default();
    let mut sources = SourceMap::default();
    let mut diagnostics = Diagnostics::default();
    for (dir, copy) in [("content", false), ("static", true)] {
        let base = root.join(dir);
        if !base.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
            let entry = entry.map_err(|e| Report::single(Diagnostic::error(e.to_string())))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path().to_path_buf();
            let key = path
                .strip_prefix(&base)
                .expect("walked under base")
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs::read(&path).map_err(|e| {
                Report::single(Diagnostic::error(format!("{}: {e}", path.display())))
            })?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            if let Some(at) = text.find("BROKEN") {
                let name = format!("{dir}/{key}");
                let id = sources.add(SourceFile::new(name, path.clone(), text));
                diagnostics.push(
                    Diagnostic::error("unexpected <BROKEN> & co")
                        .at(Span::new(id, at, at + "BROKEN".len()))
                        .label("here"),
                );
            }
            let file = if copy {
                OutputFile::Copy(path)
            } else {
                OutputFile::Bytes(bytes.into())
            };
            site.files.insert(key, file);
        }
    }
    if diagnostics.has_errors() {
        return Err(diagnostics.into_report(&sources));
    }
    Ok(site)
}

struct Site {
    dir: TempDir,
    /// Every path a build was told had changed.
    changed: Arc<Mutex<Vec<PathBuf>>>,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site {
            dir,
            changed: Arc::default(),
        };
        site.write("gloss.toml", "title = \"t\"\n");
        site.write("content/index.html", &page("home v1"));
        site.write("content/docs/index.html", &page("docs"));
        site.write("content/404.html", &page("custom not found"));
        site.write("content/style.css", "body { color: black }\n");
        site.write("content/data.json", "{\"a\": 1}\n");
        site.write("content/feed.xml", "<feed/>\n");
        site.write("content/article.jsonld", "{}\n");
        site.write("content/robots.txt", "User-agent: *\n");
        site.write("content/app.js", "console.log(1)\n");
        site.write("content/pagefind/pagefind-entry.json", "{}\n");
        site.write("content/pagefind/en_1.pf_meta", "meta");
        site.write("content/pagefind/index/en_2.pf_index", "index");
        site.write("content/pagefind/fragment/en_3.pf_fragment", "fragment");
        site.write("content/big.html", &page(&"x".repeat(100_000)));
        site.write("static/theme.css", "p { margin: 0 }\n");
        fs::write(
            site.path("static/pixel.png"),
            [0x89, b'P', b'N', b'G', 0, 1, 2],
        )
        .expect("png");
        // Outside the served folders: must never be served.
        site.write("secret.txt", "top secret\n");
        site
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(path, text).expect("write");
    }

    fn start(&self, options: Options) -> Handle {
        let root = self.root().to_path_buf();
        let options = Options {
            port: 0,
            quiet: true,
            watch: Some(root.clone()),
            ..options
        };
        let changed = Arc::clone(&self.changed);
        let builder = move |ctx: &BuildContext| {
            changed
                .lock()
                .expect("lock")
                .extend(ctx.changed.iter().cloned());
            fake_build(&root)
        };
        Server::new(builder, options)
            .start()
            .expect("server starts")
    }
}

fn page(body: &str) -> String {
    format!("<!doctype html><html><head><link rel=\"stylesheet\" href=\"/style.css\"></head><body><p>{body}</p></body></html>\n")
}

// ---------------------------------------------------------------------------
// A tiny HTTP client

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(TIMEOUT)).expect("timeout");
    stream.set_write_timeout(Some(TIMEOUT)).expect("timeout");
    stream
}

/// Reads a response's status line and headers.
fn read_head(reader: &mut impl BufRead) -> io::Result<(u16, Vec<(String, String)>)> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "closed"));
    }
    let status = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line)?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            return Ok((status, headers));
        }
        let (name, value) = trimmed
            .split_once(':')
            .ok_or_else(|| io::Error::other(format!("bad header {trimmed:?}")))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
}

/// Reads one whole response (Content-Length, chunked, or up to the close).
fn read_reply(reader: &mut impl BufRead, head_only: bool) -> io::Result<Reply> {
    let (status, headers) = read_head(reader)?;
    let mut reply = Reply {
        status,
        headers,
        body: Vec::new(),
    };
    if head_only {
        return Ok(reply);
    }
    if let Some(len) = reply.header("Content-Length") {
        let len: usize = len.parse().map_err(io::Error::other)?;
        reply.body.resize(len, 0);
        reader.read_exact(&mut reply.body)?;
    } else if reply
        .header("Transfer-Encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size)?;
            let size = usize::from_str_radix(size.trim(), 16).map_err(io::Error::other)?;
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            reply.body.extend_from_slice(&chunk[..size]);
        }
    } else {
        reader.read_to_end(&mut reply.body)?;
    }
    Ok(reply)
}

/// Sends `head` (request line and headers, without the final blank line) on
/// a new connection and reads the response.
fn send(port: u16, head: &str) -> Reply {
    let mut stream = connect(port);
    let request = format!("{head}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let head_only = head.starts_with("HEAD ");
    read_reply(&mut BufReader::new(stream), head_only).expect("response")
}

fn request(port: u16, method: &str, path: &str) -> Reply {
    send(
        port,
        &format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
    )
}

fn get(port: u16, path: &str) -> Reply {
    request(port, "GET", path)
}

/// A live-reload connection.
struct Events {
    reader: BufReader<TcpStream>,
    /// When to give up waiting (heartbeats keep the socket from timing out).
    deadline: Instant,
}

impl Events {
    /// Opens `/__gloss/events` with the given extra header lines; the status
    /// and the open stream when it is 200.
    fn open(port: u16, headers: &str) -> (u16, Option<Events>) {
        let mut stream = connect(port);
        let request = format!("GET /__gloss/events HTTP/1.1\r\n{headers}\r\n");
        stream.write_all(request.as_bytes()).expect("send");
        let mut reader = BufReader::new(stream);
        let (status, headers) = read_head(&mut reader).expect("response");
        if status != 200 {
            return (status, None);
        }
        let content_type = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("Content-Type"))
            .map(|(_, v)| v.as_str());
        assert_eq!(content_type, Some("text/event-stream"));
        let deadline = Instant::now() + TIMEOUT;
        (status, Some(Events { reader, deadline }))
    }

    fn connect(port: u16) -> Events {
        let (status, events) = Events::open(port, &format!("Host: 127.0.0.1:{port}\r\n"));
        assert_eq!(status, 200);
        events.expect("stream")
    }

    /// The next event: its name and data.
    fn next(&mut self) -> (String, String) {
        let mut name = String::from("message");
        let mut data = String::new();
        let mut line = String::new();
        loop {
            assert!(Instant::now() < self.deadline, "no event in time");
            line.clear();
            let n = self.reader.read_line(&mut line).expect("event stream");
            assert!(n > 0, "event stream closed");
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if !data.is_empty() {
                    return (name, data);
                }
                continue;
            }
            if let Some(value) = line.strip_prefix("event: ") {
                name = value.to_string();
            } else if let Some(value) = line.strip_prefix("data: ") {
                data.push_str(value);
            }
        }
    }

    /// Skips events until one named `wanted`; returns its data as JSON.
    fn wait_for(&mut self, wanted: &str) -> serde_json::Value {
        self.deadline = Instant::now() + TIMEOUT;
        loop {
            let (name, data) = self.next();
            eprintln!("event {name}: {data}");
            if name == wanted {
                return serde_json::from_str(&data).expect("JSON data");
            }
        }
    }

    /// Waits for `wanted` events until `check` holds (an editor's save can
    /// take more than one rebuild; only the last one counts).
    fn wait_until(&mut self, wanted: &str, mut check: impl FnMut() -> bool) {
        loop {
            self.wait_for(wanted);
            if check() {
                return;
            }
        }
    }
}

const SCRIPT: &str = "<script src=\"/__gloss/reload.js\"";

// ---------------------------------------------------------------------------
// Tests

#[test]
fn serve_answers_with_content_types_statuses_and_no_store() {
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/"));

    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("Cache-Control"), Some("no-store"));
    let text = home.text();
    assert!(text.contains("home v1"));
    // Injected once, before </body>, by the server only.
    assert_eq!(text.matches(SCRIPT).count(), 1);
    assert!(text.find(SCRIPT) < text.find("</body>"));
    assert!(!fs::read_to_string(site.path("content/index.html"))
        .expect("read")
        .contains("reload.js"));
    assert_eq!(get(port, "/index.html").text(), text);

    let docs = get(port, "/docs/");
    assert_eq!(docs.status, 200);
    assert!(docs.text().contains("docs"));
    let redirect = get(port, "/docs");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/docs/"));
    let redirect = get(port, "/docs?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("Location"), Some("/docs/?x=1"));
    assert_eq!(get(port, "/?x=1").status, 200);

    for (path, content_type) in [
        ("/style.css", "text/css; charset=utf-8"),
        ("/app.js", "text/javascript; charset=utf-8"),
        ("/data.json", "application/json"),
        ("/article.jsonld", "application/ld+json"),
        ("/feed.xml", "application/xml"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/pagefind/en_1.pf_meta", "application/octet-stream"),
        ("/pagefind/index/en_2.pf_index", "application/octet-stream"),
        (
            "/pagefind/fragment/en_3.pf_fragment",
            "application/octet-stream",
        ),
        ("/theme.css", "text/css; charset=utf-8"),
        ("/pixel.png", "image/png"),
        ("/__gloss/reload.js", "text/javascript; charset=utf-8"),
    ] {
        let reply = get(port, path);
        assert_eq!(reply.status, 200, "{path}");
        assert_eq!(reply.header("Content-Type"), Some(content_type), "{path}");
        assert_eq!(reply.header("Cache-Control"), Some("no-store"), "{path}");
        assert!(!reply.text().contains(SCRIPT), "{path}");
    }
    // Copied files come from disk, byte for byte.
    assert_eq!(
        get(port, "/pixel.png").body,
        [0x89, b'P', b'N', b'G', 0, 1, 2]
    );
    // A large page (sent chunked) still gets the script once.
    let big = get(port, "/big.html");
    assert_eq!(big.status, 200);
    assert_eq!(big.text().matches(SCRIPT).count(), 1);

    let missing = get(port, "/no/such/page");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert!(missing.text().contains("custom not found"));
    assert!(missing.text().contains(SCRIPT));
    // No directory listings: a folder without index.html is not found.
    assert_eq!(get(port, "/pagefind/").status, 404);

    let head = request(port, "HEAD", "/");
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        head.header("Content-Length"),
        Some(home.body.len().to_string().as_str())
    );

    for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let reply = request(port, method, "/");
        assert_eq!(reply.status, 405, "{method}");
        assert_eq!(reply.header("Allow"), Some("GET, HEAD"), "{method}");
    }
    server.shutdown();
}

#[test]
fn serve_refuses_paths_outside_the_site() {
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    for path in [
        "/../Cargo.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/Cargo.toml",
        "//etc/passwd",
        "/..%2fCargo.toml",
        "/..%2f..%2fsecret.txt",
        "/../secret.txt",
        "/static/../secret.txt",
        "/docs/../../secret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/index.html%00.png",
        "/./index.html",
        "/%2fetc/passwd",
        "/docs//index.html",
        "/%zz",
    ] {
        let reply = get(port, path);
        assert_eq!(reply.status, 404, "{path}");
        let text = reply.text();
        assert!(!text.contains("top secret"), "{path}");
        assert!(!text.contains("[package]"), "{path}");
        assert!(!text.contains("root:"), "{path}");
    }
    // Absolute paths in the request line are not files either.
    let reply = send(
        port,
        &format!("GET /etc/passwd HTTP/1.1\r\nHost: 127.0.0.1:{port}"),
    );
    assert_eq!(reply.status, 404);
    server.shutdown();
}

#[test]
fn serve_answers_no_page_to_a_foreign_host() {
    // A page on evil.example that rebinds its name to 127.0.0.1 sends
    // `Host: evil.example`: it must not read the preview (DNS rebinding).
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    let foreign = send(
        port,
        &format!("GET / HTTP/1.1\r\nHost: evil.example:{port}"),
    );
    assert_eq!(foreign.status, 403);
    let no_host = send(port, "GET / HTTP/1.0");
    assert_eq!(no_host.status, 403);
    assert_eq!(get(port, "/").status, 200);
    server.shutdown();
}

#[test]
fn serve_events_answer_only_pages_of_this_server() {
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    let refused = [
        format!("Host: evil.example:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: http://evil.example\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: http://evil.example:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: https://127.0.0.1:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: null\r\n"),
        format!("Host: 127.0.0.1:{}\r\n", port.wrapping_add(1)),
    ];
    for headers in &refused {
        let (status, _) = Events::open(port, headers);
        assert_eq!(status, 403, "{headers}");
    }
    let accepted = [
        format!("Host: 127.0.0.1:{port}\r\n"),
        format!("Host: localhost:{port}\r\nOrigin: http://localhost:{port}\r\n"),
        format!("Host: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\n"),
    ];
    for headers in &accepted {
        let (status, events) = Events::open(port, headers);
        assert_eq!(status, 200, "{headers}");
        let mut events = events.expect("stream");
        let hello = events.wait_for("hello");
        assert!(hello["build"].is_string());
    }
    server.shutdown();
}

#[test]
fn serve_live_reload_rebuilds_reports_errors_and_recovers() {
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    let mut events = Events::connect(port);
    let hello = events.wait_for("hello");
    let first_build = hello["build"].as_str().expect("token").to_string();
    // The page knows its build, to notice missed events on reconnecting.
    assert!(get(port, "/").text().contains(&first_build));

    // An edit: a reload, and the new page.
    site.write("content/index.html", &page("home v2"));
    events.wait_until("reload", || get(port, "/").text().contains("home v2"));

    // Editor scratch files and the output folder are not changes: no build
    // is told about them (the edit written after them is).
    let scratch = [
        "content/.index.html.swp",
        "content/index.html~",
        "content/.#index.html",
        "content/4913",
        "content/index.html.tmp",
        "public/index.html",
    ];
    for rel in scratch {
        site.write(rel, "scratch");
    }
    site.write("content/index.html", &page("home v3"));
    events.wait_until("reload", || get(port, "/").text().contains("home v3"));
    {
        let changed = site.changed.lock().expect("lock");
        assert!(changed.iter().any(|p| p.ends_with("content/index.html")));
        for rel in scratch {
            assert!(!changed.iter().any(|p| p.ends_with(rel)), "{rel}");
        }
    }
    for rel in &scratch[..5] {
        fs::remove_file(site.path(rel)).expect("remove");
    }

    // A stylesheet in static/: `css`, not `reload`.
    site.write("static/theme.css", "p { margin: 1em }\n");
    events.wait_until("css", || get(port, "/theme.css").text().contains("1em"));

    // Broken: an `error` event with file:line:col and message; the last good
    // site is still served.
    site.write(
        "content/index.html",
        "<html><body>\n  BROKEN</body></html>\n",
    );
    let error = events.wait_for("error");
    let first = &error["errors"][0];
    assert_eq!(first["file"], "content/index.html");
    assert_eq!(first["line"], 2);
    assert_eq!(first["column"], 3);
    assert_eq!(first["message"], "unexpected <BROKEN> & co");
    assert!(error["report"]
        .as_str()
        .is_some_and(|r| r.contains("unexpected <BROKEN> & co")));
    let still = get(port, "/");
    assert_eq!(still.status, 200);
    assert!(still.text().contains("home v3"));

    // A page opened meanwhile gets the error on connecting.
    let mut late = Events::connect(port);
    late.wait_for("hello");
    let error = late.wait_for("error");
    assert_eq!(error["errors"][0]["line"], 2);

    // Fixed: `reload` (even for a stylesheet-only change) and the new page.
    site.write("static/theme.css", "p { margin: 2em }\n");
    site.write("content/index.html", &page("home v4"));
    events.wait_until("reload", || get(port, "/").text().contains("home v4"));
    late.wait_until("reload", || get(port, "/").text().contains("home v4"));

    // gloss.toml is watched too.
    site.write("gloss.toml", "title = \"u\"\n");
    events.wait_for("reload");
    server.shutdown();
}

#[test]
fn serve_shows_errors_everywhere_until_the_first_build_succeeds() {
    let site = Site::new();
    site.write("content/index.html", "BROKEN <script>alert(1)</script>\n");
    let server = site.start(Options::default());
    let port = server.port();
    for path in ["/", "/docs/", "/style.css", "/nothing"] {
        let reply = get(port, path);
        assert_eq!(reply.status, 500, "{path}");
        assert_eq!(
            reply.header("Content-Type"),
            Some("text/html; charset=utf-8")
        );
        let text = reply.text();
        assert!(text.contains("content/index.html:1:1:"), "{text}");
        assert!(
            text.contains("unexpected &lt;BROKEN&gt; &amp; co"),
            "{text}"
        );
        assert!(!text.contains("<script>alert"), "{text}");
        assert!(text.contains(SCRIPT));
    }
    let mut events = Events::connect(port);
    events.wait_for("hello");
    events.wait_for("error");
    site.write("content/index.html", &page("fixed"));
    events.wait_until("reload", || get(port, "/").status == 200);
    assert!(get(port, "/").text().contains("fixed"));
    assert_eq!(get(port, "/style.css").status, 200);
    server.shutdown();
}

#[test]
fn serve_without_reload_injects_nothing_and_has_no_events() {
    let site = Site::new();
    let server = site.start(Options {
        reload: false,
        ..Options::default()
    });
    let port = server.port();
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(!home.text().contains("reload.js"));
    assert_eq!(home.text(), page("home v1"));
    assert_eq!(get(port, "/__gloss/events").status, 404);
    assert_eq!(get(port, "/__gloss/reload.js").status, 404);
    server.shutdown();
}

#[test]
fn serve_moves_to_the_next_port_when_taken() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();
    let site = Site::new();
    let root = site.root().to_path_buf();
    let server = Server::new(
        move |_: &BuildContext| fake_build(&root),
        Options {
            port,
            quiet: true,
            ..Options::default()
        },
    )
    .start()
    .expect("server starts on another port");
    assert_ne!(server.port(), port);
    assert!(server.port() > port);
    assert_eq!(get(server.port(), "/").status, 200);
    server.shutdown();
}

#[test]
fn serve_builder_gets_the_local_url() {
    let seen = Arc::new(Mutex::new(String::new()));
    let record = seen.clone();
    let server = Server::new(
        move |ctx: &BuildContext| {
            *record.lock().expect("lock") = ctx.base_url.clone();
            Ok(RenderedSite::default())
        },
        Options {
            port: 0,
            quiet: true,
            ..Options::default()
        },
    )
    .start()
    .expect("server starts");
    let port = server.port();
    assert_eq!(
        *seen.lock().expect("lock"),
        format!("http://127.0.0.1:{port}")
    );
    // An empty site: everything is a plain 404.
    assert_eq!(get(port, "/").status, 404);
    // A rebuild on demand calls the builder again.
    seen.lock().expect("lock").clear();
    server.rebuild();
    assert_eq!(
        *seen.lock().expect("lock"),
        format!("http://127.0.0.1:{port}")
    );
    server.shutdown();
}

/// 20,000 requests over 32 keep-alive connections, all answered correctly.
#[test]
fn serve_handles_a_bounded_load() {
    const CONNECTIONS: usize = 32;
    const PER_CONNECTION: usize = 625;
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    // Keep an event stream open throughout: it must not hold up anyone.
    let mut events = Events::connect(port);
    events.wait_for("hello");

    let paths: [(&str, u16); 5] = [
        ("/", 200),
        ("/style.css", 200),
        ("/pixel.png", 200),
        ("/missing", 404),
        ("/docs", 301),
    ];
    let workers: Vec<_> = (0..CONNECTIONS)
        .map(|c| {
            std::thread::spawn(move || {
                let mut errors = Vec::new();
                let mut stream = connect(port);
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                for i in 0..PER_CONNECTION {
                    let (path, status) = paths[(c + i) % paths.len()];
                    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
                    let reply = stream
                        .write_all(request.as_bytes())
                        .and_then(|()| read_reply(&mut reader, false));
                    match reply {
                        Ok(reply) if reply.status == status => {}
                        Ok(reply) => errors.push(format!("{path}: status {}", reply.status)),
                        Err(e) => {
                            errors.push(format!("{path}: {e}"));
                            stream = connect(port);
                            reader = BufReader::new(stream.try_clone().expect("clone"));
                        }
                    }
                }
                errors
            })
        })
        .collect();
    let errors: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("client thread"))
        .collect();
    assert!(
        errors.is_empty(),
        "{} errors, first: {:?}",
        errors.len(),
        errors.first()
    );
    server.shutdown();
}

#[test]
fn serve_fake_site_is_sane() {
    // Guards the fake builder the other tests rely on.
    let site = Site::new();
    let built = fake_build(site.root()).expect("builds");
    let keys: Vec<&String> = built.files.keys().collect();
    assert!(keys.iter().any(|k| *k == "index.html"));
    assert!(matches!(
        built.files.get("pixel.png"),
        Some(OutputFile::Copy(_))
    ));
    assert!(!keys.iter().any(|k| k.contains("secret")));
}

// ---------------------------------------------------------------------------
// With the real renderer

/// `tests/fixtures/<name>` copied into a temp folder; the site is `<tmp>/site`.
fn copy_fixture(name: &str) -> (TempDir, PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.expect("walk fixture");
        let target = root.join(entry.path().strip_prefix(&from).expect("under fixture"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
    (dir, root)
}

fn stylesheets(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let links = scraper::Selector::parse(r#"link[rel~="stylesheet"]"#).expect("selector");
    doc.select(&links)
        .filter_map(|l| l.value().attr("href").map(str::to_string))
        .collect()
}

#[test]
fn serve_real_site_builds_serves_and_rebuilds() {
    let (_dir, root) = copy_fixture("basic");
    fs::create_dir_all(root.join("static")).expect("mkdir");
    fs::write(root.join("static/gloss.css"), "body { color: black }\n").expect("css");
    let article = root.join("content/articles/ferry-timetable.md");
    let original = fs::read_to_string(&article).expect("article");

    let site_root = root.clone();
    let server = Server::new(
        move |ctx: &BuildContext| {
            gloss::render_site(&gloss::BuildOptions {
                root: site_root.clone(),
                output: None,
                drafts: false,
                base_url: Some(ctx.base_url.clone()),
                search_index: false,
            })
        },
        Options {
            port: 0,
            quiet: true,
            watch: Some(root.clone()),
            ..Options::default()
        },
    )
    .start()
    .expect("server starts");
    let port = server.port();

    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains(SCRIPT));
    let sheets = stylesheets(&home.text());
    assert!(!sheets.is_empty());
    for href in &sheets {
        let css = get(port, href);
        assert_eq!(css.status, 200, "{href}");
        assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    }
    assert_eq!(get(port, "/articles/ferry-timetable").status, 301);
    let page = get(port, "/articles/ferry-timetable/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Times are local."));
    assert_eq!(
        get(port, "/articles/ferry-timetable/annotations.jsonld").header("Content-Type"),
        Some("application/ld+json")
    );
    let missing = get(port, "/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains(SCRIPT));
    // Absolute URLs point at the preview, not the configured site.
    let sitemap = get(port, "/sitemap.xml").text();
    assert!(
        sitemap.contains(&format!("http://127.0.0.1:{port}/")),
        "{sitemap}"
    );
    assert!(!sitemap.contains("gazette.example.org"), "{sitemap}");

    let mut events = Events::connect(port);
    events.wait_for("hello");

    // An edit to an article.
    fs::write(
        &article,
        original.replace("Times are local.", "Times are local, mostly."),
    )
    .expect("edit");
    events.wait_until("reload", || {
        get(port, "/articles/ferry-timetable/")
            .text()
            .contains("Times are local, mostly.")
    });

    // The site's stylesheet: a `css` event, and the page links the new
    // (content-hashed) file.
    fs::write(root.join("static/gloss.css"), "body { color: navy }\n").expect("css");
    events.wait_until("css", || {
        stylesheets(&get(port, "/").text())
            .iter()
            .any(|href| get(port, href).text().contains("navy"))
    });
    assert_ne!(stylesheets(&get(port, "/").text()), sheets);

    // A mistake in the front matter: an `error` event that points at it; the
    // last good site is still served.
    fs::write(
        &article,
        original.replace("[[notes]]", "[[notes]]\nbogus_key = 1"),
    )
    .expect("break");
    let error = events.wait_for("error");
    let first = &error["errors"][0];
    assert_eq!(first["file"], "content/articles/ferry-timetable.md");
    assert!(first["line"].as_u64().is_some_and(|l| l > 1), "{error}");
    assert!(first["message"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(get(port, "/articles/ferry-timetable/")
        .text()
        .contains("Times are local, mostly."));

    fs::write(&article, &original).expect("fix");
    events.wait_until("reload", || {
        get(port, "/articles/ferry-timetable/")
            .text()
            .contains("Times are local.")
    });
    server.shutdown();
}

#[test]
fn serve_survives_a_panicking_build() {
    let site = Site::new();
    let root = site.root().to_path_buf();
    let server = Server::new(
        move |_: &BuildContext| {
            if root.join("content/panic").exists() {
                panic!("the fake builder gave up");
            }
            fake_build(&root)
        },
        Options {
            port: 0,
            quiet: true,
            watch: Some(site.root().to_path_buf()),
            ..Options::default()
        },
    )
    .start()
    .expect("server starts");
    let port = server.port();
    let mut events = Events::connect(port);
    events.wait_for("hello");
    site.write("content/panic", "");
    let error = events.wait_for("error");
    assert!(error["errors"][0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("the fake builder gave up")));
    assert!(get(port, "/").text().contains("home v1"));
    fs::remove_file(site.path("content/panic")).expect("remove");
    site.write("content/index.html", &page("after the panic"));
    events.wait_until("reload", || {
        get(port, "/").text().contains("after the panic")
    });
    server.shutdown();
}

// ---------------------------------------------------------------------------
// Bounds (issue 12): one 100 MB header took the server to 297 MB, and every
// connection had a thread of its own.

/// The threads of this process (Linux), to see that connections do not
/// each get one.
#[cfg(target_os = "linux")]
fn threads() -> usize {
    fs::read_to_string("/proc/self/status")
        .expect("status")
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("Threads: line")
}

/// Regression test for issue 12: a request head past the limit gets 431 and
/// its connection is closed before the rest of it is read; the server goes
/// on answering.
#[test]
fn serve_answers_an_oversized_request_head_with_431_and_goes_on() {
    let site = Site::new();
    let server = site.start(Options::default());
    let port = server.port();
    let stream = connect(port);
    let mut writer = stream.try_clone().expect("clone");
    // 100 MB of one header, sent while the answer is read.
    let sender = std::thread::spawn(move || {
        let chunk = vec![b'a'; 64 * 1024];
        let start = format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Big: ");
        writer.write_all(start.as_bytes())?;
        for _ in 0..1600 {
            writer.write_all(&chunk)?;
        }
        writer.write_all(b"\r\n\r\n")
    });
    let reply = read_reply(&mut BufReader::new(stream), false).expect("an answer");
    assert_eq!(reply.status, 431);
    assert_eq!(reply.header("Connection"), Some("close"));
    // The server stopped reading long before the end of it.
    assert!(
        sender.join().expect("sender").is_err(),
        "all 100 MB were read"
    );
    // Too many header fields are too large as well.
    let fields: String = (0..200).map(|i| format!("X-{i}: y\r\n")).collect();
    let reply = send(
        port,
        &format!(
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{}",
            fields.trim_end()
        ),
    );
    assert_eq!(reply.status, 431);
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("home v1"));
    server.shutdown();
}

/// Regression test for issue 12: idle and slow clients, five times as many
/// as the server serves at once, neither keep a normal request out nor get
/// a thread each.
#[test]
fn serve_many_idle_connections_do_not_keep_a_request_out() {
    const IDLE: usize = 300;
    let site = Site::new();
    let server = site.start(Options {
        workers: 60,
        ..Options::default()
    });
    let port = server.port();
    #[cfg(target_os = "linux")]
    let before = threads();
    let mut idle = Vec::new();
    for i in 0..IDLE {
        let mut stream = connect(port);
        // Half say nothing; half start a request and stall.
        if i % 2 == 1 {
            stream
                .write_all(format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n").as_bytes())
                .expect("send");
        }
        idle.push(stream);
    }
    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("home v1"));
    #[cfg(target_os = "linux")]
    {
        // Other tests of this binary run meanwhile and have threads too:
        // the margin is theirs. A thread per connection would be 300 more.
        let grown = threads().saturating_sub(before);
        assert!(
            grown < 200,
            "{grown} more threads for {IDLE} idle connections"
        );
    }
    // A kept-alive connection is served again too.
    let mut stream = connect(port);
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    for _ in 0..3 {
        stream
            .write_all(
                format!("GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
            )
            .expect("send");
        assert_eq!(read_reply(&mut reader, false).expect("reply").status, 200);
    }
    drop(idle);
    server.shutdown();
}

/// Live-reload streams hold their connection for as long as a page is open:
/// at most half the connections are streams, so pages can always load.
#[test]
fn serve_limits_live_reload_streams_to_half_the_connections() {
    let site = Site::new();
    let server = site.start(Options {
        workers: 4,
        ..Options::default()
    });
    let port = server.port();
    let mut open = Vec::new();
    for _ in 0..2 {
        let mut events = Events::connect(port);
        events.wait_for("hello");
        open.push(events);
    }
    let (status, _) = Events::open(port, &format!("Host: 127.0.0.1:{port}\r\n"));
    assert_eq!(status, 503);
    assert_eq!(get(port, "/").status, 200);
    // A closed stream frees its place.
    drop(open.pop());
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let (status, events) = Events::open(port, &format!("Host: 127.0.0.1:{port}\r\n"));
        if status == 200 {
            events.expect("stream").wait_for("hello");
            break;
        }
        assert!(Instant::now() < deadline, "the place was never freed");
        std::thread::sleep(Duration::from_millis(50));
    }
    server.shutdown();
}

/// Issue 13: a site whose base_url has a path is previewed as it will be
/// served, below that path, and `/` leads there.
#[test]
fn serve_mounts_a_sub_path_site_below_its_path() {
    let site = Site::new();
    let server = site.start(Options {
        mount: "/news".into(),
        ..Options::default()
    });
    let port = server.port();
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/news/"));

    let root = get(port, "/");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("Location"), Some("/news/"));
    let home = get(port, "/news/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("home v1"));
    assert_eq!(get(port, "/news").status, 200);
    assert_eq!(get(port, "/news/style.css").status, 200);
    let docs = get(port, "/news/docs");
    assert_eq!(docs.status, 301);
    assert_eq!(docs.header("Location"), Some("/news/docs/"));
    // Outside the base path is outside the site.
    for path in ["/docs/", "/style.css", "/newsroom/", "/news../style.css"] {
        let r = get(port, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(r.text().contains("custom not found"), "{path}");
    }
    // The live-reload script stays where the injected tag looks for it.
    assert_eq!(get(port, "/__gloss/reload.js").status, 200);
}
