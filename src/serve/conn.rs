//! Connections: accepts them, reads each request head within bounds, hands
//! the parsed request to `http` and writes its answer.
//!
//! tiny_http, which this replaces, read a request head line by line into a
//! growing buffer (one 100 MB header took the server to 297 MB, kept) and
//! gave every connection a thread of its own with no upper bound (issue 12).
//! Here every resource a client can hold is bounded:
//! - a request head is read into a buffer of at most [`MAX_HEAD`] bytes and
//!   [`MAX_HEADERS`] fields; past either, the answer is 431 and the
//!   connection is closed, its buffer freed;
//! - at most [`Limits::connections`] connections are open at once, each
//!   served by one thread; when all are taken, the connection that has been
//!   waiting longest for (the rest of) a request head is closed to make room,
//!   so idle or slow clients cannot keep anyone else out; live-reload
//!   streams are never closed that way, and there are at most half as many
//!   of them (`http` answers 503 past that);
//! - a request head must arrive within [`HEAD_TIMEOUT`] of its first byte,
//!   a kept-alive connection is closed after [`IDLE_TIMEOUT`] without a
//!   request, and a write that makes no progress for [`WRITE_TIMEOUT`] ends
//!   the connection.
//!
//! Parsing is httparse's (the parser under hyper); what is built on it is
//! the small part of HTTP/1.1 a preview needs: GET and HEAD without bodies,
//! keep-alive, `Content-Length` on every response. A request with a body is
//! answered and its connection closed, so an unread body is never taken for
//! the next request.

use std::io::{self, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The largest request head read, request line and fields included. Well
/// above what browsers send (cookies of every app on `localhost` share it,
/// whatever its port); Node.js allows 16 KiB, nginx 32 KiB by default.
pub(super) const MAX_HEAD: usize = 64 * 1024;
/// The most header fields in one request.
pub(super) const MAX_HEADERS: usize = 100;
/// How long a request head may take to arrive, from its first byte.
pub(super) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a kept-alive connection may wait for its next request.
pub(super) const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a write may block (a client that stopped reading).
pub(super) const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections the server serves at once.
#[derive(Clone, Copy, Debug)]
pub(super) struct Limits {
    /// Open connections, live-reload streams included; each has a thread.
    pub connections: usize,
}

impl Limits {
    /// Live-reload streams allowed at once: half the connections, so that
    /// pages can always be loaded.
    pub(super) fn streams(&self) -> usize {
        (self.connections / 2).max(1)
    }
}

/// Counts open live-reload streams against their limit.
pub(super) struct StreamSlots {
    open: Arc<std::sync::atomic::AtomicUsize>,
    max: usize,
}

/// One open stream; dropping it frees its place.
pub(super) struct StreamSlot(Arc<std::sync::atomic::AtomicUsize>);

impl StreamSlots {
    pub(super) fn new(max: usize) -> StreamSlots {
        StreamSlots {
            open: Arc::default(),
            max,
        }
    }

    /// A place for one more stream, `None` when all are taken.
    pub(super) fn take(&self) -> Option<StreamSlot> {
        let taken = self
            .open
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < self.max).then_some(n + 1)
            });
        taken.ok().map(|_| StreamSlot(Arc::clone(&self.open)))
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A parsed request head.
pub(super) struct Request {
    pub method: String,
    /// The request target as sent (`/a/b?x=1`).
    pub target: String,
    headers: Vec<(String, String)>,
    /// HTTP/1.0 (closes after the answer unless asked otherwise).
    http10: bool,
}

impl Request {
    /// The value of the field `name` (any case); `None` when absent. A
    /// request with the field twice gets the first.
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn count(&self, name: &str) -> usize {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .count()
    }

    /// Whether the client wants the connection kept open after the answer.
    fn keep_alive(&self) -> bool {
        let connection = self.header("Connection").unwrap_or("");
        let has = |token: &str| {
            connection
                .split(',')
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if self.http10 {
            has("keep-alive")
        } else {
            !has("close")
        }
    }

    /// Whether a body follows the head (which this server never reads).
    fn has_body(&self) -> bool {
        self.header("Transfer-Encoding").is_some()
            || self
                .header("Content-Length")
                .is_some_and(|n| n.trim() != "0")
    }
}

/// A response body.
pub(super) enum Body {
    Bytes(Box<dyn AsRef<[u8]> + Send>),
    File(std::fs::File, u64),
}

/// A response: status, fields, body. `Content-Length` and `Connection` are
/// added when it is written.
pub(super) struct Response {
    pub status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    pub(super) fn new(status: u16, body: Body) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// Adds a field. Line breaks in `value` are dropped: a value can never
    /// start a field of its own.
    pub(super) fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Response {
        let mut value = value.into();
        value.retain(|c| c != '\r' && c != '\n');
        self.headers.push((name, value));
        self
    }

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(b) => (**b).as_ref().len() as u64,
            Body::File(_, len) => *len,
        }
    }

    /// Writes the response; the body is left out for HEAD.
    fn write(self, out: &mut impl Write, head_only: bool, keep_alive: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.len()));
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        out.write_all(head.as_bytes())?;
        if !head_only {
            match self.body {
                Body::Bytes(b) => out.write_all((*b).as_ref())?,
                Body::File(file, len) => {
                    let copied = io::copy(&mut file.take(len), out)?;
                    if copied != len {
                        // The file shrank since: the length sent is wrong,
                        // and only closing the connection says so.
                        return Err(io::Error::other("file changed while sent"));
                    }
                }
            }
        }
        out.flush()
    }
}

/// What the handler does with a request.
pub(super) enum Answer {
    Respond(Response),
    /// Takes the connection over (a live-reload stream): the closure gets
    /// the socket, with no read timeout, and the connection ends with it.
    Stream(Box<dyn FnOnce(TcpStream) + Send>),
}

/// Answers one request; called on the connection's thread.
pub(super) type Handler = dyn Fn(&Request) -> Answer + Send + Sync;

/// What a connection is doing, for choosing one to close when all are taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for a request head, or reading one: may be closed for room.
    Waiting,
    /// Answering, or streaming events.
    Busy,
}

struct Slot {
    id: u64,
    state: State,
    since: Instant,
    /// A handle on the socket, to close it from the accepting thread.
    socket: TcpStream,
}

/// The open connections.
#[derive(Default)]
struct Table {
    slots: Vec<Slot>,
    next_id: u64,
}

/// The open connections, shared by the accepting thread and the
/// connections' threads.
#[derive(Default)]
pub(super) struct Connections {
    table: Mutex<Table>,
    /// Signalled whenever a connection ends.
    freed: Condvar,
}

impl Connections {
    fn table(&self) -> std::sync::MutexGuard<'_, Table> {
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes room for one more: waits while all `max` are busy; closes the
    /// connection that has waited longest for a head when one is waiting.
    fn make_room(&self, max: usize, closing: &AtomicBool) {
        let mut table = self.table();
        loop {
            if table.slots.len() < max || closing.load(Ordering::SeqCst) {
                return;
            }
            let oldest = table
                .slots
                .iter()
                .filter(|s| s.state == State::Waiting)
                .min_by_key(|s| s.since);
            if let Some(slot) = oldest {
                // Its thread sees the end of the stream and removes it.
                let _ = slot.socket.shutdown(Shutdown::Both);
                let id = slot.id;
                table.slots.retain(|s| s.id != id);
                return;
            }
            table = self
                .freed
                .wait_timeout(table, Duration::from_millis(500))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    fn add(&self, socket: TcpStream) -> u64 {
        let mut table = self.table();
        table.next_id += 1;
        let id = table.next_id;
        table.slots.push(Slot {
            id,
            state: State::Waiting,
            since: Instant::now(),
            socket,
        });
        id
    }

    fn set(&self, id: u64, state: State) {
        if let Some(slot) = self.table().slots.iter_mut().find(|s| s.id == id) {
            slot.state = state;
            slot.since = Instant::now();
        }
    }

    fn remove(&self, id: u64) {
        self.table().slots.retain(|s| s.id != id);
        self.freed.notify_all();
    }

    /// Closes every connection, and waits (at most `wait`) for their threads
    /// to notice.
    pub(super) fn close_all(&self, wait: Duration) {
        let deadline = Instant::now() + wait;
        let mut table = self.table();
        for slot in &table.slots {
            let _ = slot.socket.shutdown(Shutdown::Both);
        }
        while !table.slots.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            table = self
                .freed
                .wait_timeout(table, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// How many connections are open (for tests).
    #[cfg(test)]
    fn open(&self) -> usize {
        self.table().slots.len()
    }
}

/// Accepts connections until `closing` is set (then one more connection,
/// made by the stopper, wakes it up) and serves each on its own thread.
pub(super) fn accept_loop(
    listener: TcpListener,
    handler: Arc<Handler>,
    connections: Arc<Connections>,
    limits: Limits,
    closing: Arc<AtomicBool>,
) {
    let max = limits.connections.max(1);
    loop {
        let accepted = listener.accept();
        if closing.load(Ordering::SeqCst) {
            return;
        }
        let socket = match accepted {
            Ok((socket, _)) => socket,
            // Out of descriptors and the like: wait a moment, go on.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(50));
                continue;
            }
        };
        // Only now, so that no connection is closed for a newcomer that
        // never came; the backlog holds the ones after it meanwhile.
        connections.make_room(max, &closing);
        let Ok(handle) = socket.try_clone() else {
            continue;
        };
        let id = connections.add(handle);
        let handler = Arc::clone(&handler);
        let table = Arc::clone(&connections);
        let spawned = std::thread::Builder::new()
            .name("gloss-conn".into())
            .spawn(move || {
                let _ = serve_connection(socket, id, &*handler, &table);
                table.remove(id);
            });
        if spawned.is_err() {
            connections.remove(id);
        }
    }
}

/// Why reading a request head stopped.
enum HeadError {
    /// The client closed, went quiet or sent too slowly: close silently.
    Gone,
    /// The head is larger than [`MAX_HEAD`] or has too many fields.
    TooLarge,
    /// Not HTTP.
    Malformed,
}

/// Serves requests on one connection until it closes.
fn serve_connection(
    socket: TcpStream,
    id: u64,
    handler: &Handler,
    connections: &Connections,
) -> io::Result<()> {
    socket.set_write_timeout(Some(WRITE_TIMEOUT))?;
    // Bytes read past the previous head (a pipelined request).
    let mut buffer: Vec<u8> = Vec::new();
    let mut reader = socket.try_clone()?;
    let mut writer = BufWriter::with_capacity(16 * 1024, socket.try_clone()?);
    loop {
        connections.set(id, State::Waiting);
        let request = match read_head(&mut reader, &mut buffer) {
            Ok(request) => request,
            Err(HeadError::Gone) => return Ok(()),
            Err(HeadError::TooLarge) => {
                // Free it now, not when the thread ends.
                drop(std::mem::take(&mut buffer));
                let response = plain(431, "431 request header fields too large\n");
                let _ = response.write(&mut writer, false, false);
                return close(socket_of(&writer));
            }
            Err(HeadError::Malformed) => {
                let _ = plain(400, "400 bad request\n").write(&mut writer, false, false);
                return close(socket_of(&writer));
            }
        };
        connections.set(id, State::Busy);
        let head_only = request.method == "HEAD";
        // One Host, as RFC 9112 requires; the handler checks its value.
        if request.count("Host") > 1 {
            let _ = plain(400, "400 bad request: more than one Host\n").write(
                &mut writer,
                head_only,
                false,
            );
            return close(socket_of(&writer));
        }
        let keep_alive = request.keep_alive() && !request.has_body();
        match handler(&request) {
            Answer::Respond(response) => {
                response.write(&mut writer, head_only, keep_alive)?;
                if !keep_alive {
                    return close(socket_of(&writer));
                }
            }
            Answer::Stream(stream) => {
                writer.flush()?;
                let socket = socket_of(&writer).try_clone()?;
                socket.set_read_timeout(None)?;
                stream(socket);
                return Ok(());
            }
        }
    }
}

fn socket_of(writer: &BufWriter<TcpStream>) -> &TcpStream {
    writer.get_ref()
}

/// Ends a connection after its last answer. What the client is still
/// sending (the rest of an oversized head, an unread body) is read and
/// dropped for a moment first, a few kilobytes at a time: closing a socket
/// with unread data makes the kernel reset the connection, and the client
/// could lose the answer (Apache calls this a lingering close).
fn close(socket: &TcpStream) -> io::Result<()> {
    const LINGER: Duration = Duration::from_secs(2);
    const LINGER_BYTES: usize = 4 * 1024 * 1024;
    let _ = socket.shutdown(Shutdown::Write);
    let deadline = Instant::now() + LINGER;
    let mut sink = [0u8; 8192];
    let mut drained = 0;
    let mut reader = socket;
    while drained < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            break;
        }
        match reader.read(&mut sink) {
            Ok(0) | Err(_) => break,
            Ok(n) => drained += n,
        }
    }
    Ok(())
}

fn plain(status: u16, text: &'static str) -> Response {
    Response::new(status, Body::Bytes(Box::new(text)))
        .with_header("Content-Type", "text/plain; charset=utf-8")
}

/// Reads one request head into `buffer` (which may already hold the start
/// of it) and parses it; what follows it stays in `buffer`.
fn read_head(reader: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Request, HeadError> {
    let mut started = if buffer.is_empty() {
        None
    } else {
        Some(Instant::now())
    };
    let mut chunk = [0u8; 4096];
    loop {
        if !buffer.is_empty() {
            match parse_head(buffer)? {
                Some((request, len)) => {
                    buffer.drain(..len);
                    return Ok(request);
                }
                None if buffer.len() >= MAX_HEAD => return Err(HeadError::TooLarge),
                None => {}
            }
        }
        // Waiting for a new request, the idle timeout; within one, what is
        // left of the head's time.
        let timeout = match started {
            None => IDLE_TIMEOUT,
            Some(at) => HEAD_TIMEOUT
                .checked_sub(at.elapsed())
                .filter(|t| !t.is_zero())
                .ok_or(HeadError::Gone)?,
        };
        reader
            .set_read_timeout(Some(timeout))
            .map_err(|_| HeadError::Gone)?;
        // Never read more than the head may hold.
        let room = (MAX_HEAD - buffer.len()).min(chunk.len());
        let n = match reader.read(&mut chunk[..room]) {
            Ok(0) | Err(_) => return Err(HeadError::Gone),
            Ok(n) => n,
        };
        started.get_or_insert_with(Instant::now);
        buffer.extend_from_slice(&chunk[..n]);
    }
}

/// The request in `bytes` and the length of its head, `None` when the head
/// is not complete yet.
fn parse_head(bytes: &[u8]) -> Result<Option<(Request, usize)>, HeadError> {
    let mut fields = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut fields);
    let len = match parsed.parse(bytes) {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => return Err(HeadError::TooLarge),
        Err(_) => return Err(HeadError::Malformed),
    };
    let (Some(method), Some(target), Some(version)) = (parsed.method, parsed.path, parsed.version)
    else {
        return Err(HeadError::Malformed);
    };
    let mut headers = Vec::with_capacity(parsed.headers.len());
    for field in parsed.headers.iter() {
        let value = std::str::from_utf8(field.value).map_err(|_| HeadError::Malformed)?;
        headers.push((field.name.to_string(), value.trim().to_string()));
    }
    Ok(Some((
        Request {
            method: method.to_string(),
            target: target.to_string(),
            headers,
            http10: version == 0,
        },
        len,
    )))
}

/// The reason phrase of the statuses this server sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_request_heads_parse_with_their_fields() {
        let bytes = b"GET /a?x=1 HTTP/1.1\r\nHost: h:1\r\nConnection: close\r\n\r\nGET /b";
        let (request, len) = match parse_head(bytes) {
            Ok(Some(parsed)) => parsed,
            _ => panic!("not parsed"),
        };
        assert_eq!(request.method, "GET");
        assert_eq!(request.target, "/a?x=1");
        assert_eq!(request.header("host"), Some("h:1"));
        assert!(!request.keep_alive());
        assert_eq!(&bytes[len..], b"GET /b");
        assert!(matches!(parse_head(b"GET / HTTP/1.1\r\nHost"), Ok(None)));
        assert!(matches!(
            parse_head(b"\x00\x01 nonsense\r\n\r\n"),
            Err(HeadError::Malformed)
        ));
        let many: String = (0..=MAX_HEADERS).map(|i| format!("X-{i}: y\r\n")).collect();
        let text = format!("GET / HTTP/1.1\r\n{many}\r\n");
        assert!(matches!(
            parse_head(text.as_bytes()),
            Err(HeadError::TooLarge)
        ));
    }

    #[test]
    fn serve_keep_alive_follows_the_version_and_the_connection_field() {
        let parse = |text: &str| match parse_head(text.as_bytes()) {
            Ok(Some((request, _))) => request,
            _ => panic!("not parsed: {text}"),
        };
        assert!(parse("GET / HTTP/1.1\r\n\r\n").keep_alive());
        assert!(!parse("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").keep_alive());
        assert!(!parse("GET / HTTP/1.0\r\n\r\n").keep_alive());
        assert!(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").keep_alive());
        assert!(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n").has_body());
        assert!(!parse("GET / HTTP/1.1\r\nContent-Length: 0\r\n\r\n").has_body());
    }

    #[test]
    fn serve_response_fields_cannot_carry_line_breaks() {
        let response = plain(200, "x").with_header("Location", "/a\r\nSet-Cookie: x=1");
        let mut out = Vec::new();
        response.write(&mut out, false, true).expect("write");
        let text = String::from_utf8(out).expect("utf-8");
        assert!(text.contains("Location: /aSet-Cookie: x=1\r\n"));
        assert!(text.contains("Content-Length: 1\r\n"));
        assert!(text.ends_with("\r\n\r\nx"));
    }

    #[test]
    fn serve_room_is_made_by_closing_the_longest_waiting_connection() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let connections = Connections::default();
        let closing = AtomicBool::new(false);
        let mut clients = Vec::new();
        let mut accepted = Vec::new();
        for _ in 0..2 {
            clients.push(TcpStream::connect(addr).expect("connect"));
            let (socket, _) = listener.accept().expect("accept");
            let id = connections.add(socket.try_clone().expect("clone"));
            accepted.push((id, socket));
        }
        connections.set(accepted[1].0, State::Busy);
        connections.make_room(2, &closing);
        assert_eq!(connections.open(), 1);
        // The waiting one was closed: its client reads the end.
        let mut byte = [0u8; 1];
        clients[0]
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        assert_eq!(clients[0].read(&mut byte).expect("read"), 0);
    }
}
