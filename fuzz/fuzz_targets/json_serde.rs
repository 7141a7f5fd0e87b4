//! The core's JSON reader against serde_json on arbitrary bytes: a document one accepts, the
//! other accepts with the same value, and what one refuses, the other refuses too (the
//! messages may differ: only the verdict and the value are compared).
//!
//! "The same value" is what a decoder can ask of it:
//! - objects by key, the last of a repeated key counting (serde_json keeps only that one; the
//!   core keeps each in document order, and `Map::get` finds the last);
//! - numbers by `as_u64`, `as_i64` and `as_f64` (compared bit for bit, so `-0.0` keeps its
//!   sign): serde_json holds a number as a u64, an i64 or an f64, the core as written and
//!   parses it when asked. The fuzz crate turns on serde_json's `float_roundtrip`, whose float
//!   parsing gives the nearest float, as the standard library's that the core uses does; its
//!   default, faster parsing does not always (it read 59,050 of 200,000 random decimals of 2
//!   to 26 digits differently).
//!
//! The differences, documented in `core/src/json/mod.rs` and tolerated here, exactly:
//! - a number beyond f64's range (`1e400`) is kept as written by the core, whose `as_f64`
//!   then gives nothing; serde_json refuses the document ("number out of range");
//! - `-0` is the integer 0 for the core's `as_i64`; serde_json makes it the float -0.0.
//!
//! Invalid UTF-8 never reaches the core (the widget reads bodies as text): such bytes must be
//! refused by serde_json, and their lossy decoding is compared like any text.
#![no_main]

use std::collections::BTreeMap;

use article_widget_core::json;
use libfuzzer_sys::fuzz_target;

/// A JSON value as both readers can give it.
#[derive(Debug, PartialEq)]
enum Plain {
    Null,
    Bool(bool),
    /// `as_u64`, `as_i64`, and `as_f64` as bits.
    Number(Option<u64>, Option<i64>, Option<u64>),
    String(String),
    Array(Vec<Plain>),
    Object(BTreeMap<String, Plain>),
}

/// The core's value, or `None` if it holds a number that serde_json refuses as out of range.
fn from_core(value: &json::Value) -> Option<Plain> {
    Some(match value {
        json::Value::Null => Plain::Null,
        json::Value::Bool(value) => Plain::Bool(*value),
        json::Value::Number(number) => {
            // Beyond f64's range: the first tolerated difference.
            let float = number.as_f64()?;
            // `-0` read as the integer 0: the second.
            let integer = number.as_i64().filter(|_| number.as_str() != "-0");
            Plain::Number(number.as_u64(), integer, Some(float.to_bits()))
        }
        json::Value::String(text) => Plain::String(text.clone()),
        json::Value::Array(items) => Plain::Array(items.iter().map(from_core).collect::<Option<_>>()?),
        // Collected in document order, so a repeated key ends with its last value.
        json::Value::Object(members) => {
            Plain::Object(members.iter().map(|(key, value)| Some((key.clone(), from_core(value)?))).collect::<Option<_>>()?)
        }
    })
}

fn from_serde(value: &serde_json::Value) -> Plain {
    match value {
        serde_json::Value::Null => Plain::Null,
        serde_json::Value::Bool(value) => Plain::Bool(*value),
        serde_json::Value::Number(number) => Plain::Number(number.as_u64(), number.as_i64(), number.as_f64().map(f64::to_bits)),
        serde_json::Value::String(text) => Plain::String(text.clone()),
        serde_json::Value::Array(items) => Plain::Array(items.iter().map(from_serde).collect()),
        serde_json::Value::Object(members) => Plain::Object(members.iter().map(|(key, value)| (key.clone(), from_serde(value))).collect()),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if matches!(text, std::borrow::Cow::Owned(_)) {
        assert!(serde_json::from_slice::<serde_json::Value>(data).is_err(), "serde_json accepts invalid UTF-8: {data:?}");
    }
    let text = text.as_ref();
    match (json::parse(text), serde_json::from_str::<serde_json::Value>(text)) {
        (Ok(core), Ok(serde)) => {
            let core = from_core(&core).unwrap_or_else(|| panic!("a number out of range accepted by serde_json: {text:?}"));
            assert_eq!(core, from_serde(&serde), "different values: {text:?}");
        }
        (Ok(core), Err(error)) => assert!(
            from_core(&core).is_none() && error.to_string().starts_with("number out of range"),
            "accepted by the core only ({error}): {text:?}"
        ),
        (Err(problem), Ok(_)) => panic!("accepted by serde_json only ({problem}): {text:?}"),
        (Err(_), Err(_)) => {}
    }
});
