//! Where a fragment's data comes from: this server's own API, or an upstream named in the
//! server's configuration (`--upstream NAME=MAPPING,URL`). A request for a fragment names
//! at most an upstream; it never carries a URL or a mapping, so the server only ever asks
//! the APIs its operator listed, and is no open proxy.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use article_widget_core::mapping::Mapping;

/// One API a fragment may be rendered from, as the configuration names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upstream {
    pub name: String,
    pub mapping: MappingSource,
    /// The API root, absolute (`https://blog.example`): the server asks it, and the widget's
    /// `backend` attribute names it, so that browsers ask the same API.
    pub url: String,
    /// `scheme://host[:port]` of `url`: the only origin the server fetches from for it.
    pub origin: String,
}

/// A mapping as configured: a built-in one by name, or a document read at start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MappingSource {
    /// `wordpress`, `jsonfeed`: the widget has them too, so the element names them.
    Builtin(String),
    /// A mapping document from a file; the fragment carries it for the browser.
    Document(String),
}

impl fmt::Display for Upstream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.mapping {
            MappingSource::Builtin(name) => write!(f, "{} ({name} at {})", self.name, self.url),
            MappingSource::Document(_) => write!(f, "{} (a mapping file, at {})", self.name, self.url),
        }
    }
}

/// What `--upstream` takes.
pub const UPSTREAM_SYNTAX: &str = "NAME=MAPPING,URL: NAME of letters, digits, '-' or '_', MAPPING `wordpress`, \
                                   `jsonfeed` or the path of a mapping file, URL the API root (http or https)";

/// Reads `NAME=MAPPING,URL`; a mapping file is read and checked now, so that a server never
/// starts with a mapping it cannot use.
pub fn parse_upstream(text: &str) -> Result<Upstream, String> {
    let bad = |why: &str| format!("--upstream {text}: {why}; expected {UPSTREAM_SYNTAX}");
    let (name, rest) = text.split_once('=').ok_or_else(|| bad("no '='"))?;
    let (mapping, url) = rest.rsplit_once(',').ok_or_else(|| bad("no ',' between the mapping and the URL"))?;
    if !is_name(name) {
        return Err(bad("the name must be 1 to 40 letters, digits, '-' or '_'"));
    }
    let origin = origin(url).ok_or_else(|| bad("the URL must be absolute, http:// or https://, with a host"))?;
    let mapping = if Mapping::builtin(mapping).is_some() {
        MappingSource::Builtin(mapping.to_owned())
    } else {
        let path = Path::new(mapping);
        let document = std::fs::read_to_string(path)
            .map_err(|error| bad(&format!("{mapping} is neither a built-in mapping nor a readable file ({error})")))?;
        Mapping::parse(&document).map_err(|problem| bad(&format!("the mapping file {mapping} is not valid: {problem}")))?;
        MappingSource::Document(document)
    };
    Ok(Upstream { name: name.to_owned(), mapping, url: url.trim_end_matches('/').to_owned(), origin })
}

/// An upstream's name, as requests give it: `[A-Za-z0-9_-]{1,40}`.
pub fn is_name(name: &str) -> bool {
    (1..=40).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// `scheme://host[:port]` of an absolute http(s) URL without credentials.
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let valid = !authority.is_empty()
        && authority.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b':' | b'[' | b']'));
    valid.then(|| format!("{scheme}://{}", authority.to_ascii_lowercase()))
}

/// The upstreams by name.
#[derive(Clone, Debug, Default)]
pub struct Upstreams(BTreeMap<String, Upstream>);

impl Upstreams {
    /// Refuses two upstreams of one name: which one a request meant would be a guess.
    pub fn new(list: &[Upstream]) -> Result<Upstreams, String> {
        let mut upstreams = BTreeMap::new();
        for upstream in list {
            if upstreams.insert(upstream.name.clone(), upstream.clone()).is_some() {
                return Err(format!("--upstream: the name {} is given twice", upstream.name));
            }
        }
        Ok(Upstreams(upstreams))
    }

    pub fn get(&self, name: &str) -> Option<&Upstream> {
        self.0.get(name)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Upstream> {
        self.0.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upstream_is_a_name_a_mapping_and_a_url() {
        let blog = parse_upstream("blog=wordpress,https://Blog.example:8443/").unwrap();
        assert_eq!(blog.name, "blog");
        assert_eq!(blog.mapping, MappingSource::Builtin("wordpress".into()));
        assert_eq!((blog.url.as_str(), blog.origin.as_str()), ("https://Blog.example:8443", "https://blog.example:8443"));
        let feed = parse_upstream("feed=jsonfeed,http://127.0.0.1:9/feed.json").unwrap();
        assert_eq!((feed.url.as_str(), feed.origin.as_str()), ("http://127.0.0.1:9/feed.json", "http://127.0.0.1:9"));

        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("mine.json");
        let document = r#"{"article": {"url": "/posts/{id}", "fields": {"headline": "/t", "published": "/d", "body": "/b"}}}"#;
        std::fs::write(&file, document).unwrap();
        let mine = parse_upstream(&format!("mine={},https://api.example/v1", file.display())).unwrap();
        assert_eq!(mine.mapping, MappingSource::Document(document.into()));
        std::fs::write(&file, r#"{"article": {}}"#).unwrap();
        let invalid = parse_upstream(&format!("mine={},https://api.example", file.display())).unwrap_err();
        assert!(invalid.contains("is not valid"), "{invalid}");

        for bad in [
            "blog",
            "blog=wordpress",
            "=wordpress,https://a.example",
            "b/log=wordpress,https://a.example",
            "blog=wordpress,ftp://a.example",
            "blog=wordpress,/relative",
            "blog=wordpress,https://user:pw@a.example",
            "blog=no-such-mapping,https://a.example",
        ] {
            let error = parse_upstream(bad).unwrap_err();
            assert!(error.starts_with(&format!("--upstream {bad}: ")) && error.contains("NAME=MAPPING,URL"), "{error}");
        }
    }

    #[test]
    fn names_are_unique() {
        let blog = parse_upstream("blog=wordpress,https://a.example").unwrap();
        assert!(Upstreams::new(&[blog.clone(), blog]).unwrap_err().contains("blog is given twice"));
    }
}
