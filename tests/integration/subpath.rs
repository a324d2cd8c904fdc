//! A site under a sub-path (issue 13): built into `root/news/` and served
//! from `root/` by a plain static file server, every internal reference of
//! every page answers 200 and every fragment exists on its target page.

use crate::support::*;
use scraper::{Html, Selector};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

/// A static file server on 127.0.0.1 over `root`, as a plain host serves a
/// folder: `/x/` is `x/index.html`, nothing else is special. Runs until the
/// test process ends.
fn serve_folder(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || answer(stream, &root));
        }
    });
    port
}

fn answer(mut stream: TcpStream, root: &Path) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Skip the headers.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let path = path.split(['?', '#']).next().unwrap_or("").to_string();
    let mut file = root.to_path_buf();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        if seg == ".." {
            let _ = stream.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        }
        file.push(seg);
    }
    if path.ends_with('/') {
        file.push("index.html");
    }
    match std::fs::read(&file) {
        Ok(body) if file.is_file() => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
        _ => {
            let _ = stream.write_all(
                b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    }
}

/// The status code of GET `path` on the server.
fn status(port: u16, path: &str) -> u16 {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    // Bytes, not a string: a binary body (the favicon) is not UTF-8.
    let mut bytes = Vec::new();
    let _ = s.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes)
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `reference` as a browser resolves it on the page at `page` (an absolute
/// path); `None` for references that leave the host.
fn resolve(page: &str, reference: &str) -> Option<(String, Option<String>)> {
    let r = reference.trim();
    if r.is_empty() || r.starts_with("//") || r.starts_with("data:") {
        return None;
    }
    if let Some(rest) = r.strip_prefix("https://example.org") {
        // The site's own absolute URLs must stay under its base path too.
        assert!(
            rest.starts_with("/news/"),
            "{reference} on {page} leaves the base path"
        );
        return resolve(page, rest);
    }
    if r.split(['/', '?', '#']).next().unwrap_or("").contains(':') {
        return None;
    }
    let (rest, fragment) = match r.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string()).filter(|f| !f.is_empty())),
        None => (r, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    let joined = if rest.is_empty() {
        page.to_string()
    } else if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("{}{rest}", &page[..=page.rfind('/').unwrap()])
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = format!("/{}", parts.join("/"));
    if joined.ends_with('/') && path.len() > 1 {
        path.push('/');
    }
    Some((path, fragment))
}

/// Every internal reference a page holds: href, src, srcset, link,
/// script, form action, and `url()` in inline styles.
fn references(html: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for (sel, attr) in [
        ("[href]", "href"),
        ("[src]", "src"),
        ("form[action]", "action"),
        ("[poster]", "poster"),
    ] {
        let s = Selector::parse(sel).unwrap();
        out.extend(
            html.select(&s)
                .filter_map(|e| e.value().attr(attr))
                .map(str::to_string),
        );
    }
    let s = Selector::parse("[srcset]").unwrap();
    for e in html.select(&s) {
        for candidate in e.value().attr("srcset").unwrap_or("").split(',') {
            if let Some(url) = candidate.split_whitespace().next() {
                out.push(url.to_string());
            }
        }
    }
    let s = Selector::parse("[style], style").unwrap();
    for e in html.select(&s) {
        let text = e
            .value()
            .attr("style")
            .map(str::to_string)
            .unwrap_or_else(|| e.text().collect());
        out.extend(css_urls(&text));
    }
    out
}

fn css_urls(css: &str) -> Vec<String> {
    css.split("url(")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|u| u.trim().trim_matches(['"', '\'']).to_string())
        .collect()
}

fn ids(html: &Html) -> BTreeSet<String> {
    let s = Selector::parse("[id], a[name]").unwrap();
    html.select(&s)
        .filter_map(|e| e.value().attr("id").or_else(|| e.value().attr("name")))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_site_under_a_sub_path_works_when_served_from_that_path() {
    let t = SiteTest::fixture("basic")
        .file(
            "gloss.toml",
            "title = \"Harbour Gazette\"\nbase_url = \"https://example.org/news/\"\npaginate = 1\n",
        )
        .file("static/files/map.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>")
        .file(
            "content/articles/moved.md",
            "+++\ntitle = \"Moved\"\ndate = 2020-01-01\ntags = [\"Harbour\"]\naliases = [\"/2019/moved/\"]\n+++\nSee the [map](/news/files/map.svg), [the budget](../budget-vote/) and [home](/news/).\n",
        );
    let root = t.root.parent().unwrap().join("served");
    let out = root.join("news");
    let mut opts = t.options();
    opts.output = Some(out.clone());
    gloss::build(&opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
    gloss::check(&opts).unwrap_or_else(|r| panic!("{}", r.rendered()));
    let port = serve_folder(root.clone());

    let mut pages: BTreeMap<String, Html> = BTreeMap::new();
    let mut css: Vec<(String, String)> = Vec::new();
    for e in walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(Result::ok)
    {
        if !e.file_type().is_file() {
            continue;
        }
        let rel = e.path().strip_prefix(&root).unwrap().display().to_string();
        let text = || std::fs::read_to_string(e.path()).unwrap();
        if rel.ends_with(".html") {
            let url = format!("/{}", rel.strip_suffix("index.html").unwrap_or(&rel));
            pages.insert(url, Html::parse_document(&text()));
        } else if rel.ends_with(".css") {
            css.push((format!("/{rel}"), text()));
        } else if rel.ends_with(".xml")
            || rel.ends_with(".jsonld")
            || rel.ends_with(".json")
            || rel == "news/robots.txt"
        {
            // Feeds, the sitemap, JSON-LD and robots.txt name the site's
            // pages by full URL.
            let text = text();
            for url in text.split("https://example.org").skip(1) {
                let url: String = url
                    .chars()
                    .take_while(|c| !matches!(c, '"' | '<' | '&' | ' ' | '\n' | '\\'))
                    .collect();
                // An annotation page's `#page1` is an IRI, not a place in a file.
                let url = if rel.ends_with(".jsonld") {
                    url.split('#').next().unwrap_or("").to_string()
                } else {
                    url
                };
                css.push((format!("/{rel}"), format!("url(https://example.org{url})")));
            }
        }
    }
    assert!(pages.len() > 10, "{:?}", pages.keys());
    assert!(pages.contains_key("/news/2019/moved/"));

    let mut checked = 0;
    let mut broken = Vec::new();
    let mut refs: Vec<(String, String)> = Vec::new();
    for (url, html) in &pages {
        refs.extend(references(html).into_iter().map(|r| (url.clone(), r)));
    }
    for (url, text) in &css {
        refs.extend(css_urls(text).into_iter().map(|r| (url.clone(), r)));
    }
    let mut statuses: BTreeMap<String, u16> = BTreeMap::new();
    for (page, r) in &refs {
        let Some((path, fragment)) = resolve(page, r) else {
            continue;
        };
        let code = *statuses
            .entry(path.clone())
            .or_insert_with(|| status(port, &path));
        checked += 1;
        if code != 200 {
            broken.push(format!("{page}: {r} -> {path} answers {code}"));
            continue;
        }
        if let Some(f) = fragment {
            let target = pages.get(&path).map(ids).unwrap_or_default();
            if !target.contains(&f) {
                broken.push(format!("{page}: {r} -> no #{f} on {path}"));
            }
        }
    }
    assert!(checked > 200, "only {checked} references checked");
    assert!(
        broken.is_empty(),
        "{} broken references:\n{}",
        broken.len(),
        broken.join("\n")
    );

    // The search page's script finds Pagefind's bundle behind the base path.
    let script = pages["/news/"]
        .select(&Selector::parse("script[src]").unwrap())
        .filter_map(|e| e.value().attr("src"))
        .find(|s| s.contains("gloss."))
        .unwrap()
        .to_string();
    let js = std::fs::read_to_string(root.join(script.trim_start_matches('/'))).unwrap();
    assert!(js.contains("import(\"/news/pagefind/pagefind.js\")"));
    assert_eq!(status(port, "/news/pagefind/pagefind.js"), 200);
}
