//! The benchmark's clients: threads, each with its own keep-alive connection (a `ureq` agent),
//! looping over the API's reads and posts, or asking for fragments, until a deadline; what
//! each measured (a [`Tally`]); and the comments acknowledged set against the rows written.
//!
//! A request that gets no answer (its connection refused, reset or closed, which is what a
//! killed server leaves) is tried again once, on a new connection: through the benchmark's
//! proxy, that one goes to a server that is up. A post is tried again with the same
//! `Idempotency-Key`, so that the server answers the comment it stored (`200`) if the first
//! attempt was written, rather than store it twice. A post left without an answer, or answered
//! `503` (the database could not be reached), is "pending": once the clients have stopped,
//! [`resolve`] posts it again, as a reader's widget would, until the server says what became
//! of it, so that every post ends acknowledged and the acknowledged comments can be compared
//! with the rows, one for one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use article_widget_core::captcha::Puzzle;
use serde_json::{json, Value};

/// What ends a request that hangs: reported as one without an answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How a request ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// The status expected.
    Answered,
    /// `503`: the server could not reach its database.
    Unavailable,
    /// Another `5xx`.
    ServerError,
    /// Any other status not expected.
    Refused,
    /// No answer: the connection refused, reset or closed, or the request timed out.
    Lost,
}

/// One request's end, for the timelines of the phases that kill a server or restart the
/// database.
#[derive(Clone, Copy)]
pub struct Event {
    pub kind: &'static str,
    pub started: Instant,
    pub at: Instant,
    pub client: usize,
    pub outcome: Outcome,
}

/// A post whose fate its client does not know: no answer, or a `503`.
pub struct Pending {
    pub article: String,
    pub key: String,
    pub body: Value,
    pub cause: Outcome,
}

/// What the clients measured.
#[derive(Default)]
pub struct Tally {
    pub latencies: BTreeMap<&'static str, Vec<Duration>>,
    /// The idempotency keys of the posts answered `201`, or `200` for a retry whose first
    /// attempt was stored: each comment once, however many times it was sent.
    pub acknowledged: BTreeSet<String>,
    /// Posts answered `201` and `200`.
    pub created: u64,
    pub replayed: u64,
    pub pending: Vec<Pending>,
    /// Requests that did not get the status expected, by kind and status ("post 503").
    pub failures: BTreeMap<String, u64>,
    /// The first of them in full, for the report.
    pub samples: Vec<String>,
    /// Requests tried again after no answer, and those of them answered then.
    pub retried: u64,
    pub retried_answered: u64,
    pub events: Vec<Event>,
}

impl Tally {
    pub fn merge(&mut self, other: Tally) {
        for (kind, mut latencies) in other.latencies {
            self.latencies.entry(kind).or_default().append(&mut latencies);
        }
        self.acknowledged.extend(other.acknowledged);
        self.created += other.created;
        self.replayed += other.replayed;
        self.pending.extend(other.pending);
        for (failure, count) in other.failures {
            *self.failures.entry(failure).or_default() += count;
        }
        for sample in other.samples {
            if self.samples.len() < 10 && !self.samples.contains(&sample) {
                self.samples.push(sample);
            }
        }
        self.retried += other.retried;
        self.retried_answered += other.retried_answered;
        self.events.extend(other.events);
    }

    pub fn requests(&self) -> usize {
        self.latencies.values().map(Vec::len).sum()
    }

    /// Requests that ended so, after `since` if given.
    pub fn count(&self, outcome: Outcome, since: Option<Instant>) -> usize {
        self.events
            .iter()
            .filter(|event| event.outcome == outcome && since.is_none_or(|since| event.at >= since))
            .count()
    }

    fn fail(&mut self, kind: &str, what: &str, detail: String) {
        *self.failures.entry(format!("{kind} {what}")).or_default() += 1;
        let sample = format!("{kind}: {detail}");
        if self.samples.len() < 10 && !self.samples.contains(&sample) {
            self.samples.push(sample);
        }
    }

    /// The failures by kind and status, and the first of each in full.
    pub fn describe_failures(&self) -> String {
        let counts: Vec<String> = self.failures.iter().map(|(what, count)| format!("{what}: {count}")).collect();
        format!("{}; {}", counts.join(", "), self.samples.join(" | "))
    }
}

/// What the clients of a round do.
#[derive(Clone)]
pub struct Work {
    /// Where they send requests: a server, or the proxy in front of several.
    pub base: String,
    /// The article they read and comment.
    pub article: String,
    /// One operation in this many is a post.
    pub post_every: u64,
    /// A fragment's path (and query) to ask for instead of the API; `per_client` gives each
    /// client a fragment of its own (a minute of time zone apart).
    pub fragment: Option<(String, bool)>,
    /// Starts the posts' idempotency keys (`load-{tag}-{n}`), so that a phase's rows can be
    /// counted in a database that others share.
    pub tag: String,
    pub next_key: Arc<AtomicU64>,
    /// How long a client waits after a `503` before its next request: the server says 2 s
    /// (`Retry-After`); the phase that restarts the database waits less, to time its
    /// recovery closely.
    pub pause_after_unavailable: Duration,
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(REQUEST_TIMEOUT)).build().into()
}

enum Answer {
    Status(u16, String),
    Lost(String),
}

struct Client {
    id: usize,
    agent: ureq::Agent,
    work: Work,
    tally: Tally,
}

impl Client {
    /// One attempt, timed.
    fn attempt(
        &mut self,
        kind: &'static str,
        build: &dyn Fn(&str) -> ureq::http::Request<String>,
        expected: &[u16],
    ) -> Answer {
        let start = Instant::now();
        let mut retry_after = false;
        let answer = match self.agent.run(build(&self.work.base)) {
            Ok(mut response) => {
                retry_after = response.headers().contains_key("retry-after");
                match response.body_mut().read_to_string() {
                    Ok(body) => Answer::Status(response.status().as_u16(), body),
                    Err(error) => Answer::Lost(error.to_string()),
                }
            }
            Err(error) => Answer::Lost(error.to_string()),
        };
        let at = Instant::now();
        self.tally.latencies.entry(kind).or_default().push(at - start);
        let outcome = match &answer {
            Answer::Status(status, _) if expected.contains(status) => Outcome::Answered,
            // The database out of reach, said clearly: its code, and when to try again.
            Answer::Status(503, body) if retry_after && body.contains(r#""code":"unavailable""#) => {
                Outcome::Unavailable
            }
            Answer::Status(500..=599, _) => Outcome::ServerError,
            Answer::Status(..) => Outcome::Refused,
            Answer::Lost(_) => Outcome::Lost,
        };
        self.tally.events.push(Event { kind, started: start, at, client: self.id, outcome });
        answer
    }

    /// A request, tried again once on a new connection if the first attempt got no answer;
    /// what is not expected is counted as a failure.
    fn request(
        &mut self,
        kind: &'static str,
        build: &dyn Fn(&str) -> ureq::http::Request<String>,
        expected: &[u16],
    ) -> Answer {
        let mut answer = self.attempt(kind, build, expected);
        if let Answer::Lost(error) = &answer {
            self.tally.fail(kind, "no answer, tried again", error.clone());
            self.tally.retried += 1;
            answer = self.attempt(kind, build, expected);
            if matches!(answer, Answer::Status(..)) {
                self.tally.retried_answered += 1;
            }
        }
        match &answer {
            Answer::Status(status, _) if expected.contains(status) => {}
            Answer::Status(status, body) => {
                if *status == 503 {
                    std::thread::sleep(self.work.pause_after_unavailable);
                }
                self.tally.fail(kind, &status.to_string(), format!("{status} {body}"));
            }
            Answer::Lost(error) => self.tally.fail(kind, "no answer", error.clone()),
        }
        answer
    }

    fn get(&mut self, kind: &'static str, path: &str) -> Option<String> {
        let build = |base: &str| get_request(base, path);
        match self.request(kind, &build, &[200]) {
            Answer::Status(200, body) => Some(body),
            _ => None,
        }
    }

    fn post_comment(&mut self, key: String) {
        let Some(challenge) = self.get("captcha", "/api/captcha").and_then(|body| serde_json::from_str(&body).ok())
        else {
            return;
        };
        let body = comment(&key, challenge);
        let article = self.work.article.clone();
        let build = |base: &str| post_request(base, &article, &key, &body);
        match self.request("post", &build, &[200, 201]) {
            Answer::Status(201, _) => {
                self.tally.created += 1;
                self.tally.acknowledged.insert(key);
            }
            Answer::Status(200, _) => {
                self.tally.replayed += 1;
                self.tally.acknowledged.insert(key);
            }
            Answer::Status(503, _) => {
                self.tally.pending.push(Pending { article, key, body, cause: Outcome::Unavailable })
            }
            Answer::Lost(_) => self.tally.pending.push(Pending { article, key, body, cause: Outcome::Lost }),
            Answer::Status(..) => {}
        }
    }
}

fn get_request(base: &str, path: &str) -> ureq::http::Request<String> {
    ureq::http::Request::get(format!("{base}{path}")).body(String::new()).expect("a GET request")
}

pub fn post_request(base: &str, article: &str, key: &str, body: &Value) -> ureq::http::Request<String> {
    ureq::http::Request::post(format!("{base}/api/articles/{article}/comments"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(body.to_string())
        .expect("a POST request")
}

/// A challenge of GET /api/captcha, answered with the core's puzzle.
pub fn answered(mut challenge: Value) -> Value {
    let seed = challenge["seed"].as_str().and_then(|seed| seed.parse().ok()).unwrap_or_default();
    challenge["answer"] = json!(Puzzle::from_seed(seed).answer().to_string());
    challenge
}

/// A new comment, its text told apart by its key, with `challenge` answered.
pub fn comment(key: &str, challenge: Value) -> Value {
    json!({
        "name": "Lecteur de charge",
        "email": "charge@example.org",
        "body": format!("Commentaire de charge {key}."),
        "captcha": answered(challenge),
    })
}

/// Runs `clients` clients until `seconds` have passed; `midway`, if given, runs on this thread
/// halfway through (a server killed, the database restarted) and says when it started. What
/// they measured, and for how long.
pub fn round(
    work: &Work,
    clients: usize,
    seconds: u64,
    midway: Option<&mut dyn FnMut() -> Instant>,
) -> (Tally, Duration, Option<Instant>) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..clients)
        .map(|id| {
            let mut work = work.clone();
            // Rendered anew, each client asks for a fragment of its own: readers asking for
            // the same one at once would share its render.
            if let Some((fragment, true)) = &mut work.fragment {
                *fragment = format!("{fragment}&timezone=%2B00:{:02}", id % 60);
            }
            std::thread::spawn(move || run_client(id, work, deadline))
        })
        .collect();
    let event = midway.map(|midway| {
        std::thread::sleep(Duration::from_secs(seconds) / 2);
        midway()
    });
    let mut tally = Tally::default();
    for thread in threads {
        tally.merge(thread.join().expect("client thread"));
    }
    (tally, started.elapsed(), event)
}

fn run_client(id: usize, work: Work, deadline: Instant) -> Tally {
    let mut client = Client { id, agent: agent(), work, tally: Tally::default() };
    let mut operation = 0u64;
    while Instant::now() < deadline {
        operation += 1;
        if let Some((fragment, _)) = client.work.fragment.clone() {
            // A render, not the element alone that a failed API gets.
            let rendered =
                client.get("fragment", &fragment).is_some_and(|body| body.contains("<template shadowrootmode"));
            if !rendered {
                client.tally.fail("fragment", "not rendered", "no declarative shadow root".into());
            }
            continue;
        }
        if operation.is_multiple_of(client.work.post_every.max(1)) {
            let key = format!("load-{}-{:012}", client.work.tag, client.work.next_key.fetch_add(1, Ordering::Relaxed));
            client.post_comment(key);
            continue;
        }
        let _ = match operation % 3 {
            0 => client.get("article", &format!("/api/articles/{}", client.work.article)),
            1 => client.get("related", &format!("/api/articles/{}/related", client.work.article)),
            _ => {
                client.get("comments", &format!("/api/articles/{}/comments?order=newest&limit=20", client.work.article))
            }
        };
    }
    client.tally
}

/// What became of the pending posts once posted again.
#[derive(Default)]
pub struct Resolved {
    /// Answered `200`: the first attempt had been stored.
    pub stored_before: Vec<(String, Outcome)>,
    /// Answered `201`: stored now.
    pub stored_now: usize,
    /// Still without an answer after every attempt.
    pub unresolved: Vec<String>,
}

/// Posts each pending post again through `base`, with its key and text, until the server
/// answers `201` or `200` (a fresh challenge if its own was used or expired), and adds it to
/// the acknowledged.
pub fn resolve(base: &str, tally: &mut Tally) -> Resolved {
    let agent = agent();
    let mut resolved = Resolved::default();
    for mut pending in std::mem::take(&mut tally.pending) {
        let mut settled = false;
        for _ in 0..40 {
            match agent.run(post_request(base, &pending.article, &pending.key, &pending.body)) {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    let body = response.body_mut().read_to_string().unwrap_or_default();
                    match status {
                        201 => resolved.stored_now += 1,
                        200 => resolved.stored_before.push((pending.key.clone(), pending.cause)),
                        422 if body.contains("captcha_used") || body.contains("captcha_expired") => {
                            let fresh = agent
                                .run(get_request(base, "/api/captcha"))
                                .ok()
                                .and_then(|mut response| response.body_mut().read_to_string().ok())
                                .and_then(|body| serde_json::from_str::<Value>(&body).ok());
                            if let Some(fresh) = fresh {
                                pending.body["captcha"] = answered(fresh);
                            }
                            continue;
                        }
                        _ => {
                            std::thread::sleep(Duration::from_millis(250));
                            continue;
                        }
                    }
                    tally.acknowledged.insert(pending.key.clone());
                    settled = true;
                    break;
                }
                Err(_) => std::thread::sleep(Duration::from_millis(250)),
            }
        }
        if !settled {
            resolved.unresolved.push(pending.key);
        }
    }
    resolved
}

/// Where a run's comments were written.
#[derive(Clone)]
pub enum Rows {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Rows {
    /// The idempotency keys of the comments stored whose key starts with `prefix`, each as
    /// many times as it is stored.
    pub fn keys(&self, prefix: &str) -> Result<Vec<String>, String> {
        let pattern = format!("{prefix}%");
        match self {
            Rows::Sqlite(file) => {
                let db = rusqlite::Connection::open(file).map_err(|error| format!("{}: {error}", file.display()))?;
                let mut statement = db
                    .prepare("SELECT idempotency_key FROM comments WHERE idempotency_key LIKE ?1")
                    .map_err(|error| error.to_string())?;
                let keys = statement
                    .query_map([&pattern], |row| row.get::<_, String>(0))
                    .and_then(Iterator::collect)
                    .map_err(|error| format!("the comments of {}: {error}", file.display()));
                keys
            }
            Rows::Postgres(url) => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|error| error.to_string())?;
                runtime.block_on(async {
                    let (client, connection) =
                        tokio_postgres::connect(url, tokio_postgres::NoTls).await.map_err(|error| error.to_string())?;
                    tokio::spawn(connection);
                    let rows = client
                        .query("SELECT idempotency_key FROM comments WHERE idempotency_key LIKE $1", &[&pattern])
                        .await
                        .map_err(|error| format!("the comments on PostgreSQL: {error}"))?;
                    Ok(rows.iter().map(|row| row.get(0)).collect())
                })
            }
        }
    }
}

/// The acknowledged comments against the rows: none missing, none twice, none unacknowledged.
pub struct Check {
    pub acknowledged: usize,
    pub rows: usize,
    pub missing: Vec<String>,
    pub twice: Vec<String>,
    pub unacknowledged: Vec<String>,
}

impl Check {
    pub fn new(acknowledged: &BTreeSet<String>, keys: Vec<String>) -> Check {
        let mut counts = BTreeMap::<String, usize>::new();
        for key in keys.iter() {
            *counts.entry(key.clone()).or_default() += 1;
        }
        Check {
            acknowledged: acknowledged.len(),
            rows: keys.len(),
            missing: acknowledged.iter().filter(|key| !counts.contains_key(*key)).cloned().collect(),
            twice: counts.iter().filter(|(_, count)| **count > 1).map(|(key, _)| key.clone()).collect(),
            unacknowledged: counts.keys().filter(|key| !acknowledged.contains(*key)).cloned().collect(),
        }
    }

    pub fn holds(&self) -> bool {
        self.missing.is_empty() && self.twice.is_empty() && self.unacknowledged.is_empty()
    }

    pub fn describe(&self) -> String {
        let mut text = format!("comments acknowledged: {}, rows written: {}", self.acknowledged, self.rows);
        for (what, keys) in [
            ("MISSING", &self.missing),
            ("WRITTEN TWICE", &self.twice),
            ("written, never acknowledged", &self.unacknowledged),
        ] {
            if !keys.is_empty() {
                text += &format!(
                    "; {what}: {} ({})",
                    keys.len(),
                    keys.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
                );
            }
        }
        text
    }
}

pub fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 * fraction).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

pub fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A round's figures: requests per second, and each kind's p50 and p99 in milliseconds.
#[derive(Clone, Default)]
pub struct Figures {
    pub per_second: f64,
    pub kinds: BTreeMap<&'static str, (f64, f64)>,
}

/// Prints what a round measured (per kind: count, p50, p90, p99, max; failures by kind and
/// status) and returns its figures.
pub fn report(tally: &mut Tally, elapsed: Duration) -> Figures {
    let requests = tally.requests();
    let per_second = requests as f64 / elapsed.as_secs_f64();
    println!("{requests} requests in {:.1} s: {per_second:.0} requests/s", elapsed.as_secs_f64());
    println!("{:<10} {:>8} {:>9} {:>9} {:>9} {:>9}", "kind", "count", "p50 ms", "p90 ms", "p99 ms", "max ms");
    let mut figures = Figures { per_second, kinds: BTreeMap::new() };
    for (kind, latencies) in &mut tally.latencies {
        latencies.sort_unstable();
        let row = [0.5, 0.9, 0.99, 1.0].map(|fraction| millis(percentile(latencies, fraction)));
        println!("{kind:<10} {:>8} {:>9.2} {:>9.2} {:>9.2} {:>9.2}", latencies.len(), row[0], row[1], row[2], row[3]);
        figures.kinds.insert(kind, (row[0], row[2]));
    }
    if tally.failures.is_empty() {
        println!("failures: none");
    } else {
        let failures: Vec<String> = tally.failures.iter().map(|(what, count)| format!("{what}: {count}")).collect();
        println!("failures: {}", failures.join(", "));
    }
    figures
}
