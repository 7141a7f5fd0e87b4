//! The search for a challenge's proof of work, run by the solver's own modules and wasm
//! (`pow-worker/`), never by the widget's: the widget decodes the challenge, hands it to the
//! solver's `search.js`, hears the progress and the payload that answers it, and carries no
//! hash function.
//!
//! `search.js`, imported from the solver's folder (which the package's entry names:
//! [`set_solver_folder`]) when the first search starts, searches in a module Web Worker, so
//! that typing never waits for it; when no worker can run it (a Content-Security-Policy
//! without `worker-src` for it, the package served from another origin, a worker that fails
//! to load), on the page's thread, in slices of about 10 ms with a pause between them.

use article_widget_core::json::Value;
use article_widget_core::pow;

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

/// The challenge as the solver reads it: `{"parameters": {…}, "signature": "…"}`.
pub fn solver_input(challenge: &pow::Challenge) -> String {
    Value::object([
        ("parameters", challenge.parameters.clone()),
        ("signature", Value::from(challenge.signature.as_str())),
    ])
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_solver_reads_the_challenge_as_the_server_sent_it() {
        let text = r#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "00", "nonce": "00", "salt": "01", "x": [1]}, "signature": "s"}"#;
        let challenge = pow::decode_challenge(text).unwrap();
        assert_eq!(
            solver_input(&challenge),
            r#"{"parameters":{"algorithm":"SHA-256","cost":1,"keyPrefix":"00","nonce":"00","salt":"01","x":[1]},"signature":"s"}"#
        );
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::{set_solver_folder, start, Search};

#[cfg(target_arch = "wasm32")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use js_sys::{Function, Promise, Reflect};
    use wasm_bindgen::prelude::*;
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{AbortController, AbortSignal};

    use super::Progress;

    #[wasm_bindgen]
    extern "C" {
        /// The browser's dynamic `import()`: wasm-bindgen's bindings call a global function
        /// by its name, and `import(url)` is that syntax. An `inline_js` module would do it
        /// too, but as a file of its own that every page would load with the bindings.
        /// It never throws: a module that cannot load rejects.
        #[wasm_bindgen(js_name = import)]
        fn import_module(url: &str) -> Promise;

        /// The solver's `search.js`.
        type Solver;

        /// Resolves to the payload, or rejects with why; `on_progress` hears the counters
        /// tried, until `signal` aborts the search.
        #[wasm_bindgen(method, catch)]
        fn search(
            this: &Solver,
            challenge: &str,
            on_progress: &Function,
            signal: &AbortSignal,
        ) -> Result<Promise, JsValue>;
    }

    thread_local! {
        /// The solver's folder (an absolute URL ending in `/`), set by the package's entry.
        static SOLVER_FOLDER: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// Where the solver's files are (`search.js` and the files it loads beside it): the
    /// package's entry names its own `pow-worker/` folder (found from its own URL, as it
    /// finds the widget's wasm), the demo the copy of the package it serves.
    pub fn set_solver_folder(url: &str) {
        SOLVER_FOLDER.with(|folder| *folder.borrow_mut() = Some(url.to_owned()));
    }

    /// Says in the console why the search failed (the reader's screen says that it did).
    fn log_failure(why: &str) {
        web_sys::console::error_1(
            &format!("article widget: the proof of work could not be searched for: {why}").into(),
        );
    }

    /// A search on its way: dropping it aborts it, and nothing is reported after.
    pub struct Search {
        abort: Option<AbortController>,
    }

    impl Drop for Search {
        fn drop(&mut self) {
            if let Some(abort) = &self.abort {
                abort.abort();
            }
        }
    }

    /// Starts searching for the proof that `input` asks for (the challenge as the solver
    /// reads it, [`super::solver_input`]); `report` hears the progress and the end, unless
    /// the search is dropped.
    pub fn start(input: String, report: Box<dyn Fn(Progress)>) -> Search {
        let Ok(abort) = AbortController::new() else {
            log_failure("AbortController is unavailable");
            report(Progress::Failed);
            return Search { abort: None };
        };
        let signal = abort.signal();
        let report: Rc<dyn Fn(Progress)> = report.into();
        // Kept by the search below until its promise settles, after which it is not called.
        let on_progress = {
            let (signal, report) = (signal.clone(), report.clone());
            Closure::<dyn Fn(f64)>::new(move |tried: f64| {
                if !signal.aborted() {
                    report(Progress::Tried(tried as u64));
                }
            })
        };
        wasm_bindgen_futures::spawn_local(async move {
            let searched = async {
                let folder = SOLVER_FOLDER.with(|folder| folder.borrow().clone());
                let folder = folder.ok_or("no solver folder was set (setProofOfWorkSolver)")?;
                let solver = JsFuture::from(import_module(&format!("{folder}search.js"))).await?;
                let search =
                    solver.unchecked_into::<Solver>().search(&input, on_progress.as_ref().unchecked_ref(), &signal)?;
                JsFuture::from(search).await?.as_string().ok_or_else(|| "the solver answered no payload".into())
            };
            let searched: Result<String, JsValue> = searched.await;
            if signal.aborted() {
                return;
            }
            match searched {
                Ok(payload) => report(Progress::Found(payload)),
                Err(error) => {
                    let message = Reflect::get(&error, &"message".into()).ok().and_then(|message| message.as_string());
                    log_failure(&message.or_else(|| error.as_string()).unwrap_or_default());
                    report(Progress::Failed);
                }
            }
        });
        Search { abort: Some(abort) }
    }
}
