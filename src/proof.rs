//! The search for a challenge's proof of work, run by the solver's own wasm (crate
//! `pow-worker`), never by the widget's: the widget decodes the challenge, drives the search
//! a slice of counters at a time and sends the payload, and carries no hash function.
//!
//! The search runs in a module Web Worker (`worker.js`, beside `pow_worker.wasm` in the
//! solver's folder, which the package's entry names: [`set_solver_folder`]), so that typing
//! never waits for it. When no worker can start (a Content-Security-Policy without
//! `worker-src` for it, the package served from another origin, a constructor that throws,
//! a worker that fails to load), the widget instantiates `pow_worker.wasm` itself and
//! searches on the page's thread, in slices cut to [`MAIN_THREAD_SLICE_MS`] with a
//! platform timer of 0 ms between them, so that the page answers between slices.
//!
//! [`Driver`] is the pure part: the next slice, cut to its time, from the last one's answer
//! and duration, and the payload once found.

use std::rc::Rc;

use article_widget_core::json::{self, Node, Value};
use article_widget_core::pow::{self, hex_decode, Solution};

/// A slice on the page's thread lasts about this long: a fifth of the 50 ms of a long task,
/// with room for the render its progress may bring and for a busy machine's pauses (16 ms
/// slices reached 50 ms now and then in the browser tests on a loaded machine).
pub const MAIN_THREAD_SLICE_MS: f64 = 10.0;
/// A slice in the worker lasts about this long: its progress is reported as often.
pub const WORKER_SLICE_MS: f64 = 100.0;
/// The fewest milliseconds between two progress reports, each of which renders the form.
const PROGRESS_EVERY_MS: f64 = 250.0;

/// What the search tells the widget.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Counters tried so far.
    Tried(u64),
    /// The payload that answers the challenge.
    Found(String),
    /// No search could be made, or no counter answers: the console says why.
    Failed,
}

/// What one slice of the solver answered (`pow-worker/src/lib.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slice {
    Found(Solution),
    Next(u32),
    Exhausted,
    /// The solver could not read the challenge, or its answer could not be read: why.
    Error(String),
}

impl Slice {
    pub fn read(text: &str) -> Slice {
        let Ok(value) = json::parse(text) else { return Slice::Error(format!("the solver answered {text}")) };
        let root = Node::root(&value);
        let found = root.get("found");
        let counter = found.get("counter").non_negative_integer().ok().and_then(|n| u32::try_from(n).ok());
        let key = found.get("derivedKey").text().ok().and_then(hex_decode);
        if let (Some(counter), Some(derived_key)) = (counter, key) {
            return Slice::Found(Solution { counter, derived_key });
        }
        if let Some(next) = root.get("next").non_negative_integer().ok().and_then(|n| u32::try_from(n).ok()) {
            return Slice::Next(next);
        }
        if root.get("exhausted").value() == Some(&Value::Bool(true)) {
            return Slice::Exhausted;
        }
        match root.get("error").text() {
            Ok(error) => Slice::Error(error.to_owned()),
            Err(_) => Slice::Error(format!("the solver answered {text}")),
        }
    }
}

/// The challenge as the solver reads it: `{"parameters": {…}, "signature": "…"}`.
pub fn solver_input(challenge: &pow::Challenge) -> String {
    Value::object([("parameters", challenge.parameters.clone()), ("signature", Value::from(challenge.signature.as_str()))]).to_string()
}

/// What to do after a slice.
#[derive(Clone, Debug, PartialEq)]
pub enum Next {
    /// Search `attempts` counters from `start`; report progress first, if any.
    Slice { start: u32, attempts: u32, report: Option<u64> },
    Done(Progress),
}

/// One search: where it stands, and how many counters a slice of its target time tries.
pub struct Driver {
    challenge: Rc<pow::Challenge>,
    target_ms: f64,
    attempts: u32,
    next: u32,
    tried: u64,
    started_ms: f64,
    reported_ms: f64,
}

impl Driver {
    /// A search of `challenge` started at `now_ms` (the work clock), in slices of about
    /// `target_ms`. The first slice tries one counter: a costly derivation (PBKDF2 with many
    /// iterations) is timed before a slice grows.
    pub fn new(challenge: Rc<pow::Challenge>, target_ms: f64, now_ms: f64) -> Driver {
        Driver { challenge, target_ms, attempts: 1, next: 0, tried: 0, started_ms: now_ms, reported_ms: now_ms }
    }

    /// The challenge's JSON, for the solver.
    pub fn input(&self) -> String {
        solver_input(&self.challenge)
    }

    /// The first slice.
    pub fn first(&self) -> (u32, u32) {
        (self.next, self.attempts)
    }

    /// What follows the answer of the slice last asked for, which took `elapsed_ms`, at
    /// `now_ms` (both on the work clock).
    pub fn answered(&mut self, answer: Slice, elapsed_ms: f64, now_ms: f64) -> Next {
        match answer {
            Slice::Found(solution) => {
                let millis = (now_ms - self.started_ms).max(0.0) as u64;
                Next::Done(Progress::Found(self.challenge.payload(&solution, millis)))
            }
            Slice::Exhausted => {
                log_failure("no counter answers the challenge");
                Next::Done(Progress::Failed)
            }
            Slice::Error(error) => {
                log_failure(&error);
                Next::Done(Progress::Failed)
            }
            Slice::Next(next) => {
                self.tried += u64::from(next - self.next);
                self.next = next;
                // Scaled to the target, growing at most fourfold a slice: a slice timed at
                // nothing (a clock's coarse tick) grows, but never at once past the target.
                let scaled = if elapsed_ms > 0.0 { f64::from(self.attempts) * self.target_ms / elapsed_ms } else { f64::INFINITY };
                self.attempts = scaled.min(f64::from(self.attempts) * 4.0).clamp(1.0, f64::from(u32::MAX)) as u32;
                let report = (now_ms - self.reported_ms >= PROGRESS_EVERY_MS).then(|| {
                    self.reported_ms = now_ms;
                    self.tried
                });
                Next::Slice { start: self.next, attempts: self.attempts, report }
            }
        }
    }
}

/// Says in the console why the search failed (the reader's screen says that it did).
pub fn log_failure(why: &str) {
    let message = format!("article widget: the proof of work could not be searched for: {why}");
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&message.into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge() -> Rc<pow::Challenge> {
        let text = r#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "00", "nonce": "00", "salt": "01", "x": [1]}, "signature": "s"}"#;
        Rc::new(pow::decode_challenge(text).unwrap())
    }

    #[test]
    fn the_solvers_answers_are_read() {
        assert_eq!(Slice::read(r#"{"found":{"counter":7,"derivedKey":"00ab"}}"#), Slice::Found(Solution { counter: 7, derived_key: vec![0, 0xab] }));
        assert_eq!(Slice::read(r#"{"next":15}"#), Slice::Next(15));
        assert_eq!(Slice::read(r#"{"exhausted":true}"#), Slice::Exhausted);
        assert_eq!(Slice::read(r#"{"error":"at /parameters: expected an object"}"#), Slice::Error("at /parameters: expected an object".into()));
        assert!(matches!(Slice::read("<html>"), Slice::Error(why) if why.contains("<html>")));
    }

    #[test]
    fn the_solver_reads_the_challenge_as_the_server_sent_it() {
        assert_eq!(solver_input(&challenge()), r#"{"parameters":{"algorithm":"SHA-256","cost":1,"keyPrefix":"00","nonce":"00","salt":"01","x":[1]},"signature":"s"}"#);
    }

    #[test]
    fn each_slice_is_cut_to_its_time_and_grows_at_most_fourfold() {
        let mut driver = Driver::new(challenge(), 16.0, 0.0);
        assert_eq!(driver.first(), (0, 1), "one derivation is timed first");
        // One counter in 0.1 ms: the next slice may only grow fourfold.
        assert_eq!(driver.answered(Slice::Next(1), 0.1, 0.1), Next::Slice { start: 1, attempts: 4, report: None });
        assert_eq!(driver.answered(Slice::Next(5), 0.4, 0.5), Next::Slice { start: 5, attempts: 16, report: None });
        // 16 counters took 8 ms: 32 take the target's 16 ms.
        assert_eq!(driver.answered(Slice::Next(21), 8.0, 8.5), Next::Slice { start: 21, attempts: 32, report: None });
        // A slice slower than planned (the machine is busy) shrinks the next.
        assert_eq!(driver.answered(Slice::Next(53), 64.0, 72.5), Next::Slice { start: 53, attempts: 8, report: None });
        // A slice timed at nothing (a coarse clock) grows, but still fourfold at most.
        assert_eq!(driver.answered(Slice::Next(61), 0.0, 72.5), Next::Slice { start: 61, attempts: 32, report: None });
    }

    #[test]
    fn progress_is_reported_every_quarter_second_at_most() {
        let mut driver = Driver::new(challenge(), 100.0, 1_000.0);
        let report = |next: Next| match next {
            Next::Slice { report, .. } => report,
            Next::Done(_) => panic!("not done"),
        };
        assert_eq!(report(driver.answered(Slice::Next(1), 1.0, 1_100.0)), None);
        assert_eq!(report(driver.answered(Slice::Next(5), 100.0, 1_250.0)), Some(5));
        assert_eq!(report(driver.answered(Slice::Next(25), 100.0, 1_400.0)), None);
        assert_eq!(report(driver.answered(Slice::Next(125), 100.0, 1_500.0)), Some(125));
    }

    #[test]
    fn the_answer_becomes_altchas_payload_with_the_searchs_time() {
        let mut driver = Driver::new(challenge(), 16.0, 1_000.0);
        let found = driver.answered(Slice::Found(Solution { counter: 3, derived_key: vec![0, 1] }), 5.0, 1_042.0);
        let Next::Done(Progress::Found(payload)) = found else { panic!("found") };
        let payload = String::from_utf8(pow::base64_decode(&payload).unwrap()).unwrap();
        assert!(payload.ends_with(r#""solution":{"counter":3,"derivedKey":"0001","time":42}}"#), "{payload}");
        assert_eq!(Driver::new(challenge(), 16.0, 0.0).answered(Slice::Exhausted, 1.0, 1.0), Next::Done(Progress::Failed));
        assert_eq!(Driver::new(challenge(), 16.0, 0.0).answered(Slice::Error("bad".into()), 1.0, 1.0), Next::Done(Progress::Failed));
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::{set_solver_folder, start, Search};

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;

    use article_widget_core::pow;
    use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

    use super::{log_failure, Driver, Next, Progress, Slice, MAIN_THREAD_SLICE_MS, WORKER_SLICE_MS};
    use crate::platform::{Platform, Timer};

    thread_local! {
        /// The solver's folder (an absolute URL ending in `/`), set by the package's entry.
        static SOLVER_FOLDER: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// Where `worker.js` and `pow_worker.wasm` are: the package's entry names its own
    /// `pow-worker/` folder (found from its own URL, as it finds the widget's wasm), the
    /// demo the copy of the package it serves.
    pub fn set_solver_folder(url: &str) {
        SOLVER_FOLDER.with(|folder| *folder.borrow_mut() = Some(url.to_owned()));
    }

    fn solver_file(name: &str) -> Result<String, String> {
        let folder = SOLVER_FOLDER.with(|folder| folder.borrow().clone()).ok_or("no solver folder was set (setProofOfWorkSolver)")?;
        web_sys::Url::new_with_base(name, &folder).map(|url| url.href()).map_err(|_| format!("{folder} is not a folder's URL"))
    }

    fn describe(error: &JsValue, otherwise: &str) -> String {
        Reflect::get(error, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| otherwise.to_owned())
    }

    /// A handler of the worker's events.
    type Handler = Closure<dyn FnMut(JsValue)>;

    /// A search on its way: dropping it stops it (the worker is terminated, the next slice
    /// on the page's thread is cancelled, a late answer is dropped).
    pub struct Search {
        run: Rc<Run>,
    }

    struct Run {
        challenge: Rc<pow::Challenge>,
        platform: Rc<dyn Platform>,
        report: Box<dyn Fn(Progress)>,
        stopped: Cell<bool>,
        worker: RefCell<Option<Worker>>,
        /// The worker's handlers, kept until the search is dropped.
        handlers: RefCell<Vec<Handler>>,
        /// The next slice on the page's thread.
        timer: RefCell<Option<Timer>>,
    }

    impl Drop for Search {
        fn drop(&mut self) {
            self.run.stopped.set(true);
            self.run.end_worker();
            self.run.timer.take();
        }
    }

    impl Run {
        fn end_worker(&self) {
            if let Some(worker) = self.worker.take() {
                // Unhooked first: a message already queued must not reach a dropped handler.
                worker.set_onmessage(None);
                worker.set_onerror(None);
                worker.terminate();
            }
        }

        fn finish(&self, end: Progress) {
            self.end_worker();
            if !self.stopped.replace(true) {
                (self.report)(end);
            }
        }

        fn tried(&self, tried: Option<u64>) {
            if let Some(tried) = tried {
                (self.report)(Progress::Tried(tried));
            }
        }
    }

    /// Starts searching for `challenge`'s proof, in a worker if one starts, else on the
    /// page's thread; `report` hears the progress and the end, unless the search is dropped.
    pub fn start(challenge: Rc<pow::Challenge>, platform: Rc<dyn Platform>, report: Box<dyn Fn(Progress)>) -> Search {
        let run = Rc::new(Run {
            challenge,
            platform,
            report,
            stopped: Cell::new(false),
            worker: RefCell::default(),
            handlers: RefCell::default(),
            timer: RefCell::default(),
        });
        if let Err(why) = in_worker(&run) {
            on_main_thread(run.clone(), why);
        }
        Search { run }
    }

    /// Starts the worker, which drives the search from its messages; an error when it
    /// cannot start at all.
    fn in_worker(run: &Rc<Run>) -> Result<(), String> {
        let url = solver_file("worker.js")?;
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Module);
        let worker = Worker::new_with_options(&url, &options).map_err(|error| describe(&error, "the Worker constructor threw"))?;
        let driver = RefCell::new(Driver::new(run.challenge.clone(), WORKER_SLICE_MS, run.platform.work_clock_ms()));
        let input: JsValue = driver.borrow().input().into();
        let asked_at = Cell::new(0.0);
        let on_message = {
            let (weak, worker) = (Rc::downgrade(run), worker.clone());
            Handler::new(move |event: JsValue| {
                let Some(run) = weak.upgrade().filter(|run| !run.stopped.get() && run.worker.borrow().is_some()) else { return };
                let ask = |(start, attempts): (u32, u32)| {
                    let message = Object::new();
                    let _ = Reflect::set(&message, &"challenge".into(), &input);
                    let _ = Reflect::set(&message, &"start".into(), &start.into());
                    let _ = Reflect::set(&message, &"attempts".into(), &attempts.into());
                    asked_at.set(run.platform.work_clock_ms());
                    let _ = worker.post_message(&message);
                };
                let data = event.unchecked_into::<MessageEvent>().data();
                let member = |name: &str| Reflect::get(&data, &name.into()).ok().filter(|v| !v.is_undefined());
                if member("ready").is_some() {
                    ask(driver.borrow().first());
                } else if let Some(why) = member("failed") {
                    // The worker ran but its wasm did not load: the page's thread tries, and
                    // says why if it cannot either.
                    run.end_worker();
                    on_main_thread(run.clone(), why.as_string().unwrap_or_default());
                } else if let Some(answer) = member("answer").and_then(|answer| answer.as_string()) {
                    let now = run.platform.work_clock_ms();
                    let next = driver.borrow_mut().answered(Slice::read(&answer), now - asked_at.get(), now);
                    match next {
                        Next::Slice { start, attempts, report } => {
                            run.tried(report);
                            ask((start, attempts));
                        }
                        Next::Done(end) => run.finish(end),
                    }
                }
            })
        };
        let on_error = {
            let weak = Rc::downgrade(run);
            Handler::new(move |event: JsValue| {
                let Some(run) = weak.upgrade().filter(|run| !run.stopped.get() && run.worker.borrow().is_some()) else { return };
                // A worker that could not load (refused by the page's policy, not found) or
                // that failed: the page's thread searches instead.
                let why = describe(&event, &format!("{url} could not run"));
                run.end_worker();
                on_main_thread(run, why);
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        run.handlers.borrow_mut().extend([on_message, on_error]);
        *run.worker.borrow_mut() = Some(worker);
        Ok(())
    }

    /// The solver's wasm, instantiated on the page's thread (it imports nothing).
    struct Solver {
        memory: WebAssembly::Memory,
        input: Function,
        search: Function,
        output: Function,
    }

    impl Solver {
        async fn load() -> Result<Solver, String> {
            let url = solver_file("pow_worker.wasm")?;
            let failed = |error: JsValue| format!("{url}: {}", describe(&error, "could not be loaded"));
            let window = web_sys::window().ok_or("no window")?;
            let response: web_sys::Response = JsFuture::from(window.fetch_with_str(&url)).await.map_err(failed)?.unchecked_into();
            if !response.ok() {
                return Err(format!("{url}: HTTP status {}", response.status()));
            }
            let bytes = JsFuture::from(response.array_buffer().map_err(failed)?).await.map_err(failed)?;
            let instantiated = JsFuture::from(WebAssembly::instantiate_buffer(&Uint8Array::new(&bytes).to_vec(), &Object::new())).await.map_err(failed)?;
            let exports = Reflect::get(&instantiated, &"instance".into()).and_then(|instance| Reflect::get(&instance, &"exports".into())).map_err(failed)?;
            let export = |name: &str| Reflect::get(&exports, &name.into()).ok().filter(|v| !v.is_undefined()).ok_or(format!("{url} has no export {name}"));
            Ok(Solver {
                memory: export("memory")?.unchecked_into(),
                input: export("input")?.unchecked_into(),
                search: export("search")?.unchecked_into(),
                output: export("output")?.unchecked_into(),
            })
        }

        fn bytes_at(&self, at: JsValue, length: u32) -> Uint8Array {
            Uint8Array::new_with_byte_offset_and_length(&self.memory.buffer(), at.as_f64().unwrap_or(0.0) as u32, length)
        }

        /// Writes the challenge into the solver's input buffer; its length.
        fn write(&self, challenge: &str) -> Result<u32, String> {
            let length = challenge.len() as u32;
            // The buffer first: making it may grow the memory, which detaches older views.
            let at = self.input.call1(&JsValue::NULL, &length.into()).map_err(|e| describe(&e, "the solver failed"))?;
            self.bytes_at(at, length).copy_from(challenge.as_bytes());
            Ok(length)
        }

        fn search(&self, length: u32, start: u32, attempts: u32) -> Slice {
            let answered = self.search.call3(&JsValue::NULL, &length.into(), &start.into(), &attempts.into());
            let answer = answered.and_then(|n| Ok((n, self.output.call0(&JsValue::NULL)?)));
            match answer {
                Ok((length, at)) => {
                    let bytes = self.bytes_at(at, length.as_f64().unwrap_or(0.0) as u32).to_vec();
                    String::from_utf8(bytes).map_or_else(|_| Slice::Error("the solver's answer is not UTF-8".into()), |text| Slice::read(&text))
                }
                Err(error) => Slice::Error(describe(&error, "the solver failed")),
            }
        }
    }

    /// Searches on the page's thread, a slice of about [`MAIN_THREAD_SLICE_MS`] a task.
    fn on_main_thread(run: Rc<Run>, why: String) {
        web_sys::console::warn_1(&format!("article widget: the proof of work is searched for on the page's thread, as no worker could run it: {why}").into());
        wasm_bindgen_futures::spawn_local(async move {
            let solver = Solver::load().await;
            if run.stopped.get() {
                return;
            }
            let started = match solver.and_then(|solver| Ok((solver.write(&super::solver_input(&run.challenge))?, solver))) {
                Ok(started) => started,
                Err(why) => {
                    log_failure(&why);
                    return run.finish(Progress::Failed);
                }
            };
            let (length, solver) = started;
            let driver = Driver::new(run.challenge.clone(), MAIN_THREAD_SLICE_MS, run.platform.work_clock_ms());
            let first = driver.first();
            slice_later(&run, Rc::new(Slicing { solver, length, driver: RefCell::new(driver) }), first);
        });
    }

    struct Slicing {
        solver: Solver,
        length: u32,
        driver: RefCell<Driver>,
    }

    /// The slice `(start, attempts)` in a task of its own.
    fn slice_later(run: &Rc<Run>, slicing: Rc<Slicing>, (start, attempts): (u32, u32)) {
        let weak = Rc::downgrade(run);
        let timer = run.platform.schedule(
            0,
            Box::new(move || {
                let Some(run) = weak.upgrade().filter(|run| !run.stopped.get()) else { return };
                let began = run.platform.work_clock_ms();
                let answer = slicing.solver.search(slicing.length, start, attempts);
                let now = run.platform.work_clock_ms();
                let next = slicing.driver.borrow_mut().answered(answer, now - began, now);
                match next {
                    Next::Slice { start, attempts, report } => {
                        run.tried(report);
                        slice_later(&run, slicing, (start, attempts));
                    }
                    Next::Done(end) => run.finish(end),
                }
            }),
        );
        *run.timer.borrow_mut() = Some(timer);
    }
}
