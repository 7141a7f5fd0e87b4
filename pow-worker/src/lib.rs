//! The proof-of-work solver's wasm: a plain C ABI of four functions, no `wasm-bindgen`, so
//! that its module needs no imports and no generated bindings. `worker.js` runs it in a Web
//! Worker; the widget instantiates the same file on the page's thread when no worker can
//! start (`src/proof.rs`). Both speak to it the same way:
//!
//! 1. `input(length)` gives the address of a buffer of `length` bytes, where the caller writes
//!    the challenge as JSON (`{"parameters": {…}, "signature": "…"}`, as the server sent it);
//! 2. `search(length, start, attempts)` reads it and tries `attempts` counters from `start`,
//!    and returns the length of its answer, JSON at `output()`: `{"found": {"counter": n,
//!    "derivedKey": "hex"}}`, `{"next": n}`, `{"exhausted": true}`, or `{"error": "…"}` for a
//!    challenge it cannot read.

use std::cell::RefCell;

use article_widget_core::json::Value;
use article_widget_core::pow::solve::{self, Search};
use article_widget_core::pow::{self, hex_encode};

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer of `length` bytes for the challenge's JSON, and its address.
#[no_mangle]
pub extern "C" fn input(length: usize) -> *mut u8 {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        input.clear();
        input.resize(length, 0);
        input.as_mut_ptr()
    })
}

/// Searches `attempts` counters from `start` for the challenge in the input buffer's first
/// `length` bytes; the answer's length, at [`output`].
#[no_mangle]
pub extern "C" fn search(length: usize, start: u32, attempts: u32) -> usize {
    let answer = INPUT.with(|input| answer(&input.borrow()[..length], start, attempts));
    OUTPUT.with(|output| {
        let mut output = output.borrow_mut();
        *output = answer.into_bytes();
        output.len()
    })
}

/// The address of the last answer.
#[no_mangle]
pub extern "C" fn output() -> *const u8 {
    OUTPUT.with(|output| output.borrow().as_ptr())
}

/// One slice of the search, as the JSON text [`search`] answers.
pub fn answer(challenge: &[u8], start: u32, attempts: u32) -> String {
    let challenge = match std::str::from_utf8(challenge).map_err(|_| "the challenge is not UTF-8".to_owned()) {
        Ok(text) => pow::decode_challenge(text).map_err(|problem| problem.to_string()),
        Err(error) => Err(error),
    };
    let answer = match challenge {
        Err(error) => Value::object([("error", Value::from(error))]),
        Ok(challenge) => match solve::search(&challenge.task, start, attempts) {
            Search::Found(solution) => Value::object([(
                "found",
                Value::object([
                    ("counter", Value::from(u64::from(solution.counter))),
                    ("derivedKey", Value::from(hex_encode(&solution.derived_key))),
                ]),
            )]),
            Search::NotYet { next } => Value::object([("next", Value::from(u64::from(next)))]),
            Search::Exhausted => Value::object([("exhausted", Value::Bool(true))]),
        },
    };
    answer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str =
        r#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "0", "nonce": "00", "salt": "01"}, "signature": "s"}"#;

    #[test]
    fn a_slice_answers_found_next_or_an_error_as_json() {
        let found = answer(CHALLENGE.as_bytes(), 0, 10_000);
        assert!(found.starts_with(r#"{"found":{"counter":"#), "{found}");
        assert_eq!(answer(br#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "ffffff", "nonce": "00", "salt": "01"}, "signature": "s"}"#, 3, 2), r#"{"next":5}"#);
        let error = answer(b"{}", 0, 1);
        assert!(error.starts_with(r#"{"error":"#) && error.contains("parameters"), "{error}");
    }

    #[test]
    fn the_abi_reads_the_input_buffer_and_writes_the_answer_at_output() {
        let buffer = input(CHALLENGE.len());
        // SAFETY: `input` gave a buffer of that many bytes, alive until the next call.
        unsafe { std::ptr::copy_nonoverlapping(CHALLENGE.as_ptr(), buffer, CHALLENGE.len()) };
        let length = search(CHALLENGE.len(), 0, 10_000);
        // SAFETY: `output` points at `length` bytes, alive until the next `search`.
        let written = unsafe { std::slice::from_raw_parts(output(), length) };
        assert_eq!(written, answer(CHALLENGE.as_bytes(), 0, 10_000).as_bytes());
    }
}
