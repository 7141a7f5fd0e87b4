//! The shape of server-rendered markup: its elements and comments in document order, as one
//! number, which the server writes beside the markup and the browser computes again from the
//! DOM it parsed, before it takes the markup over.
//!
//! Yew's hydration walks the DOM beside its first render and panics when an element or a
//! component's comment is not where the render puts it (it rewrites text and attributes
//! silently); the release build aborts on panic, which would kill every widget of the page.
//! Two markups of the same shape hydrate alike, so a shape that differs (a proxy, an
//! extension or a hand that altered the markup) is found before hydration, never by it.
//!
//! Text is not part of the shape: Yew replaces it anyway, and the HTML parser joins adjacent
//! text nodes that Yew wrote apart.
//!
//! ```
//! use article_widget_core::shape::{of_markup, Shape};
//!
//! // The browser's side: the same walk, element by element.
//! let mut dom = Shape::new();
//! dom.open("p");
//! dom.open("em");
//! dom.close();
//! dom.close();
//! dom.open("img");
//! dom.close();
//! assert_eq!(of_markup(r#"<p class="a">one <em>two</em></p><img src="x.png" alt="">"#), dom.finish());
//! assert_ne!(of_markup("<p>one</p>"), dom.finish());
//! ```

/// Elements that have no end tag and no content.
const VOID: [&str; 14] = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Elements whose content the parser reads as text (with scripting on, for `noscript`).
const RAW_TEXT: [&str; 5] = ["noscript", "script", "style", "textarea", "title"];

/// A running digest of a markup's shape (FNV-1a, 64 bits): feed it the elements and comments
/// in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape(u64);

impl Default for Shape {
    fn default() -> Self {
        Shape::new()
    }
}

impl Shape {
    pub fn new() -> Shape {
        Shape(0xcbf2_9ce4_8422_2325)
    }

    fn feed(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// An element starts (any case: the DOM's tag names are upper case).
    pub fn open(&mut self, tag: &str) {
        self.feed(b"<");
        self.feed(tag.to_ascii_lowercase().as_bytes());
        self.feed(b">");
    }

    /// The element last opened ends (void elements too).
    pub fn close(&mut self) {
        self.feed(b"/");
    }

    /// A comment: only its start counts (`<[` and `</[` mark where a component's markup
    /// begins and ends), not the component's name, which Yew writes only in debug builds.
    pub fn comment(&mut self, text: &str) {
        let start: String = text.chars().take(3).filter(|c| matches!(c, '<' | '/' | '[' | '#' | '?')).collect();
        self.feed(b"!");
        self.feed(start.as_bytes());
        self.feed(b"!");
    }

    pub fn finish(self) -> u64 {
        self.0
    }
}

/// The shape of `markup` as a browser parses it, for markup as Yew's server renderer writes
/// it: quoted attributes, escaped text, void elements without an end tag, and no optional end
/// tag left out.
pub fn of_markup(markup: &str) -> u64 {
    let mut shape = Shape::new();
    let mut rest = markup;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            let end = comment.find("-->").unwrap_or(comment.len());
            shape.comment(&comment[..end]);
            rest = comment.get(end + 3..).unwrap_or("");
        } else if let Some(closing) = rest.strip_prefix("</") {
            shape.close();
            rest = closing.get(closing.find('>').map_or(closing.len(), |end| end + 1)..).unwrap_or("");
        } else {
            let name_end = rest[1..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').map_or(rest.len(), |end| end + 1);
            let tag = rest[1..name_end].to_ascii_lowercase();
            rest = after_tag(&rest[name_end..]);
            shape.open(&tag);
            if VOID.contains(&tag.as_str()) {
                shape.close();
            } else if RAW_TEXT.contains(&tag.as_str()) {
                // Its text ends at its own end tag, which the loop then reads.
                let end_tag = format!("</{tag}");
                rest = &rest[rest.to_ascii_lowercase().find(&end_tag).unwrap_or(rest.len())..];
            }
        }
    }
    shape.finish()
}

/// What follows a start tag's `>`, skipping its attributes (whose quoted values may hold `>`).
fn after_tag(attributes: &str) -> &str {
    let mut quote = None;
    for (at, c) in attributes.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return &attributes[at + 1..],
            _ => {}
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(steps: &[&str]) -> u64 {
        let mut shape = Shape::new();
        for step in steps {
            match *step {
                "/" => shape.close(),
                comment if comment.starts_with('!') => shape.comment(&comment[1..]),
                tag => shape.open(tag),
            }
        }
        shape.finish()
    }

    #[test]
    fn markup_and_its_dom_walk_agree() {
        let markup = r#"<!--<[article_widget::views::widget::Mount]>--><div class="aw-widget" lang="fr"><h1 title="a > b">Un &lt;titre&gt;</h1><br><textarea id="x">&lt;p&gt;no element</textarea><noscript>Activez <b>JavaScript</b></noscript><input type="text"/></div><!--</[article_widget::views::widget::Mount]>-->"#;
        let walked = walk(&["!<[Mount]>", "DIV", "H1", "/", "BR", "/", "TEXTAREA", "/", "NOSCRIPT", "/", "INPUT", "/", "/", "!</[Mount]>"]);
        assert_eq!(of_markup(markup), walked);
    }

    #[test]
    fn any_element_added_removed_or_renamed_changes_the_shape() {
        let base = of_markup("<div><p>a</p><p>b</p></div>");
        for altered in ["<div><p>a</p></div>", "<div><p>a</p><p>b</p><p>c</p></div>", "<div><p>a</p><section>b</section></div>", "<div><p>a<b>!</b></p><p>b</p></div>", "<div><p>a</p><!--x--><p>b</p></div>"] {
            assert_ne!(of_markup(altered), base, "{altered}");
        }
        assert_eq!(of_markup("<div><p>other text</p><p class=\"new\">b</p></div>"), base, "text and attributes are not shape");
    }

    #[test]
    fn component_names_are_not_shape() {
        assert_eq!(of_markup("<!--<[a::B]>--><p></p><!--</[a::B]>-->"), of_markup("<!--<[]>--><p></p><!--</[]>-->"));
        assert_ne!(of_markup("<!--<[a::B]>--><p></p><!--</[a::B]>-->"), of_markup("<p></p>"));
    }
}
