//! Spam-bot benchmark: a bot that solves the math captcha with the core's own puzzle and the
//! proof of work with the core's native solver (at full speed, on its threads), waits the
//! minimum delay and no more, and posts from as many addresses as it likes, against the
//! server's default limits. The server sits behind a "proxy" on loopback
//! (`--trusted-proxies 127.0.0.1`), so the bot's addresses reach it as `X-Forwarded-For`.
//! It prints the comments per minute that get through, for each case:
//!
//! - `one64`: every request from a fresh address of one IPv6 /64 (one host's), as today;
//! - `one64-no-pow`: the same without the proof of work (`--pow off`);
//! - `whole-addresses`: the same bot, keys of whole addresses, no limit per article and no
//!   proof of work, as before (`--ipv6-prefix 128 --article-posts-per-minute 0 --pow off`);
//! - `whole-addresses-pow`: the same with the proof of work: what it costs the bot alone;
//! - `many64s`: every request from a fresh /64 (a botnet), as today: the limit per article
//!   is what is left.
//!
//! Each round starts a server with a fresh database; with `--rounds N`, the median and the
//! lowest and highest round are printed, and the bot's mean time to solve a proof of work
//! (the wall-clock time of a thread among the bot's, which share the cores). First, the
//! time one thread alone takes to solve a challenge of the server's default difficulty, over
//! `--solo N` challenges: what a post costs the bot.
//!
//! `cargo run --release -p article-widget-server --example spam_bot -- --seconds 60 --rounds 3`

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use article_widget_core::captcha::Puzzle;
use article_widget_core::pow::{self, solve, solve::Search};
use article_widget_server::clock::Clock;
use article_widget_server::config::Cli;
use article_widget_server::pow::ProofOfWork;
use article_widget_server::Server;
use clap::{Parser, ValueEnum};
use serde_json::{json, Value};

mod shared;

use shared::{demo_content, median_and_spread, ARTICLE};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Case {
    /// Fresh addresses of one /64, today's keys (the default /64) and limit per article.
    One64,
    /// The same, without the proof of work.
    One64NoPow,
    /// Fresh addresses of one /64, keys of whole addresses, no limit per article, no proof
    /// of work (before).
    WholeAddresses,
    /// The same, with the proof of work.
    WholeAddressesPow,
    /// A fresh /64 for every request (a botnet), today's settings.
    Many64s,
}

impl Case {
    fn name(self) -> &'static str {
        match self {
            Case::One64 => "one /64, keys of /64s and a limit per article, proof of work (now)",
            Case::One64NoPow => "one /64, keys of /64s and a limit per article, no proof of work",
            Case::WholeAddresses => "one /64, keys of whole addresses, no proof of work (before)",
            Case::WholeAddressesPow => "one /64, keys of whole addresses, proof of work",
            Case::Many64s => "a /64 per request (botnet), now",
        }
    }

    /// What differs from the defaults.
    fn options(self) -> &'static [&'static str] {
        match self {
            Case::One64 | Case::Many64s => &[],
            Case::One64NoPow => &["--pow", "off"],
            Case::WholeAddresses => &["--ipv6-prefix", "128", "--article-posts-per-minute", "0", "--pow", "off"],
            Case::WholeAddressesPow => &["--ipv6-prefix", "128", "--article-posts-per-minute", "0"],
        }
    }

    /// The address of the bot's `n`th request.
    fn address(self, n: u64) -> String {
        // Spread over the interface identifier, so that no two requests share a /128.
        let spread = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        match self {
            Case::One64 | Case::One64NoPow | Case::WholeAddresses | Case::WholeAddressesPow => {
                format!("2001:db8:b07:1:{:x}:{:x}:{:x}:{:x}", spread >> 48, (spread >> 32) & 0xffff, (spread >> 16) & 0xffff, spread & 0xffff)
            }
            Case::Many64s => format!("2001:db8:{:x}:{:x}::1", (spread >> 16) & 0xffff, spread & 0xffff),
        }
    }
}

#[derive(Parser)]
#[command(about = "Spam-bot benchmark of article-widget-server's limits on loopback")]
struct Options {
    /// Concurrent bot threads, each fetching a challenge, waiting the minimum delay, posting.
    #[arg(long, default_value_t = 32)]
    workers: usize,
    /// How long each round runs.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// Rounds of each case, each on a fresh server.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Challenges of the default difficulty solved one after another on one thread, to time
    /// a solve (0: none).
    #[arg(long, default_value_t = 20)]
    solo: usize,
    /// The cases, comma separated.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "one64,one64-no-pow,whole-addresses,whole-addresses-pow,many64s")]
    cases: Vec<Case>,
}

/// What the bot got in a round.
#[derive(Default)]
struct Outcome {
    stored: u64,
    refused: u64,
    /// Proofs of work solved, and the time they took together.
    solved: u64,
    solving: Duration,
    failures: Vec<String>,
}

/// One request; its status, its body and its Retry-After.
fn send(agent: &ureq::Agent, request: ureq::http::Request<String>) -> Result<(u16, String, Option<u64>), String> {
    let mut response = agent.run(request).map_err(|error| error.to_string())?;
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let body = response.body_mut().read_to_string().map_err(|error| error.to_string())?;
    Ok((response.status().as_u16(), body, retry_after))
}

/// The `altcha` payload answering a proof-of-work challenge, found by the core's solver in
/// one go (a bot has no frames to keep smooth).
fn solve_pow(challenge: &Value) -> Result<String, String> {
    let challenge = pow::decode_challenge(&challenge.to_string()).map_err(|error| format!("pow: {error}"))?;
    let started = Instant::now();
    match solve::search(&challenge.task, 0, u32::MAX) {
        Search::Found(solution) => Ok(challenge.payload(&solution, started.elapsed().as_millis() as u64)),
        Search::NotYet { .. } | Search::Exhausted => Err("pow: no counter answers the challenge".into()),
    }
}

/// The bot's loop, until `deadline`. Refused for its rate, it waits as told (hammering gets
/// no more through: a refused request costs no allowance).
fn bot(case: Case, base: &str, min_delay: Duration, next: &AtomicU64, deadline: Instant) -> Outcome {
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let mut outcome = Outcome::default();
    let wait = |seconds: Option<u64>| {
        let until = (Instant::now() + Duration::from_secs(seconds.unwrap_or(1))).min(deadline);
        std::thread::sleep(until.saturating_duration_since(Instant::now()));
    };
    while Instant::now() < deadline {
        let n = next.fetch_add(1, Ordering::Relaxed);
        let address = case.address(n);
        let Ok(request) = ureq::http::Request::get(format!("{base}/api/captcha")).header("x-forwarded-for", &address).body(String::new())
        else {
            continue;
        };
        let mut challenge: Value = match send(&agent, request) {
            Ok((200, body, _)) => serde_json::from_str(&body).unwrap_or_default(),
            Ok((429, _, retry_after)) => {
                outcome.refused += 1;
                wait(retry_after);
                continue;
            }
            Ok((status, body, _)) => {
                outcome.failures.push(format!("captcha: {status} {body}"));
                continue;
            }
            Err(error) => {
                outcome.failures.push(format!("captcha: {error}"));
                continue;
            }
        };
        // Issued before it arrived: the minimum delay counts from here at the latest.
        let received = Instant::now();
        let seed = challenge["seed"].as_str().and_then(|seed| seed.parse().ok()).unwrap_or_default();
        challenge["answer"] = json!(Puzzle::from_seed(seed).answer().to_string());
        let mut body = json!({ "name": "Promo", "email": "promo@example.org", "body": format!("Achetez ! ({n})") });
        if let Some(pow) = challenge.as_object_mut().and_then(|challenge| challenge.remove("pow")) {
            let solving = Instant::now();
            match solve_pow(&pow) {
                Ok(altcha) => body["altcha"] = json!(altcha),
                Err(error) => outcome.failures.push(error),
            }
            outcome.solving += solving.elapsed();
            outcome.solved += 1;
        }
        body["captcha"] = challenge;
        // The minimum delay, and not a moment more.
        std::thread::sleep((received + min_delay).saturating_duration_since(Instant::now()));
        let Ok(request) = ureq::http::Request::post(format!("{base}/api/articles/{ARTICLE}/comments"))
            .header("content-type", "application/json")
            .header("idempotency-key", format!("spam-bot-{n:016}"))
            .header("x-forwarded-for", &address)
            .body(body.to_string())
        else {
            continue;
        };
        match send(&agent, request) {
            Ok((201, _, _)) => outcome.stored += 1,
            Ok((429, _, retry_after)) => {
                outcome.refused += 1;
                wait(retry_after);
            }
            Ok((status, body, _)) => outcome.failures.push(format!("post: {status} {body}")),
            Err(error) => outcome.failures.push(format!("post: {error}")),
        }
    }
    outcome
}

/// One round of a case on a fresh server: the comments stored per minute.
fn round(options: &Options, case: Case) -> Result<(f64, Outcome), String> {
    let folder = tempfile::tempdir().map_err(|error| error.to_string())?;
    let content = folder.path().join("articles");
    demo_content(&content).map_err(|error| error.to_string())?;
    let database = folder.path().join("spam.sqlite3");
    let mut args: Vec<String> = vec!["article-widget-server".into(), "--listen".into(), "127.0.0.1:0".into()];
    args.extend(["--database".into(), database.display().to_string(), "--content".into(), content.display().to_string()]);
    args.extend(["--trusted-proxies".into(), "127.0.0.1".into()]);
    args.extend(case.options().iter().map(|option| (*option).to_owned()));
    let config = Cli::try_parse_from(args).map_err(|error| error.to_string())?.serve;
    let min_delay = Duration::from_secs(config.captcha_min_seconds.into());

    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    let server = runtime.block_on(Server::bind(&config, Arc::new(Clock::default()))).map_err(|error| error.to_string())?;
    let base = format!("http://{}", server.local_addr().map_err(|error| error.to_string())?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = runtime.spawn(server.run(async {
        let _ = stopped.await;
    }));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let next = Arc::new(AtomicU64::new(0));
    let bots: Vec<_> = (0..options.workers)
        .map(|_| {
            let (base, next) = (base.clone(), next.clone());
            std::thread::spawn(move || bot(case, &base, min_delay, &next, deadline))
        })
        .collect();
    let mut outcome = Outcome::default();
    for bot in bots {
        let one = bot.join().map_err(|_| "a bot thread panicked".to_owned())?;
        outcome.stored += one.stored;
        outcome.refused += one.refused;
        outcome.solved += one.solved;
        outcome.solving += one.solving;
        outcome.failures.extend(one.failures);
    }
    let elapsed = started.elapsed();
    let _ = stop.send(());
    runtime.block_on(serving).map_err(|error| error.to_string())?.map_err(|error| error.to_string())?;
    Ok((outcome.stored as f64 * 60.0 / elapsed.as_secs_f64(), outcome))
}

/// The time one thread takes to solve each of `count` challenges of the server's default
/// difficulty, in milliseconds.
fn solo_solve_times(count: usize) -> Result<Vec<f64>, String> {
    let defaults = Cli::try_parse_from(["article-widget-server"]).map_err(|error| error.to_string())?.serve;
    let difficulty = defaults.pow_difficulty()?.ok_or("the proof of work is on by default")?;
    let issuer = ProofOfWork::new("spam-bot benchmark", difficulty);
    (0..count)
        .map(|_| {
            let challenge = issuer.issue(4_102_444_800).map_err(|error| error.to_string())?;
            let started = Instant::now();
            solve_pow(&challenge)?;
            Ok(started.elapsed().as_secs_f64() * 1000.0)
        })
        .collect()
}

fn main() -> ExitCode {
    let options = Options::parse();
    if options.solo > 0 {
        match solo_solve_times(options.solo) {
            Ok(times) => {
                let mean = times.iter().sum::<f64>() / times.len() as f64;
                let (median, low, high) = median_and_spread(times);
                println!(
                    "solving a proof of work of the default difficulty, one thread, {} challenges: median {median:.1} ms \
                     ({low:.1} – {high:.1}), mean {mean:.1} ms",
                    options.solo
                );
            }
            Err(error) => {
                println!("solving: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!(
        "{} bot threads, {} s a round, {} round(s) a case, default limits, the minimum delay waited",
        options.workers, options.seconds, options.rounds
    );
    let mut failed = false;
    for &case in &options.cases {
        let mut rates = Vec::new();
        for _ in 0..options.rounds.max(1) {
            match round(&options, case) {
                Ok((rate, outcome)) => {
                    println!(
                        "{}: {} stored, {} refused for their rate: {rate:.1} comments/min",
                        case.name(),
                        outcome.stored,
                        outcome.refused
                    );
                    if outcome.solved > 0 {
                        let mean = outcome.solving.as_secs_f64() * 1000.0 / outcome.solved as f64;
                        println!("  {} proofs of work solved, {mean:.1} ms each on average", outcome.solved);
                    }
                    for failure in outcome.failures.iter().take(5) {
                        println!("  unexpected: {failure}");
                    }
                    failed |= !outcome.failures.is_empty();
                    rates.push(rate);
                }
                Err(error) => {
                    println!("{}: {error}", case.name());
                    return ExitCode::FAILURE;
                }
            }
        }
        let (median, low, high) = median_and_spread(rates);
        println!("=> {}: median {median:.1} ({low:.1} – {high:.1}) comments/min", case.name());
    }
    if failed {
        println!("FAILED: unexpected answers");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
