//! An SMTP server on a loopback port that keeps what it receives: the server under test
//! sends to it over TCP with its real SMTP client, as to any relay. It can be made to fail:
//! answer `451` at the end of each message (refused after it was transmitted), or close each
//! connection before its greeting (a server down).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// `451` after each message's data.
    Refuse,
    /// Each connection closed at once.
    Down,
}

/// A message as the sink received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message, dot-stuffing undone, lines ending in CRLF.
    pub data: String,
}

impl Received {
    /// A header's value, its folded lines joined; by name, in any case.
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.data.split_once("\r\n\r\n")?;
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.lines().find_map(|line| {
            let (field, value) = line.split_once(':')?;
            field.eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }

    /// A header's value, its RFC 2047 encoded words (`=?utf-8?b?…?=`, as lettre writes a
    /// subject that is not ASCII) decoded, as a mail client shows it.
    pub fn decoded_header(&self, name: &str) -> Option<String> {
        use base64::Engine;
        let mut decoded = String::new();
        let mut after_word = false;
        for token in self.header(name)?.split(' ') {
            let word = token.strip_prefix("=?").and_then(|rest| rest.strip_suffix("?=")).and_then(|rest| {
                let (charset, rest) = rest.split_once('?')?;
                let data = rest.strip_prefix("b?").or_else(|| rest.strip_prefix("B?"))?;
                assert!(charset.eq_ignore_ascii_case("utf-8"), "{charset}");
                let bytes = base64::engine::general_purpose::STANDARD.decode(data).expect("base64");
                Some(String::from_utf8(bytes).expect("UTF-8"))
            });
            match word {
                // Encoded words next to each other join with no space between them.
                Some(word) => {
                    if !after_word && !decoded.is_empty() {
                        decoded.push(' ');
                    }
                    decoded.push_str(&word);
                    after_word = true;
                }
                None => {
                    if !decoded.is_empty() {
                        decoded.push(' ');
                    }
                    decoded.push_str(token);
                    after_word = false;
                }
            }
        }
        Some(decoded)
    }

    /// The body, quoted-printable decoded.
    pub fn text(&self) -> String {
        let (_, body) = self.data.split_once("\r\n\r\n").unwrap_or_default();
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut decoded = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            match (bytes[i], bytes.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok())) {
                (b'=', Some(byte)) => {
                    decoded.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    decoded.push(byte);
                    i += 1;
                }
            }
        }
        String::from_utf8(decoded).expect("UTF-8 text").replace("\r\n", "\n")
    }

    /// The path and query of the first link of the body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        let link = text[start..].split_whitespace().next()?;
        Some(link.to_owned())
    }
}

#[derive(Default)]
struct Kept {
    received: Vec<Received>,
    /// Messages refused with 451 (their data), and connections closed at once.
    refused: Vec<Received>,
    dropped: usize,
}

pub struct Sink {
    pub port: u16,
    mode: Arc<Mutex<Mode>>,
    kept: Arc<Mutex<Kept>>,
}

impl Sink {
    pub fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mode = Arc::new(Mutex::new(Mode::Accept));
        let kept = Arc::new(Mutex::new(Kept::default()));
        let (session_mode, session_kept) = (mode.clone(), kept.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (mode, kept) = (session_mode.clone(), session_kept.clone());
                std::thread::spawn(move || {
                    let _ = session(stream, &mode, &kept);
                });
            }
        });
        Sink { port, mode, kept }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    pub fn received(&self) -> Vec<Received> {
        self.kept.lock().unwrap().received.clone()
    }

    pub fn refused(&self) -> Vec<Received> {
        self.kept.lock().unwrap().refused.clone()
    }

    pub fn dropped(&self) -> usize {
        self.kept.lock().unwrap().dropped
    }

    /// The messages received for `to`.
    pub fn to(&self, to: &str) -> Vec<Received> {
        self.received().into_iter().filter(|message| message.rcpt_to.iter().any(|r| r == to)).collect()
    }

    /// Waits (10 s at most) until `done` holds of the sink.
    pub fn wait_until(&self, what: &str, done: impl Fn(&Sink) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !done(self) {
            assert!(Instant::now() < deadline, "the sink never saw {what}: received {:#?}", self.received());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until `to` has received `count` messages, and returns them.
    pub fn wait_for(&self, to: &str, count: usize) -> Vec<Received> {
        self.wait_until(&format!("{count} messages to {to}"), |sink| sink.to(to).len() >= count);
        self.to(to)
    }
}

fn session(stream: TcpStream, mode: &Mutex<Mode>, kept: &Mutex<Kept>) -> std::io::Result<()> {
    let mode = *mode.lock().unwrap();
    if mode == Mode::Down {
        kept.lock().unwrap().dropped += 1;
        return Ok(());
    }
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    writer.write_all(b"220 sink.test ESMTP\r\n")?;
    let (mut mail_from, mut rcpt_to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "RSET" {
            (mail_from, rcpt_to) = (String::new(), Vec::new());
            b"250 OK\r\n"
        } else if let Some(address) = upper.strip_prefix("MAIL FROM:").map(|_| path(&command[10..])) {
            mail_from = address;
            b"250 OK\r\n"
        } else if let Some(address) = upper.strip_prefix("RCPT TO:").map(|_| path(&command[8..])) {
            rcpt_to.push(address);
            b"250 OK\r\n"
        } else if upper == "DATA" {
            writer.write_all(b"354 go on\r\n")?;
            let mut data = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let received = Received { mail_from: mail_from.clone(), rcpt_to: std::mem::take(&mut rcpt_to), data };
            let mut kept = kept.lock().unwrap();
            if mode == Mode::Refuse {
                kept.refused.push(received);
                b"451 4.3.0 try again later\r\n"
            } else {
                kept.received.push(received);
                b"250 OK queued\r\n"
            }
        } else if upper == "QUIT" {
            writer.write_all(b"221 bye\r\n")?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        writer.write_all(reply)?;
    }
}

/// The address of `<address>` and its parameters.
fn path(argument: &str) -> String {
    let argument = argument.trim();
    argument.strip_prefix('<').and_then(|rest| rest.split_once('>')).map_or(argument, |(address, _)| address).to_owned()
}
