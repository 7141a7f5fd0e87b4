//! The proof of work: challenges as ALTCHA's `altcha-lib` 2.x makes them in its
//! deterministic mode, and their answers checked as its `verifySolution` checks them, so
//! that ALTCHA's own widget and solver work with this server (`tests/e2e/altcha.test.mjs`).
//!
//! The server picks a counter at random in `--pow-counter-min`..=`--pow-counter-max`,
//! derives its key (`article_widget_core::pow::solve::derive_key`) and asks for a key
//! starting with its first half (`keyPrefix`): a solver must try counters one by one until
//! it reaches that one. The parameters are signed (`signature`: HMAC-SHA-256 over their JSON
//! with keys sorted), and so is the key (`keySignature`), so that an answer is checked with
//! two HMACs and no derivation, and the server keeps nothing until a challenge is used.
//!
//! Both HMAC secrets come from the captcha's secret, each its own:
//! `hex(HMAC-SHA-256(captcha secret, "article-widget pow signature v1"))` signs the
//! parameters and `hex(HMAC-SHA-256(captcha secret, "article-widget pow key signature v1"))`
//! the key, each used as altcha-lib takes a secret (its text's UTF-8 bytes as the key).

use std::ops::RangeInclusive;

use article_widget_core::pow::{self, solve, Algorithm, KeyPrefix, Task};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value};
use sha2::Sha256;

/// Bytes of a derived key, as altcha-lib's default.
const KEY_LENGTH: u32 = 32;
/// Random bytes of a nonce and of a salt, as altcha-lib's.
const RANDOM_BYTES: usize = 16;
const SIGNATURE_LABEL: &str = "article-widget pow signature v1";
const KEY_SIGNATURE_LABEL: &str = "article-widget pow key signature v1";

/// How hard a challenge is: the key derivation and the counters the server picks from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difficulty {
    pub algorithm: Algorithm,
    /// SHA-256 rounds or PBKDF2 iterations per counter tried.
    pub cost: u32,
    /// The counter is picked at random in it: a solver tries about that many keys.
    pub counters: RangeInclusive<u32>,
}

/// A challenge's answer checked and current: what the store remembers until it expires, so
/// that it is used once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spent {
    /// The challenge's signature (hex), unique to it: its nonce and salt are random.
    pub signature: String,
    /// Unix seconds.
    pub expires: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowError {
    Missing,
    /// Not a payload, not signed by this server, or not the challenge's key.
    Invalid,
    Expired,
    Replayed,
}

impl PowError {
    pub fn code(self) -> &'static str {
        match self {
            PowError::Missing => "pow_missing",
            PowError::Invalid => "pow_invalid",
            PowError::Expired => "pow_expired",
            PowError::Replayed => "pow_replayed",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            PowError::Missing => "altcha, the proof of work's answer, is required; fetch a challenge from /api/captcha",
            PowError::Invalid => "the proof of work's answer is not a solution of a challenge this server issued",
            PowError::Expired => "the proof of work's challenge has expired; fetch a new one",
            PowError::Replayed => "the proof of work's challenge was already used; fetch a new one",
        }
    }
}

/// The two secrets, as text, derived from the captcha's (see the module's documentation).
pub fn secrets(captcha_secret: &str) -> (String, String) {
    let derive = |label: &str| crate::hex(&hmac_of(captcha_secret, label.as_bytes()));
    (derive(SIGNATURE_LABEL), derive(KEY_SIGNATURE_LABEL))
}

fn hmac_of(secret: &str, data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC accepts any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub struct ProofOfWork {
    difficulty: Difficulty,
    signature_secret: String,
    key_signature_secret: String,
}

impl ProofOfWork {
    pub fn new(captcha_secret: &str, difficulty: Difficulty) -> ProofOfWork {
        let (signature_secret, key_signature_secret) = secrets(captcha_secret);
        ProofOfWork { difficulty, signature_secret, key_signature_secret }
    }

    /// A challenge expiring at `expires_at` (Unix seconds): `{"parameters", "signature"}`.
    /// One key derivation at the chosen counter.
    pub fn issue(&self, expires_at: i64) -> Result<Value, getrandom::Error> {
        let mut random = [0u8; 2 * RANDOM_BYTES + 4];
        getrandom::fill(&mut random)?;
        let (nonce, rest) = random.split_at(RANDOM_BYTES);
        let (salt, draw) = rest.split_at(RANDOM_BYTES);
        let counter = pick(&self.difficulty.counters, u32::from_be_bytes(draw.try_into().expect("4 bytes")));
        let task = Task {
            algorithm: self.difficulty.algorithm,
            nonce: nonce.to_vec(),
            salt: salt.to_vec(),
            cost: self.difficulty.cost,
            key_length: KEY_LENGTH,
            // Not known yet: it is the start of the key derived below, which needs no prefix.
            key_prefix: KeyPrefix::of_bytes(&[]),
        };
        let key = solve::derive_key(&task, counter);
        let parameters = Value::Object(Map::from_iter([
            ("algorithm".to_owned(), Value::from(self.difficulty.algorithm.name())),
            ("cost".to_owned(), Value::from(self.difficulty.cost)),
            ("expiresAt".to_owned(), Value::from(expires_at)),
            ("keyLength".to_owned(), Value::from(KEY_LENGTH)),
            ("keyPrefix".to_owned(), Value::from(pow::hex_encode(&key[..key.len() / 2]))),
            ("keySignature".to_owned(), Value::from(crate::hex(&hmac_of(&self.key_signature_secret, &key)))),
            ("nonce".to_owned(), Value::from(pow::hex_encode(nonce))),
            ("salt".to_owned(), Value::from(pow::hex_encode(salt))),
        ]));
        let signature = self.sign(&parameters);
        Ok(serde_json::json!({ "parameters": canonical_value(&parameters), "signature": signature }))
    }

    /// Checks a post's `altcha` member as altcha-lib's `verifySolution` does, in its order:
    /// the expiry, the signature of the parameters, the solution's shape, then the key by
    /// its signature. Whether the challenge was used is the store's to say.
    pub fn verify(&self, payload: Option<&str>, now: i64) -> Result<Spent, PowError> {
        let payload = payload.ok_or(PowError::Missing)?;
        let document: Value = pow::base64_decode(payload)
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(PowError::Invalid)?;
        let challenge = &document["challenge"];
        let parameters = challenge.get("parameters").filter(|p| p.is_object()).ok_or(PowError::Invalid)?;
        let expires = parameters["expiresAt"].as_f64();
        if expires.is_some_and(|expires| expires < now as f64) {
            return Err(PowError::Expired);
        }
        let signature = challenge["signature"].as_str().filter(|s| !s.is_empty()).ok_or(PowError::Invalid)?;
        if !constant_time_eq(signature, &self.sign(parameters)) {
            return Err(PowError::Invalid);
        }
        // Signed here, so the parameters are this server's: an expiry and a key signature.
        let (Some(expires), Some(key_signature)) = (parameters["expiresAt"].as_i64(), parameters["keySignature"].as_str())
        else {
            return Err(PowError::Invalid);
        };
        let solution = &document["solution"];
        let key = solution["derivedKey"].as_str().filter(|key| is_lowercase_hex(key)).and_then(pow::hex_decode);
        let counter = solution["counter"].as_u64().filter(|counter| u32::try_from(*counter).is_ok());
        let (Some(key), Some(_)) = (key, counter) else {
            return Err(PowError::Invalid);
        };
        // The key signature stands for the derivation: the key cannot be known without trying
        // counters up to the one the server picked. altcha-lib's fast path, as it checks it.
        if !constant_time_eq(key_signature, &crate::hex(&hmac_of(&self.key_signature_secret, &key))) {
            return Err(PowError::Invalid);
        }
        Ok(Spent { signature: signature.to_owned(), expires })
    }

    fn sign(&self, parameters: &Value) -> String {
        crate::hex(&hmac_of(&self.signature_secret, canonical_json(parameters).as_bytes()))
    }
}

/// A number of `range` from a random draw, evenly but for a bias of at most
/// range / 2^32: `randomInt`'s way in altcha-lib (a fraction of 2^32 scaled to the range).
fn pick(range: &RangeInclusive<u32>, draw: u32) -> u32 {
    let span = u64::from(range.end() - range.start()) + 1;
    range.start() + ((u64::from(draw) * span) >> 32) as u32
}

/// `JSON.stringify` of the value with every object's keys sorted: altcha-lib's `canonicalJSON`.
fn canonical_json(value: &Value) -> String {
    canonical_value(value).to_string()
}

/// The value with every object's keys sorted, whatever order serde_json keeps them in.
fn canonical_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // JavaScript sorts keys by UTF-16 code units; for the ASCII keys of a challenge
            // (and any key of the Basic Multilingual Plane) that is the order of their bytes.
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            Value::Object(entries.into_iter().map(|(key, value)| (key.clone(), canonical_value(value))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical_value).collect()),
        other => other.clone(),
    }
}

/// Lowercase hex of whole bytes, as every solver writes keys (and altcha-lib requires).
fn is_lowercase_hex(text: &str) -> bool {
    !text.is_empty() && text.len().is_multiple_of(2) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use article_widget_core::pow::solve::Search;

    const NOW: i64 = 1_728_648_300;

    fn easy(algorithm: Algorithm) -> ProofOfWork {
        ProofOfWork::new("secret", Difficulty { algorithm, cost: 2, counters: 0..=50 })
    }

    /// The payload a solver sends for `challenge`, with the core's search.
    fn solved(challenge: &Value) -> String {
        let challenge = pow::decode_challenge(&challenge.to_string()).unwrap();
        let Search::Found(solution) = solve::search(&challenge.task, 0, 1_000) else { panic!("within 50 counters") };
        challenge.payload(&solution, 1)
    }

    #[test]
    fn a_challenge_is_altcha_lib_s_and_its_answer_is_accepted() {
        for algorithm in [Algorithm::Sha256, Algorithm::Pbkdf2Sha256] {
            let proof = easy(algorithm);
            let challenge = proof.issue(NOW + 600).unwrap();
            let parameters = &challenge["parameters"];
            let keys: Vec<&String> = parameters.as_object().unwrap().keys().collect();
            assert_eq!(
                keys,
                ["algorithm", "cost", "expiresAt", "keyLength", "keyPrefix", "keySignature", "nonce", "salt"]
            );
            assert_eq!(parameters["keyPrefix"].as_str().unwrap().len(), 32, "half of a key of 32 bytes");
            assert_eq!(parameters["nonce"].as_str().unwrap().len(), 32);
            let payload = solved(&challenge);
            let spent = proof.verify(Some(&payload), NOW).unwrap();
            assert_eq!(spent, Spent { signature: challenge["signature"].as_str().unwrap().into(), expires: NOW + 600 });
            assert_eq!(proof.verify(Some(&payload), NOW + 600).map(|_| ()), Ok(()), "until its last second");
            assert_eq!(proof.verify(Some(&payload), NOW + 601), Err(PowError::Expired));
        }
    }

    #[test]
    fn the_signature_is_over_the_parameters_with_keys_sorted() {
        let proof = easy(Algorithm::Sha256);
        let challenge = proof.issue(NOW).unwrap();
        let text = canonical_json(&challenge["parameters"]);
        assert!(text.starts_with(r#"{"algorithm":"SHA-256","cost":2,"expiresAt":1728648300,"keyLength":32,"keyPrefix":""#));
        let (signature_secret, key_signature_secret) = secrets("secret");
        assert_ne!(signature_secret, key_signature_secret);
        assert_eq!(challenge["signature"], crate::hex(&hmac_of(&signature_secret, text.as_bytes())));
        let unsorted: Value = serde_json::from_str(r#"{"b":{"d":1,"c":[{"f":2,"e":3}]},"a":"x"}"#).unwrap();
        assert_eq!(canonical_json(&unsorted), r#"{"a":"x","b":{"c":[{"e":3,"f":2}],"d":1}}"#);
    }

    #[test]
    fn counters_are_drawn_over_the_whole_range() {
        assert_eq!(pick(&(50_000..=100_000), 0), 50_000);
        assert_eq!(pick(&(50_000..=100_000), u32::MAX), 100_000);
        assert_eq!(pick(&(7..=7), 12_345), 7);
        assert_eq!(pick(&(0..=u32::MAX), u32::MAX), u32::MAX);
    }

    #[test]
    fn another_server_s_challenge_is_refused() {
        let payload = solved(&easy(Algorithm::Sha256).issue(NOW + 600).unwrap());
        let other = ProofOfWork::new("other", Difficulty { algorithm: Algorithm::Sha256, cost: 2, counters: 0..=50 });
        assert_eq!(other.verify(Some(&payload), NOW), Err(PowError::Invalid));
        assert_eq!(other.verify(None, NOW), Err(PowError::Missing));
    }
}
