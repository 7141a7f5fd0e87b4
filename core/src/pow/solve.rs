//! The search for a counter whose derived key starts with the challenge's prefix, and the
//! derivations themselves. Pure and synchronous: a caller runs it a slice of counters at a
//! time ([`search`]), in a worker or between a page's frames, and the server re-derives one
//! key to check an answer ([`derive_key`]).

use sha2::{Digest, Sha256};

use super::{Algorithm, Solution, Task};

/// What a slice of the search found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Search {
    Found(Solution),
    /// Not in this slice; the search goes on from `next`.
    NotYet { next: u32 },
    /// Every counter up to `u32::MAX` tried: no answer exists in ALTCHA's counter range.
    Exhausted,
}

/// The key that `counter` derives.
pub fn derive_key(task: &Task, counter: u32) -> Vec<u8> {
    let password = task.password(counter);
    let length = task.key_length as usize;
    match task.algorithm {
        Algorithm::Sha256 => {
            let mut digest = Sha256::new().chain_update(&task.salt).chain_update(&password).finalize();
            for _ in 1..task.cost {
                digest = Sha256::digest(digest);
            }
            digest[..length].to_vec()
        }
        Algorithm::Pbkdf2Sha256 => {
            let mut key = vec![0; length];
            pbkdf2::pbkdf2_hmac::<Sha256>(&password, &task.salt, task.cost, &mut key);
            key
        }
    }
}

/// Tries `attempts` counters from `start`, in order.
pub fn search(task: &Task, start: u32, attempts: u32) -> Search {
    let mut counter = start;
    for _ in 0..attempts {
        let key = derive_key(task, counter);
        if task.key_prefix.matches(&key) {
            return Search::Found(Solution { counter, derived_key: key });
        }
        match counter.checked_add(1) {
            Some(next) => counter = next,
            None => return Search::Exhausted,
        }
    }
    Search::NotYet { next: counter }
}

/// Whether `solution` answers `task`: its key is the one its counter derives, and it
/// starts with the prefix.
pub fn verify(task: &Task, solution: &Solution) -> bool {
    task.key_prefix.matches(&solution.derived_key) && derive_key(task, solution.counter) == solution.derived_key
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pow::{decode_challenge, hex_encode};

    /// Challenges that `altcha-lib` 2.8.0 made in deterministic mode (counter known), with
    /// the key it derived for that counter: `scripts/altcha-vectors.mjs`.
    const ALTCHA_VECTORS: &str = include_str!("../../tests/fixtures/altcha-vectors.json");

    #[test]
    fn the_keys_are_altcha_libs() {
        let vectors = crate::json::parse(ALTCHA_VECTORS).unwrap();
        let vectors = vectors.as_array().unwrap();
        assert!(vectors.len() >= 4);
        for vector in vectors {
            let challenge = decode_challenge(&vector.get("challenge").unwrap().to_string()).unwrap();
            let counter = vector.get("counter").and_then(|c| c.as_u64()).unwrap() as u32;
            let key = vector.get("derivedKey").and_then(|k| k.as_str()).unwrap();
            assert_eq!(hex_encode(&derive_key(&challenge.task, counter)), key, "{}", challenge.task.algorithm.name());
            let found = search(&challenge.task, 0, counter + 1);
            assert_eq!(found, Search::Found(Solution { counter, derived_key: derive_key(&challenge.task, counter) }));
        }
    }

    #[test]
    fn a_slice_says_where_the_search_goes_on() {
        let challenge = decode_challenge(
            r#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "ffffff", "nonce": "00", "salt": "01"}, "signature": "s"}"#,
        )
        .unwrap();
        assert_eq!(search(&challenge.task, 10, 5), Search::NotYet { next: 15 });
        assert_eq!(search(&challenge.task, u32::MAX - 1, 5), Search::Exhausted);
    }

    #[test]
    fn a_key_that_its_counter_does_not_derive_is_refused() {
        let challenge = decode_challenge(
            r#"{"parameters": {"algorithm": "SHA-256", "cost": 2, "keyPrefix": "0", "nonce": "00", "salt": "01"}, "signature": "s"}"#,
        )
        .unwrap();
        let Search::Found(solution) = search(&challenge.task, 0, 1_000) else { panic!("1 in 16 keys start with 0") };
        assert!(verify(&challenge.task, &solution));
        let mut forged = solution.clone();
        forged.counter += 1;
        assert!(!verify(&challenge.task, &forged));
        let mut forged = solution;
        forged.derived_key[0] = 0x00;
        forged.derived_key[1] ^= 1;
        assert!(!verify(&challenge.task, &forged));
    }
}
