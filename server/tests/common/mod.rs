//! What the tests over HTTP share: a content folder and database (`Site`, on SQLite or
//! PostgreSQL as `ARTICLE_WIDGET_TEST_DATABASE` says: `database.rs`), a real server on a
//! loopback port (`TestServer`), its answers read whole (`Reply`), captcha answers from the
//! core's puzzle.
// Each test binary uses its part of these.
#![allow(dead_code)]

pub mod admin;
pub mod aiosmtpd;
pub mod database;
pub mod smtp;
pub mod upstream;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use article_widget_core::captcha::Puzzle;
use article_widget_core::native;
use article_widget_server::clock::Clock;
use article_widget_server::config::Cli;
use article_widget_server::store::Database;
use article_widget_server::Server;
use clap::Parser;
use serde_json::{json, Value};
use tempfile::TempDir;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use ureq::http;

use self::database::Connection;

pub const ARTICLE: &str = "nouvel-ordre-mondial";
pub const COMMENTS: &str = "/api/articles/nouvel-ordre-mondial/comments";
/// The comments the database is seeded with: three threads, one reply.
pub const SEEDED: u64 = 4;

/// A content folder, a database and a clock that outlive the servers started on them: every
/// server of a site shares its database, SQLite's file in the folder or a PostgreSQL database
/// of the site's own ([`database::fresh`]).
pub struct Site {
    pub folder: TempDir,
    pub clock: Arc<Clock>,
    database: Database,
}

impl Site {
    pub fn new() -> Site {
        Site::on(database::Kind::chosen())
    }

    /// A site on a database of `kind`, whatever the tests' variable says.
    pub fn on(kind: database::Kind) -> Site {
        let folder = tempfile::tempdir().expect("temporary folder");
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/demo-api/articles");
        let content = folder.path().join("articles");
        std::fs::create_dir_all(content.join(ARTICLE)).unwrap();
        for file in [format!("{ARTICLE}.json"), format!("{ARTICLE}/related.json")] {
            std::fs::copy(demo.join(&file), content.join(&file)).unwrap();
        }
        let database = database::fresh(folder.path(), kind);
        Site { folder, clock: Arc::default(), database }
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The database as `--database` takes it: the file, or the URL whole.
    pub fn database_arg(&self) -> String {
        match &self.database {
            Database::Sqlite(file) => file.to_str().expect("a UTF-8 path").to_owned(),
            Database::Postgres(url) => url.clone(),
        }
    }

    /// SQLite's file, for what only SQLite has; `None` on PostgreSQL.
    pub fn sqlite_file(&self) -> Option<&Path> {
        match &self.database {
            Database::Sqlite(file) => Some(file),
            Database::Postgres(_) => None,
        }
    }

    /// A connection to the site's database, for the SQL of what a test does outside the API.
    pub fn sql(&self) -> Connection {
        Connection::open(&self.database)
    }

    pub fn content(&self) -> PathBuf {
        self.folder.path().join("articles")
    }

    /// Starts a server; `options` replace the defaults, which lift the rate limits and turn
    /// the proof of work off.
    pub fn start(&self, options: &[(&str, &str)]) -> TestServer {
        let database = self.database_arg();
        let content = self.content();
        let defaults = [
            ("--listen", "127.0.0.1:0"),
            ("--database", database.as_str()),
            ("--content", content.to_str().unwrap()),
            ("--posts-per-minute", "0"),
            ("--reads-per-minute", "0"),
            ("--article-posts-per-minute", "0"),
            // The proof of work has tests of its own (tests/pow.rs), which turn it on.
            ("--pow", "off"),
        ];
        let mut args = vec!["article-widget-server".to_owned()];
        for (name, value) in defaults.iter().filter(|(name, _)| !options.iter().any(|(o, _)| o == name)).chain(options) {
            args.extend([name.to_string(), value.to_string()]);
        }
        let config = Cli::try_parse_from(args).expect("valid options").serve;
        let clock = self.clock.clone();
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let server = runtime.block_on(Server::bind(&config, clock.clone())).expect("server starts");
        let url = format!("http://{}", server.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = runtime.spawn(server.run(async {
            let _ = stopped.await;
        }));
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        TestServer { url, clock, runtime, stop: Some(stop), task: Some(task), agent }
    }
}

pub struct TestServer {
    pub url: String,
    pub clock: Arc<Clock>,
    runtime: Runtime,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
    agent: ureq::Agent,
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|error| panic!("{error}: {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// Asserts the API's error shape, as the widget reads it, and returns the error object.
    pub fn error(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(native::decode_error(&self.body).map(|error| error.code), Some(code.to_owned()));
        let error = self.json()["error"].clone();
        assert_eq!(error["code"], code, "{}", self.body);
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", self.body);
        error
    }
}

impl TestServer {
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut request = http::Request::builder().method(method).uri(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut response = self.agent.run(request.body(body.to_owned()).unwrap()).expect("an HTTP answer");
        let body = response.body_mut().read_to_string().unwrap();
        Reply { status: response.status().as_u16(), headers: response.headers().clone(), body }
    }

    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], "")
    }

    pub fn post(&self, path: &str, key: &str, body: &str) -> Reply {
        let reply = self.request("POST", path, &[("content-type", "application/json"), ("idempotency-key", key)], body);
        if matches!(reply.status, 200 | 201) {
            native::decode_comment(&reply.body).unwrap_or_else(|error| panic!("{error:?}: {}", reply.body));
        }
        reply
    }

    /// A challenge answered as a reader would, some seconds after it was shown.
    pub fn solved_challenge(&self) -> Value {
        let challenge = self.fresh_challenge();
        self.clock.advance(Duration::from_secs(5));
        answered(challenge)
    }

    pub fn fresh_challenge(&self) -> Value {
        let reply = self.get("/api/captcha");
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.header("cache-control"), Some("no-store"));
        native::decode_challenge(&reply.body).unwrap_or_else(|error| panic!("{error:?}: {}", reply.body));
        reply.json()
    }

    pub fn comments(&self, query: &str) -> Value {
        let reply = self.get(&format!("{COMMENTS}?{query}"));
        assert_eq!(reply.status, 200, "{}", reply.body);
        native::decode_comment_page(&reply.body).unwrap_or_else(|error| panic!("{error:?}: {}", reply.body));
        reply.json()
    }

    pub fn total(&self) -> u64 {
        self.comments("")["total"].as_u64().unwrap()
    }

    pub fn stop(mut self) {
        self.shutdown();
    }

    pub fn shutdown(&mut self) {
        if let (Some(stop), Some(task)) = (self.stop.take(), self.task.take()) {
            let _ = stop.send(());
            self.runtime.block_on(task).expect("server task").expect("server ran");
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shutdown();
    }
}

pub fn answered(mut challenge: Value) -> Value {
    let seed: u64 = challenge["seed"].as_str().unwrap().parse().unwrap();
    challenge["answer"] = json!(Puzzle::from_seed(seed).answer().to_string());
    challenge
}

/// A fresh idempotency key for each post.
pub fn key() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("test-key-{:016}", NEXT.fetch_add(1, Ordering::Relaxed))
}

pub fn comment(name: &str, body: &str, captcha: &Value) -> Value {
    json!({ "name": name, "email": "lecteur@example.org", "website": "", "body": body, "captcha": captcha })
}
/// A server whose static folder holds `files` (name, text).
pub fn serving_static(site: &Site, files: &[(&str, &str)]) -> TestServer {
    let folder = site.folder.path().join("www");
    std::fs::create_dir(&folder).unwrap();
    for (name, text) in files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    site.start(&[("--static", folder.to_str().unwrap())])
}

