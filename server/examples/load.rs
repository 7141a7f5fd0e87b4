//! Load benchmark: starts the server on a loopback port with a temporary database, runs
//! concurrent clients mixing reads and posts for a bounded time, then prints throughput,
//! latencies and whether every acknowledged comment is in the database.
//!
//! `cargo run --release -p article-widget-server --example load -- --clients 16 --seconds 10`

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use article_widget_core::captcha::Puzzle;
use article_widget_server::clock::Clock;
use article_widget_server::config::Cli;
use article_widget_server::Server;
use clap::Parser;
use serde_json::{json, Value};

const ARTICLE: &str = "nouvel-ordre-mondial";

#[derive(Parser)]
#[command(about = "Load benchmark of article-widget-server on loopback")]
struct Options {
    /// Concurrent clients, each a thread with its own keep-alive connection.
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// How long the clients run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// One operation in this many is a post (a captcha fetched, answered, then the comment).
    #[arg(long, default_value_t = 10)]
    post_every: u64,
}

/// What each client measured: latencies by kind, the posts acknowledged, the surprises.
#[derive(Default)]
struct Tally {
    latencies: BTreeMap<&'static str, Vec<Duration>>,
    acknowledged: u64,
    failures: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        for (kind, mut latencies) in other.latencies {
            self.latencies.entry(kind).or_default().append(&mut latencies);
        }
        self.acknowledged += other.acknowledged;
        self.failures.extend(other.failures);
    }
}

struct Client {
    agent: ureq::Agent,
    base: String,
    tally: Tally,
}

impl Client {
    /// One timed request; its body if the status is the one expected.
    fn timed(&mut self, kind: &'static str, request: ureq::http::Request<String>, expected: u16) -> Option<String> {
        let start = Instant::now();
        let outcome = self.agent.run(request).map_err(|error| error.to_string()).and_then(|mut response| {
            let body = response.body_mut().read_to_string().map_err(|error| error.to_string())?;
            Ok((response.status().as_u16(), body))
        });
        self.tally.latencies.entry(kind).or_default().push(start.elapsed());
        match outcome {
            Ok((status, body)) if status == expected => Some(body),
            Ok((status, body)) => {
                self.tally.failures.push(format!("{kind}: {status} {body}"));
                None
            }
            Err(error) => {
                self.tally.failures.push(format!("{kind}: {error}"));
                None
            }
        }
    }

    fn get(&mut self, kind: &'static str, path: &str) -> Option<String> {
        let request = ureq::http::Request::get(format!("{}{path}", self.base)).body(String::new()).ok()?;
        self.timed(kind, request, 200)
    }

    fn post_comment(&mut self, key: u64) {
        let Some(mut challenge) = self.get("captcha", "/api/captcha").and_then(|b| serde_json::from_str::<Value>(&b).ok()) else {
            return;
        };
        let seed = challenge["seed"].as_str().and_then(|seed| seed.parse().ok()).unwrap_or_default();
        challenge["answer"] = json!(Puzzle::from_seed(seed).answer().to_string());
        let body = json!({
            "name": format!("Lecteur {key}"),
            "email": "charge@example.org",
            "body": format!("Commentaire de charge numéro {key}."),
            "captcha": challenge,
        });
        let request = ureq::http::Request::post(format!("{}/api/articles/{ARTICLE}/comments", self.base))
            .header("content-type", "application/json")
            .header("idempotency-key", format!("load-{key:016}"))
            .body(body.to_string());
        if let Ok(request) = request {
            if self.timed("post", request, 201).is_some() {
                self.tally.acknowledged += 1;
            }
        }
    }
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn millis(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

fn main() -> ExitCode {
    let options = Options::parse();
    let folder = tempfile::tempdir().expect("temporary folder");
    let content = folder.path().join("articles");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../www/demo-api/articles");
    std::fs::create_dir_all(content.join(ARTICLE)).expect("content folder");
    for file in [format!("{ARTICLE}.json"), format!("{ARTICLE}/related.json")] {
        std::fs::copy(demo.join(&file), content.join(&file)).expect("demo article");
    }
    let database = folder.path().join("load.sqlite3");
    let (database_arg, content_arg) = (database.display().to_string(), content.display().to_string());
    let config = Cli::parse_from([
        "article-widget-server",
        "--listen",
        "127.0.0.1:0",
        "--database",
        &database_arg,
        "--content",
        &content_arg,
        "--posts-per-minute",
        "0",
        "--reads-per-minute",
        "0",
        "--captcha-min-seconds",
        "0",
    ])
    .serve;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(Server::bind(&config, Arc::new(Clock::default()))).expect("server starts");
    let base = format!("http://{}", server.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.run(async {
        let _ = stopped.await;
    }));
    println!("server at {base}/, {} clients for {} s, one post in {}", options.clients, options.seconds, options.post_every);

    let next_key = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let clients: Vec<_> = (0..options.clients)
        .map(|_| {
            let (base, next_key, post_every) = (base.clone(), next_key.clone(), options.post_every.max(1));
            std::thread::spawn(move || {
                let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut client = Client { agent, base, tally: Tally::default() };
                let mut operation = 0u64;
                while Instant::now() < deadline {
                    operation += 1;
                    if operation.is_multiple_of(post_every) {
                        client.post_comment(next_key.fetch_add(1, Ordering::Relaxed));
                        continue;
                    }
                    let _ = match operation % 3 {
                        0 => client.get("article", &format!("/api/articles/{ARTICLE}")),
                        1 => client.get("related", &format!("/api/articles/{ARTICLE}/related")),
                        _ => client.get("comments", &format!("/api/articles/{ARTICLE}/comments?order=newest&limit=20")),
                    };
                }
                client.tally
            })
        })
        .collect();
    let mut tally = Tally::default();
    for client in clients {
        tally.merge(client.join().expect("client thread"));
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    runtime.block_on(serving).expect("server task").expect("server ran");

    let requests: usize = tally.latencies.values().map(Vec::len).sum();
    println!("{requests} requests in {:.1} s: {:.0} requests/s", elapsed.as_secs_f64(), requests as f64 / elapsed.as_secs_f64());
    println!("{:<10} {:>8} {:>9} {:>9} {:>9} {:>9}", "kind", "count", "p50 ms", "p90 ms", "p99 ms", "max ms");
    for (kind, latencies) in &mut tally.latencies {
        latencies.sort_unstable();
        let row = [0.5, 0.9, 0.99, 1.0].map(|fraction| millis(percentile(latencies, fraction)));
        println!("{kind:<10} {:>8} {:>9} {:>9} {:>9} {:>9}", latencies.len(), row[0], row[1], row[2], row[3]);
    }

    // Counted in the file itself, after the server is gone: what a crash would have left.
    let written: i64 = rusqlite::Connection::open(&database)
        .and_then(|db| db.query_row("SELECT count(*) FROM comments WHERE idempotency_key IS NOT NULL", [], |row| row.get(0)))
        .expect("count the comments written");
    println!("comments acknowledged (201): {}, in the database: {written}", tally.acknowledged);
    for failure in tally.failures.iter().take(10) {
        println!("unexpected: {failure}");
    }
    if u64::try_from(written) != Ok(tally.acknowledged) || !tally.failures.is_empty() {
        println!("FAILED: {} unexpected answers", tally.failures.len());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
