//! Load benchmark: starts the server on a loopback port with a temporary database, runs
//! concurrent clients for a bounded time, then prints throughput, latencies and whether every
//! acknowledged comment is in the database. The clients mix API reads and posts, or ask for
//! fragments (`--fragments cached`: one the server keeps; `--fragments upstream`: each
//! rendered anew from a WordPress upstream on loopback answering as the recorded one). With
//! `--rounds N`, the run is repeated and the median and spread of each figure printed.
//!
//! `cargo run --release -p article-widget-server --example load -- --clients 16 --seconds 10`
//! `cargo run --release -p article-widget-server --example load -- --fragments cached --rounds 5`

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use article_widget_core::captcha::Puzzle;
use article_widget_server::clock::Clock;
use article_widget_server::config::Cli;
use article_widget_server::Server;
use clap::{Parser, ValueEnum};
use serde_json::{json, Value};

#[path = "../tests/common/upstream.rs"]
mod upstream;

mod shared;

use shared::{demo_content, median_and_spread, ARTICLE};

/// What fragment the clients ask for.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Fragments {
    /// This server's article, which the server keeps: every request but the first from its cache.
    Cached,
    /// A WordPress upstream's post on loopback, rendered anew for each request (`--fragment-ttl 0`,
    /// and a fragment of its own for each client).
    Upstream,
}

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
    /// Fragments instead of the API's reads and posts.
    #[arg(long, value_enum)]
    fragments: Option<Fragments>,
    /// Runs, one after the other, on the same server; their median and spread are printed.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
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

/// One round: the clients run for `options.seconds`; what they measured, and for how long.
fn round(options: &Options, base: &str, next_key: &Arc<AtomicU64>, fragment: &str) -> (Tally, Duration) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let clients: Vec<_> = (0..options.clients)
        .map(|client| {
            let (base, next_key, post_every) = (base.to_owned(), next_key.clone(), options.post_every.max(1));
            let fragments = options.fragments.is_some();
            // Rendered anew, each client asks for a fragment of its own (a minute of offset
            // apart): readers asking for the same one at once would share its render.
            let fragment = match options.fragments {
                Some(Fragments::Upstream) => format!("{fragment}&timezone=%2B00:{:02}", client % 60),
                _ => fragment.to_owned(),
            };
            std::thread::spawn(move || {
                let agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
                let mut client = Client { agent, base, tally: Tally::default() };
                let mut operation = 0u64;
                while Instant::now() < deadline {
                    operation += 1;
                    if fragments {
                        // A render, not the element alone that a failed API gets.
                        let rendered = client.get("fragment", &fragment).is_some_and(|body| body.contains("<template shadowrootmode"));
                        if !rendered {
                            client.tally.failures.push("fragment: not rendered".into());
                        }
                        continue;
                    }
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
    (tally, started.elapsed())
}

fn main() -> ExitCode {
    let options = Options::parse();
    let folder = tempfile::tempdir().expect("temporary folder");
    let content = folder.path().join("articles");
    demo_content(&content).expect("demo article");
    let database = folder.path().join("load.sqlite3");
    let (database_arg, content_arg) = (database.display().to_string(), content.display().to_string());
    let mut args: Vec<String> = [
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
        "--article-posts-per-minute",
        "0",
        "--captcha-min-seconds",
        "0",
        // What the server does per request, not what a client's solver does: the proof of
        // work's solving would take the clients' share of the cores (spam_bot measures it).
        "--pow",
        "off",
    ]
    .map(str::to_owned)
    .into();
    // Kept for the whole run: the server asks it for every fragment.
    let wordpress = (options.fragments == Some(Fragments::Upstream)).then(|| upstream::Upstream::wordpress(|_, _| {}));
    let fragment = match &wordpress {
        Some(wordpress) => {
            args.extend(["--upstream".into(), format!("blog=wordpress,{}", wordpress.url), "--fragment-ttl".into(), "0".into()]);
            "/fragment?article=4127&upstream=blog&lang=fr".to_owned()
        }
        None => format!("/fragment?article={ARTICLE}&lang=fr"),
    };
    let config = Cli::parse_from(args).serve;

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(Server::bind(&config, Arc::new(Clock::default()))).expect("server starts");
    let base = format!("http://{}", server.local_addr().expect("address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.run(async {
        let _ = stopped.await;
    }));
    let asked = match options.fragments {
        None => format!("one post in {}", options.post_every),
        Some(_) => format!("asking for {fragment}"),
    };
    println!("server at {base}/, {} clients for {} s, {asked}, {} round(s)", options.clients, options.seconds, options.rounds);

    let next_key = Arc::new(AtomicU64::new(0));
    let mut tally = Tally::default();
    let (mut throughputs, mut p99s) = (Vec::new(), BTreeMap::<&str, Vec<f64>>::new());
    for _ in 0..options.rounds.max(1) {
        let (mut measured, elapsed) = round(&options, &base, &next_key, &fragment);
        let requests: usize = measured.latencies.values().map(Vec::len).sum();
        throughputs.push(requests as f64 / elapsed.as_secs_f64());
        println!("{requests} requests in {:.1} s: {:.0} requests/s", elapsed.as_secs_f64(), requests as f64 / elapsed.as_secs_f64());
        println!("{:<10} {:>8} {:>9} {:>9} {:>9} {:>9}", "kind", "count", "p50 ms", "p90 ms", "p99 ms", "max ms");
        for (kind, latencies) in &mut measured.latencies {
            latencies.sort_unstable();
            let row = [0.5, 0.9, 0.99, 1.0].map(|fraction| millis(percentile(latencies, fraction)));
            println!("{kind:<10} {:>8} {:>9} {:>9} {:>9} {:>9}", latencies.len(), row[0], row[1], row[2], row[3]);
            p99s.entry(kind).or_default().push(percentile(latencies, 0.99).as_secs_f64() * 1000.0);
        }
        tally.merge(measured);
    }
    if options.rounds > 1 {
        let (median, low, high) = median_and_spread(throughputs);
        println!("over {} rounds, median (lowest – highest): {median:.0} ({low:.0} – {high:.0}) requests/s", options.rounds);
        for (kind, values) in p99s {
            let (median, low, high) = median_and_spread(values);
            println!("{kind:<10} p99 {median:.2} ({low:.2} – {high:.2}) ms");
        }
    }
    let _ = stop.send(());
    runtime.block_on(serving).expect("server task").expect("server ran");

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
