//! Reading a JSON document while knowing where one is in it, so that every complaint names
//! its place as a JSON Pointer and says what was expected and what was found.

use serde_json::Value;

use crate::datetime::DateTime;
use crate::error::{Expected, Found, Problem, ShapeError};
use crate::url::SafeUrl;

/// Parses a response body, locating syntax errors by line and column.
pub fn parse(text: &str) -> std::result::Result<Value, Problem> {
    serde_json::from_str(text).map_err(|error| {
        let message = error.to_string();
        // serde_json appends " at line L column C", which the problem carries as numbers.
        let detail = message.rsplit_once(" at line ").map_or(message.as_str(), |(d, _)| d);
        Problem::Syntax { line: error.line(), column: error.column(), detail: detail.to_owned() }
    })
}

/// Parses a response body and reads it from its root with `read`: the one way every
/// decoder turns text into the model, with syntax and shape problems alike.
pub fn decode<T>(text: &str, read: impl FnOnce(&Node) -> std::result::Result<T, ShapeError>) -> std::result::Result<T, Problem> {
    let value = parse(text)?;
    read(&Node::root(&value)).map_err(Problem::Shape)
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
        let escaped = key.replace('~', "~0").replace('/', "~1");
        Node {
            value: self.value.and_then(|v| v.get(key)),
            path: format!("{}/{escaped}", self.path),
        }
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
            Some(Value::Number(n)) => ShapeError { path: self.path().to_owned(), expected, found: Found::Value(n.to_string()) },
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
        let mut node = self.clone();
        for token in pointer.split('/').skip(1) {
            let key = token.replace("~1", "/").replace("~0", "~");
            node = match node.value {
                Some(Value::Array(items)) => Node {
                    value: key.parse::<usize>().ok().and_then(|index| items.get(index)),
                    path: format!("{}/{token}", node.path),
                },
                _ => node.get(&key),
            };
        }
        node
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_are_located() {
        let cases = [
            ("{\n  \"a\": 1,\n}", 3, 1),
            ("<!doctype html>", 1, 1),
            ("", 1, 0),
            ("{\"a\": tru}", 1, 10),
        ];
        for (text, line, column) in cases {
            match parse(text) {
                Err(Problem::Syntax { line: l, column: c, detail }) => {
                    assert_eq!((l, c), (line, column), "{text:?}: {detail}");
                    assert!(!detail.contains(" at line "), "{detail}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn paths_are_json_pointers() {
        let value = serde_json::json!({"a/b": [{"~c": 1}]});
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
        let value = serde_json::json!({"items": [{"a/b": {"~c": "x"}}], "": 1});
        let root = Node::root(&value);
        let cases = [
            ("/items/0/a~1b/~0c", Some(serde_json::json!("x")), "/items/0/a~1b/~0c"),
            ("", Some(value.clone()), "/"),
            ("/", Some(serde_json::json!(1)), "/"),
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
