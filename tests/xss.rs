//! Hostile HTML from a backend, through the safe-HTML converter and the views, rendered on a
//! server: whatever comes in, the page gets no script-capable construct. The vectors follow
//! OWASP's XSS filter-evasion cheat sheet; a small mutation fuzzer then recombines them.
#![cfg(not(target_arch = "wasm32"))]

use std::rc::Rc;

use article_widget::core::article::Article;
use article_widget::core::datetime::DateTime;
use article_widget::core::html;
use article_widget::core::locale::Locale;
use article_widget::views::{ArticleView, ArticleViewProps};
use article_widget::core::article::{Block, Inline};
use article_widget_core::checks::{script_capable, script_url, unsafe_block};
use yew::LocalServerRenderer;

const VECTORS: &[&str] = &[
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

fn render(html_body: &str) -> String {
    let article = Rc::new(Article {
        id: "x".into(),
        lang: None,
        kicker: None,
        headline: "H".into(),
        standfirst: None,
        authors: Vec::new(),
        published: DateTime::parse_rfc3339("2024-10-11T14:05:00+02:00").unwrap(),
        updated: None,
        hero: None,
        body: html::to_blocks(html_body),
    });
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(
        LocalServerRenderer::<ArticleView>::with_props(ArticleViewProps { article, locale: Locale::En })
            .hydratable(false)
            .render(),
    )
}

#[test]
fn every_owasp_vector_renders_without_a_script_capable_construct() {
    for vector in VECTORS {
        let rendered = render(vector);
        assert_eq!(script_capable(&rendered), None, "{vector}\n→ {rendered}");
        assert_eq!(unsafe_block(&html::to_blocks(vector)), None, "{vector}");
    }
    // The checker itself catches what it must (a test that could not fail proves nothing).
    assert!(script_capable("<p><img src=x onerror=alert(1)></p>").is_some());
    assert!(script_capable("<a href=\"javascript:alert(1)\">x</a>").is_some());
    assert!(script_capable("<p>&lt;script&gt;</p>").is_none());
    assert!(script_capable("<a href=\"javasc&lt;form action=\">x</a>").is_none(), "a relative URL with odd characters");
    for url in ["javascript:alert(1)", " Java\tScript:alert(1)", "java\u{0}script:x", "data:text/html,x", "vbscript:x", "file:///etc"] {
        assert!(script_url(url), "{url:?}");
    }
    for url in ["https://example.org/a:b", "HTTP://example.org", "mailto:a@example.org", "/a:b", "a/b:c", "?q=a:b", "#a", ""] {
        assert!(!script_url(url), "{url:?}");
    }
    let nested = |depth| (0..depth).fold(vec![Inline::Text("x".into())], |inner, _| vec![Inline::Emphasis(inner)]);
    assert_eq!(unsafe_block(&[Block::Paragraph(nested(html::MAX_INLINE_DEPTH))]), None);
    assert!(unsafe_block(&[Block::Paragraph(nested(html::MAX_INLINE_DEPTH + 1))]).is_some());
}

#[test]
fn recombined_vectors_never_yield_one_either() {
    // A small mutation fuzzer, deterministic: splices, truncations and doublings of the
    // vectors, 3,000 documents.
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    for _ in 0..3_000 {
        let mut document = String::new();
        for _ in 0..1 + next(4) {
            let vector = VECTORS[next(VECTORS.len())];
            let cut = vector.char_indices().map(|(i, _)| i).nth(next(vector.chars().count().max(1))).unwrap_or(0);
            match next(3) {
                0 => document.push_str(&vector[..cut]),
                1 => document.push_str(&vector[cut..]),
                _ => document.push_str(vector),
            }
        }
        let rendered = render(&document);
        assert_eq!(script_capable(&rendered), None, "{document}\n→ {rendered}");
    }
}
