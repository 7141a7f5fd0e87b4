//! Proof of work in ALTCHA's challenge format (the `altcha-lib` 2.x default): what a server
//! asks for, read from its JSON, and the payload that answers it. The search itself, which
//! needs the hash functions, is [`solve`] (feature `solver`): the worker's wasm and the
//! server have it, the widget's own wasm does not.
//!
//! A challenge is `{"parameters": {…}, "signature": "…"}`. The parameters name a key
//! derivation (`algorithm`, `cost`, `keyLength`), a `nonce` and a `salt` in hex, and the
//! `keyPrefix` (hex) that the key derived from `salt` and `nonce ‖ counter` (the counter as
//! 4 bytes, big-endian) must start with. The answer is the first such counter with its key.
//! The signature covers the parameters as sent, so they travel back exactly as received.
//!
//! ```
//! use article_widget_core::pow::{self, Solution};
//!
//! let challenge = pow::decode_challenge(r#"{"parameters": {"algorithm": "SHA-256", "cost": 1,
//!     "keyLength": 32, "keyPrefix": "0a", "nonce": "00ff", "salt": "01"}, "signature": "ab"}"#).unwrap();
//! assert_eq!(challenge.task.key_prefix.nibbles(), &[0, 10]);
//! let payload = challenge.payload(&Solution { counter: 7, derived_key: vec![0x0a, 0x01] }, 12);
//! assert_eq!(
//!     pow::base64_decode(&payload).unwrap(),
//!     br#"{"challenge":{"parameters":{"algorithm":"SHA-256","cost":1,"keyLength":32,"keyPrefix":"0a","nonce":"00ff","salt":"01"},"signature":"ab"},"solution":{"counter":7,"derivedKey":"0a01","time":12}}"#,
//! );
//! ```

#[cfg(feature = "solver")]
pub mod solve;

use crate::error::{Expected, Problem, ShapeError};
use crate::json::{self, Node, Value};

type Result<T> = std::result::Result<T, ShapeError>;

/// The longest key a challenge may ask for: SHA-512's output. A longer one would only make
/// a hostile backend's challenge allocate and hash more.
pub const MAX_KEY_LENGTH: u32 = 64;

/// The key derivations the solver knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// SHA-256 of `salt ‖ password`, then of the digest, `cost` times in all.
    Sha256,
    /// PBKDF2 with HMAC-SHA-256, `cost` iterations.
    Pbkdf2Sha256,
}

impl Algorithm {
    pub const NAMES: [&'static str; 2] = ["SHA-256", "PBKDF2/SHA-256"];

    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Sha256 => Self::NAMES[0],
            Algorithm::Pbkdf2Sha256 => Self::NAMES[1],
        }
    }

    /// The algorithm ALTCHA names so (`SHA-256`, `PBKDF2/SHA-256`).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        [Algorithm::Sha256, Algorithm::Pbkdf2Sha256].into_iter().find(|algorithm| algorithm.name() == name)
    }

    /// The most key bytes one derivation gives.
    fn max_key_length(self) -> u32 {
        match self {
            Algorithm::Sha256 => 32,
            Algorithm::Pbkdf2Sha256 => MAX_KEY_LENGTH,
        }
    }
}

/// The start a derived key must have, in hex digits: an odd count compares half a byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPrefix(Vec<u8>);

impl KeyPrefix {
    /// The whole bytes a key must start with: a server that picks the counter (ALTCHA's
    /// deterministic mode) asks for the first bytes of that counter's key.
    pub fn of_bytes(bytes: &[u8]) -> KeyPrefix {
        KeyPrefix(bytes.iter().flat_map(|byte| [byte >> 4, byte & 15]).collect())
    }

    pub fn nibbles(&self) -> &[u8] {
        &self.0
    }

    /// Whether `key` starts with this prefix.
    pub fn matches(&self, key: &[u8]) -> bool {
        let whole = self.0.len() / 2;
        key.len() * 2 >= self.0.len()
            && self.0.chunks_exact(2).zip(key).all(|(pair, byte)| pair[0] << 4 | pair[1] == *byte)
            && (self.0.len() % 2 == 0 || self.0[self.0.len() - 1] == key[whole] >> 4)
    }
}

/// What the solver needs of a challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub algorithm: Algorithm,
    pub nonce: Vec<u8>,
    pub salt: Vec<u8>,
    pub cost: u32,
    pub key_length: u32,
    pub key_prefix: KeyPrefix,
}

impl Task {
    /// The password of one attempt: the nonce, then the counter as 4 bytes, big-endian.
    pub fn password(&self, counter: u32) -> Vec<u8> {
        let mut password = self.nonce.clone();
        password.extend_from_slice(&counter.to_be_bytes());
        password
    }
}

/// A server's challenge: its parameters as sent (they go back unchanged, under its
/// signature) and what they ask.
#[derive(Clone, Debug, PartialEq)]
pub struct Challenge {
    pub parameters: Value,
    pub signature: String,
    pub task: Task,
}

/// A counter whose key starts with the challenge's prefix, and that key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Solution {
    pub counter: u32,
    pub derived_key: Vec<u8>,
}

/// Reads a challenge from its JSON text.
pub fn decode_challenge(body: &str) -> std::result::Result<Challenge, Problem> {
    json::decode(body, |root, _| challenge(root)).map(|decoded| decoded.value)
}

/// Reads a challenge at `node`: `{"parameters": {…}, "signature": "…"}`.
pub fn challenge(node: &Node) -> Result<Challenge> {
    node.object()?;
    let parameters = node.get("parameters");
    let task = task(&parameters)?;
    let value = parameters.value().cloned().unwrap_or(Value::Null);
    Ok(Challenge { parameters: value, signature: node.get("signature").non_blank_text()?, task })
}

fn task(parameters: &Node) -> Result<Task> {
    parameters.object()?;
    let algorithm_node = parameters.get("algorithm");
    let algorithm = algorithm_node.tag(Expected::ProofOfWorkAlgorithm, &Algorithm::NAMES)?;
    let algorithm = Algorithm::from_name(algorithm).expect("a name from Algorithm::NAMES");
    let cost = u32_at(&parameters.get("cost"), 1)?;
    let key_length_node = parameters.get("keyLength");
    let key_length = match key_length_node.is_absent() {
        true => 32,
        false => u32_at(&key_length_node, 1)?,
    };
    if key_length > algorithm.max_key_length() {
        return Err(key_length_node.invalid(Expected::KeyLength));
    }
    let prefix_node = parameters.get("keyPrefix");
    let prefix = prefix_node.text()?;
    let nibbles: Option<Vec<u8>> = prefix.chars().map(|c| c.to_digit(16).map(|n| n as u8)).collect();
    let key_prefix = match nibbles {
        Some(nibbles) if !nibbles.is_empty() && nibbles.len() <= key_length as usize * 2 => KeyPrefix(nibbles),
        _ => return Err(prefix_node.invalid(Expected::Hex)),
    };
    Ok(Task {
        algorithm,
        nonce: hex_at(&parameters.get("nonce"))?,
        salt: hex_at(&parameters.get("salt"))?,
        cost,
        key_length,
        key_prefix,
    })
}

fn u32_at(node: &Node, least: u64) -> Result<u32> {
    let number = node.positive_integer()?;
    u32::try_from(number).ok().filter(|n| u64::from(*n) >= least).ok_or_else(|| node.invalid(Expected::PositiveInteger))
}

fn hex_at(node: &Node) -> Result<Vec<u8>> {
    hex_decode(node.text()?).ok_or_else(|| node.invalid(Expected::Hex))
}

impl Challenge {
    /// The answer as ALTCHA's widget sends it, in its `altcha` form field: the challenge as
    /// received and the solution, as JSON in base64. `millis` is the time the search took.
    pub fn payload(&self, solution: &Solution, millis: u64) -> String {
        let document = Value::object([
            (
                "challenge",
                Value::object([("parameters", self.parameters.clone()), ("signature", Value::from(self.signature.as_str()))]),
            ),
            (
                "solution",
                Value::object([
                    ("counter", Value::from(u64::from(solution.counter))),
                    ("derivedKey", Value::from(hex_encode(&solution.derived_key))),
                    ("time", Value::from(millis)),
                ]),
            ),
        ]);
        base64_encode(document.to_string().as_bytes())
    }
}

/// Lowercase hex, as ALTCHA writes keys.
pub fn hex_encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes.iter().flat_map(|byte| [DIGITS[usize::from(byte >> 4)], DIGITS[usize::from(byte & 15)]]).map(char::from).collect()
}

/// Hex of either case, of an even length.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits: Option<Vec<u8>> = text.chars().map(|c| c.to_digit(16).map(|n| n as u8)).collect();
    let digits = digits.filter(|digits| digits.len() % 2 == 0)?;
    Some(digits.chunks_exact(2).map(|pair| pair[0] << 4 | pair[1]).collect())
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as the browser's `btoa`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = u32::from(chunk[0]) << 16 | u32::from(*chunk.get(1).unwrap_or(&0)) << 8 | u32::from(*chunk.get(2).unwrap_or(&0));
        for place in 0..4 {
            let sextet = (group >> (18 - 6 * place)) & 63;
            text.push(if place <= chunk.len() { char::from(BASE64[sextet as usize]) } else { '=' });
        }
    }
    text
}

/// Reads standard base64 with its padding; `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for (index, quad) in bytes.chunks(4).enumerate() {
        let last = index == bytes.len() / 4 - 1;
        let padding = quad.iter().rev().take_while(|&&b| b == b'=').count();
        if padding > 2 || (padding > 0 && !last) {
            return None;
        }
        let mut group = 0u32;
        for &byte in &quad[..4 - padding] {
            group = group << 6 | BASE64.iter().position(|&b| b == byte)? as u32;
        }
        group <<= 6 * padding as u32;
        out.extend_from_slice(&group.to_be_bytes()[1..4 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameters(fields: &str) -> String {
        format!(r#"{{"parameters": {{"algorithm": "SHA-256", "cost": 1, "nonce": "00", "salt": "01", {fields}}}, "signature": "s"}}"#)
    }

    #[test]
    fn a_prefix_compares_whole_bytes_and_a_last_half_byte() {
        let prefix = |hex: &str| decode_challenge(&parameters(&format!(r#""keyPrefix": "{hex}""#))).unwrap().task.key_prefix;
        assert!(prefix("0a").matches(&[0x0a, 0xff]));
        assert!(!prefix("0a").matches(&[0x0b, 0xff]));
        assert!(prefix("0A1").matches(&[0x0a, 0x1f]));
        assert!(!prefix("0a1").matches(&[0x0a, 0x2f]));
        assert!(!prefix("0a1").matches(&[0x0a]), "a key shorter than the prefix");
        assert_eq!(KeyPrefix::of_bytes(&[0x0a, 0xf1]), prefix("0af1"));
    }

    #[test]
    fn each_bad_parameter_is_named() {
        let cases = [
            (r#""keyPrefix": """#, "/parameters/keyPrefix"),
            (r#""keyPrefix": "0g""#, "/parameters/keyPrefix"),
            (r#""keyPrefix": "00", "keyLength": 33"#, "/parameters/keyLength"),
            (r#""keyPrefix": "00", "keyLength": 1, "cost": 0"#, "/parameters/cost"),
            (r#""keyPrefix": "000000", "keyLength": 1"#, "/parameters/keyPrefix"),
            (r#""keyPrefix": "00", "cost": 4294967296"#, "/parameters/cost"),
        ];
        for (fields, path) in cases {
            match decode_challenge(&parameters(fields)) {
                Err(Problem::Shape(error)) => assert_eq!(error.path, path, "{fields}"),
                other => panic!("{fields}: {other:?}"),
            }
        }
        let unknown = r#"{"parameters": {"algorithm": "ARGON2ID", "cost": 1, "nonce": "00", "salt": "01", "keyPrefix": "00"}, "signature": "s"}"#;
        assert!(matches!(decode_challenge(unknown), Err(Problem::Shape(error)) if error.path == "/parameters/algorithm"));
    }

    #[test]
    fn the_parameters_go_back_as_they_came_with_members_the_solver_ignores() {
        let body = r#"{"parameters":{"zeta":{"b":1,"a":[true]},"algorithm":"PBKDF2/SHA-256","cost":5,"keyPrefix":"00","nonce":"ab","salt":"cd","expiresAt":1}, "signature":"s"}"#;
        let challenge = decode_challenge(body).unwrap();
        assert_eq!(challenge.task.key_length, 32, "ALTCHA's default");
        assert_eq!(
            challenge.parameters.to_string(),
            r#"{"zeta":{"b":1,"a":[true]},"algorithm":"PBKDF2/SHA-256","cost":5,"keyPrefix":"00","nonce":"ab","salt":"cd","expiresAt":1}"#
        );
    }

    #[test]
    fn base64_and_hex_read_what_they_write() {
        for length in 0..10 {
            let bytes: Vec<u8> = (0..length).map(|n| (n * 37 + 200) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)), Some(bytes.clone()));
            assert_eq!(hex_decode(&hex_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64_encode(b"any carnal pleas"), "YW55IGNhcm5hbCBwbGVhcw==");
        for bad in ["YW5", "Y===", "YW==YW55", "YW5*"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
        assert_eq!(hex_decode("abc"), None);
    }
}
