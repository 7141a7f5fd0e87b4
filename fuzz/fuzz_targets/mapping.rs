//! Arbitrary bodies through the JSON reader and every decoder of the built-in WordPress and
//! JSON Feed mappings: any answer may be refused with a `Problem`, none may panic, and a
//! document the reader accepts reads back the same from the text the widget writes of it.
#![no_main]

use std::sync::LazyLock;

use article_widget_core::json;
use article_widget_core::mapping::Mapping;
use libfuzzer_sys::fuzz_target;

// Parsed once: the built-in mappings are constants, and parsing them is not under test.
static MAPPINGS: LazyLock<[Mapping; 2]> =
    LazyLock::new(|| ["wordpress", "jsonfeed"].map(|name| Mapping::builtin(name).expect("a built-in mapping")));

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data);
    let body = body.as_ref();
    if let Ok(value) = json::parse(body) {
        assert_eq!(json::parse(&value.to_string()).as_ref(), Ok(&value), "{body:?}");
    }
    let values = [("id", "4127"), ("order", "newest")];
    // WordPress's totals come in headers: a count to read, and one that is not a number.
    let headers = [("X-WP-Total".to_owned(), "3".to_owned()), ("X-WP-TotalPages".to_owned(), "x".to_owned())];
    for mapping in MAPPINGS.iter() {
        let _ = mapping.decode_article(body, &values);
        let _ = mapping.decode_related(body, &values);
        let _ = mapping.decode_comment_page(body, &headers, Some("2"));
        let _ = mapping.decode_posted_comment(body);
        let _ = mapping.decode_error(body);
    }
});
