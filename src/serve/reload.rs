//! Live reload: a Server-Sent Events stream at `/__gloss/events` and the
//! script (`/__gloss/reload.js`) that pages get injected by the server.
//!
//! Events, each with a JSON `data` line:
//! - `hello` `{"build": token}` first on every connection, so a page that
//!   reconnects after missing events (a server restart, a sleep) sees that
//!   the build changed and reloads;
//! - `reload` `{"build": token}` after a good build;
//! - `css` `{"build": token}` after a good build caused by stylesheets in
//!   static/ alone: the script swaps `<link rel=stylesheet>` elements for the
//!   new page's (their names are content-hashed) without reloading;
//! - `error` `{"errors": [{file, line, column, message}], "report": text}`
//!   after a failed build, and on connecting while the latest build failed:
//!   the script draws an overlay over the last good page.
//!
//! A stream takes its connection over (`conn::Answer::Stream`): it writes
//! the response head itself and flushes after every event; the body runs
//! until the connection closes. Each stream keeps its connection's thread,
//! which ends when the browser goes away (a write fails; a comment is sent
//! every 15 seconds to find out) or when the server shuts down.

use crate::diagnostics::Report;
use serde::Serialize;
use std::io::{self, Write};
use std::net::IpAddr;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The path of the event stream.
pub(super) const EVENTS_PATH: &str = "/__gloss/events";
/// The path of the reload script.
pub(super) const SCRIPT_PATH: &str = "/__gloss/reload.js";
/// What the server inserts before `</body>` of every HTML response: the
/// script, told which build the page comes from.
pub(super) fn script_tag(build_token: &str) -> String {
    // The token is hex digits and a dash: nothing to escape.
    format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build_token}\"></script>")
}
/// The reload script.
pub(super) const SCRIPT: &str = include_str!("reload.js");

const HEARTBEAT: Duration = Duration::from_secs(15);

/// Something to tell the browsers.
#[derive(Clone, Debug)]
pub(super) enum Event {
    Hello(String),
    Reload(String),
    Css(String),
    Error(Arc<Failure>),
}

impl Event {
    /// The event in the text/event-stream format.
    fn encode(&self) -> String {
        let (name, data) = match self {
            Event::Hello(token) => ("hello", build_json(token)),
            Event::Reload(token) => ("reload", build_json(token)),
            Event::Css(token) => ("css", build_json(token)),
            Event::Error(failure) => ("error", failure.json.clone()),
        };
        // serde_json escapes newlines, so `data` is one line.
        format!("event: {name}\ndata: {data}\n\n")
    }
}

fn build_json(token: &str) -> String {
    serde_json::json!({ "build": token }).to_string()
}

/// A failed build, prepared once for the overlay and the error page.
#[derive(Debug)]
pub(super) struct Failure {
    pub errors: Vec<ErrorLine>,
    /// The whole report as plain text.
    pub report: String,
    /// `{"errors": [...], "report": "..."}`, the `error` event's data.
    pub json: String,
}

/// One error of a failed build, as the overlay lists it.
#[derive(Debug, Serialize)]
pub(super) struct ErrorLine {
    /// Relative to the site folder; empty when the error has no file.
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Failure {
    pub(super) fn new(report: &Report) -> Failure {
        let mut errors: Vec<ErrorLine> = report
            .items
            .iter()
            .filter(|item| item.is_error())
            .map(|item| ErrorLine {
                file: item.file.clone(),
                line: item.line,
                column: item.column,
                message: item.diagnostic.message.clone(),
            })
            .collect();
        if errors.is_empty() {
            // A failed build always has an error; say something if not.
            errors.push(ErrorLine {
                file: String::new(),
                line: 0,
                column: 0,
                message: "the build failed".into(),
            });
        }
        let report = report.rendered().to_string();
        let json = serde_json::json!({ "errors": errors, "report": report }).to_string();
        Failure {
            errors,
            report,
            json,
        }
    }
}

/// The open event streams.
#[derive(Default)]
pub(super) struct Hub {
    clients: Mutex<Clients>,
}

#[derive(Default)]
struct Clients {
    senders: Vec<Sender<Event>>,
    closed: bool,
}

impl Hub {
    /// A new stream's receiving end; `None` once shut down.
    pub(super) fn subscribe(&self) -> Option<Receiver<Event>> {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.closed {
            return None;
        }
        let (tx, rx) = channel();
        clients.senders.push(tx);
        Some(rx)
    }

    /// Sends `event` to every stream, forgetting the ones that ended.
    pub(super) fn broadcast(&self, event: &Event) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.senders.retain(|tx| tx.send(event.clone()).is_ok());
    }

    /// Ends every stream and refuses new ones.
    pub(super) fn close(&self) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.closed = true;
        clients.senders.clear();
    }
}

/// Streams events to one browser until it goes away or the server stops.
/// `first` are sent before anything from `events`.
pub(super) fn stream(
    mut out: Box<dyn Write + Send>,
    first: Vec<Event>,
    events: Receiver<Event>,
) -> io::Result<()> {
    out.write_all(
        b"HTTP/1.1 200 OK\r\n\
          Content-Type: text/event-stream\r\n\
          Cache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\n\
          Connection: close\r\n\
          \r\n\
          retry: 1000\n\n",
    )?;
    for event in &first {
        out.write_all(event.encode().as_bytes())?;
    }
    out.flush()?;
    loop {
        match events.recv_timeout(HEARTBEAT) {
            Ok(event) => out.write_all(event.encode().as_bytes())?,
            Err(RecvTimeoutError::Timeout) => out.write_all(b": ping\n\n")?,
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        }
        out.flush()?;
    }
}

/// Whether a `Host` header names this server: `localhost`, a loopback
/// address or the bound address, with the server's port. When bound to all
/// interfaces any IP address is accepted. Names other than `localhost` are
/// refused, which is what defeats DNS rebinding: a hostile page's requests
/// carry its own host name.
pub(super) fn host_allowed(host: &str, port: u16, bind: IpAddr) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p)) if !p.contains(']') => match p.parse::<u16>() {
            Ok(p) => (name, p),
            Err(_) => return false,
        },
        _ => (host, 80),
    };
    if host_port != port {
        return false;
    }
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let literal = name
        .strip_prefix('[')
        .and_then(|n| n.strip_suffix(']'))
        .unwrap_or(name);
    match literal.parse::<IpAddr>() {
        Ok(ip) => {
            // An IPv6 address must come in brackets.
            let bracketed = literal.len() != name.len();
            bracketed == ip.is_ipv6() && (ip.is_loopback() || ip == bind || bind.is_unspecified())
        }
        Err(_) => false,
    }
}

/// Whether an `Origin` header is `http://` and an allowed host.
pub(super) fn origin_allowed(origin: &str, port: u16, bind: IpAddr) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|host| host_allowed(host, port, bind))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn serve_hosts_must_be_this_server() {
        assert!(host_allowed("127.0.0.1:4170", 4170, LOOPBACK));
        assert!(host_allowed("localhost:4170", 4170, LOOPBACK));
        assert!(host_allowed("LOCALHOST:4170", 4170, LOOPBACK));
        assert!(host_allowed("[::1]:4170", 4170, LOOPBACK));
        assert!(!host_allowed("127.0.0.1:4171", 4170, LOOPBACK));
        assert!(!host_allowed("127.0.0.1", 4170, LOOPBACK));
        assert!(!host_allowed("evil.example:4170", 4170, LOOPBACK));
        assert!(!host_allowed("localhost.evil.example:4170", 4170, LOOPBACK));
        assert!(!host_allowed("192.168.1.2:4170", 4170, LOOPBACK));
        assert!(!host_allowed("::1:4170", 4170, LOOPBACK));
        assert!(!host_allowed("", 4170, LOOPBACK));
        let lan = IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2));
        assert!(host_allowed("192.168.1.2:4170", 4170, lan));
        let any = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
        assert!(host_allowed("10.0.0.7:4170", 4170, any));
        assert!(!host_allowed("evil.example:4170", 4170, any));
        assert!(host_allowed("localhost", 80, LOOPBACK));
    }

    #[test]
    fn serve_origins_must_be_http_and_this_server() {
        assert!(origin_allowed("http://127.0.0.1:4170", 4170, LOOPBACK));
        assert!(origin_allowed("http://localhost:4170", 4170, LOOPBACK));
        assert!(!origin_allowed("https://localhost:4170", 4170, LOOPBACK));
        assert!(!origin_allowed("http://evil.example:4170", 4170, LOOPBACK));
        assert!(!origin_allowed("null", 4170, LOOPBACK));
    }

    #[test]
    fn serve_events_are_one_line_of_json_each() {
        let report = Report::single(crate::diagnostics::Diagnostic::error(
            "bad <thing>\non two lines",
        ));
        let failure = Arc::new(Failure::new(&report));
        let text = Event::Error(failure).encode();
        assert!(text.starts_with("event: error\ndata: {"));
        assert!(text.ends_with("}\n\n"));
        assert_eq!(text.matches('\n').count(), 3);
        let data: serde_json::Value =
            serde_json::from_str(&text["event: error\ndata: ".len()..]).unwrap();
        assert_eq!(data["errors"][0]["message"], "bad <thing>\non two lines");
    }

    #[test]
    fn serve_hub_forgets_ended_streams_and_closes() {
        let hub = Hub::default();
        let a = hub.subscribe().unwrap();
        let b = hub.subscribe().unwrap();
        drop(b);
        hub.broadcast(&Event::Reload("x".into()));
        assert!(matches!(a.try_recv(), Ok(Event::Reload(_))));
        hub.close();
        assert!(a.recv().is_err());
        assert!(hub.subscribe().is_none());
    }
}
