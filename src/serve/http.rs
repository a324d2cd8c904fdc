//! Answers one request from the served snapshot.
//!
//! A URL path is percent-decoded and checked before it is used, and then only
//! ever used as a key into the in-memory map of the build: `..` and `.`
//! segments (encoded or not), backslashes, NULs, empty segments and paths
//! starting with `//` are answered 404 outright. Files outside the build
//! cannot be reached because nothing here turns a URL into a file path; the
//! only files read from disk are the `OutputFile::Copy` entries the build put
//! in the map.
//!
//! Every response says `Cache-Control: no-store` (the site changes under the
//! browser), and HTML responses get the reload script before `</body>`.

use super::conn::{Answer, Body, Request, Response};
use super::reload::{self, Event};
use super::{Shared, Snapshot};
use crate::markdown::escape;
use crate::OutputFile;
use std::collections::BTreeMap;
use std::fs::File;
use std::sync::Arc;

/// Answers `request`. Never panics on what the client sent.
pub(super) fn handle(request: &Request, shared: &Arc<Shared>) -> Answer {
    Answer::Respond(match answer(request, shared) {
        Ok(response) => common_headers(response),
        Err(stream) => return stream,
    })
}

/// The response, or (as `Err`) a live-reload stream taking the connection.
fn answer(request: &Request, shared: &Arc<Shared>) -> Result<Response, Answer> {
    let head_only = match request.method.as_str() {
        "GET" => false,
        "HEAD" => true,
        _ => {
            return Ok(
                text_response(405, "405 method not allowed\n").with_header("Allow", "GET, HEAD")
            );
        }
    };
    let url = request.target.as_str();
    let (path, query) = match url.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (url, None),
    };

    // Every request must name this server as its Host: a page on another
    // site that rebinds its own name to 127.0.0.1 (DNS rebinding) must not be
    // able to read the preview, drafts included.
    let host_ok = request
        .header("Host")
        .is_some_and(|h| reload::host_allowed(h, shared.port, shared.bind));
    if !host_ok {
        return Ok(text_response(
            403,
            "403 forbidden: unknown Host (open the preview at the address gloss printed)\n",
        ));
    }

    if shared.reload && path == reload::EVENTS_PATH {
        return events(request, shared, head_only);
    }
    if shared.reload && path == reload::SCRIPT_PATH {
        return Ok(bytes_response(200, reload::SCRIPT.as_bytes())
            .with_header("Content-Type", "text/javascript; charset=utf-8"));
    }

    // A site under a base path is served below it, as it will be once
    // published; `/` leads there.
    let mount = shared.mount.as_str();
    let path = if mount.is_empty() {
        path
    } else if path == "/" || path.is_empty() {
        return Ok(text_response(302, "302 found\n").with_header("Location", format!("{mount}/")));
    } else {
        match path.strip_prefix(mount) {
            Some("") => "/",
            Some(rest) if rest.starts_with('/') => rest,
            _ => {
                let snapshot = shared.snapshot();
                return Ok(match &snapshot.files {
                    Some(files) => not_found(files, shared, &snapshot),
                    None => error_page(shared, &snapshot),
                });
            }
        }
    };
    let snapshot = shared.snapshot();
    Ok(match &snapshot.files {
        Some(files) => from_site(files, path, query, shared, &snapshot),
        None => error_page(shared, &snapshot),
    })
}

/// The response for `path` from a good build.
fn from_site(
    files: &BTreeMap<String, OutputFile>,
    path: &str,
    query: Option<&str>,
    shared: &Shared,
    snapshot: &Snapshot,
) -> Response {
    let Some(key) = normalise(path) else {
        return not_found(files, shared, snapshot);
    };
    let key = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key
    };
    if let Some(file) = files.get(&key) {
        return match serve_file(&key, file, 200, shared, snapshot) {
            Some(response) => response,
            None => not_found(files, shared, snapshot),
        };
    }
    // `/dir` -> `/dir/` when `dir/index.html` exists. `path` passed
    // `normalise`, so it starts with one `/` and the redirect stays here.
    if files.contains_key(&format!("{key}/index.html")) {
        let mount = &shared.mount;
        let location = match query {
            Some(query) => format!("{mount}{path}/?{query}"),
            None => format!("{mount}{path}/"),
        };
        return text_response(301, "301 moved permanently\n").with_header("Location", location);
    }
    not_found(files, shared, snapshot)
}

/// The site's `404.html` with status 404, or a plain one if it has none.
fn not_found(
    files: &BTreeMap<String, OutputFile>,
    shared: &Shared,
    snapshot: &Snapshot,
) -> Response {
    files
        .get("404.html")
        .and_then(|file| serve_file("404.html", file, 404, shared, snapshot))
        .unwrap_or_else(|| text_response(404, "404 not found\n"))
}

/// One entry of the map. `None` when a copied file can no longer be read
/// (deleted since the build).
fn serve_file(
    key: &str,
    file: &OutputFile,
    status: u16,
    shared: &Shared,
    snapshot: &Snapshot,
) -> Option<Response> {
    let content_type = content_type(key);
    let is_html = content_type.starts_with("text/html");
    let response = match file {
        OutputFile::Bytes(bytes) if is_html && shared.reload => {
            html_response(status, bytes.to_vec(), shared, snapshot)
        }
        OutputFile::Bytes(bytes) => bytes_response(status, Arc::clone(bytes)),
        OutputFile::Copy(path) if is_html && shared.reload => {
            let bytes = std::fs::read(path).ok()?;
            html_response(status, bytes, shared, snapshot)
        }
        OutputFile::Copy(path) => {
            let file = File::open(path).ok()?;
            let len = file.metadata().ok()?.len();
            Response::new(status, Body::File(file, len))
        }
    };
    Some(response.with_header("Content-Type", content_type))
}

fn html_response(status: u16, mut html: Vec<u8>, shared: &Shared, snapshot: &Snapshot) -> Response {
    inject(
        &mut html,
        &reload::script_tag(&shared.build_token(snapshot.build)),
    );
    bytes_response(status, html)
}

/// Every URL's answer while no build has succeeded yet: the errors, with the
/// reload script so the page replaces itself once they are fixed.
fn error_page(shared: &Shared, snapshot: &Snapshot) -> Response {
    let mut page = String::from(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Build failed · gloss</title>\
         <style>body{font:15px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;\
         margin:2rem;background:#18181c;color:#eee}h1{color:#ff6b6b;font-size:1.3rem}\
         .at{color:#8ab4f8}pre{white-space:pre-wrap;color:#ccc}</style></head>\n\
         <body><h1>gloss: the build failed</h1>\n<ul>\n",
    );
    if let Some(failure) = &snapshot.failure {
        for error in &failure.errors {
            page.push_str("<li>");
            if !error.file.is_empty() {
                page.push_str(&format!(
                    "<span class=\"at\">{}:{}:{}:</span> ",
                    escape(&error.file),
                    error.line,
                    error.column
                ));
            }
            page.push_str(&escape(&error.message));
            page.push_str("</li>\n");
        }
        page.push_str("</ul>\n<pre>");
        page.push_str(&escape(&failure.report));
        page.push_str("</pre>\n");
    } else {
        page.push_str("</ul>\n");
    }
    page.push_str("<p>This page reloads once the errors are fixed.</p>\n</body></html>\n");
    let mut page = page.into_bytes();
    if shared.reload {
        inject(
            &mut page,
            &reload::script_tag(&shared.build_token(snapshot.build)),
        );
    }
    bytes_response(500, page).with_header("Content-Type", "text/html; charset=utf-8")
}

/// `/__gloss/events`: checks that the request comes from a page of this
/// server, then takes the connection over to stream events on it. Past
/// [`super::conn::Limits::streams`] open streams, 503: the browser retries.
fn events(request: &Request, shared: &Arc<Shared>, head_only: bool) -> Result<Response, Answer> {
    let host_ok = request
        .header("Host")
        .is_some_and(|host| reload::host_allowed(host, shared.port, shared.bind));
    let origin_ok = request
        .header("Origin")
        .is_none_or(|origin| reload::origin_allowed(origin, shared.port, shared.bind));
    if !host_ok || !origin_ok {
        return Ok(text_response(403, "403 forbidden\n"));
    }
    if head_only {
        return Ok(bytes_response(200, Vec::new()).with_header("Content-Type", "text/event-stream"));
    }
    let Some(slot) = shared.streams.take() else {
        return Ok(text_response(503, "503 too many live-reload connections\n")
            .with_header("Retry-After", "2"));
    };
    let Some(events) = shared.hub.subscribe() else {
        return Ok(text_response(503, "503 shutting down\n"));
    };
    // Subscribed first, then read the state: a build finishing in between is
    // sent twice at worst, never lost.
    let snapshot = shared.snapshot();
    let mut first = vec![Event::Hello(shared.build_token(snapshot.build))];
    if let Some(failure) = &snapshot.failure {
        first.push(Event::Error(failure.clone()));
    }
    Err(Answer::Stream(Box::new(move |socket| {
        let _slot = slot;
        let _ = reload::stream(Box::new(socket), first, events);
    })))
}

/// The URL path as a map key (no leading `/`; a trailing `/` kept), or
/// `None` when it is malformed or tries to leave the site.
pub(super) fn normalise(path: &str) -> Option<String> {
    if !path.starts_with('/') || path.starts_with("//") {
        return None;
    }
    let decoded = String::from_utf8(percent_decode(path)?).ok()?;
    if decoded.contains(['\\', '\0']) || decoded.starts_with("//") {
        return None;
    }
    let rest = &decoded[1..];
    let segments: Vec<&str> = rest.split('/').collect();
    let last = segments.len() - 1;
    for (i, segment) in segments.iter().enumerate() {
        if *segment == "." || *segment == ".." || (segment.is_empty() && i != last) {
            return None;
        }
    }
    Some(rest.to_string())
}

/// `%XX` escapes decoded; `None` when one is malformed.
fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The Content-Type for an output path, by its extension (also what
/// `gloss deploy` sets on S3 objects).
pub(crate) fn content_type(key: &str) -> &'static str {
    let name = key.rsplit('/').next().unwrap_or(key);
    let extension = match name.rsplit_once('.') {
        Some((_, ext)) => ext.to_ascii_lowercase(),
        None => String::new(),
    };
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "jsonld" => "application/ld+json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "wasm" => "application/wasm",
        "pdf" => "application/pdf",
        // Pagefind's index files, and anything unknown.
        _ => "application/octet-stream",
    }
}

/// Inserts `tag` before the last `</body>` (any case), or at the end.
pub(super) fn inject(html: &mut Vec<u8>, tag: &str) {
    let needle = b"</body";
    let at = html
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
        .unwrap_or(html.len());
    html.splice(at..at, tag.bytes());
}

fn bytes_response<B>(status: u16, bytes: B) -> Response
where
    B: AsRef<[u8]> + Send + 'static,
{
    Response::new(status, Body::Bytes(Box::new(bytes)))
}

fn text_response(status: u16, text: &'static str) -> Response {
    bytes_response(status, text.as_bytes()).with_header("Content-Type", "text/plain; charset=utf-8")
}

fn common_headers(response: Response) -> Response {
    response
        .with_header("Cache-Control", "no-store")
        .with_header("X-Content-Type-Options", "nosniff")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_paths_become_keys() {
        assert_eq!(normalise("/").as_deref(), Some(""));
        assert_eq!(normalise("/a/b/").as_deref(), Some("a/b/"));
        assert_eq!(normalise("/a/b.css").as_deref(), Some("a/b.css"));
        assert_eq!(normalise("/caf%C3%A9/").as_deref(), Some("café/"));
        assert_eq!(normalise("/a%20b").as_deref(), Some("a b"));
    }

    #[test]
    fn serve_paths_that_leave_the_site_are_refused() {
        for path in [
            "/../Cargo.toml",
            "/a/../../b",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/..%2fCargo.toml",
            "/..%2FCargo.toml",
            "//etc/passwd",
            "/%2f%2fetc/passwd",
            "/%2fetc/passwd",
            "/a\\..\\b",
            "/a%5c..%5cb",
            "/a%00.html",
            "/./a",
            "/a//b",
            "/a/.",
            "etc/passwd",
            "",
            "http://example.com/",
            "/%zz",
            "/%2",
            "/%ff%fe",
        ] {
            assert_eq!(normalise(path), None, "{path}");
        }
    }

    #[test]
    fn serve_content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("gloss.3fa1.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.jsonld"), "application/ld+json");
        assert_eq!(content_type("a.JPG"), "image/jpeg");
        assert_eq!(
            content_type("pagefind/index/en_1.pf_index"),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("pagefind/wasm.en.pagefind"),
            "application/octet-stream"
        );
        assert_eq!(content_type("pagefind/x.wasm"), "application/wasm");
        assert_eq!(content_type("README"), "application/octet-stream");
        assert_eq!(content_type(".well-known/x"), "application/octet-stream");
    }

    #[test]
    fn serve_injects_before_the_last_body_end() {
        let mut html = b"<body><p>a</body> x </BODY>\n</html>".to_vec();
        inject(&mut html, "<s>");
        assert_eq!(html, b"<body><p>a</body> x <s></BODY>\n</html>");
        let mut html = b"<p>no body".to_vec();
        inject(&mut html, "<s>");
        assert_eq!(html, b"<p>no body<s>");
    }

    #[test]
    fn serve_escapes_html() {
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
