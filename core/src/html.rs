//! HTML from a backend (WordPress `content.rendered`, JSON Feed `content_html`) turned into
//! the article model, so that it is never inserted as HTML.
//!
//! A small, tolerant tokenizer feeds a builder that keeps what the model can say —
//! paragraphs, headings, quotes, lists, images, emphasis, strong text and safe links — and
//! keeps the text of everything else. Scripts, styles, frames, embedded objects and vector
//! graphics are dropped with their content. Both run in one pass without recursion and in
//! linear time, whatever the input: nesting, unclosed tags and stray end tags included.

use std::collections::HashMap;

use crate::article::{Block, HeadingLevel, Image, Inline};
use crate::url::SafeUrl;

/// The blocks that `html` shows, as a browser would lay them out.
pub fn to_blocks(html: &str) -> Vec<Block> {
    let mut builder = Builder::default();
    for token in (Tokenizer { html, position: 0 }) {
        match token {
            Token::Start { name, attributes } => builder.start(name, &attributes),
            Token::End { name } => builder.end(&name),
            Token::Text(text) => builder.text(&text),
        }
    }
    builder.finish()
}

/// The text that `html` shows, for titles, summaries and comments: blocks are separated by
/// a blank line, and line breaks (`<br>`) are kept as `\n`.
pub fn to_plain_text(html: &str) -> String {
    let texts: Vec<String> = to_blocks(html).iter().filter_map(block_text).collect();
    texts.join("\n\n")
}

fn block_text(block: &Block) -> Option<String> {
    match block {
        Block::Paragraph(content) => Some(Inline::plain_text(content)),
        Block::Heading { text, .. } => Some(text.clone()),
        Block::Quote { content, attribution } => {
            let quote = Inline::plain_text(content);
            Some(attribution.as_ref().map_or(quote.clone(), |by| format!("{quote}\n{by}")))
        }
        Block::List { items, .. } => Some(items.iter().map(|item| Inline::plain_text(item)).collect::<Vec<_>>().join("\n")),
        Block::Image(image) => image.caption.clone(),
    }
}

// ---------------------------------------------------------------------------------------
// Tokenizer

enum Token<'a> {
    Start { name: String, attributes: Vec<(String, String)> },
    End { name: String },
    Text(std::borrow::Cow<'a, str>),
}

/// Elements whose content the tokenizer skips up to their end tag, as browsers read it as
/// raw text (`<script>if (a<b) …</script>`); all of them are dropped with their content.
const RAW_TEXT: &[&str] = &["script", "style", "iframe", "noscript", "noembed", "noframes", "xmp", "textarea", "title", "plaintext"];

struct Tokenizer<'a> {
    html: &'a str,
    position: usize,
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = &self.html[self.position..];
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let end = rest.find('<').unwrap_or(rest.len());
                self.position += end;
                return Some(Token::Text(decode_references(&rest[..end], Context::Text)));
            }
            let bytes = rest.as_bytes();
            let letter_at = |index: usize| bytes.get(index).is_some_and(u8::is_ascii_alphabetic);
            if letter_at(1) {
                self.position += 1;
                if let Some(token) = self.start_tag() {
                    return Some(token);
                }
            } else if bytes.get(1) == Some(&b'/') && letter_at(2) {
                self.position += 2;
                let (name, _) = self.tag_body();
                return Some(Token::End { name });
            } else if rest.starts_with("<!--") {
                self.skip_comment();
            } else if matches!(bytes.get(1), Some(b'!' | b'?' | b'/')) {
                // `<!doctype>`, `<![CDATA[…]]>`, `<?xml?>` and `</ >`: bogus comments, up to `>`.
                self.position += rest.find('>').map_or(rest.len(), |end| end + 1);
            } else {
                self.position += 1;
                return Some(Token::Text("<".into()));
            }
        }
    }
}

impl<'a> Tokenizer<'a> {
    /// A start tag after its `<`; `None` when it is one whose content is skipped.
    fn start_tag(&mut self) -> Option<Token<'static>> {
        let (name, attributes) = self.tag_body();
        if RAW_TEXT.contains(&name.as_str()) {
            self.skip_raw_text(&name);
            return None;
        }
        Some(Token::Start { name, attributes })
    }

    /// A tag's name and attributes, up to and including its `>` or the end of the input (a
    /// tag cut short there is kept: nothing follows it to change).
    fn tag_body(&mut self) -> (String, Vec<(String, String)>) {
        let bytes = self.html.as_bytes();
        let name = self.take_while(|b| !is_space(b) && b != b'/' && b != b'>').to_ascii_lowercase();
        let mut attributes = Vec::new();
        loop {
            self.take_while(|b| is_space(b) || b == b'/');
            match bytes.get(self.position) {
                None => break,
                Some(b'>') => {
                    self.position += 1;
                    break;
                }
                Some(_) => {}
            }
            // An attribute name may start with `=`; it then belongs to the name. Its first
            // character may be any, so step over it whole, not over one byte.
            let first = self.position;
            self.position += self.html[first..].chars().next().map_or(1, char::len_utf8);
            self.take_while(|b| !is_space(b) && !matches!(b, b'/' | b'>' | b'='));
            let attribute = self.html[first..self.position].to_ascii_lowercase();
            self.take_while(is_space);
            let mut value = std::borrow::Cow::Borrowed("");
            if bytes.get(self.position) == Some(&b'=') {
                self.position += 1;
                self.take_while(is_space);
                value = match bytes.get(self.position) {
                    Some(&quote @ (b'"' | b'\'')) => {
                        self.position += 1;
                        let raw = self.take_while(|b| b != quote);
                        self.position = (self.position + 1).min(bytes.len());
                        decode_references(raw, Context::AttributeValue)
                    }
                    _ => decode_references(self.take_while(|b| !is_space(b) && b != b'>'), Context::AttributeValue),
                };
            }
            attributes.push((attribute, value.into_owned()));
        }
        (name, attributes)
    }

    /// Advances over bytes that `accept`; the slice passed. Delimiters are ASCII, so the
    /// slice always ends on a character boundary.
    fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> &'a str {
        let start = self.position;
        let length = self.html.as_bytes()[start..].iter().take_while(|b| accept(**b)).count();
        self.position += length;
        &self.html[start..self.position]
    }

    /// `<!-- … -->`, including the abrupt `<!-->` and `<!--->`; an unclosed comment runs to
    /// the end, as in browsers.
    fn skip_comment(&mut self) {
        let body = &self.html[self.position + 4..];
        let length = if body.starts_with('>') {
            1
        } else if body.starts_with("->") {
            2
        } else {
            body.find("-->").map_or(body.len(), |end| end + 3)
        };
        self.position += 4 + length;
    }

    /// Skips to after `</name>` (any case), or to the end.
    fn skip_raw_text(&mut self, name: &str) {
        let rest = &self.html[self.position..];
        let bytes = rest.as_bytes();
        let mut from = 0;
        while let Some(found) = rest[from..].find("</") {
            let name_start = from + found + 2;
            let name_end = name_start + name.len();
            let matches_name = bytes.get(name_start..name_end).is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
            if matches_name && bytes.get(name_end).is_none_or(|b| is_space(*b) || matches!(b, b'/' | b'>')) {
                self.position += name_end;
                self.tag_body();
                return;
            }
            from = name_start;
        }
        self.position = self.html.len();
    }
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

// ---------------------------------------------------------------------------------------
// Character references

mod entities;

/// Where a character reference is read. In an attribute value, browsers leave a legacy name
/// written without its semicolon as text when a letter, a digit or `=` follows it: in
/// `href="?a=1&copy=2"`, `&copy` is a query parameter, not a copyright sign.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Text,
    AttributeValue,
}

/// Replaces character references with the text they stand for, as browsers read them (the
/// HTML standard's character reference state): every named reference of the standard
/// (`&amp;`, `&colon;`, `&fjlig;`), the legacy ones also without their semicolon
/// (`&copy 2024`), and numeric ones (`&#8217;`, `&#x2019;`), whose semicolon is optional.
/// Anything else is left as written.
fn decode_references(text: &str, context: Context) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(ampersand) = rest.find('&') {
        out.push_str(&rest[..ampersand]);
        rest = &rest[ampersand + 1..];
        let decoded_length = match rest.strip_prefix('#') {
            Some(number) => numeric_reference(number).map(|(character, length)| {
                out.push(character);
                1 + length
            }),
            None => named_reference(rest, context).map(|(text, length)| {
                out.push_str(text);
                length
            }),
        };
        match decoded_length {
            Some(length) => rest = &rest[length..],
            None => out.push('&'),
        }
    }
    out.push_str(rest);
    out.into()
}

/// The character of a numeric reference, from the text after its `&#`, and the length of
/// that text up to and including its semicolon, if any.
fn numeric_reference(after_hash: &str) -> Option<(char, usize)> {
    let (digits, radix) = match after_hash.strip_prefix(['x', 'X']) {
        Some(hex) => (hex, 16),
        None => (after_hash, 10),
    };
    let length = digits.bytes().take_while(|b| char::from(*b).is_digit(radix)).count();
    if length == 0 {
        return None;
    }
    let code = digits[..length]
        .chars()
        .filter_map(|d| d.to_digit(radix))
        .fold(0_u32, |code, digit| code.saturating_mul(radix).saturating_add(digit));
    let character = match code {
        0x80..=0x9f => WINDOWS_1252[(code - 0x80) as usize],
        // Zero, surrogates and numbers past U+10FFFF name no character.
        _ => char::from_u32(code).filter(|c| *c != '\0').unwrap_or('\u{fffd}'),
    };
    let semicolon = usize::from(digits[length..].starts_with(';'));
    Some((character, after_hash.len() - digits.len() + length + semicolon))
}

/// The characters that browsers read for the numeric references 0x80 to 0x9F: documents
/// that write these C1 controls mean Windows-1252, whose five unassigned ones stay as they are.
const WINDOWS_1252: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}', '\u{90}', '‘', '’', '“',
    '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The text of a named reference, from the text after its `&`, and the length of its name
/// and semicolon. A name followed by `;` is looked up whole; failing that, the longest legacy
/// name that the text starts with counts without its semicolon (`&notit;` is `¬it;`), unless
/// an attribute value's letter, digit or `=` follows it.
fn named_reference(after_ampersand: &str, context: Context) -> Option<(&'static str, usize)> {
    let bytes = after_ampersand.as_bytes();
    let length = bytes.iter().take(entities::LONGEST_NAME + 1).take_while(|b| b.is_ascii_alphanumeric()).count();
    let name = &after_ampersand[..length];
    if bytes.get(length) == Some(&b';') {
        let found = find_reference(entities::LEGACY_REFERENCES, name).or_else(|| find_reference(entities::NAMED_REFERENCES, name));
        if let Some(text) = found {
            return Some((text, length + 1));
        }
    }
    let (text, length) = (1..=length.min(entities::LONGEST_LEGACY_NAME))
        .rev()
        .find_map(|end| find_reference(entities::LEGACY_REFERENCES, &name[..end]).map(|text| (text, end)))?;
    let continues_a_word = bytes.get(length).is_some_and(|b| *b == b'=' || b.is_ascii_alphanumeric());
    (context == Context::Text || !continues_a_word).then_some((text, length))
}

/// The text that `name` (without its `;`) stands for in one of the generated tables, by a
/// binary search over the table's bytes: each entry starts with a `\0`, and they are sorted by
/// name.
fn find_reference(table: &'static str, name: &str) -> Option<&'static str> {
    let bytes = table.as_bytes();
    // The entries left to search lie between `low` and `high`, each the start of an entry
    // or the end of the table.
    let (mut low, mut high) = (0, bytes.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let start = low + bytes[low..=middle].iter().rposition(|b| *b == 0).unwrap_or(0);
        let end = bytes[start + 1..high].iter().position(|b| *b == 0).map_or(high, |length| start + 1 + length);
        let (entry_name, text) = table[start + 1..end].split_once(';')?;
        match entry_name.cmp(name) {
            std::cmp::Ordering::Less => low = end,
            std::cmp::Ordering::Greater => high = start,
            std::cmp::Ordering::Equal => return Some(text),
        }
    }
    None
}

// ---------------------------------------------------------------------------------------
// Builder

/// Elements dropped with everything inside them: code, styles, embedded documents and
/// media whose fallback text means nothing without them.
const DROPPED: &[&str] = &[
    "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math", "head", "select", "button",
    "video", "audio", "canvas", "applet", "frameset",
];

/// Elements that never have content or an end tag.
const VOID: &[&str] = &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Elements that start and end a block: text before and after them is not in one paragraph.
const BLOCK_BOUNDARIES: &[&str] = &[
    "p", "div", "section", "article", "aside", "header", "footer", "main", "nav", "address", "pre", "li", "dl", "dt",
    "dd", "table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "details", "summary", "form", "fieldset",
    "figcaption", "center", "hgroup", "menu", "dir", "hr",
];

/// Formatting nests at most this deep; deeper formatting keeps its text. The model is a
/// tree, and a tree thousands of levels deep would overflow the stack of whatever walks it.
pub const MAX_INLINE_DEPTH: usize = 8;

/// At most this many line breaks in a row: a blank line, however many `<br>` were written.
const MAX_LINE_BREAKS: usize = 2;

/// What an open element does, undone or completed when it closes.
enum Role {
    /// Text inside is dropped.
    Dropped,
    /// Pushed a formatting frame.
    Formatting,
    /// Ends the current paragraph when it closes, as it did when it opened.
    Boundary,
    /// The outermost heading, quote or list, which collects the text inside it.
    Container,
    /// A quote's attribution or an image's caption, collected as plain text.
    Capture,
    Figure,
    /// Nothing: its text is kept where it is.
    Transparent,
}

struct Open {
    name: String,
    role: Role,
}

enum Frame {
    Emphasis,
    Strong,
    Link(SafeUrl),
}

impl Frame {
    /// The inline this frame makes of its content; nothing when it has none.
    fn wrap(&self, content: Vec<Inline>) -> Option<Inline> {
        if content.is_empty() {
            return None;
        }
        Some(match self {
            Frame::Emphasis => Inline::Emphasis(content),
            Frame::Strong => Inline::Strong(content),
            Frame::Link(href) => Inline::Link { href: href.clone(), content },
        })
    }
}

enum ContainerKind {
    Heading(HeadingLevel),
    Quote { content: Vec<Inline>, attribution: Option<String> },
    List { ordered: bool, items: Vec<Vec<Inline>> },
}

struct Container {
    kind: ContainerKind,
    /// Its index in the stack of open elements.
    opened_at: usize,
    /// Images met inside it, placed after it: the model has no image in a list or a quote.
    images_after: Vec<Block>,
}

#[derive(Clone, Copy)]
enum Capture {
    Attribution,
    /// The caption of the innermost open figure.
    FigureCaption,
}

struct Figure {
    image: Option<Image>,
    caption: Option<String>,
    opened_at: usize,
    /// How many blocks were out when it opened, to find a quote it holds.
    blocks_before: usize,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    open: Vec<Open>,
    /// How many of each element are open, so that a stray end tag is ignored without
    /// searching the whole stack: that keeps hostile input linear.
    open_counts: HashMap<String, usize>,
    /// Open elements whose content is dropped.
    dropping: usize,
    /// The paragraph being written, outside any open formatting.
    run: Vec<Inline>,
    /// Open formatting, innermost last, each with its content so far.
    frames: Vec<(Frame, Vec<Inline>)>,
    /// Whether the run has visible text: spaces and breaks before it are dropped.
    run_has_text: bool,
    /// A space seen since the last visible character, and the depth of formatting where.
    pending_space: Option<usize>,
    pending_breaks: usize,
    container: Option<Container>,
    capture: Option<Capture>,
    figures: Vec<Figure>,
}

impl Builder {
    fn start(&mut self, name: String, attributes: &[(String, String)]) {
        if self.dropping > 0 {
            if !VOID.contains(&name.as_str()) {
                self.push_open(name, Role::Transparent);
            }
            return;
        }
        let role = match name.as_str() {
            "br" => return self.line_break(),
            "img" => return self.image(attributes),
            "hr" => return self.boundary(),
            void if VOID.contains(&void) => return,
            dropped if DROPPED.contains(&dropped) => {
                self.dropping += 1;
                Role::Dropped
            }
            "em" | "i" => self.open_frame(Frame::Emphasis),
            "strong" | "b" => self.open_frame(Frame::Strong),
            "a" => match attribute(attributes, "href").and_then(SafeUrl::parse) {
                Some(href) if !self.frames.iter().any(|(frame, _)| matches!(frame, Frame::Link(_))) => {
                    self.open_frame(Frame::Link(href))
                }
                _ => Role::Transparent,
            },
            "h1" | "h2" => self.open_container(ContainerKind::Heading(HeadingLevel::H2)),
            "h3" => self.open_container(ContainerKind::Heading(HeadingLevel::H3)),
            "h4" | "h5" | "h6" => self.open_container(ContainerKind::Heading(HeadingLevel::H4)),
            "blockquote" => self.open_container(ContainerKind::Quote { content: Vec::new(), attribution: None }),
            "ul" | "ol" => self.open_container(ContainerKind::List { ordered: name == "ol", items: Vec::new() }),
            "figure" => {
                self.boundary();
                self.figures.push(Figure { image: None, caption: None, opened_at: self.open.len(), blocks_before: self.blocks.len() });
                Role::Figure
            }
            "figcaption" | "cite" => match self.caption_target(&name) {
                Some(capture) if self.capture.is_none() => {
                    self.boundary();
                    self.capture = Some(capture);
                    Role::Capture
                }
                _ if name == "cite" => Role::Transparent,
                _ => self.open_boundary(),
            },
            block if BLOCK_BOUNDARIES.contains(&block) => self.open_boundary(),
            _ => Role::Transparent,
        };
        self.push_open(name, role);
    }

    fn push_open(&mut self, name: String, role: Role) {
        *self.open_counts.entry(name.clone()).or_default() += 1;
        self.open.push(Open { name, role });
    }

    /// Closes the innermost open `name` and everything opened inside it; an end tag with
    /// nothing to close is ignored, as browsers do.
    fn end(&mut self, name: &str) {
        if self.open_counts.get(name).is_none_or(|count| *count == 0) {
            return;
        }
        while let Some(open) = self.open.pop() {
            if let Some(count) = self.open_counts.get_mut(&open.name) {
                *count -= 1;
            }
            self.close(open.role);
            if open.name == name {
                break;
            }
        }
    }

    fn close(&mut self, role: Role) {
        match role {
            Role::Dropped => self.dropping -= 1,
            Role::Formatting => self.close_frame(),
            Role::Boundary => self.boundary(),
            Role::Container => self.close_container(),
            Role::Capture => self.close_capture(),
            Role::Figure => self.close_figure(),
            Role::Transparent => {}
        }
    }

    fn finish(mut self) -> Vec<Block> {
        while let Some(open) = self.open.pop() {
            self.close(open.role);
        }
        self.flush_run();
        self.blocks
    }

    /// Adds text as a browser shows it: runs of ASCII whitespace become one space, dropped
    /// at the start and the end of a block and around line breaks. A space waits for the
    /// next visible character, at the depth of formatting where it was written, so that
    /// `a <a href>b</a>` does not underline it.
    fn text(&mut self, text: &str) {
        if self.dropping > 0 {
            return;
        }
        let depth = self.frames.len();
        let mut shown = String::with_capacity(text.len());
        // Word by word, not character by character: comments come by thousands at once.
        let mut rest = text;
        loop {
            // ASCII whitespace is never part of another character's bytes.
            let word_start = rest.bytes().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len());
            if word_start > 0 {
                self.pending_space.get_or_insert(depth);
            }
            rest = &rest[word_start..];
            if rest.is_empty() {
                break;
            }
            if self.run_has_text {
                match self.pending_space {
                    _ if self.pending_breaks > 0 => shown.extend(std::iter::repeat_n('\n', self.pending_breaks)),
                    Some(space_depth) if space_depth < depth => self.append(space_depth, " "),
                    Some(_) => shown.push(' '),
                    None => {}
                }
            }
            self.pending_breaks = 0;
            self.pending_space = None;
            self.run_has_text = true;
            let word_end = rest.bytes().position(|b| b.is_ascii_whitespace()).unwrap_or(rest.len());
            shown.push_str(&rest[..word_end]);
            rest = &rest[word_end..];
        }
        self.append(depth, &shown);
    }

    /// Appends text to the run (depth 0) or to the content of open formatting.
    fn append(&mut self, depth: usize, text: &str) {
        if text.is_empty() {
            return;
        }
        let target = match depth.checked_sub(1) {
            Some(index) => &mut self.frames[index].1,
            None => &mut self.run,
        };
        match target.last_mut() {
            Some(Inline::Text(previous)) => previous.push_str(text),
            _ => target.push(Inline::Text(text.to_owned())),
        }
    }

    fn line_break(&mut self) {
        if self.run_has_text {
            self.pending_breaks = (self.pending_breaks + 1).min(MAX_LINE_BREAKS);
        }
    }

    fn open_frame(&mut self, frame: Frame) -> Role {
        if self.frames.len() >= MAX_INLINE_DEPTH {
            return Role::Transparent;
        }
        self.frames.push((frame, Vec::new()));
        Role::Formatting
    }

    fn close_frame(&mut self) {
        let Some((frame, content)) = self.frames.pop() else { return };
        let target = match self.frames.last_mut() {
            Some((_, content)) => content,
            None => &mut self.run,
        };
        target.extend(frame.wrap(content));
        self.pending_space = self.pending_space.map(|depth| depth.min(self.frames.len()));
    }

    fn open_boundary(&mut self) -> Role {
        self.boundary();
        Role::Boundary
    }

    /// The end of a paragraph, or of a list item; inside a caption, only a space.
    fn boundary(&mut self) {
        if self.capture.is_some() {
            self.pending_space.get_or_insert(self.frames.len());
        } else {
            self.flush_run();
        }
    }

    /// Takes the run with the content of open formatting, which stays open, empty, for
    /// the text after it: `<em>a<p>b</em>` is `a` and `b`, both emphasized, as in browsers.
    fn take_run(&mut self) -> Vec<Inline> {
        let mut inner = None;
        for (frame, content) in self.frames.iter_mut().rev() {
            let mut content = std::mem::take(content);
            content.extend(inner.take());
            inner = frame.wrap(content);
        }
        let mut run = std::mem::take(&mut self.run);
        run.extend(inner);
        self.run_has_text = false;
        self.pending_space = None;
        self.pending_breaks = 0;
        run
    }

    /// Puts the run where it belongs: a paragraph, a heading, a quote or a list item.
    fn flush_run(&mut self) {
        let run = self.take_run();
        // `<p>&nbsp;</p>`, a common spacer, shows nothing worth a block.
        if Inline::plain_text(&run).trim().is_empty() {
            return;
        }
        match self.container.as_mut().map(|container| &mut container.kind) {
            None => self.blocks.push(Block::Paragraph(run)),
            Some(ContainerKind::Heading(level)) => {
                self.blocks.push(Block::Heading { level: *level, text: Inline::plain_text(&run).trim().to_owned() });
            }
            Some(ContainerKind::Quote { content, .. }) => {
                if !content.is_empty() {
                    content.push(Inline::Text("\n".to_owned()));
                }
                content.extend(run);
            }
            Some(ContainerKind::List { items, .. }) => items.push(run),
        }
    }

    /// Headings, quotes and lists nested in another are flattened into the outermost one:
    /// the model nests none of them.
    fn open_container(&mut self, kind: ContainerKind) -> Role {
        self.boundary();
        if self.container.is_some() || self.capture.is_some() {
            return Role::Boundary;
        }
        self.container = Some(Container { kind, opened_at: self.open.len(), images_after: Vec::new() });
        Role::Container
    }

    fn close_container(&mut self) {
        self.flush_run();
        let Some(container) = self.container.take() else { return };
        match container.kind {
            ContainerKind::Heading(_) => {}
            ContainerKind::Quote { content, attribution } if !content.is_empty() => {
                self.blocks.push(Block::Quote { content, attribution });
            }
            ContainerKind::List { ordered, items } if !items.is_empty() => self.blocks.push(Block::List { ordered, items }),
            ContainerKind::Quote { .. } | ContainerKind::List { .. } => {}
        }
        self.blocks.extend(container.images_after);
    }

    /// A `<figcaption>` captions the innermost figure, unless a quote opened inside that
    /// figure, whose attribution it then is, like a `<cite>` in a quote.
    fn caption_target(&self, name: &str) -> Option<Capture> {
        let quote_at = match &self.container {
            Some(Container { kind: ContainerKind::Quote { .. }, opened_at, .. }) => Some(*opened_at),
            _ => None,
        };
        let figure_at = self.figures.last().map(|figure| figure.opened_at);
        match (quote_at, figure_at) {
            (Some(quote), figure) if figure.is_none_or(|figure| figure < quote) => Some(Capture::Attribution),
            (_, Some(_)) if name == "figcaption" => Some(Capture::FigureCaption),
            _ => None,
        }
    }

    fn close_capture(&mut self) {
        let text = Inline::plain_text(&self.take_run()).trim().to_owned();
        let capture = self.capture.take();
        if text.is_empty() {
            return;
        }
        match (capture, self.container.as_mut(), self.figures.last_mut()) {
            (Some(Capture::Attribution), Some(Container { kind: ContainerKind::Quote { attribution, .. }, .. }), _) => {
                *attribution = Some(text);
            }
            (Some(Capture::FigureCaption), _, Some(figure)) => figure.caption = Some(text),
            _ => {}
        }
    }

    fn image(&mut self, attributes: &[(String, String)]) {
        let Some(src) = attribute(attributes, "src").and_then(SafeUrl::parse) else { return };
        if self.capture.is_some() {
            return;
        }
        let dimension = |name| attribute(attributes, name).and_then(|value| value.trim().parse::<u32>().ok()).filter(|n| *n > 0);
        let image = Image {
            src,
            alt: collapse_whitespace(attribute(attributes, "alt").unwrap_or_default()),
            caption: None,
            credit: None,
            width: dimension("width"),
            height: dimension("height"),
        };
        match self.figures.last_mut() {
            Some(figure) if figure.image.is_none() => figure.image = Some(image),
            _ => self.place(Block::Image(image)),
        }
    }

    fn close_figure(&mut self) {
        self.boundary();
        let Some(figure) = self.figures.pop() else { return };
        match (figure.image, figure.caption) {
            (Some(image), caption) => self.place(Block::Image(Image { caption, ..image })),
            (None, Some(caption)) => {
                // `<figure><blockquote>…</blockquote><figcaption>` attributes the quote.
                let quote = self.blocks[figure.blocks_before..].last_mut();
                match quote {
                    Some(Block::Quote { attribution: attribution @ None, .. }) => *attribution = Some(caption),
                    _ => self.place(Block::Paragraph(vec![Inline::Text(caption)])),
                }
            }
            (None, None) => {}
        }
    }

    /// Adds a block where it can go: after the paragraph so far, or after the open
    /// container, which cannot hold it.
    fn place(&mut self, block: Block) {
        match &mut self.container {
            Some(container) => container.images_after.push(block),
            None => {
                self.flush_run();
                self.blocks.push(block);
            }
        }
    }
}

fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes.iter().find(|(attribute, _)| attribute == name).map(|(_, value)| value.as_str())
}

fn collapse_whitespace(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_references_in_text_and_in_attribute_values() {
        // (as written, as read in text, as read in an attribute value)
        let cases = [
            ("Don&#8217;t &amp; won&#x2019;t", "Don’t & won’t", "Don’t & won’t"),
            ("&lt;b&gt; &quot;q&quot; &apos;a&apos;", "<b> \"q\" 'a'", "<b> \"q\" 'a'"),
            ("caf&eacute;&nbsp;&hellip;&mdash;&ndash;", "café\u{a0}…—–", "café\u{a0}…—–"),
            ("&#65&#66;&#x80&#150;", "AB€–", "AB€–"),
            ("&#0; &#xD800; &#99999999999999999999;", "\u{fffd} \u{fffd} \u{fffd}", "\u{fffd} \u{fffd} \u{fffd}"),
            ("AT&T &unknown; & &; &#; &#x;", "AT&T &unknown; & &; &#; &#x;", "AT&T &unknown; & &; &#; &#x;"),
            ("&amp &ampx; &amp= &amp", "& &x; &= &", "& &ampx; &amp= &"),
            ("&not &notit; &notin; &notin", "¬ ¬it; ∉ ¬in", "¬ &notit; ∉ &notin"),
            ("&copy2024 &copy;2024 &copy-2024", "©2024 ©2024 ©-2024", "&copy2024 ©2024 ©-2024"),
            ("&hellip &colon &colon;", "&hellip &colon :", "&hellip &colon :"),
            ("no references", "no references", "no references"),
        ];
        for (input, in_text, in_attribute) in cases {
            assert_eq!(decode_references(input, Context::Text), in_text, "{input:?} in text");
            assert_eq!(decode_references(input, Context::AttributeValue), in_attribute, "{input:?} in an attribute value");
        }
    }

    /// The generated tables hold the standard's (`python3 scripts/gen-entities.py --check`
    /// compares them whole), and the binary search finds each of their entries.
    #[test]
    fn every_named_reference_of_the_standard_is_found() {
        let entries = |table: &'static str| -> Vec<(&'static str, &'static str)> {
            let entries: Vec<_> = table.split('\0').skip(1).map(|entry| entry.split_once(';').unwrap()).collect();
            assert!(entries.windows(2).all(|pair| pair[0].0 < pair[1].0), "sorted bytewise, each name once");
            for (name, text) in &entries {
                assert!(!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric()), "{name}");
                assert!(matches!(text.chars().count(), 1 | 2), "{name}");
                assert_eq!(find_reference(table, name), Some(*text), "{name}");
            }
            entries
        };
        let legacy = entries(entities::LEGACY_REFERENCES);
        let others = entries(entities::NAMED_REFERENCES);
        let mut names: Vec<&str> = legacy.iter().chain(&others).map(|(name, _)| *name).collect();
        names.sort_unstable();
        names.dedup();
        // The standard lists 2,231 names: each with its semicolon, the legacy ones also without.
        assert_eq!((names.len(), legacy.len()), (2125, 106));
        assert_eq!(names.iter().map(|name| name.len()).max(), Some(entities::LONGEST_NAME));
        assert_eq!(legacy.iter().map(|(name, _)| name.len()).max(), Some(entities::LONGEST_LEGACY_NAME));

        let spot_checks = [
            ("amp", "&", true),
            ("AMP", "&", true),
            ("quot", "\"", true),
            ("nbsp", "\u{a0}", true),
            ("yuml", "ÿ", true),
            ("colon", ":", false),
            ("semi", ";", false),
            ("bsol", "\\", false),
            ("Tab", "\t", false),
            ("NewLine", "\n", false),
            ("fjlig", "fj", false),
            ("bne", "=\u{20e5}", false),
            ("NotNestedGreaterGreater", "\u{2aa2}\u{338}", false),
            ("Afr", "\u{1d504}", false),
            ("CounterClockwiseContourIntegral", "\u{2233}", false),
            ("zwnj", "\u{200c}", false),
        ];
        for (name, text, is_legacy) in spot_checks {
            let table = if is_legacy { entities::LEGACY_REFERENCES } else { entities::NAMED_REFERENCES };
            assert_eq!(find_reference(table, name), Some(text), "{name}");
        }
        for absent in ["", "A", "AEli", "ampx", "Amp", "zzzz", "CounterClockwiseContourIntegralx", "0"] {
            assert_eq!(find_reference(entities::LEGACY_REFERENCES, absent), None, "{absent}");
            assert_eq!(find_reference(entities::NAMED_REFERENCES, absent), None, "{absent}");
        }
    }
}
