//! The proof-of-work solver's wasm: a plain C ABI, no `wasm-bindgen`, so that its module
//! needs no imports and no generated bindings. `solve.js` runs it, in the Web Worker of
//! `worker.js` or on the page's thread when no worker can start (`src/proof.rs`), each search
//! in an instance of its own, and writes ALTCHA's payload from the key it finds:
//!
//! 1. `input(length)` gives the address of a buffer of `length` bytes, where the caller writes
//!    the challenge as JSON (`{"parameters": {…}, "signature": "…"}`, as the server sent it);
//! 2. `search(length, start, attempts)` reads it and tries `attempts` counters from `start`,
//!    and returns the length of its answer, JSON at `output()`: `{"found": {"counter": n,
//!    "derivedKey": "hex"}}`, `{"next": n}`, `{"exhausted": true}`, or `{"error": "…"}` for a
//!    challenge it cannot read.
//!
//! A host with WebCrypto (`solve.js`) derives PBKDF2 keys itself, several in flight, faster
//! than this wasm can ([`host`]): `delegate(length, start, attempts)` answers as `search`
//! does, or, for a PBKDF2 challenge, with the derivation's parameters (`{"pbkdf2": {"salt":
//! [bytes], "iterations": n, "bits": n}}`); then `password()` hands out the next counter's
//! password at `output()` (its length, or -1 once the slice's are all out; `counter()` its
//! counter), and for each key derived, written at `key(length)`, `check(counter, length)`
//! answers 0 while the search goes on, else the slice's answer's length, JSON at `output()`.

pub mod host;

use std::cell::RefCell;

use article_widget_core::json::Value;
use article_widget_core::pow::solve::{self, Search};
use article_widget_core::pow::{self, hex_encode, Challenge};

use host::Delegated;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static OUTPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// A derived key, given back by the host.
    static KEY: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    /// The counter of the last password handed out.
    static COUNTER: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// The slice whose keys the host derives.
    static DELEGATED: RefCell<Option<Delegated>> = const { RefCell::new(None) };
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
    write_output(answer.into_bytes())
}

/// As [`search`], but a PBKDF2 challenge's slice is answered with what the host derives
/// with, its keys then asked for with [`password`] and checked with [`check`].
#[no_mangle]
pub extern "C" fn delegate(length: usize, start: u32, attempts: u32) -> usize {
    let answer = match INPUT.with(|input| read(&input.borrow()[..length])) {
        Err(error) => error_answer(error),
        Ok(challenge) => match Delegated::new(challenge.task.clone(), start, attempts) {
            Some(delegated) => {
                let plan = delegated.plan().to_string();
                DELEGATED.with(|slice| *slice.borrow_mut() = Some(delegated));
                plan
            }
            None => slice_answer(solve::search(&challenge.task, start, attempts)),
        },
    };
    write_output(answer.into_bytes())
}

/// The next counter's password for the host to derive, at [`output`], and its length; -1
/// when the slice's counters are all handed out. Its counter is then [`counter`].
#[no_mangle]
pub extern "C" fn password() -> isize {
    let password = DELEGATED.with(|slice| slice.borrow_mut().as_mut().and_then(Delegated::password));
    match password {
        Some((counter, password)) => {
            COUNTER.set(counter);
            write_output(password) as isize
        }
        None => -1,
    }
}

/// The counter of the last password handed out.
#[no_mangle]
pub extern "C" fn counter() -> u32 {
    COUNTER.get()
}

/// A buffer of `length` bytes for a derived key, and its address.
#[no_mangle]
pub extern "C" fn key(length: usize) -> *mut u8 {
    KEY.with(|key| {
        let mut key = key.borrow_mut();
        key.clear();
        key.resize(length, 0);
        key.as_mut_ptr()
    })
}

/// Checks the key at [`key`], `counter`'s: 0 while the slice goes on, else the length of its
/// answer at [`output`].
#[no_mangle]
pub extern "C" fn check(counter: u32, length: usize) -> usize {
    delegated(|slice| KEY.with(|key| slice.key(counter, &key.borrow()[..length])))
}

/// One step of the delegated slice, its answer written at [`output`] once it has one.
fn delegated(step: impl FnOnce(&mut Delegated) -> Result<Option<Search>, String>) -> usize {
    let stepped = DELEGATED.with(|slice| {
        let mut slice = slice.borrow_mut();
        let stepped = slice.as_mut().map_or_else(|| Err("no slice to answer".to_owned()), step);
        if !matches!(stepped, Ok(None)) {
            *slice = None;
        }
        stepped
    });
    match stepped {
        Ok(None) => 0,
        Ok(Some(search)) => write_output(slice_answer(search).into_bytes()),
        Err(error) => write_output(error_answer(error).into_bytes()),
    }
}

fn write_output(bytes: Vec<u8>) -> usize {
    OUTPUT.with(|output| {
        let mut output = output.borrow_mut();
        *output = bytes;
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
    match read(challenge) {
        Ok(challenge) => slice_answer(solve::search(&challenge.task, start, attempts)),
        Err(error) => error_answer(error),
    }
}

fn read(challenge: &[u8]) -> Result<Challenge, String> {
    let text = std::str::from_utf8(challenge).map_err(|_| "the challenge is not UTF-8".to_owned())?;
    pow::decode_challenge(text).map_err(|problem| problem.to_string())
}

fn slice_answer(search: Search) -> String {
    let answer = match search {
        Search::Found(solution) => Value::object([(
            "found",
            Value::object([
                ("counter", Value::from(u64::from(solution.counter))),
                ("derivedKey", Value::from(hex_encode(&solution.derived_key))),
            ]),
        )]),
        Search::NotYet { next } => Value::object([("next", Value::from(u64::from(next)))]),
        Search::Exhausted => Value::object([("exhausted", Value::Bool(true))]),
    };
    answer.to_string()
}

fn error_answer(error: String) -> String {
    Value::object([("error", Value::from(error))]).to_string()
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
