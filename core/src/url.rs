//! URLs from backends are data, not code: only these ever reach an `href` or a `src`.

use std::fmt;

/// A URL that is safe to put in `href` or `src`: `http:`, `https:` or `mailto:`, or a
/// relative reference (resolved by the browser against the page). `javascript:`, `data:`,
/// `vbscript:` and any other scheme are refused, however they are spelled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SafeUrl(String);

impl SafeUrl {
    pub fn parse(text: &str) -> Option<SafeUrl> {
        // Browsers drop ASCII tab and newline anywhere in a URL and trim control characters
        // and spaces around it, so `java\tscript:` is `javascript:`: judge what they will see.
        let seen: String = text
            .trim_matches(|c: char| c <= ' ')
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .collect();
        if seen.is_empty() {
            return None;
        }
        let scheme_end = seen.find([':', '/', '?', '#']);
        let safe = match scheme_end {
            Some(end) if seen[end..].starts_with(':') => {
                let scheme = seen[..end].to_ascii_lowercase();
                matches!(scheme.as_str(), "http" | "https" | "mailto")
            }
            // No scheme: a relative reference such as `/a`, `a/b`, `?q`, `#f` or `//host/a`.
            _ => true,
        };
        safe.then_some(SafeUrl(seen))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SafeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Fills a URL template such as `/api/articles/{id}`: each `{name}` becomes its value,
/// percent-encoded as a path segment so that an id cannot change the URL's structure.
pub fn expand_template(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |url, (name, value)| {
        url.replace(&format!("{{{name}}}"), &percent_encode(value))
    })
}

/// `url` with `query` appended, each value percent-encoded.
pub fn with_query(url: &str, query: &[(&str, &str)]) -> String {
    let pairs: Vec<String> = query.iter().map(|(name, value)| format!("{name}={}", percent_encode(value))).collect();
    append_query(url, &pairs.join("&"))
}

/// `url` with an encoded `query` appended: after `?`, or after `&` when `url` has a query.
pub(crate) fn append_query(url: &str, query: &str) -> String {
    format!("{url}{}{query}", if url.contains('?') { '&' } else { '?' })
}

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - _ . ~`) as `%XX`: the
/// one encoder for path segments and query values, which then hold exactly the value.
pub fn percent_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_web_and_relative_urls() {
        for url in [
            "https://example.org/a?b#c",
            "HTTP://example.org",
            "mailto:redaction@example.org",
            "/media/hero.svg",
            "media/hero.svg",
            "./a:b",
            "?page=2",
            "#comments",
            "//cdn.example.org/x.png",
        ] {
            assert_eq!(SafeUrl::parse(url).map(|u| u.0), Some(url.to_owned()), "{url}");
        }
    }

    #[test]
    fn refuses_script_and_other_schemes_however_spelled() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{0}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "",
            "   ",
        ] {
            assert_eq!(SafeUrl::parse(url), None, "{url:?}");
        }
    }

    #[test]
    fn templates_encode_values_as_one_segment() {
        assert_eq!(expand_template("/api/articles/{id}", &[("id", "nouvel-ordre")]), "/api/articles/nouvel-ordre");
        assert_eq!(expand_template("/a/{id}/related", &[("id", "../x?y=1 é")]), "/a/..%2Fx%3Fy%3D1%20%C3%A9/related");
        assert_eq!(expand_template("/static.json", &[("id", "x")]), "/static.json");
    }

    #[test]
    fn percent_encoding_keeps_only_unreserved_characters() {
        assert_eq!(percent_encode("aZ09-_.~"), "aZ09-_.~");
        assert_eq!(percent_encode("c/2 é?&=#+%"), "c%2F2%20%C3%A9%3F%26%3D%23%2B%25");
    }

    #[test]
    fn queries_are_appended_encoded_after_the_right_separator() {
        assert_eq!(with_query("/c", &[("order", "newest"), ("cursor", "c/2")]), "/c?order=newest&cursor=c%2F2");
        assert_eq!(with_query("/c?lang=fr", &[("limit", "20")]), "/c?lang=fr&limit=20");
    }
}
