//! Load benchmark: starts the server on a loopback port with a temporary database, runs
//! concurrent clients for a bounded time, then prints throughput, latencies and whether every
//! acknowledged comment is in the database. The clients mix API reads and posts, or ask for
//! fragments (`--fragments cached`: one the server keeps; `--fragments upstream`: each
//! rendered anew from a WordPress upstream on loopback answering as the recorded one). With
//! `--rounds N`, the run is repeated and the median and spread of each figure printed; with
//! `--clients 16,64`, for each count of clients in turn.
//!
//! `--cluster` runs the server's binary as processes instead, in one run of several phases
//! (`load/cluster.rs`): SQLite with one server; PostgreSQL (a throwaway cluster of Debian's
//! binaries) with one server, then `--instances` servers behind a round-robin proxy of the
//! benchmark's own; a challenge replayed across servers; a server killed halfway through a
//! run; PostgreSQL restarted halfway through one. It runs the binary built beside it:
//!
//! `cargo run --release -p article-widget-server --example load -- --clients 16 --seconds 10`
//! `cargo run --release -p article-widget-server --example load -- --fragments cached --rounds 5`
//! `cargo build --release -p article-widget-server --bins --examples && target/release/examples/load --cluster`

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use article_widget_server::clock::Clock;
use article_widget_server::config::Cli;
use article_widget_server::Server;
use clap::{Parser, ValueEnum};

#[path = "../tests/common/upstream.rs"]
mod upstream;

mod shared;

#[path = "load/client.rs"]
mod client;
#[path = "load/cluster.rs"]
mod cluster;
#[path = "load/instances.rs"]
mod instances;

use client::{report, round, Check, Rows, Work};
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
    /// Concurrent clients, each a thread with its own keep-alive connection; several counts,
    /// comma separated, are run one after the other. 16 by default; 16,64 with --cluster.
    #[arg(long, value_delimiter = ',')]
    clients: Vec<usize>,
    /// How long the clients run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// One operation in this many is a post (a captcha fetched, answered, then the comment).
    #[arg(long, default_value_t = 10)]
    post_every: u64,
    /// Fragments instead of the API's reads and posts.
    #[arg(long, value_enum, conflicts_with = "cluster")]
    fragments: Option<Fragments>,
    /// Runs, one after the other, on the same server; their median and spread are printed.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// SQLite and PostgreSQL, servers as processes of the binary built beside this example,
    /// several behind a proxy, one killed, PostgreSQL restarted: all in one run.
    #[arg(long)]
    cluster: bool,
    /// Servers on PostgreSQL behind the proxy, with --cluster (2 at least).
    #[arg(long, default_value_t = 2, value_parser = two_or_more)]
    instances: usize,
}

fn two_or_more(text: &str) -> Result<usize, String> {
    text.parse().ok().filter(|count| (2..=16).contains(count)).ok_or_else(|| format!("{text}: 2 to 16 servers"))
}

fn main() -> ExitCode {
    let mut options = Options::parse();
    if options.clients.is_empty() {
        options.clients = if options.cluster { vec![16, 64] } else { vec![16] };
    }
    if options.cluster {
        return match cluster::run(&options) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::FAILURE,
            Err(error) => {
                println!("FAILED: {error}");
                ExitCode::FAILURE
            }
        };
    }
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
    println!(
        "server at {base}/, {:?} clients for {} s, {asked}, {} round(s)",
        options.clients, options.seconds, options.rounds
    );

    let work = Work {
        base,
        article: ARTICLE.into(),
        post_every: options.post_every,
        fragment: options.fragments.map(|fragments| (fragment, fragments == Fragments::Upstream)),
        tag: "run".into(),
        next_key: Arc::new(AtomicU64::new(0)),
        pause_after_unavailable: std::time::Duration::from_secs(2),
    };
    let mut tally = client::Tally::default();
    for &clients in &options.clients {
        let (mut throughputs, mut p99s) = (Vec::new(), BTreeMap::<&str, Vec<f64>>::new());
        for _ in 0..options.rounds.max(1) {
            println!("{clients} clients:");
            let (mut measured, elapsed, _) = round(&work, clients, options.seconds, None);
            let figures = report(&mut measured, elapsed);
            throughputs.push(figures.per_second);
            for (kind, (_, p99)) in figures.kinds {
                p99s.entry(kind).or_default().push(p99);
            }
            tally.merge(measured);
        }
        if options.rounds > 1 {
            let (median, low, high) = median_and_spread(throughputs);
            println!(
                "{clients} clients, over {} rounds, median (lowest – highest): {median:.0} ({low:.0} – {high:.0}) \
                 requests/s",
                options.rounds
            );
            for (kind, values) in p99s {
                let (median, low, high) = median_and_spread(values);
                println!("{kind:<10} p99 {median:.2} ({low:.2} – {high:.2}) ms");
            }
        }
    }
    let _ = stop.send(());
    runtime.block_on(serving).expect("server task").expect("server ran");

    // Counted in the file itself, after the server is gone: what a crash would have left.
    let written = Rows::Sqlite(database).keys("load-run-").expect("count the comments written");
    let check = Check::new(&tally.acknowledged, written);
    println!("{}", check.describe());
    for failure in &tally.samples {
        println!("unexpected: {failure}");
    }
    if !check.holds() || !tally.failures.is_empty() {
        println!("FAILED: {} unexpected answers", tally.failures.values().sum::<u64>());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
