//! The widget's XSS invariant as code, for the tests that hold the safe-HTML converter and
//! the views to it: `tests/xss.rs` scans the markup the views render on a server, and the
//! `safe_html` fuzz target (`fuzz/`) walks the blocks the converter makes of arbitrary input.
//! Built only with the `checks` feature, which only tests enable: the widget never ships it.

use crate::article::{Block, Inline};
use crate::html::MAX_INLINE_DEPTH;

/// Hostile HTML, as a backend could send it: OWASP's XSS filter-evasion cheat sheet, and the
/// constructs an HTML converter gets wrong (comments, CDATA, nested and split tags). Shared by
/// the tests that feed them to the views (`tests/xss.rs`) and to the server's fragments
/// (`server/tests/fragment.rs`), so that both face the same list.
pub const VECTORS: &[&str] = &[
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=javascript:alert('XSS')>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<a onmouseover=\"alert(document.cookie)\">xxs link</a>",
    "<a onmouseover=alert(document.cookie)>xxs link</a>",
    "<IMG \"\"\"><SCRIPT>alert(\"XSS\")</SCRIPT>\"\\>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    "<IMG SRC= onmouseover=\"alert('xxs')\">",
    "<IMG onmouseover=\"alert('xxs')\">",
    "<IMG SRC=/ onerror=\"alert(String.fromCharCode(88,83,83))\"></img>",
    "<img src=x onerror=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041\">",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<SCRIPT/XSS SRC=\"http://xss.example/xss.js\"></SCRIPT>",
    "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(\"XSS\")>",
    "<<SCRIPT>alert(\"XSS\");//\\<</SCRIPT>",
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    "<IMG SRC=\"`<javascript:alert>`('XSS')\"",
    "<iframe src=http://xss.example/scriptlet.html <",
    "</TITLE><SCRIPT>alert(\"XSS\");</SCRIPT>",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<IMG DYNSRC=\"javascript:alert('XSS')\">",
    "<STYLE>li {list-style-image: url(\"javascript:alert('XSS')\");}</STYLE><UL><LI>XSS</br>",
    "<svg/onload=alert('XSS')>",
    "<BODY ONLOAD=alert('XSS')>",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    "<OBJECT TYPE=\"text/x-scriptlet\" DATA=\"http://xss.example/scriptlet.html\"></OBJECT>",
    "<EMBED SRC=\"data:image/svg+xml;base64,PHN2ZyB4bWxuczpzdmc9Imh0dH A6Ly93d3cudzMub3JnLzIwMDAvc3ZnIiB4bWxucz0iaHR0cDovL3d3dy53My5vcmcv MjAwMC9zdmciIHhtbG5zOnhsaW5rPSJodHRwOi8vd3d3LnczLm9yZy8xOTk5L3hs aW5rIiB2ZXJzaW9uPSIxLjAiIHg9IjAiIHk9IjAiIHdpZHRoPSIxOTQiIGhlaWdodD0iMjAw IiBpZD0ieHNzIj48c2NyaXB0IHR5cGU9InRleHQvZWNtYXNjcmlwdCI+YWxlcnQoIlh TUyIpOzwvc2NyaXB0Pjwvc3ZnPg==\" type=\"image/svg+xml\" AllowScriptAccess=\"always\"></EMBED>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4=\">click</a>",
    "<a href=\"vbscript:msgbox('XSS')\">click</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">click</a>",
    "<a href=\"javas&#99;ript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt&colon;alert(1)\">click</a>",
    "<a href=\"java&Tab;script&colon;alert(1)\">click</a>",
    "<IMG SRC=\"javascript&colon;alert('XSS')\">",
    "<a href=\" javascript:alert(1)\">click</a>",
    "<a href=\"java\u{0}script:alert(1)\">click</a>",
    "<!--<script>alert(1)</script>--><p>after a comment</p>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<p title=\"</p><script>alert(1)</script>\">quoted</p>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<template><script>alert(1)</script></template><noscript><img src=x onerror=alert(1)></noscript>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
];

/// What must never reach a page: elements that run or load code, event handler attributes,
/// styles, and `href` or `src` URLs that are not web or mail addresses. Reads server-rendered
/// markup, whose attribute values are always double-quoted with their quotes escaped.
pub fn script_capable(markup: &str) -> Option<String> {
    const ELEMENTS: [&str; 15] = [
        "script", "iframe", "object", "embed", "svg", "math", "style", "link", "meta", "base", "form", "input", "body",
        "template", "noscript",
    ];
    for tag in markup.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = tag.split([' ', '/']).next().unwrap_or_default().to_ascii_lowercase();
        if ELEMENTS.contains(&name.as_str()) {
            return Some(format!("element <{name}>"));
        }
        let mut rest = tag[name.len()..].trim_start();
        while !rest.is_empty() && rest != "/" {
            let end = rest.find(['=', ' ']).unwrap_or(rest.len());
            let attribute = rest[..end].to_ascii_lowercase();
            rest = &rest[end..];
            let value = if let Some(quoted) = rest.strip_prefix("=\"") {
                let close = quoted.find('"').unwrap_or(quoted.len());
                rest = quoted.get(close + 1..).unwrap_or_default();
                quoted[..close].to_owned()
            } else if let Some(bare) = rest.strip_prefix('=') {
                let close = bare.find(' ').unwrap_or(bare.len());
                rest = &bare[close..];
                bare[..close].to_owned()
            } else {
                String::new()
            };
            rest = rest.trim_start();
            if attribute.starts_with("on") || ["style", "srcdoc", "action", "formaction"].contains(&attribute.as_str()) {
                return Some(format!("attribute {attribute} in <{tag}>"));
            }
            if ["href", "src"].contains(&attribute.as_str()) && script_url(&value) {
                return Some(format!("{attribute}=\"{value}\""));
            }
        }
    }
    None
}

/// Whether a URL in `href` or `src` could run or load code: it has a scheme, and not http,
/// https or mailto. Written apart from `SafeUrl`, which it checks, and stricter than browsers
/// read URLs: every whitespace and control character is dropped, not only tabs, newlines
/// and those at either end, and any scheme-like prefix counts as a scheme.
pub fn script_url(url: &str) -> bool {
    let seen: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
    match seen.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))) {
        Some(end) if end > 0 && seen[end..].starts_with(':') => {
            !matches!(seen[..end].to_ascii_lowercase().as_str(), "http" | "https" | "mailto")
        }
        _ => false,
    }
}

/// What in the converter's blocks could become script-capable or break the views: a link
/// or image URL that [`script_url`] refuses, or formatting nested deeper than the converter
/// allows (the views walk it recursively). The rest of the model is text, which the views
/// only ever put in text nodes and attribute values (`tests/xss.rs` checks them).
pub fn unsafe_block(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|block| match block {
        Block::Paragraph(content) | Block::Quote { content, .. } => unsafe_inline(content, 0),
        Block::List { items, .. } => items.iter().find_map(|item| unsafe_inline(item, 0)),
        Block::Image(image) => script_url(image.src.as_str()).then(|| format!("image src {:?}", image.src.as_str())),
        Block::Heading { .. } => None,
    })
}

fn unsafe_inline(content: &[Inline], depth: usize) -> Option<String> {
    if depth > MAX_INLINE_DEPTH {
        return Some(format!("formatting nested {depth} deep"));
    }
    content.iter().find_map(|inline| match inline {
        Inline::Text(_) => None,
        Inline::Emphasis(inner) | Inline::Strong(inner) => unsafe_inline(inner, depth + 1),
        Inline::Link { href, .. } if script_url(href.as_str()) => Some(format!("link href {:?}", href.as_str())),
        Inline::Link { content, .. } => unsafe_inline(content, depth + 1),
    })
}
