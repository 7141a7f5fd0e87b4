//! A slice of the search whose keys the host derives: PBKDF2/SHA-256 with the browser's
//! WebCrypto (`crypto.subtle.deriveBits`), native code that derives two to four times faster
//! than this wasm. The solver still drives the search: it hands out the counters, in order,
//! and checks each key against the prefix, in whatever order they come back (`worker.js`
//! keeps several derivations in flight).

use article_widget_core::json::Value;
use article_widget_core::pow::solve::Search;
use article_widget_core::pow::{Algorithm, Solution, Task};

/// Past the last counter: `u32::MAX` is a counter too.
const END_OF_COUNTERS: u64 = 1 << 32;

/// One slice: the counters from `start`, `attempts` of them, handed out in order, each
/// answered by its key.
pub struct Delegated {
    task: Task,
    start: u64,
    /// The counter handed out next.
    handed: u64,
    /// Counters handed out whose key has not come back.
    awaited: u64,
    end: u64,
}

impl Delegated {
    /// A slice for the host to derive, when the host can derive `task`'s keys (PBKDF2/SHA-256)
    /// and the slice has counters; `None` otherwise, and the solver searches alone.
    pub fn new(task: Task, start: u32, attempts: u32) -> Option<Delegated> {
        let start = u64::from(start);
        let end = (start + u64::from(attempts)).min(END_OF_COUNTERS);
        (task.algorithm == Algorithm::Pbkdf2Sha256 && attempts > 0).then_some(Delegated { task, start, handed: start, awaited: 0, end })
    }

    /// What the host derives with: `{"pbkdf2": {"salt": [bytes], "iterations": n, "bits": n}}`.
    pub fn plan(&self) -> Value {
        let salt = self.task.salt.iter().map(|&byte| Value::from(u64::from(byte))).collect();
        Value::object([(
            "pbkdf2",
            Value::object([
                ("salt", Value::Array(salt)),
                ("iterations", Value::from(u64::from(self.task.cost))),
                ("bits", Value::from(u64::from(self.task.key_length) * 8)),
            ]),
        )])
    }

    /// The next counter, for the host to derive, with its password; `None` once the slice's
    /// counters are all handed out.
    pub fn password(&mut self) -> Option<(u32, Vec<u8>)> {
        let counter = u32::try_from(self.handed).ok().filter(|_| self.handed < self.end)?;
        self.handed += 1;
        self.awaited += 1;
        Some((counter, self.task.password(counter)))
    }

    /// Checks `counter`'s key: the slice's answer once it is found or every counter is
    /// checked, `Ok(None)` while the search goes on, or why the key cannot be one asked for.
    pub fn key(&mut self, counter: u32, key: &[u8]) -> Result<Option<Search>, String> {
        if self.awaited == 0 || !(self.start..self.handed).contains(&u64::from(counter)) {
            return Err(format!("a key for counter {counter}, not handed out"));
        }
        if key.len() != self.task.key_length as usize {
            return Err(format!("a key of {} bytes, not {}", key.len(), self.task.key_length));
        }
        self.awaited -= 1;
        if self.task.key_prefix.matches(key) {
            return Ok(Some(Search::Found(Solution { counter, derived_key: key.to_vec() })));
        }
        Ok(match u32::try_from(self.end) {
            _ if self.handed < self.end || self.awaited > 0 => None,
            Ok(next) => Some(Search::NotYet { next }),
            Err(_) => Some(Search::Exhausted),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use article_widget_core::pow::{decode_challenge, solve};

    fn task(algorithm: &str, prefix: &str) -> Task {
        let text = format!(r#"{{"parameters": {{"algorithm": "{algorithm}", "cost": 20, "keyLength": 16, "keyPrefix": "{prefix}", "nonce": "0a0b", "salt": "c0ff"}}, "signature": "s"}}"#);
        decode_challenge(&text).unwrap().task
    }

    /// The host's part, played by the core's own derivation: `in_flight` counters handed
    /// out, their keys given back last first.
    fn run(mut slice: Delegated, in_flight: usize) -> Search {
        let task = slice.task.clone();
        let mut pending = Vec::new();
        let mut expected = u32::try_from(slice.handed).unwrap();
        loop {
            while pending.len() < in_flight {
                let Some((counter, password)) = slice.password() else { break };
                assert_eq!((counter, password.clone()), (expected, task.password(expected)), "the counters go out in order");
                expected = expected.wrapping_add(1);
                pending.push((counter, solve::derive_key(&task, counter)));
            }
            let (counter, key) = pending.pop().expect("a key to give back until the slice answers");
            if let Some(answer) = slice.key(counter, &key).unwrap() {
                return answer;
            }
        }
    }

    #[test]
    fn a_slice_the_host_derives_answers_as_the_solvers_own_search() {
        let task = task("PBKDF2/SHA-256", "0");
        for (start, attempts) in [(0, 1), (0, 40), (3, 7), (100, 1)] {
            for in_flight in [1, 3, 8] {
                let delegated = Delegated::new(task.clone(), start, attempts).unwrap();
                assert_eq!(run(delegated, in_flight), solve::search(&task, start, attempts), "{start} {attempts} {in_flight}");
            }
        }
        let last = Delegated::new(task.clone(), u32::MAX - 1, 5).unwrap();
        assert_eq!(run(last, 4), solve::search(&task, u32::MAX - 1, 5));
    }

    #[test]
    fn the_plan_is_webcryptos_parameters() {
        let slice = Delegated::new(task("PBKDF2/SHA-256", "0"), 0, 1).unwrap();
        assert_eq!(slice.plan().to_string(), r#"{"pbkdf2":{"salt":[192,255],"iterations":20,"bits":128}}"#);
        assert!(Delegated::new(task("SHA-256", "0"), 0, 1).is_none(), "WebCrypto has no iterated SHA-256");
        assert!(Delegated::new(task("PBKDF2/SHA-256", "0"), 0, 0).is_none());
    }

    #[test]
    fn a_wrong_key_or_one_too_many_is_an_error() {
        let mut slice = Delegated::new(task("PBKDF2/SHA-256", "ffff"), 5, 1).unwrap();
        assert!(slice.key(5, &[0; 16]).is_err(), "no counter was handed out");
        assert_eq!(slice.password().unwrap().0, 5);
        assert!(slice.key(6, &[0; 16]).unwrap_err().contains("counter 6"));
        assert!(slice.key(5, &[0; 32]).unwrap_err().contains("32 bytes"));
        assert_eq!(slice.key(5, &[0; 16]), Ok(Some(Search::NotYet { next: 6 })));
        assert!(slice.key(5, &[0; 16]).is_err(), "a key given twice");
        assert!(slice.password().is_none());
    }
}
