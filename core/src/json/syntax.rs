//! JSON text (RFC 8259) to a [`Value`], or the place and kind of its first error.

use super::value::{Map, Number, Value};
use crate::error::Problem;

/// Nesting deeper than this is refused, so that a hostile document cannot exhaust the stack:
/// 127 arrays and objects within each other, serde_json's limit, which the widget had before.
const MAX_DEPTH: usize = 127;

pub fn parse(text: &str) -> Result<Value, Problem> {
    let mut parser = Parser { text, bytes: text.as_bytes(), at: 0, depth: 0 };
    let value = parser.value().and_then(|value| {
        parser.skip_whitespace();
        if parser.at < parser.bytes.len() { Err(parser.error("trailing characters")) } else { Ok(value) }
    });
    value.map_err(|error| error.located(text))
}

/// The first error: where (a byte offset; the text's length at its end) and what.
struct SyntaxError {
    at: usize,
    detail: &'static str,
}

impl SyntaxError {
    /// Lines and columns count from 1, columns in characters; an error at the end of the
    /// text is placed on its last character (column 0 for an empty line).
    fn located(self, text: &str) -> Problem {
        let before = &text[..self.at];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let column = before[line_start..].chars().count() + usize::from(self.at < text.len());
        Problem::Syntax { line: before.matches('\n').count() + 1, column, detail: self.detail.to_owned() }
    }
}

type Result<T, E = SyntaxError> = std::result::Result<T, E>;

struct Parser<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, detail: &'static str) -> SyntaxError {
        SyntaxError { at: self.at, detail }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Value> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(open @ (b'[' | b'{')) => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error("recursion limit exceeded"));
                }
                self.at += 1;
                let value = if open == b'[' { self.array() } else { self.object() };
                self.depth -= 1;
                value
            }
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value> {
        for expected in word.bytes() {
            match self.peek() {
                Some(byte) if byte == expected => self.at += 1,
                Some(_) => return Err(self.error("expected ident")),
                None => return Err(self.error("EOF while parsing a value")),
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => _ = self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("invalid number"));
            }
        }
        Ok(Value::Number(Number::written(&self.text[start..self.at])))
    }

    /// From after the `[`.
    fn array(&mut self) -> Result<Value> {
        let mut items = Vec::new();
        self.sequence(b']', "expected `,` or `]`", "EOF while parsing a list", |parser| {
            items.push(parser.value()?);
            Ok(())
        })?;
        Ok(Value::Array(items))
    }

    /// From after the `{`.
    fn object(&mut self) -> Result<Value> {
        let mut members = Map::default();
        self.sequence(b'}', "expected `,` or `}`", "EOF while parsing an object", |parser| {
            parser.object_part(b'"', "key must be a string")?;
            let key = parser.string()?;
            parser.skip_whitespace();
            parser.object_part(b':', "expected `:`")?;
            parser.at += 1;
            members.push(key, parser.value()?);
            Ok(())
        })?;
        Ok(Value::Object(members))
    }

    /// The items of an array or object, from after its opening bracket to after `close`:
    /// `item` reads one, a comma goes on to the next.
    fn sequence(&mut self, close: u8, unexpected: &'static str, eof: &'static str, mut item: impl FnMut(&mut Self) -> Result<()>) -> Result<()> {
        self.skip_whitespace();
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(());
        }
        loop {
            item(self)?;
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_whitespace();
                    if self.peek() == Some(close) {
                        return Err(self.error("trailing comma"));
                    }
                }
                Some(byte) if byte == close => {
                    self.at += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.error(unexpected)),
                None => return Err(self.error(eof)),
            }
        }
    }

    /// Fails unless the next byte is `byte`, a part of an object's member (left for the
    /// caller to read).
    fn object_part(&self, byte: u8, unexpected: &'static str) -> Result<()> {
        match self.peek() {
            Some(next) if next == byte => Ok(()),
            Some(_) => Err(self.error(unexpected)),
            None => Err(self.error("EOF while parsing an object")),
        }
    }

    /// From the opening quote to after the closing one. The text is UTF-8 already, so
    /// unescaped runs are copied as they are.
    fn string(&mut self) -> Result<String> {
        self.at += 1;
        let mut text = String::new();
        loop {
            // The run up to the next byte that needs a look: the end, an escape, or a control.
            let run = self.bytes[self.at..].iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20);
            let Some(run) = run else {
                self.at = self.bytes.len();
                return Err(self.error("EOF while parsing a string"));
            };
            text.push_str(&self.text[self.at..self.at + run]);
            self.at += run;
            match self.bytes[self.at] {
                b'"' => {
                    self.at += 1;
                    return Ok(text);
                }
                b'\\' => {
                    self.at += 1;
                    text.push(self.escape()?);
                }
                _ => return Err(self.error("control character (\\u0000-\\u001F) found while parsing a string")),
            }
        }
    }

    /// From after the backslash.
    fn escape(&mut self) -> Result<char> {
        let Some(byte) = self.peek() else { return Err(self.error("EOF while parsing a string")) };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..0xDC00 => {
                        let low = if self.bytes[self.at..].starts_with(b"\\u") {
                            self.at += 2;
                            self.hex4()?
                        } else {
                            0
                        };
                        if !(0xDC00..0xE000).contains(&low) {
                            return Err(self.error("lone leading surrogate in hex escape"));
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..0xE000 => return Err(self.error("lone trailing surrogate in hex escape")),
                    _ => unit,
                };
                char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))?
            }
            _ => {
                self.at -= 1;
                return Err(self.error("invalid escape"));
            }
        })
    }

    fn hex4(&mut self) -> Result<u32> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(byte) => char::from(byte).to_digit(16).ok_or_else(|| self.error("invalid escape"))?,
            };
            unit = unit * 16 + digit;
            self.at += 1;
        }
        Ok(unit)
    }
}
