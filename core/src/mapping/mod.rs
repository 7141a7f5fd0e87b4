//! Any JSON API by configuration alone. A [`Mapping`], itself JSON (`docs/mapping.md`),
//! says where each endpoint is and where each field lies in its answers; this module
//! builds the request URLs and bodies and decodes the answers into the model, with errors
//! as precise as the native format's: a mapping error names the mapping key at fault, a
//! data error the JSON Pointer of the value, what was expected and what was found.
//!
//! The built-in WordPress and JSON Feed support are mappings like any other
//! (`core/mappings/`), so that what they need, every publisher's API can have.
//!
//! One job a file: this one holds the mapping's model and its public API; `parse` reads a
//! mapping document into the model, `urls` builds the request URLs, `decode` reads answers
//! into the article model, `encode` fills the new comment's header and body templates.

mod decode;
mod encode;
mod parse;
mod urls;

use crate::article::{Article, RelatedStory};
use crate::comment::{Comment, CommentPage, ValidComment};
use crate::error::{Problem, ShapeError};
use crate::json::{self, Decoded, Node, Value};
use crate::native::ApiError;
use crate::pow;

type Result<T> = std::result::Result<T, ShapeError>;

/// Named values for URL templates, matches and bodies: `[("id", "42"), ("order", "newest")]`.
pub type Values<'v> = [(&'v str, &'v str)];

/// Values that the article's answer provides to the other endpoints' templates (its
/// `provides`), such as the numeric id and categories of a post asked for by its slug.
pub type Provided = Vec<(String, String)>;

const WORDPRESS: &str = include_str!("../../mappings/wordpress.json");
const JSON_FEED: &str = include_str!("../../mappings/jsonfeed.json");

/// A placeholder's name and its values' replacements.
type Translation = (String, Vec<(String, String)>);

/// How to talk to one JSON API.
#[derive(Clone, Debug, PartialEq)]
pub struct Mapping {
    /// Placeholder values translated before they go into a URL: `order` → `newest` → `desc`.
    values: Vec<Translation>,
    article: ArticleEndpoint,
    related: Option<RelatedEndpoint>,
    comments: Option<CommentsEndpoint>,
    error: Option<ErrorFields>,
}

impl Mapping {
    /// Reads a mapping; an error names the mapping key at fault as a JSON Pointer.
    pub fn parse(text: &str) -> std::result::Result<Mapping, Problem> {
        let value = json::parse(text)?;
        parse::mapping(&Node::root(&value)).map_err(Problem::Shape)
    }

    /// A built-in mapping by name: `wordpress` or `jsonfeed`.
    pub fn builtin(name: &str) -> Option<Mapping> {
        let text = match name {
            "wordpress" => WORDPRESS,
            "jsonfeed" => JSON_FEED,
            _ => return None,
        };
        // The built-in mappings are tested: failing here is a bug of this crate.
        Some(Mapping::parse(text).unwrap_or_else(|problem| panic!("built-in mapping {name}: {problem:?}")))
    }

    pub fn has_related(&self) -> bool {
        self.related.is_some()
    }

    pub fn has_comments(&self) -> bool {
        self.comments.is_some()
    }

    pub fn can_post_comments(&self) -> bool {
        self.comments.as_ref().is_some_and(|comments| comments.post.is_some())
    }

    /// Whether the other endpoints' templates need values from the article's answer, so
    /// that their requests wait for it.
    pub fn needs_article_values(&self) -> bool {
        !self.article.provides.is_empty()
    }

    /// The article's URL, joined to `base`, the API root the publisher configured (a site,
    /// or a feed's URL).
    pub fn article_url(&self, base: &str, values: &Values) -> String {
        self.url(base, &self.article.urls, values)
    }

    pub fn related_url(&self, base: &str, values: &Values) -> Option<String> {
        Some(self.url(base, &self.related.as_ref()?.urls, values))
    }

    /// The URL of a page of comments: the first when `cursor` is `None`, else the page a
    /// previous [`CommentPage::next`] names.
    pub fn comments_url(&self, base: &str, values: &Values, cursor: Option<&str>) -> Option<String> {
        let comments = self.comments.as_ref()?;
        let mut values = values.to_vec();
        match &comments.paging {
            Some(Paging::PageCount(_)) => values.push(("page", cursor.unwrap_or("1"))),
            Some(Paging::NextCursor(_)) => values.push(("cursor", cursor.unwrap_or_default())),
            None => {}
        }
        Some(self.url(base, &comments.urls, &values))
    }

    pub fn post_comment_url(&self, base: &str, values: &Values) -> Option<String> {
        Some(self.url(base, &self.post()?.urls, values))
    }

    fn post(&self) -> Option<&PostEndpoint> {
        self.comments.as_ref()?.post.as_ref()
    }

    /// Where the proof-of-work challenge (ALTCHA's format) that a new comment must answer
    /// is: `None` when the API asks for none.
    pub fn challenge_url(&self, base: &str, values: &Values) -> Option<String> {
        Some(self.url(base, &self.post()?.challenge.as_ref()?.urls, values))
    }

    /// Reads the challenge from its URL's answer, at the mapping's `at`; an error names
    /// the JSON Pointer of the bad parameter in that answer.
    pub fn decode_challenge(&self, body: &str) -> Option<std::result::Result<Decoded<pow::Challenge>, Problem>> {
        let at = &self.post()?.challenge.as_ref()?.at;
        Some(json::decode(body, |root, _| pow::challenge(&root.at(at))))
    }

    /// Whether the API's error `code` refuses a post's proof of work (expired, used
    /// already, wrong), so that a new challenge is solved for the next attempt.
    pub fn refuses_proof(&self, code: &str) -> bool {
        let challenge = self.post().and_then(|post| post.challenge.as_ref());
        challenge.is_some_and(|challenge| challenge.refused.iter().any(|refused| refused == code))
    }

    /// Decodes the article's answer; `values` are those its URL was built with. Like every
    /// decoder here, it gives the warnings of what it left out ([`Decoded`]).
    pub fn decode_article(&self, body: &str, values: &Values) -> std::result::Result<Decoded<Article>, Problem> {
        self.decode_article_and_values(body, values).map(|decoded| decoded.map(|(article, _)| article))
    }

    /// Decodes the article's answer and the values it provides to the other endpoints.
    pub fn decode_article_and_values(&self, body: &str, values: &Values) -> std::result::Result<Decoded<(Article, Provided)>, Problem> {
        json::decode(body, |root, warnings| self.article.decode(root, values, warnings))
    }

    /// Decodes the related stories; an item that is the article itself is left out.
    /// `None` when the mapping has no related stories, as for every optional endpoint.
    pub fn decode_related(&self, body: &str, values: &Values) -> Option<std::result::Result<Decoded<Vec<RelatedStory>>, Problem>> {
        let related = self.related.as_ref()?;
        Some(json::decode(body, |root, warnings| related.decode(root, values, warnings)))
    }

    /// Decodes a page of comments, flat, each with its parent. `headers` are the
    /// response's (totals may be there), `cursor` the one its URL was built with.
    pub fn decode_comment_page(
        &self,
        body: &str,
        headers: &[(String, String)],
        cursor: Option<&str>,
    ) -> Option<std::result::Result<Decoded<CommentPage>, Problem>> {
        let comments = self.comments.as_ref()?;
        Some(json::decode(body, |root, warnings| comments.decode_page(root, headers, cursor, warnings)))
    }

    /// The response headers its decoders read (a count in `X-WP-Total`, say), in lower case:
    /// of an answer, a server-rendered page carries these alone.
    pub fn headers_read(&self) -> Vec<String> {
        let Some(comments) = &self.comments else { return Vec::new() };
        let paging = match &comments.paging {
            Some(Paging::PageCount(count)) => Some(count),
            _ => None,
        };
        let sources = comments.total.iter().chain(paging).flat_map(|count| &count.0);
        sources
            .filter_map(|source| match source {
                CountSource::Header(name) => Some(name.to_ascii_lowercase()),
                CountSource::Pointer(_) => None,
            })
            .collect()
    }

    /// Decodes the answer to a new comment: the comment as stored.
    pub fn decode_posted_comment(&self, body: &str) -> Option<std::result::Result<Decoded<Comment>, Problem>> {
        let comments = self.comments.as_ref()?;
        let post = comments.post.as_ref()?;
        Some(json::decode(body, |root, warnings| comments.fields.decode(&root.at(&post.response), warnings)))
    }

    /// The API's error in a body, if it is one.
    /// Read with `json::parse` rather than `json::decode`: a body that is not such an error
    /// (a proxy's HTML page, another shape) is no problem to report, and the HTTP status then
    /// says what happened (ARCHITECTURE.md, Invariants).
    pub fn decode_error(&self, body: &str) -> Option<ApiError> {
        let fields = self.error.as_ref()?;
        let value = json::parse(body).ok()?;
        fields.decode(&Node::root(&value))
    }

    /// The headers and the body of a new comment, from the mapping's templates: its
    /// `Content-Type` then the mapping's `headers`; the body as JSON, or as a form's fields
    /// with `form`. `values` give `{article}` (their `id`), `{altcha}` (the proof of work's
    /// payload) and `{idempotency_key}`. A placeholder without a value leaves its member
    /// (or header) out, so that the API's own default applies.
    pub fn new_comment_request(&self, comment: &ValidComment, parent: Option<&str>, values: &Values) -> Option<(Vec<(String, String)>, String)> {
        Some(self.post()?.request(comment, parent, values))
    }

    /// The body alone of [`Mapping::new_comment_request`].
    pub fn encode_new_comment(&self, comment: &ValidComment, parent: Option<&str>, values: &Values) -> Option<String> {
        self.new_comment_request(comment, parent, values).map(|(_, body)| body)
    }
}

fn value_of<'v>(values: &Values<'v>, name: &str) -> Option<&'v str> {
    values.iter().find(|(n, _)| *n == name).map(|(_, value)| *value)
}

// ---------------------------------------------------------------------------------------
// The model of a mapping document, as `parse` reads it

#[derive(Clone, Debug, PartialEq)]
struct ArticleEndpoint {
    urls: Vec<String>,
    root: String,
    pick: Option<Matcher>,
    fields: ArticleFields,
    /// Values read from the answer for the other endpoints' templates, by name.
    provides: Vec<(String, Field)>,
}

#[derive(Clone, Debug, PartialEq)]
struct ArticleFields {
    id: Option<Field>,
    lang: Option<Field>,
    kicker: Option<Field>,
    headline: Field,
    standfirst: Option<Field>,
    authors: Option<AuthorsGroup>,
    published: Field,
    updated: Option<Field>,
    hero: Option<ImageGroup>,
    body: Field,
}

#[derive(Clone, Debug, PartialEq)]
struct AuthorsGroup {
    /// A list of authors, or `None` for one author in the article itself.
    list: Option<String>,
    name: Field,
    url: Option<Field>,
}

#[derive(Clone, Debug, PartialEq)]
struct ImageGroup {
    src: Field,
    alt: Option<Field>,
    caption: Option<Field>,
    credit: Option<Field>,
    width: Option<Field>,
    height: Option<Field>,
}

#[derive(Clone, Debug, PartialEq)]
struct RelatedEndpoint {
    urls: Vec<String>,
    list: String,
    exclude: Option<Matcher>,
    title: Field,
    link: Field,
    published: Option<Field>,
    thumbnail: Option<ImageGroup>,
}

#[derive(Clone, Debug, PartialEq)]
struct CommentsEndpoint {
    urls: Vec<String>,
    list: String,
    /// Where each comment's replies are, for APIs that nest them.
    replies: Option<String>,
    /// Comments left out, such as those an API keeps deleted for their replies; compared
    /// as written (no values are filled in).
    exclude: Option<Matcher>,
    fields: CommentFields,
    total: Option<Count>,
    paging: Option<Paging>,
    post: Option<PostEndpoint>,
}

#[derive(Clone, Debug, PartialEq)]
struct CommentFields {
    id: Field,
    parent: Option<Field>,
    author: Option<Field>,
    website: Option<Field>,
    body: Field,
    created: Field,
    /// When the comment was last changed (Isso's `modified`); WordPress's API has none.
    edited: Option<Field>,
    status: Option<Field>,
}

#[derive(Clone, Debug, PartialEq)]
enum Paging {
    /// Pages numbered from 1 (`{page}`) up to a count.
    PageCount(Count),
    /// Each page names the next (`{cursor}`).
    NextCursor(Field),
}

/// Where a count lies: in the body, or in a response header (`X-WP-Total`); the first
/// that has one.
#[derive(Clone, Debug, PartialEq)]
struct Count(Vec<CountSource>);

#[derive(Clone, Debug, PartialEq)]
enum CountSource {
    Pointer(String),
    Header(String),
}

#[derive(Clone, Debug, PartialEq)]
struct PostEndpoint {
    urls: Vec<String>,
    body: Value,
    /// The body is sent as a form's fields (`application/x-www-form-urlencoded`), the
    /// members of its template's object, rather than as JSON.
    form: bool,
    /// Header names and their templates, filled as the body's: an object of texts.
    headers: Value,
    /// Where the stored comment is in the answer.
    response: String,
    challenge: Option<ChallengeSource>,
}

/// Where the proof-of-work challenge is: its URL templates and the JSON Pointer of the
/// challenge in their answer; and the API's error codes that refuse its answer.
#[derive(Clone, Debug, PartialEq)]
struct ChallengeSource {
    urls: Vec<String>,
    at: String,
    refused: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
struct ErrorFields {
    code: Field,
    message: Option<Field>,
    field: Option<Field>,
}

/// Selects the elements of a list whose value at `at` is `equals`: a scalar, and when a
/// text, a template filled with the values.
#[derive(Clone, Debug, PartialEq)]
struct Matcher {
    at: String,
    equals: Value,
}

/// Where a value lies: the first of its sources that has one.
#[derive(Clone, Debug, PartialEq)]
struct Field(Vec<Source>);

#[derive(Clone, Debug, PartialEq)]
struct Source {
    at: String,
    /// For a date written as local time without offset at `at`: where the same moment is
    /// written in UTC, so that their difference is the site's offset for this record
    /// (WordPress's `date` and `date_gmt`). The source has a value when both do.
    utc: Option<String>,
    /// The value is HTML: reduced to plain text, or converted to blocks for a body.
    html: bool,
    date: DateFormat,
    /// Values that mean "none", such as WordPress's parent `0`: scalars.
    none: Vec<Value>,
    /// Status values of a comment held for moderation: scalars, such as WordPress's
    /// `"hold"` or Isso's `2`.
    pending: Vec<Value>,
    /// Status values of a comment deleted and kept for its replies, shown as a placeholder
    /// (Isso's `4`).
    deleted: Vec<Value>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum DateFormat {
    /// A number is Unix seconds, or milliseconds past 10^11; a string is RFC 3339, UTC
    /// when it has no offset.
    Auto,
    Rfc3339,
    /// RFC 3339 whose offset may be left out, meaning UTC (WordPress's `date_gmt`).
    NaiveUtc,
    UnixSeconds,
    UnixMs,
}
