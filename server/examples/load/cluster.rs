//! `--cluster`: one run, in phases, each printing its table and checking that every comment
//! acknowledged is stored once and nothing else is.
//!
//! 1. SQLite, one server (a process of the real binary), at each count of clients;
//! 2. PostgreSQL (a throwaway cluster, durable as PostgreSQL's defaults are), one server
//!    alone, then `--instances` servers behind the benchmark's round-robin proxy, at each
//!    count of clients;
//! 3. a challenge answered on one server and posted again on another: refused
//!    (`captcha_used`), and challenges posted on two servers at once: one post each taken;
//! 4. one server killed (SIGKILL) halfway through a run: its clients' connections end, they
//!    try again once on a new connection, which the proxy gives to a server that is up;
//! 5. PostgreSQL restarted (fast shutdown, then started on the same port) halfway through a
//!    run: the servers answer `503` meanwhile, and then reconnect on their own.
//!
//! Finally every comment acknowledged in the run is compared with the database's rows, and a
//! summary printed in Markdown. Any check that fails makes the run fail (exit status 1).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use article_widget_server::store::postgres::throwaway::Cluster;
use serde_json::Value;

use crate::client::{self, agent, comment, millis, report, resolve, round, Check, Figures, Outcome, Rows, Tally, Work};
use crate::instances::{server_binary, Instance, Proxy};
use crate::shared::{demo_content, median_and_spread, ARTICLE};
use crate::Options;

/// Over the throwaway cluster's own settings, which favour the tests' speed: PostgreSQL's
/// defaults, a commit on disk before its answer, as SQLite's (`synchronous=FULL`).
const DURABLE: &[&str] = &["fsync=on", "synchronous_commit=on", "full_page_writes=on", "shared_buffers=128MB"];

/// Challenges posted on two servers at once, in the replay check.
const SIMULTANEOUS: usize = 20;

/// A line of the summary: a setup and a count of clients, each round's figures.
struct Row {
    setup: String,
    clients: usize,
    rounds: Vec<Figures>,
    /// Comments acknowledged, and rows written, over its rounds.
    check: (usize, usize),
}

struct Bench<'a> {
    options: &'a Options,
    /// The servers' content folder.
    content: PathBuf,
    next_key: Arc<AtomicU64>,
    /// Every check that failed.
    problems: Vec<String>,
    rows: Vec<Row>,
    /// The summary's lines on the replay check, the kill and the restart.
    findings: Vec<String>,
    /// Every comment acknowledged on PostgreSQL, for the last check.
    acknowledged_pg: BTreeSet<String>,
    load: Vec<f64>,
    /// The phase under way and the CPU's counters at its start.
    phase: Option<(String, Cpu, Instant)>,
    /// The share of the CPUs' time that other processes took during each phase.
    others: Vec<f64>,
}

/// Clock ticks: the CPUs' busy and total time since boot, and this process's and its
/// descendants' (the servers and PostgreSQL: their own time and their reaped children's).
#[derive(Clone, Copy)]
struct Cpu {
    busy: u64,
    total: u64,
    ours: u64,
}

fn cpu() -> Cpu {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<u64> =
        stat.lines().next().unwrap_or_default().split_whitespace().skip(1).filter_map(|n| n.parse().ok()).collect();
    let tick = |index: usize| ticks.get(index).copied().unwrap_or_default();
    // user nice system idle iowait irq softirq steal
    let busy = tick(0) + tick(1) + tick(2) + tick(5) + tick(6) + tick(7);
    let total = busy + tick(3) + tick(4);
    // Each process's parent and ticks (utime, stime, cutime, cstime), after its name's ')'.
    let mut processes = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(text) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some((_, rest)) = text.rsplit_once(')') else { continue };
        let fields: Vec<u64> = rest.split_whitespace().skip(1).map(|field| field.parse().unwrap_or(0)).collect();
        // From the parent (field 4): utime, stime, cutime, cstime are fields 14 to 17.
        if fields.len() > 13 {
            processes.push((pid, fields[0] as u32, fields[10] + fields[11] + fields[12] + fields[13]));
        }
    }
    let mut tree = BTreeSet::from([std::process::id()]);
    loop {
        let before = tree.len();
        for (pid, parent, _) in &processes {
            if tree.contains(parent) {
                tree.insert(*pid);
            }
        }
        if tree.len() == before {
            break;
        }
    }
    let ours = processes.iter().filter(|(pid, _, _)| tree.contains(pid)).map(|(_, _, ticks)| ticks).sum();
    Cpu { busy, total, ours }
}

fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().and_then(|first| first.parse().ok()))
        .unwrap_or(f64::NAN)
}

/// The demo article again, as `id`, with its related stories.
fn copy_article(content: &Path, id: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(content.join(format!("{ARTICLE}.json"))).map_err(|error| error.to_string())?;
    let mut article: Value = serde_json::from_str(&text).map_err(|error| error.to_string())?;
    article["id"] = Value::from(id);
    std::fs::create_dir_all(content.join(id)).map_err(|error| error.to_string())?;
    std::fs::copy(content.join(ARTICLE).join("related.json"), content.join(id).join("related.json"))
        .map_err(|error| error.to_string())?;
    std::fs::write(content.join(format!("{id}.json")), article.to_string()).map_err(|error| error.to_string())
}

impl Bench<'_> {
    /// The clients' work: an article of their own (`charge-{tag}`), which starts without
    /// comments, so that no phase reads a thread that an earlier one grew.
    fn work(&self, base: &str, tag: &str) -> Work {
        let article = format!("charge-{tag}");
        if let Err(error) = copy_article(&self.content, &article) {
            println!("warning: the article {article}: {error}");
        }
        Work {
            base: base.to_owned(),
            article,
            post_every: self.options.post_every,
            fragment: None,
            tag: tag.to_owned(),
            next_key: self.next_key.clone(),
            pause_after_unavailable: Duration::from_secs(2),
        }
    }

    fn heading(&mut self, title: &str) {
        self.end_phase();
        let load = load_average();
        self.load.push(load);
        println!("\n== {title} (load average {load:.2}) ==");
        self.phase = Some((title.to_owned(), cpu(), Instant::now()));
    }

    /// What else the machine did during the phase: the CPUs' time that processes other than
    /// the benchmark's took.
    fn end_phase(&mut self) {
        let Some((title, start, started)) = self.phase.take() else { return };
        let end = cpu();
        let others = (end.busy - start.busy).saturating_sub(end.ours.saturating_sub(start.ours));
        let share = others as f64 / (end.total - start.total).max(1) as f64;
        // Not the short phases without clients running, whose few ticks say little.
        if started.elapsed() >= Duration::from_secs(2) {
            self.others.push(share);
        }
        println!("(other processes took {:.0} % of the CPUs' time during \"{title}\")", share * 100.0);
    }

    fn problem(&mut self, problem: String) {
        println!("FAILED: {problem}");
        self.problems.push(problem);
    }

    /// The phase's acknowledged comments against its rows (its keys start with `load-{tag}-`),
    /// pending posts resolved first.
    fn check(
        &mut self,
        phase: &str,
        base: &str,
        rows: &Rows,
        tag: &str,
        tally: &mut Tally,
    ) -> Option<client::Resolved> {
        let resolved = (!tally.pending.is_empty()).then(|| {
            let resolved = resolve(base, tally);
            println!(
                "pending posts posted again with their keys: {} stored before (200), {} stored now (201), {} still \
                 without an answer",
                resolved.stored_before.len(),
                resolved.stored_now,
                resolved.unresolved.len()
            );
            resolved
        });
        match rows.keys(&format!("load-{tag}-")) {
            Ok(keys) => {
                let check = Check::new(&tally.acknowledged, keys);
                println!("{}", check.describe());
                if !check.holds() {
                    self.problem(format!("{phase}: {}", check.describe()));
                }
            }
            Err(error) => self.problem(format!("{phase}: counting the rows: {error}")),
        }
        if matches!(rows, Rows::Postgres(_)) {
            self.acknowledged_pg.extend(tally.acknowledged.iter().cloned());
        }
        resolved
    }

    /// One round of `clients` clients against a setup; its figures go to the setup's row.
    fn measure(&mut self, setup: &Setup, clients: usize, number: usize) {
        let tag = format!("{}c{clients}r{number}", setup.short);
        let name = &setup.name;
        self.heading(&format!("{name}, {clients} clients, round {number} of {}", self.options.rounds.max(1)));
        let (mut tally, elapsed, _) = round(&self.work(&setup.base, &tag), clients, self.options.seconds, None);
        let figures = report(&mut tally, elapsed);
        if !tally.failures.is_empty() {
            self.problem(format!("{name}, {clients} clients: {}", tally.describe_failures()));
        }
        self.check(name, &setup.base, &setup.rows, &tag, &mut tally);
        let written = setup.rows.keys(&format!("load-{tag}-")).map(|keys| keys.len()).unwrap_or_default();
        let position = self.rows.iter().position(|row| row.setup == *name && row.clients == clients);
        let row = match position {
            Some(position) => &mut self.rows[position],
            None => {
                self.rows.push(Row { setup: name.clone(), clients, rounds: Vec::new(), check: (0, 0) });
                self.rows.last_mut().expect("pushed")
            }
        };
        row.rounds.push(figures);
        row.check.0 += tally.acknowledged.len();
        row.check.1 += written;
    }
}

/// Where a round's clients send their requests, and where its comments are stored.
struct Setup {
    name: String,
    /// In the posts' keys.
    short: &'static str,
    base: String,
    rows: Rows,
}

/// The whole run; `Err` if it could not go on.
pub fn run(options: &Options) -> Result<bool, String> {
    let binary = server_binary()?;
    let folder = tempfile::tempdir().map_err(|error| format!("a temporary folder: {error}"))?;
    let content = folder.path().join("articles");
    demo_content(&content).map_err(|error| format!("the demo article: {error}"))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|error| format!("the proxy's runtime: {error}"))?;
    let mut bench = Bench {
        options,
        content: content.clone(),
        next_key: Arc::new(AtomicU64::new(0)),
        problems: Vec::new(),
        rows: Vec::new(),
        findings: Vec::new(),
        acknowledged_pg: BTreeSet::new(),
        load: Vec::new(),
        phase: None,
        others: Vec::new(),
    };
    let cpus = std::thread::available_parallelism().map(|cpus| cpus.get()).unwrap_or(0);
    // Over a few seconds before anything starts: what the machine does without the benchmark.
    let (before, idle) = (cpu(), load_average());
    std::thread::sleep(Duration::from_secs(3));
    let after_idle = cpu();
    let share = (after_idle.busy - before.busy).saturating_sub(after_idle.ours - before.ours) as f64
        / (after_idle.total - before.total).max(1) as f64;
    println!("before the run: load average {idle:.2}, other processes taking {:.0} % of the CPUs' time", share * 100.0);
    bench.findings.push(format!(
        "before the run: load average {idle:.2}, other processes taking {:.0} % of the CPUs' time",
        share * 100.0
    ));
    println!(
        "{cpus} CPUs, clients of {:?}, {} s a round, {} round(s), one operation in {} a post; {} servers on \
         PostgreSQL",
        options.clients, options.seconds, options.rounds, options.post_every, options.instances
    );

    // The servers: SQLite's, then PostgreSQL's.
    let file = folder.path().join("sqlite.sqlite3");
    let mut sqlite = Instance::start(&binary, "sqlite", &file.display().to_string(), &content, folder.path())?;
    println!("SQLite: server at {}", sqlite.base());
    let mut cluster = Cluster::start_with(DURABLE)?;
    let url = cluster.database("load")?;
    let rows = Rows::Postgres(url.clone());
    println!("PostgreSQL {} at {}", server_version(&url), cluster.url());
    let mut instances = Vec::new();
    for number in 0..options.instances.max(2) {
        let name = format!("pg{}", number + 1);
        // One after the other: the first brings the schema up to date.
        instances.push(Instance::start(&binary, &name, &url, &content, folder.path())?);
        println!("server {name} at {}", instances[number].base());
    }
    // What the proxy costs, apart from what a second server brings: a proxy over one.
    let alone = Proxy::start(&runtime, vec![instances[0].address])?;
    let proxy = Proxy::start(&runtime, instances.iter().map(|instance| instance.address).collect())?;
    println!("a proxy over {} alone at {}; over every server at {}", instances[0].name, alone.base(), proxy.base());
    let setups = [
        Setup { name: "SQLite, 1 server".into(), short: "sq", base: sqlite.base(), rows: Rows::Sqlite(file) },
        Setup { name: "PostgreSQL, 1 server".into(), short: "pg1", base: instances[0].base(), rows: rows.clone() },
        Setup { name: "PostgreSQL, 1 server, proxy".into(), short: "pg1p", base: alone.base(), rows: rows.clone() },
        Setup {
            name: format!("PostgreSQL, {} servers, proxy", instances.len()),
            short: "pgn",
            base: proxy.base(),
            rows: rows.clone(),
        },
    ];

    // 1, 2. Each setup in turn, for each count of clients, round after round: what the
    // machine's other work does to the figures falls on all of them alike.
    for number in 1..=options.rounds.max(1) {
        for &clients in &options.clients {
            for setup in &setups {
                bench.measure(setup, clients, number);
            }
        }
    }
    sqlite.stop();

    // 3. A challenge answered on one server, posted again on another.
    replay(&mut bench, &instances[0].base(), &instances[1].base(), &rows);

    // 4. A server killed halfway through.
    kill(&mut bench, &proxy, &mut instances, &rows);
    let victim = instances.len() - 1;
    let old = instances[victim].address;
    let name = instances[victim].name.clone();
    instances[victim] = Instance::start(&binary, &name, &url, &content, folder.path())?;
    proxy.replace(old, instances[victim].address);
    println!("server {name} started again, at {}", instances[victim].base());

    // 5. PostgreSQL restarted halfway through.
    restart(&mut bench, &proxy, &instances, &mut cluster, &rows);

    // Every comment acknowledged on PostgreSQL, against every row the benchmark wrote there.
    bench.heading("every comment acknowledged on PostgreSQL in this run");
    match rows.keys("load-") {
        Ok(keys) => {
            let check = Check::new(&bench.acknowledged_pg, keys);
            println!("{}", check.describe());
            bench.findings.push(format!("in all, on PostgreSQL: {}", check.describe()));
            if !check.holds() {
                bench.problem(format!("PostgreSQL, the whole run: {}", check.describe()));
            }
        }
        Err(error) => bench.problem(format!("counting PostgreSQL's rows: {error}")),
    }
    for instance in &instances {
        let (count, first, last) = instance.errors();
        if count > 0 {
            println!(
                "server {} logged {count} errors; first: {}; last: {}",
                instance.name,
                first.unwrap_or_default(),
                last.unwrap_or_default()
            );
        }
    }
    for instance in &mut instances {
        instance.stop();
    }
    bench.end_phase();
    summary(&bench);
    Ok(bench.problems.is_empty())
}

fn server_version(url: &str) -> String {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime
        .block_on(async {
            let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            client.query_one("SHOW server_version", &[]).await.map(|row| row.get::<_, String>(0))
        })
        .unwrap_or_else(|error| format!("(version: {error})"))
}

/// One request, its status and body.
fn send(agent: &ureq::Agent, request: ureq::http::Request<String>) -> Result<(u16, String), String> {
    let mut response = agent.run(request).map_err(|error| error.to_string())?;
    let body = response.body_mut().read_to_string().map_err(|error| error.to_string())?;
    Ok((response.status().as_u16(), body))
}

fn challenge(agent: &ureq::Agent, base: &str) -> Result<Value, String> {
    let request = ureq::http::Request::get(format!("{base}/api/captcha")).body(String::new()).expect("GET");
    let (status, body) = send(agent, request)?;
    if status != 200 {
        return Err(format!("GET /api/captcha: {status} {body}"));
    }
    serde_json::from_str(&body).map_err(|error| format!("GET /api/captcha: {error}"))
}

fn post(agent: &ureq::Agent, base: &str, key: &str, body: &Value) -> Result<(u16, String), String> {
    send(agent, client::post_request(base, ARTICLE, key, body))
}

/// The captcha's code in an error's JSON.
fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|json| json["error"]["code"].as_str().map(str::to_owned))
        .unwrap_or_else(|| body.chars().take(80).collect())
}

/// A challenge answered on one server, posted again (another comment, another key) on the
/// other, both ways: refused as used. Then challenges posted on both servers at the same
/// moment: one post of each pair taken, the other refused.
fn replay(bench: &mut Bench, a: &str, b: &str, rows: &Rows) {
    bench.heading("a challenge answered on one server, posted again on the other");
    let tag = "replay";
    let agent = agent();
    let mut tally = Tally::default();
    let mut refused = Vec::new();
    for (first, second, names) in [(a, b, "pg1 then pg2"), (b, a, "pg2 then pg1")] {
        let outcome = (|| -> Result<String, String> {
            let issued = challenge(&agent, first)?;
            let key = format!("load-{tag}-{:012}", bench.next_key.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            let (status, body) = post(&agent, first, &key, &comment(&key, issued.clone()))?;
            if status != 201 {
                return Err(format!("the first post: {status} {body}"));
            }
            tally.acknowledged.insert(key);
            let again = format!("load-{tag}-{:012}", bench.next_key.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
            let (status, body) = post(&agent, second, &again, &comment(&again, issued))?;
            if status == 201 || status == 200 {
                tally.acknowledged.insert(again);
            }
            Ok(format!("{status} {}", code(&body)))
        })();
        match outcome {
            Ok(answer) if answer == "422 captcha_used" => {
                println!("{names}: the replay answered {answer}");
                refused.push(names);
            }
            Ok(answer) => bench.problem(format!("replay {names}: answered {answer}, not 422 captcha_used")),
            Err(error) => bench.problem(format!("replay {names}: {error}")),
        }
    }
    // Both servers at once, each challenge: exactly one of the two posts is stored.
    let mut pairs = Vec::new();
    for pair in 0..SIMULTANEOUS {
        let issued = match challenge(&agent, if pair % 2 == 0 { a } else { b }) {
            Ok(issued) => issued,
            Err(error) => {
                bench.problem(format!("simultaneous posts: {error}"));
                break;
            }
        };
        let barrier = Arc::new(Barrier::new(2));
        let posts: Vec<_> = [a, b]
            .into_iter()
            .map(|base| {
                let key =
                    format!("load-{tag}-{:012}", bench.next_key.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                let (base, body, barrier) = (base.to_owned(), comment(&key, issued.clone()), barrier.clone());
                std::thread::spawn(move || {
                    let agent = client::agent();
                    barrier.wait();
                    (key.clone(), post(&agent, &base, &key, &body))
                })
            })
            .collect();
        pairs.push(posts.into_iter().map(|post| post.join().expect("post thread")).collect::<Vec<_>>());
    }
    let (mut one_each, mut wrong) = (0, Vec::new());
    for pair in &pairs {
        let mut answers: Vec<String> = Vec::new();
        for (key, outcome) in pair {
            match outcome {
                Ok((status @ (200 | 201), _)) => {
                    tally.acknowledged.insert(key.clone());
                    answers.push(status.to_string());
                }
                Ok((status, body)) => answers.push(format!("{status} {}", code(body))),
                Err(error) => answers.push(error.clone()),
            }
        }
        answers.sort();
        if answers == ["201", "422 captcha_used"] {
            one_each += 1;
        } else {
            wrong.push(answers.join(" and "));
        }
    }
    println!("{} challenges posted on both servers at once: {one_each} taken once and refused once", pairs.len());
    if !wrong.is_empty() {
        bench.problem(format!("simultaneous posts of one challenge: {wrong:?}"));
    }
    bench.check("replay", a, rows, tag, &mut tally);
    bench.findings.push(format!(
        "a challenge answered on one server and posted again on the other: refused `422 captcha_used` ({} of 2 \
         ways); {} challenges each posted on both servers at the same moment: {one_each} stored once and refused \
         once",
        refused.len(),
        pairs.len()
    ));
}

/// Seconds from `from` to `to`, signed.
fn after(from: Instant, to: Instant) -> f64 {
    if to >= from {
        (to - from).as_secs_f64()
    } else {
        -(from - to).as_secs_f64()
    }
}

/// Clients through the proxy; the last server killed halfway through.
fn kill(bench: &mut Bench, proxy: &Proxy, instances: &mut [Instance], rows: &Rows) {
    let clients = bench.options.clients[0];
    let victim = instances.len() - 1;
    let name = instances[victim].name.clone();
    bench.heading(&format!(
        "{clients} clients through the proxy, server {name} killed (SIGKILL) after {} s",
        bench.options.seconds as f64 / 2.0
    ));
    let tag = "kill";
    let before = proxy.stats();
    let mut at_kill = None;
    let mut kill = || {
        at_kill = Some(proxy.stats());
        let at = Instant::now();
        instances[victim].kill();
        at
    };
    let (mut tally, elapsed, killed) =
        round(&bench.work(&proxy.base(), tag), clients, bench.options.seconds, Some(&mut kill));
    let killed = killed.expect("killed");
    report(&mut tally, elapsed);
    let (at_kill, after_run) = (at_kill.expect("stats"), proxy.stats());
    let answered_before =
        tally.events.iter().filter(|event| event.outcome == Outcome::Answered && event.at < killed).count();
    let answered_after = tally.count(Outcome::Answered, Some(killed));
    let lost: Vec<_> = tally.events.iter().filter(|event| event.outcome == Outcome::Lost).copied().collect();
    let unexpected =
        tally.events.iter().filter(|event| !matches!(event.outcome, Outcome::Answered | Outcome::Lost)).count();
    // Each client that lost a request: how long until its next answer.
    let mut failover = Vec::new();
    let mut clients_lost = BTreeSet::new();
    for event in &lost {
        if clients_lost.insert(event.client) {
            let next = tally
                .events
                .iter()
                .filter(|other| {
                    other.client == event.client && other.at > event.at && other.outcome == Outcome::Answered
                })
                .map(|other| other.at)
                .min();
            failover.push(next.map(|next| after(killed, next)));
        }
    }
    let clients_after: BTreeSet<usize> = tally
        .events
        .iter()
        .filter(|event| event.at > killed && event.outcome == Outcome::Answered)
        .map(|event| event.client)
        .collect();
    let victim_address = instances[victim].address;
    let to_victim_after = after_run.connections.get(&victim_address).copied().unwrap_or_default()
        - at_kill.connections.get(&victim_address).copied().unwrap_or_default();
    let connections = |stats: &crate::instances::ProxyStats, from: &crate::instances::ProxyStats| {
        instances
            .iter()
            .map(|instance| {
                let count = stats.connections.get(&instance.address).copied().unwrap_or_default()
                    - from.connections.get(&instance.address).copied().unwrap_or_default();
                format!("{} {count}", instance.name)
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "requests answered: {answered_before} before the kill, {answered_after} after ({:.0}/s before, {:.0}/s after)",
        answered_before as f64
            / after(tally.events.iter().map(|event| event.at).min().unwrap_or(killed), killed).max(0.001),
        answered_after as f64 / (elapsed.as_secs_f64() - bench.options.seconds as f64 / 2.0).max(0.001)
    );
    println!(
        "at the kill: {} requests without an answer ({} clients), tried again on a new connection: {} answered; \
         posts answered 200 to their retry (stored by {name} before it died): {}",
        lost.len(),
        clients_lost.len(),
        tally.retried_answered,
        tally.replayed
    );
    let failover_times: Vec<f64> = failover.iter().flatten().copied().collect();
    let slowest = failover_times.iter().copied().fold(0.0, f64::max);
    println!(
        "clients answered after the kill: {} of {clients}; a client that lost a request had its next answer {:.0} ms \
         after the kill at most",
        clients_after.len(),
        slowest * 1000.0
    );
    println!(
        "the proxy's connections before the kill: {}; after: {} (to {name}: {to_victim_after}; refused, passed on: \
         {})",
        connections(&at_kill, &before),
        connections(&after_run, &at_kill),
        after_run.refused - at_kill.refused
    );
    if clients_after.len() != clients {
        bench.problem(format!("kill: only {} of {clients} clients answered after the kill", clients_after.len()));
    }
    if unexpected > 0 || failover.iter().any(Option::is_none) {
        bench.problem(format!("kill: {unexpected} answers other than expected: {}", tally.describe_failures()));
    }
    let failed_after_retry = tally.retried - tally.retried_answered;
    let resolved = bench.check("kill", &proxy.base(), rows, tag, &mut tally);
    let (stored_before, stored_now) = resolved.map(|r| (r.stored_before.len(), r.stored_now)).unwrap_or_default();
    bench.findings.push(format!(
        "server {name} killed (SIGKILL) halfway through a run of {clients} clients through the proxy: \
         {answered_before} requests answered before, {answered_after} after; {} requests lost their answer at the \
         kill ({} clients), each tried again once on a new connection, which the proxy gave to the other server: \
         {} answered ({} posts answered `200`, stored by {name} before it died, not stored twice; \
         {failed_after_retry} failed again, posts among them posted again after the run: {stored_before} found \
         stored, {stored_now} stored then); \
         each of those clients answered again within {:.0} ms of the kill; every client answered after it",
        lost.len(),
        clients_lost.len(),
        tally.retried_answered,
        tally.replayed,
        slowest * 1000.0
    ));
}

/// Clients through the proxy; PostgreSQL restarted halfway through.
fn restart(bench: &mut Bench, proxy: &Proxy, instances: &[Instance], cluster: &mut Cluster, rows: &Rows) {
    let clients = bench.options.clients[0];
    bench.heading(&format!(
        "{clients} clients through the proxy, PostgreSQL restarted (fast shutdown, start) after {} s",
        bench.options.seconds as f64 / 2.0
    ));
    let tag = "restart";
    let mut work = bench.work(&proxy.base(), tag);
    work.pause_after_unavailable = Duration::from_millis(100);
    let mut took = None;
    let mut restart = || {
        let at = Instant::now();
        took = Some(cluster.restart());
        at
    };
    let (mut tally, elapsed, restarted) = round(&work, clients, bench.options.seconds, Some(&mut restart));
    let restarted = restarted.expect("restarted");
    report(&mut tally, elapsed);
    let took = match took.expect("restart ran") {
        Ok(took) => took,
        Err(error) => {
            bench.problem(format!("restarting PostgreSQL: {error}"));
            return;
        }
    };
    let unavailable: Vec<Instant> =
        tally.events.iter().filter(|event| event.outcome == Outcome::Unavailable).map(|event| event.at).collect();
    let others = tally.events.iter().filter(|event| !matches!(event.outcome, Outcome::Answered | Outcome::Unavailable));
    let others = others.count();
    let slowest = tally.latencies.values().flatten().max().copied().unwrap_or_default();
    let (first, last) = (unavailable.iter().min().copied(), unavailable.iter().max().copied());
    let answered_after = tally
        .events
        .iter()
        .filter(|event| event.outcome == Outcome::Answered && last.is_none_or(|last| event.at > last))
        .count();
    // The first request that needs the database answered after the last 503: the servers
    // reconnected. (The article and its related stories come from files: answered throughout.)
    let recovered = tally
        .events
        .iter()
        .filter(|event| {
            matches!(event.kind, "comments" | "post")
                && event.outcome == Outcome::Answered
                && event.at > last.unwrap_or(restarted)
        })
        .map(|event| event.at)
        .min();
    let reads_failed = tally.events.iter().filter(|event| matches!(event.kind, "article" | "related")).count()
        - tally
            .events
            .iter()
            .filter(|event| matches!(event.kind, "article" | "related") && event.outcome == Outcome::Answered)
            .count();
    println!(
        "PostgreSQL down and up again in {:.0} ms (from the fast shutdown's signal to accepting connections)",
        millis(took)
    );
    match (first, last) {
        (Some(first), Some(last)) => println!(
            "{} answers 503, from {:+.3} s to {:+.3} s after the restart began; {answered_after} requests answered \
             after the last",
            unavailable.len(),
            after(restarted, first),
            after(restarted, last)
        ),
        _ => println!("no answer 503"),
    }
    let in_flight: Vec<Outcome> = tally
        .events
        .iter()
        .filter(|event| event.started < restarted && event.at >= restarted)
        .map(|event| event.outcome)
        .collect();
    let in_flight_unavailable = in_flight.iter().filter(|outcome| **outcome == Outcome::Unavailable).count();
    println!(
        "in flight when the restart began: {} requests, {in_flight_unavailable} of them answered 503, the others \
         before the shutdown reached them",
        in_flight.len()
    );
    println!("other failures: {others}; the slowest request: {:.0} ms", millis(slowest));
    let recovered = recovered.map(|recovered| after(restarted, recovered));
    match recovered {
        Some(recovered) => println!(
            "the first page of comments or post answered after the last 503: {recovered:+.3} s after the restart \
             began; the article and related stories (files) failed {reads_failed} times meanwhile"
        ),
        None => bench.problem("restart: no page of comments nor post answered after the last 503".into()),
    }
    // Each server answers a page of comments, on its own connection: both reconnected.
    let agent = agent();
    let mut reconnected = Vec::new();
    for instance in instances {
        let path = format!("{}/api/articles/{ARTICLE}/comments?order=newest&limit=20", instance.base());
        let answer = send(&agent, ureq::http::Request::get(path).body(String::new()).expect("GET"));
        match answer {
            Ok((200, _)) => reconnected.push(instance.name.clone()),
            other => bench.problem(format!("restart: server {} afterwards: {other:?}", instance.name)),
        }
    }
    println!("afterwards, a page of comments answered by: {}", reconnected.join(", "));
    if others > 0 {
        bench.problem(format!("restart: {others} failures other than 503: {}", tally.describe_failures()));
    }
    if slowest > Duration::from_secs(15) {
        bench.problem(format!("restart: a request took {:.1} s", slowest.as_secs_f64()));
    }
    let posts_unavailable = tally.pending.iter().filter(|pending| pending.cause == Outcome::Unavailable).count();
    let resolved = bench.check("restart", &proxy.base(), rows, tag, &mut tally);
    let stored_anyway =
        resolved.as_ref().map(|r| r.stored_before.iter().filter(|(_, cause)| *cause == Outcome::Unavailable).count());
    let stored_anyway = stored_anyway.unwrap_or_default();
    if stored_anyway > 0 {
        println!("{stored_anyway} posts answered 503 had been stored all the same (their commit's answer lost)");
    }
    let span = match (first, last) {
        (Some(first), Some(last)) => {
            format!(
                "from {:+.2} s to {:+.2} s after the restart began",
                after(restarted, first),
                after(restarted, last)
            )
        }
        _ => "none".into(),
    };
    bench.findings.push(format!(
        "PostgreSQL restarted (fast shutdown, then started on the same port) halfway through a run of {clients} \
         clients through the proxy: down and accepting again in {:.0} ms; {} requests answered `503` with \
         `Retry-After` ({span}; {in_flight_unavailable} of the {} in flight when it began; {posts_unavailable} \
         posts, posted again after the run with their keys: {stored_anyway} found stored, the rest stored then), \
         {others} other failures, no request over {:.0} ms; the first page of comments or post answered again \
         {:+.2} s after the restart began (the article and its related stories, read from files, failed \
         {reads_failed} times); \
         the servers reconnected on their own: every request after the last `503` answered ({answered_after}), and \
         each server then answered on its own ({})",
        millis(took),
        unavailable.len(),
        in_flight.len(),
        millis(slowest),
        recovered.unwrap_or(f64::NAN),
        reconnected.join(", ")
    ));
}

/// The run in Markdown: the figures of each setup and count of clients, then the checks.
fn summary(bench: &Bench) {
    let low = bench.load.iter().copied().fold(f64::INFINITY, f64::min);
    let high = bench.load.iter().copied().fold(0.0, f64::max);
    let (others_low, others_high) = (
        bench.others.iter().copied().fold(f64::INFINITY, f64::min) * 100.0,
        bench.others.iter().copied().fold(0.0, f64::max) * 100.0,
    );
    println!("\n== summary ==\n");
    let several = bench.options.rounds > 1;
    if several {
        println!("{} rounds of {} s each: median (lowest – highest)\n", bench.options.rounds, bench.options.seconds);
    }
    println!(
        "| setup | clients | requests/s | post p50 / p99 | comments page p50 / p99 | article p50 / p99 | \
         acknowledged = written |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let figure = |values: Vec<f64>, decimals: usize| {
        let (median, low, high) = median_and_spread(values);
        if several {
            format!("{median:.decimals$} ({low:.decimals$} – {high:.decimals$})")
        } else {
            format!("{median:.decimals$}")
        }
    };
    for row in &bench.rows {
        let kind = |kind: &str| {
            let p50 = row.rounds.iter().map(|round| round.kinds.get(kind).map_or(f64::NAN, |k| k.0)).collect();
            let p99 = row.rounds.iter().map(|round| round.kinds.get(kind).map_or(f64::NAN, |k| k.1)).collect();
            format!("{} / {} ms", figure(p50, 1), figure(p99, 1))
        };
        println!(
            "| {} | {} | {} | {} | {} | {} | {} = {} |",
            row.setup,
            row.clients,
            figure(row.rounds.iter().map(|round| round.per_second).collect(), 0),
            kind("post"),
            kind("comments"),
            kind("article"),
            row.check.0,
            row.check.1
        );
    }
    println!();
    for finding in &bench.findings {
        println!("- {finding}");
    }
    println!(
        "\nload average (1 min) at the phases' starts: {low:.2} to {high:.2} (the benchmark's own threads and \
         processes count in it); other processes took {others_low:.0} % to {others_high:.0} % of the CPUs' time \
         during the phases of 2 s or more"
    );
    if bench.problems.is_empty() {
        println!("every check held");
    } else {
        println!("FAILED: {} checks", bench.problems.len());
        for problem in &bench.problems {
            println!("- {problem}");
        }
    }
}
