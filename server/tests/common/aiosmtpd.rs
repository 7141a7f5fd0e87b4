//! A real SMTP server on a loopback port: aiosmtpd, from Debian's `python3-aiosmtpd`
//! (`scripts/setup.sh` installs it), run with its `Mailbox` handler, which files each message
//! it accepts in a Maildir with its envelope (`X-MailFrom`, `X-RcptTo`). The hand-written
//! sink (`smtp.rs`) plays the failures this one cannot; this one checks that what the server
//! sends is what a real server accepts, and survives its absence and its start.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::smtp::Received;

/// Debian's interpreter, which sees Debian's Python packages (another `python3` on PATH may not).
const PYTHON: &str = "/usr/bin/python3";

/// A loopback port nothing listens on, yet.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Aiosmtpd {
    child: Child,
    _folder: TempDir,
    maildir: PathBuf,
}

impl Aiosmtpd {
    /// Starts aiosmtpd on `port` and waits (10 s at most) until it accepts connections.
    pub fn start(port: u16) -> Aiosmtpd {
        let folder = TempDir::new().unwrap();
        // Mailbox creates the Maildir's folders when its path does not exist yet.
        let maildir = folder.path().join("maildir");
        let mut child = Command::new(PYTHON)
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{PYTHON} cannot start ({error}): scripts/setup.sh installs python3-aiosmtpd"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("aiosmtpd exited ({status}): is Debian's python3-aiosmtpd installed? scripts/setup.sh installs it");
            }
            assert!(Instant::now() < deadline, "aiosmtpd does not listen on port {port}");
            std::thread::sleep(Duration::from_millis(20));
        }
        Aiosmtpd { child, _folder: folder, maildir }
    }

    /// The messages filed so far, in no particular order.
    pub fn received(&self) -> Vec<Received> {
        let Ok(files) = std::fs::read_dir(self.maildir.join("new")) else { return Vec::new() };
        files
            .map(|file| {
                let data = std::fs::read_to_string(file.unwrap().path()).unwrap().replace('\n', "\r\n");
                let mut message = Received { mail_from: String::new(), rcpt_to: Vec::new(), data };
                message.mail_from = message.header("X-MailFrom").expect("the envelope's sender");
                message.rcpt_to = message.header("X-RcptTo").expect("the envelope's recipients").split(", ").map(str::to_owned).collect();
                message
            })
            .collect()
    }

    /// Waits (10 s at most) until `to` has received `count` messages, and returns them.
    pub fn wait_for(&self, to: &str, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages: Vec<Received> = self.received().into_iter().filter(|message| message.rcpt_to.iter().any(|r| r == to)).collect();
            if messages.len() >= count {
                return messages;
            }
            assert!(Instant::now() < deadline, "aiosmtpd never received {count} messages to {to}: {:#?}", self.received());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Aiosmtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
