//! Reading a JSON document while knowing where one is in it, so that every complaint names
//! its place as a JSON Pointer and says what was expected and what was found.
//!
//! The reader ([`parse`]) accepts what serde_json accepts, with the same value, and refuses
//! what it refuses (RFC 8259; no byte order mark, no trailing comma, lone surrogates refused,
//! 127 levels of nesting at most, the last of a repeated key counting); the fuzz target
//! `json_serde` holds it to that. Its messages are serde_json's, though not always the same
//! one for the same mistake. The differences, on numbers only, come from keeping each number
//! as written:
//!
//! ```
//! use article_widget_core::json::{parse, Value};
//!
//! // Beyond f64's range: kept, though no float reads it (serde_json refuses the document).
//! let Ok(Value::Number(huge)) = parse("1e400") else { panic!() };
//! assert_eq!((huge.as_str(), huge.as_f64()), ("1e400", None));
//! assert!(serde_json::from_str::<serde_json::Value>("1e400").is_err());
//!
//! // `-0` is written as an integer and reads as the integer 0 (serde_json makes it -0.0).
//! let Ok(Value::Number(zero)) = parse("-0") else { panic!() };
//! assert_eq!((zero.as_i64(), zero.as_f64().map(f64::is_sign_negative)), (Some(0), Some(true)));
//! assert_eq!(serde_json::from_str::<serde_json::Value>("-0").unwrap().as_i64(), None);
//! ```
//!
//! Otherwise a number reads the same by `as_u64`, `as_i64` and `as_f64` as serde_json's (with
//! its exact float parsing, `float_roundtrip`): integers within 64 bits as integers, others,
//! such as `18446744073709551616` or `1.0`, as floats only, rounded to the nearest. An
//! object keeps a repeated key's every member in document order ([`Map::iter`]), where
//! serde_json keeps only the last; [`Map::get`] finds the last.

mod decoded;
mod syntax;
mod value;

pub use decoded::{Decoded, Warnings};
pub use syntax::parse;
pub use value::{Map, Number, Value};

use crate::datetime::DateTime;
use crate::error::{Expected, Found, Problem, ShapeError};
use crate::url::SafeUrl;

/// Parses a response body and reads it from its root with `read`: the one way every
/// decoder turns text into the model, with syntax and shape problems alike, and the
/// warnings of what it left out ([`Warnings`]).
pub fn decode<T>(
    text: &str,
    read: impl FnOnce(&Node, &mut Warnings) -> std::result::Result<T, ShapeError>,
) -> std::result::Result<Decoded<T>, Problem> {
    let value = parse(text)?;
    let mut warnings = Warnings::default();
    let value = read(&Node::root(&value), &mut warnings).map_err(Problem::Shape)?;
    Ok(Decoded { value, warnings: warnings.into_vec() })
}

/// A place in a document: the value there, if any, and its JSON Pointer.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    value: Option<&'a Value>,
    path: String,
}

type Result<T> = std::result::Result<T, ShapeError>;

impl<'a> Node<'a> {
    pub fn root(value: &'a Value) -> Node<'a> {
        Node { value: Some(value), path: String::new() }
    }

    pub fn path(&self) -> &str {
        if self.path.is_empty() { "/" } else { &self.path }
    }

    /// The member `key` of this object; absent when this is not an object or lacks it.
    pub fn get(&self, key: &str) -> Node<'a> {
        // Built for every member read, so without the formatting machinery.
        let mut path = String::with_capacity(self.path.len() + 1 + key.len());
        path.push_str(&self.path);
        path.push('/');
        for c in key.chars() {
            match c {
                '~' => path.push_str("~0"),
                '/' => path.push_str("~1"),
                c => path.push(c),
            }
        }
        Node { value: self.value.and_then(|v| v.get(key)), path }
    }

    /// Missing and `null` both mean "not given" for optional members.
    pub fn is_absent(&self) -> bool {
        matches!(self.value, None | Some(Value::Null))
    }

    /// Left out entirely (as opposed to given as `null`).
    pub fn is_missing(&self) -> bool {
        self.value.is_none()
    }

    pub fn fail(&self, expected: Expected) -> ShapeError {
        ShapeError { path: self.path().to_owned(), expected, found: self.found() }
    }

    /// What is here, as an error would describe it.
    pub fn found(&self) -> Found {
        match self.value {
            None => Found::Missing,
            Some(Value::Null) => Found::Null,
            Some(Value::Bool(_)) => Found::Boolean,
            Some(Value::Number(_)) => Found::Number,
            Some(Value::String(_)) => Found::Text,
            Some(Value::Array(_)) => Found::List,
            Some(Value::Object(_)) => Found::Object,
        }
    }

    /// Like [`Node::fail`] for a value of the right JSON type whose content is wrong.
    fn fail_value(&self, expected: Expected, value: &str) -> ShapeError {
        const MAX: usize = 60;
        let mut quoted: String = value.chars().take(MAX).collect();
        if value.chars().nth(MAX).is_some() {
            quoted.push('…');
        }
        ShapeError { path: self.path().to_owned(), expected, found: Found::Value(format!("\"{quoted}\"")) }
    }

    /// `None` when absent, else the result of `read`: for members that may be left out.
    pub fn optional<T>(&self, read: impl FnOnce(&Self) -> Result<T>) -> Result<Option<T>> {
        if self.is_absent() { Ok(None) } else { read(self).map(Some) }
    }

    pub fn object(&self) -> Result<&Self> {
        match self.value {
            Some(Value::Object(_)) => Ok(self),
            _ => Err(self.fail(Expected::Object)),
        }
    }

    pub fn text(&self) -> Result<&'a str> {
        self.value.and_then(Value::as_str).ok_or_else(|| self.fail(Expected::Text))
    }

    /// A string with something in it, trimmed.
    pub fn non_blank_text(&self) -> Result<String> {
        match self.text().map(str::trim) {
            Ok("") => Err(self.fail_value(Expected::NonBlankText, "")),
            Ok(text) => Ok(text.to_owned()),
            Err(_) => Err(self.fail(Expected::NonBlankText)),
        }
    }

    /// An optional string; blank counts as absent.
    pub fn optional_text(&self) -> Result<Option<String>> {
        Ok(self.optional(Node::text)?.map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned))
    }

    pub fn bool_or(&self, default: bool) -> Result<bool> {
        match self.value {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.fail(Expected::Boolean)),
        }
    }

    pub fn positive_integer(&self) -> Result<u64> {
        self.value.and_then(Value::as_u64).filter(|n| *n > 0).ok_or_else(|| self.fail(Expected::PositiveInteger))
    }

    pub fn non_negative_integer(&self) -> Result<u64> {
        self.value.and_then(Value::as_u64).ok_or_else(|| self.fail(Expected::NonNegativeInteger))
    }

    /// A u64 written as a string of ASCII digits.
    pub fn decimal_string(&self) -> Result<u64> {
        let text = self.text().map_err(|_| self.fail(Expected::DecimalString))?;
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse().ok()).flatten().ok_or_else(|| self.fail_value(Expected::DecimalString, text))
    }

    pub fn datetime(&self) -> Result<DateTime> {
        let text = self.text().map_err(|_| self.fail(Expected::DateTime))?;
        DateTime::parse_rfc3339(text).ok_or_else(|| self.fail_value(Expected::DateTime, text))
    }

    pub fn url(&self) -> Result<SafeUrl> {
        let text = self.text().map_err(|_| self.fail(Expected::Url))?;
        SafeUrl::parse(text).ok_or_else(|| self.fail_value(Expected::Url, text))
    }

    /// The elements of an array, each with its own path.
    pub fn items(&self) -> Result<Vec<Node<'a>>> {
        let array = self.value.and_then(Value::as_array).ok_or_else(|| self.fail(Expected::List))?;
        Ok(array
            .iter()
            .enumerate()
            .map(|(index, value)| Node { value: Some(value), path: format!("{}/{index}", self.path) })
            .collect())
    }

    /// Reads every element of an array with `read`; stops at the first error.
    pub fn list<T>(&self, read: impl Fn(&Node<'a>) -> Result<T>) -> Result<Vec<T>> {
        self.items()?.iter().map(read).collect()
    }

    /// The string value of this node when it is one, for tagged unions such as `"type"`.
    pub fn tag(&self, expected: Expected, allowed: &[&'static str]) -> Result<&'static str> {
        let text = self.text().map_err(|_| self.fail(expected))?;
        allowed.iter().find(|a| **a == text).copied().ok_or_else(|| self.fail_value(expected, text))
    }

    /// An error about this node's value for a check the caller made.
    pub fn invalid(&self, expected: Expected) -> ShapeError {
        match self.value {
            Some(Value::String(text)) => self.fail_value(expected, text),
            Some(Value::Number(n)) => ShapeError { path: self.path().to_owned(), expected, found: Found::Value(n.as_str().to_owned()) },
            _ => self.fail(expected),
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.value, Some(Value::String(_)))
    }

    /// The value here, for readers with rules of their own (mappings).
    pub fn value(&self) -> Option<&'a Value> {
        self.value
    }

    /// The node at a JSON Pointer (RFC 6901) below this one, such as `/items/0/title`:
    /// arrays are entered by index, and `""` is this node itself.
    pub fn at(&self, pointer: &str) -> Node<'a> {
        // Read for every field of every item: the value is found first, and the path is
        // this one's with the pointer as written (its tokens are escaped already).
        let mut value = self.value;
        for token in pointer.split('/').skip(1) {
            let key: std::borrow::Cow<str> = if token.contains('~') { token.replace("~1", "/").replace("~0", "~").into() } else { token.into() };
            value = match value {
                Some(Value::Array(items)) => key.parse::<usize>().ok().and_then(|index| items.get(index)),
                other => other.and_then(|value| value.get(&key)),
            };
        }
        let mut path = String::with_capacity(self.path.len() + pointer.len());
        path.push_str(&self.path);
        path.push_str(pointer);
        Node { value, path }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let cases = [
            ("{\n  \"a\": 1,\n}", 3, 1, "trailing comma"),
            ("<!doctype html>", 1, 1, "expected value"),
            ("", 1, 0, "EOF while parsing a value"),
            ("{\"a\": tru}", 1, 10, "expected ident"),
            ("{\"id\": ", 1, 7, "EOF while parsing a value"),
            ("[1 2]", 1, 4, "expected `,` or `]`"),
            ("[1,]", 1, 4, "trailing comma"),
            ("{\"a\" 1}", 1, 6, "expected `:`"),
            ("{a: 1}", 1, 2, "key must be a string"),
            ("{\"a\": 1 \"b\"}", 1, 9, "expected `,` or `}`"),
            ("{\"a\": [", 1, 7, "EOF while parsing a value"),
            ("[1", 1, 2, "EOF while parsing a list"),
            ("{\"a\": 1", 1, 7, "EOF while parsing an object"),
            ("\"abc", 1, 4, "EOF while parsing a string"),
            ("\"a\tb\"", 1, 3, "control character (\\u0000-\\u001F) found while parsing a string"),
            ("\"\\x\"", 1, 3, "invalid escape"),
            ("\"\\u12g4\"", 1, 6, "invalid escape"),
            ("\"\\ud800\"", 1, 8, "lone leading surrogate in hex escape"),
            ("\"\\udc00\"", 1, 8, "lone trailing surrogate in hex escape"),
            ("01", 1, 2, "trailing characters"),
            ("-", 1, 1, "invalid number"),
            ("1.", 1, 2, "invalid number"),
            ("1e+", 1, 3, "invalid number"),
            ("{} x", 1, 4, "trailing characters"),
            ("\"é\" é", 1, 5, "trailing characters"),
            ("nul", 1, 3, "EOF while parsing a value"),
        ];
        for (text, line, column, expected) in cases {
            match parse(text) {
                Err(Problem::Syntax { line: l, column: c, detail }) => {
                    assert_eq!((l, c, detail.as_str()), (line, column, expected), "{text:?}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn documents_are_read_as_written() {
        let cases: [(&str, Value); 12] = [
            ("null", Value::Null),
            (" true ", Value::Bool(true)),
            ("false", Value::Bool(false)),
            ("\"\"", Value::from("")),
            (r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00 é""#, Value::from("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600} é")),
            ("[]", Value::Array(vec![])),
            ("[1, [2], {}]", Value::Array(vec![Value::from(1i64), Value::Array(vec![Value::from(2i64)]), Value::object([])])),
            (r#"{"b": 1, "a": null}"#, Value::object([("b", Value::from(1i64)), ("a", Value::Null)])),
            ("-0", Value::Number(Number::written("-0"))),
            ("12.50e-3", Value::Number(Number::written("12.50e-3"))),
            ("18446744073709551615", Value::from(u64::MAX)),
            ("-9223372036854775808", Value::from(i64::MIN)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).as_ref(), Ok(&expected), "{text:?}");
        }
    }

    #[test]
    fn written_text_reads_back_the_same() {
        let texts = [
            r#"{"a":[1,-2.5e3,true,false,null],"b":{"c":""}}"#,
            r#""quote \" backslash \\ controls \n\r\t\b\f\u0001\u001f é 😀 / <""#,
            "[]",
            "{}",
        ];
        for text in texts {
            let value = parse(text).unwrap();
            assert_eq!(value.to_string(), text);
            assert_eq!(parse(&value.to_string()).unwrap(), value);
        }
    }

    #[test]
    fn the_last_of_a_repeated_key_counts() {
        let value = parse(r#"{"a": 1, "b": 2, "a": 3}"#).unwrap();
        assert_eq!(value.get("a").and_then(Value::as_u64), Some(3));
        assert_eq!(value.get("b").and_then(Value::as_u64), Some(2));
    }

    #[test]
    fn numbers_read_as_integers_only_when_whole() {
        let number = |text| parse(text).unwrap();
        assert_eq!(number("42").as_u64(), Some(42));
        for text in ["-1", "1.0", "1e2", "18446744073709551616"] {
            assert_eq!(number(text).as_u64(), None, "{text}");
        }
        let Value::Number(n) = number("-7") else { unreachable!() };
        assert!(n.is_integer() && n.as_i64() == Some(-7));
        let Value::Number(n) = number("1.5e3") else { unreachable!() };
        assert!(!n.is_integer() && n.as_f64() == Some(1500.0));
        let Value::Number(n) = number("1e999") else { unreachable!() };
        assert_eq!(n.as_f64(), None);
    }

    #[test]
    fn nesting_is_bounded_as_serde_json_bounds_it() {
        let arrays = |depth| "[".repeat(depth) + &"]".repeat(depth);
        let objects = |depth| "{\"a\":".repeat(depth) + "1" + &"}".repeat(depth);
        assert!(parse(&arrays(127)).is_ok());
        assert!(parse(&objects(127)).is_ok());
        // Refused at the opening bracket of the 128th level, where serde_json refuses it.
        let refused = Problem::Syntax { line: 1, column: 128, detail: "recursion limit exceeded".to_owned() };
        assert_eq!(parse(&arrays(128)), Err(refused));
        assert!(matches!(parse(&objects(128)), Err(Problem::Syntax { detail, .. }) if detail == "recursion limit exceeded"));
        assert!(matches!(parse(&arrays(100_000)), Err(Problem::Syntax { .. })));
    }

    #[test]
    fn paths_are_json_pointers() {
        let value = parse(r#"{"a/b": [{"~c": 1}]}"#).unwrap();
        let root = Node::root(&value);
        let items = root.get("a/b").items().unwrap();
        let error = items[0].get("~c").text().unwrap_err();
        assert_eq!(error.path, "/a~1b/0/~0c");
        assert_eq!(error.found, Found::Number);
        assert_eq!(root.get("missing").text().unwrap_err().found, Found::Missing);
        assert_eq!(Node::root(&Value::Null).object().unwrap_err().path, "/");
    }

    #[test]
    fn pointers_reach_members_and_elements() {
        let value = parse(r#"{"items": [{"a/b": {"~c": "x"}}], "": 1}"#).unwrap();
        let root = Node::root(&value);
        let cases = [
            ("/items/0/a~1b/~0c", Some(Value::from("x")), "/items/0/a~1b/~0c"),
            ("", Some(value.clone()), "/"),
            ("/", Some(Value::from(1i64)), "/"),
            ("/items/1/a", None, "/items/1/a"),
            ("/items/x", None, "/items/x"),
        ];
        for (pointer, expected, path) in cases {
            let node = root.at(pointer);
            assert_eq!(node.value().cloned(), expected, "{pointer}");
            assert_eq!(node.path(), path, "{pointer}");
        }
    }
}
