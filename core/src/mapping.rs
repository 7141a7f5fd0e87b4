//! Any JSON API by configuration alone. A [`Mapping`], itself JSON (`docs/mapping.md`),
//! says where each endpoint is and where each field lies in its answers; this module
//! builds the request URLs and bodies and decodes the answers into the model, with errors
//! as precise as the native format's: a mapping error names the mapping key at fault, a
//! data error the JSON Pointer of the value, what was expected and what was found.
//!
//! The built-in WordPress and JSON Feed support are mappings like any other
//! (`core/mappings/`), so that what they need, every publisher's API can have.

use crate::article::{Article, Author, Block, Image, Inline, RelatedStory};
use crate::comment::{Comment, CommentPage, CommentStatus, ValidComment};
use crate::datetime::DateTime;
use crate::error::{Expected, Found, Problem, ShapeError};
use crate::html;
use crate::json::{self, Map, Node, Value};
use crate::locale::fill;
use crate::native::ApiError;
use crate::url::{expand_template, SafeUrl};

type Result<T> = std::result::Result<T, ShapeError>;

/// Named values for URL templates, matches and bodies: `[("id", "42"), ("order", "newest")]`.
pub type Values<'v> = [(&'v str, &'v str)];

/// Values that the article's answer provides to the other endpoints' templates (its
/// `provides`), such as the numeric id and categories of a post asked for by its slug.
pub type Provided = Vec<(String, String)>;

const WORDPRESS: &str = include_str!("../mappings/wordpress.json");
const JSON_FEED: &str = include_str!("../mappings/jsonfeed.json");

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
        mapping(&Node::root(&value)).map_err(Problem::Shape)
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
        Some(self.url(base, &self.comments.as_ref()?.post.as_ref()?.urls, values))
    }

    /// The first of an endpoint's templates whose placeholders all have values, filled and
    /// joined to `base`. When none has all, the last, so that the URL in an error shows
    /// which value was missing.
    fn url(&self, base: &str, templates: &[String], values: &Values) -> String {
        let complete = |template: &&String| placeholders(template).all(|name| value_of(values, name).is_some());
        let template = templates.iter().find(complete).or(templates.last()).map_or("", String::as_str);
        let translated: Vec<(&str, &str)> = values
            .iter()
            .map(|&(name, value)| {
                let table = self.values.iter().find(|(placeholder, _)| placeholder == name);
                let translation = table.and_then(|(_, table)| table.iter().find(|(from, _)| from == value));
                (name, translation.map_or(value, |(_, to)| to.as_str()))
            })
            .collect();
        join(base, &expand_template(template, &translated))
    }

    /// Decodes the article's answer; `values` are those its URL was built with.
    pub fn decode_article(&self, body: &str, values: &Values) -> std::result::Result<Article, Problem> {
        self.decode_article_and_values(body, values).map(|(article, _)| article)
    }

    /// Decodes the article's answer and the values it provides to the other endpoints.
    pub fn decode_article_and_values(&self, body: &str, values: &Values) -> std::result::Result<(Article, Provided), Problem> {
        json::decode(body, |root| self.article.decode(root, values))
    }

    /// Decodes the related stories; an item that is the article itself is left out.
    /// `None` when the mapping has no related stories, as for every optional endpoint.
    pub fn decode_related(&self, body: &str, values: &Values) -> Option<std::result::Result<Vec<RelatedStory>, Problem>> {
        let related = self.related.as_ref()?;
        Some(json::decode(body, |root| related.decode(root, values)))
    }

    /// Decodes a page of comments, flat, each with its parent. `headers` are the
    /// response's (totals may be there), `cursor` the one its URL was built with.
    pub fn decode_comment_page(
        &self,
        body: &str,
        headers: &[(String, String)],
        cursor: Option<&str>,
    ) -> Option<std::result::Result<CommentPage, Problem>> {
        let comments = self.comments.as_ref()?;
        Some(json::decode(body, |root| comments.decode_page(root, headers, cursor)))
    }

    /// Decodes the answer to a new comment: the comment as stored.
    pub fn decode_posted_comment(&self, body: &str) -> Option<std::result::Result<Comment, Problem>> {
        let comments = self.comments.as_ref()?;
        let post = comments.post.as_ref()?;
        Some(json::decode(body, |root| comments.fields.decode(&root.at(&post.response))))
    }

    /// The API's error in a body, if it is one.
    pub fn decode_error(&self, body: &str) -> Option<ApiError> {
        let fields = self.error.as_ref()?;
        let value = json::parse(body).ok()?;
        let root = Node::root(&value);
        Some(ApiError {
            code: fields.code.at(&root).identifier().ok()??,
            message: match &fields.message {
                Some(message) => message.at(&root).text().ok()?.unwrap_or_default(),
                None => String::new(),
            },
            field: match &fields.field {
                Some(field) => field.at(&root).text().ok()?,
                None => None,
            },
        })
    }

    /// The body of a new comment, from the mapping's template. `values` give `{article}`
    /// (their `id`). A placeholder without a value leaves its member out, so that the
    /// API's own default applies.
    pub fn encode_new_comment(&self, comment: &ValidComment, parent: Option<&str>, values: &Values) -> Option<String> {
        let post = self.comments.as_ref()?.post.as_ref()?;
        let given = [
            ("name", Some(comment.name.as_str())),
            ("email", Some(comment.email.as_str())),
            ("website", comment.website.as_ref().map(SafeUrl::as_str)),
            ("body", Some(comment.body.as_str())),
            ("parent", parent),
            ("article", value_of(values, "id")),
        ];
        Some(fill_template(&post.body, &given).unwrap_or(Value::Null).to_string())
    }
}

fn value_of<'v>(values: &Values<'v>, name: &str) -> Option<&'v str> {
    values.iter().find(|(n, _)| *n == name).map(|(_, value)| *value)
}

/// The names of a URL template's placeholders: `{id}` and `{slug}` in `/posts/{slug}?p={id}`.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// `reference` resolved the simple way against `base`: an absolute URL stands alone, a
/// query is appended, a path is joined with one slash, and nothing is `base` itself.
fn join(base: &str, reference: &str) -> String {
    let has_scheme = reference.find([':', '/', '?', '#']).is_some_and(|end| reference[end..].starts_with(':'));
    if reference.is_empty() {
        base.to_owned()
    } else if has_scheme || reference.starts_with("//") {
        reference.to_owned()
    } else if let Some(query) = reference.strip_prefix('?') {
        format!("{base}{}{query}", if base.contains('?') { '&' } else { '?' })
    } else {
        format!("{}/{}", base.trim_end_matches('/'), reference.trim_start_matches('/'))
    }
}

// ---------------------------------------------------------------------------------------
// The mapping document

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
    /// Where the stored comment is in the answer.
    response: String,
}

#[derive(Clone, Debug, PartialEq)]
struct ErrorFields {
    code: Field,
    message: Option<Field>,
    field: Option<Field>,
}

/// Selects the elements of a list whose value at `at` is `equals` filled with the values.
#[derive(Clone, Debug, PartialEq)]
struct Matcher {
    at: String,
    equals: String,
}

/// Where a value lies: the first of its sources that has one.
#[derive(Clone, Debug, PartialEq)]
struct Field(Vec<Source>);

#[derive(Clone, Debug, PartialEq)]
struct Source {
    at: String,
    /// The value is HTML: reduced to plain text, or converted to blocks for a body.
    html: bool,
    date: DateFormat,
    /// Values that mean "none", such as WordPress's parent `0`.
    none: Vec<Value>,
    /// Status values of a comment held for moderation.
    pending: Vec<String>,
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

const DATE_FORMATS: &[&str] = &["auto", "rfc3339", "naive_utc", "unix_seconds", "unix_ms"];

/// The options a field may take beyond `at`, by what it holds.
const TEXT: &[&str] = &["html"];
const DATE: &[&str] = &["date"];
const PLAIN: &[&str] = &[];
const ID: &[&str] = &["none"];
const STATUS: &[&str] = &["pending"];

const PLACEHOLDERS: &[&str] = &["name", "email", "website", "body", "parent", "article"];

/// Refuses any key of `node` (an object) that is not `known`.
fn known_keys(node: &Node, known: &[&str]) -> Result<()> {
    let members = node.object()?.value().and_then(Value::as_object).into_iter().flat_map(Map::keys);
    match members.into_iter().find(|key| !known.contains(&key.as_str())) {
        Some(key) => Err(ShapeError { path: node.get(key).path().to_owned(), expected: Expected::KnownKey, found: Found::Value(format!("\"{key}\"")) }),
        None => Ok(()),
    }
}

fn pointer(node: &Node) -> Result<String> {
    let text = node.text().map_err(|_| node.fail(Expected::JsonPointer))?;
    if text.is_empty() || text.starts_with('/') { Ok(text.to_owned()) } else { Err(node.invalid(Expected::JsonPointer)) }
}

fn optional_pointer(node: &Node) -> Result<String> {
    Ok(node.optional(pointer)?.unwrap_or_default())
}

/// An endpoint's URL templates: one, or a list tried in turn (see [`Mapping::url`]).
/// Absent is the base itself.
fn templates(node: &Node) -> Result<Vec<String>> {
    Ok(node.optional(|urls| one_or_more(urls, |url| url.text().map(str::to_owned)))?.unwrap_or_else(|| vec![String::new()]))
}

fn mapping(node: &Node) -> Result<Mapping> {
    known_keys(node, &["values", "article", "related", "comments", "error"])?;
    Ok(Mapping {
        values: node.get("values").optional(translations)?.unwrap_or_default(),
        article: article_endpoint(&node.get("article"))?,
        related: node.get("related").optional(related_endpoint)?,
        comments: node.get("comments").optional(comments_endpoint)?,
        error: node.get("error").optional(error_fields)?,
    })
}

fn translations(node: &Node) -> Result<Vec<Translation>> {
    let names = node.object()?.value().and_then(Value::as_object).into_iter().flat_map(Map::keys);
    names
        .map(|name| {
            let table = node.get(name);
            let froms = table.object()?.value().and_then(Value::as_object).into_iter().flat_map(Map::keys);
            let pairs = froms.map(|from| Ok((from.clone(), table.get(from).text()?.to_owned()))).collect::<Result<_>>()?;
            Ok((name.clone(), pairs))
        })
        .collect()
}

fn article_endpoint(node: &Node) -> Result<ArticleEndpoint> {
    known_keys(node, &["url", "root", "match", "fields", "provides"])?;
    let fields = node.get("fields");
    known_keys(&fields, &["id", "lang", "kicker", "headline", "standfirst", "authors", "published", "updated", "hero", "body"])?;
    let optional = |name, options| fields.get(name).optional(|f| field(f, options));
    let provides = node.get("provides");
    let provided_names = provides.optional(|p| Ok(p.object()?.value().and_then(Value::as_object).into_iter().flat_map(Map::keys)))?;
    Ok(ArticleEndpoint {
        urls: templates(&node.get("url"))?,
        root: optional_pointer(&node.get("root"))?,
        pick: node.get("match").optional(matcher)?,
        provides: provided_names
            .into_iter()
            .flatten()
            .map(|name| Ok((name.clone(), field(&provides.get(name), ID)?)))
            .collect::<Result<_>>()?,
        fields: ArticleFields {
            id: optional("id", ID)?,
            lang: optional("lang", TEXT)?,
            kicker: optional("kicker", TEXT)?,
            headline: field(&fields.get("headline"), TEXT)?,
            standfirst: optional("standfirst", TEXT)?,
            authors: fields.get("authors").optional(authors_group)?,
            published: field(&fields.get("published"), DATE)?,
            updated: optional("updated", DATE)?,
            hero: fields.get("hero").optional(image_group)?,
            body: field(&fields.get("body"), TEXT)?,
        },
    })
}

fn authors_group(node: &Node) -> Result<AuthorsGroup> {
    known_keys(node, &["list", "name", "url"])?;
    Ok(AuthorsGroup {
        list: node.get("list").optional(pointer)?,
        name: field(&node.get("name"), TEXT)?,
        url: node.get("url").optional(|f| field(f, PLAIN))?,
    })
}

fn image_group(node: &Node) -> Result<ImageGroup> {
    known_keys(node, &["src", "alt", "caption", "credit", "width", "height"])?;
    let optional = |name, options| node.get(name).optional(|f| field(f, options));
    Ok(ImageGroup {
        src: field(&node.get("src"), PLAIN)?,
        alt: optional("alt", TEXT)?,
        caption: optional("caption", TEXT)?,
        credit: optional("credit", TEXT)?,
        width: optional("width", PLAIN)?,
        height: optional("height", PLAIN)?,
    })
}

fn related_endpoint(node: &Node) -> Result<RelatedEndpoint> {
    known_keys(node, &["url", "list", "exclude", "fields"])?;
    let fields = node.get("fields");
    known_keys(&fields, &["title", "url", "published", "thumbnail"])?;
    Ok(RelatedEndpoint {
        urls: templates(&node.get("url"))?,
        list: optional_pointer(&node.get("list"))?,
        exclude: node.get("exclude").optional(matcher)?,
        title: field(&fields.get("title"), TEXT)?,
        link: field(&fields.get("url"), PLAIN)?,
        published: fields.get("published").optional(|f| field(f, DATE))?,
        thumbnail: fields.get("thumbnail").optional(image_group)?,
    })
}

fn comments_endpoint(node: &Node) -> Result<CommentsEndpoint> {
    known_keys(node, &["url", "list", "replies", "fields", "total", "paging", "post"])?;
    let fields = node.get("fields");
    known_keys(&fields, &["id", "parent", "author", "website", "body", "created", "status"])?;
    let optional = |name, options| fields.get(name).optional(|f| field(f, options));
    Ok(CommentsEndpoint {
        urls: templates(&node.get("url"))?,
        list: optional_pointer(&node.get("list"))?,
        replies: node.get("replies").optional(pointer)?,
        fields: CommentFields {
            id: field(&fields.get("id"), ID)?,
            parent: optional("parent", ID)?,
            author: optional("author", TEXT)?,
            website: optional("website", PLAIN)?,
            body: field(&fields.get("body"), TEXT)?,
            created: field(&fields.get("created"), DATE)?,
            status: optional("status", STATUS)?,
        },
        total: node.get("total").optional(count)?,
        paging: node.get("paging").optional(paging)?,
        post: node.get("post").optional(post_endpoint)?,
    })
}

fn paging(node: &Node) -> Result<Paging> {
    known_keys(node, &["page_count", "next_cursor"])?;
    let (count, cursor) = (node.get("page_count"), node.get("next_cursor"));
    match (count.is_absent(), cursor.is_absent()) {
        (false, true) => Ok(Paging::PageCount(self::count(&count)?)),
        (true, false) => Ok(Paging::NextCursor(field(&cursor, ID)?)),
        _ => Err(node.fail(Expected::PagingRule)),
    }
}

fn post_endpoint(node: &Node) -> Result<PostEndpoint> {
    known_keys(node, &["url", "body", "response"])?;
    let body = node.get("body");
    check_placeholders(&body)?;
    Ok(PostEndpoint {
        urls: templates(&node.get("url"))?,
        body: body.value().cloned().ok_or_else(|| body.fail(Expected::Object))?,
        response: optional_pointer(&node.get("response"))?,
    })
}

fn error_fields(node: &Node) -> Result<ErrorFields> {
    known_keys(node, &["code", "message", "field"])?;
    Ok(ErrorFields {
        code: field(&node.get("code"), ID)?,
        message: node.get("message").optional(|f| field(f, TEXT))?,
        field: node.get("field").optional(|f| field(f, PLAIN))?,
    })
}

fn matcher(node: &Node) -> Result<Matcher> {
    known_keys(node, &["at", "equals"])?;
    Ok(Matcher { at: pointer(&node.get("at"))?, equals: node.get("equals").text()?.to_owned() })
}

/// One source, or a list of them tried in turn.
fn one_or_more<T>(node: &Node, read: impl Fn(&Node) -> Result<T>) -> Result<Vec<T>> {
    match node.value() {
        Some(Value::Array(items)) if items.is_empty() => Err(node.invalid(Expected::FieldSpec)),
        Some(Value::Array(_)) => node.list(read),
        _ => Ok(vec![read(node)?]),
    }
}

/// A field: `"/pointer"`, `{"at": "/pointer", option…}`, or a list of these.
fn field(node: &Node, options: &[&str]) -> Result<Field> {
    one_or_more(node, |source| self::source(source, options)).map(Field)
}

/// A count: `"/pointer"`, `{"at": "/pointer"}`, `{"header": "Name"}`, or a list of these.
fn count(node: &Node) -> Result<Count> {
    let source = |node: &Node| -> Result<CountSource> {
        if node.value().is_some_and(Value::is_object) {
            known_keys(node, &["at", "header"])?;
            if let Some(header) = node.get("header").optional(Node::non_blank_text)? {
                return Ok(CountSource::Header(header));
            }
            return Ok(CountSource::Pointer(pointer(&node.get("at"))?));
        }
        node.text().map_err(|_| node.fail(Expected::FieldSpec))?;
        Ok(CountSource::Pointer(pointer(node)?))
    };
    one_or_more(node, source).map(Count)
}

fn source(node: &Node, options: &[&str]) -> Result<Source> {
    let plain = |at| Source { at, html: false, date: DateFormat::Auto, none: Vec::new(), pending: Vec::new() };
    match node.value() {
        Some(Value::String(_)) => return Ok(plain(pointer(node)?)),
        Some(Value::Object(_)) => {}
        _ => return Err(node.fail(Expected::FieldSpec)),
    }
    let known: Vec<&str> = ["at"].iter().chain(options).copied().collect();
    known_keys(node, &known)?;
    let at = pointer(&node.get("at"))?;
    let date = node.get("date");
    Ok(Source {
        html: node.get("html").bool_or(false)?,
        date: match date.optional(|d| d.tag(Expected::DateFormat, DATE_FORMATS))? {
            None | Some("auto") => DateFormat::Auto,
            Some("rfc3339") => DateFormat::Rfc3339,
            Some("naive_utc") => DateFormat::NaiveUtc,
            Some("unix_seconds") => DateFormat::UnixSeconds,
            Some(_) => DateFormat::UnixMs,
        },
        none: node.get("none").optional(|n| n.list(|item| Ok(item.value().cloned().unwrap_or(Value::Null))))?.unwrap_or_default(),
        pending: node.get("pending").optional(|p| p.list(|item| item.text().map(str::to_owned)))?.unwrap_or_default(),
        ..plain(at)
    })
}

/// Each string of a body template that is a placeholder (`"{name}"`) must name one.
fn check_placeholders(node: &Node) -> Result<()> {
    let mut pending = vec![node.clone()];
    while let Some(node) = pending.pop() {
        match node.value() {
            Some(Value::String(text)) => {
                if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let name = inner.strip_suffix(":number").unwrap_or(inner);
                    if !PLACEHOLDERS.contains(&name) {
                        return Err(node.invalid(Expected::Placeholder));
                    }
                }
            }
            Some(Value::Array(_)) => pending.extend(node.items()?),
            Some(Value::Object(members)) => pending.extend(members.keys().map(|key| node.get(key))),
            _ => {}
        }
    }
    Ok(())
}

/// The template with its placeholders filled; `None` when it is a placeholder without a
/// value, which its object or array then leaves out. The depth is the mapping's, bounded
/// by the JSON parser's limit.
fn fill_template(template: &Value, given: &[(&str, Option<&str>)]) -> Option<Value> {
    match template {
        Value::String(text) => match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(inner) => {
                let (name, as_number) = inner.strip_suffix(":number").map_or((inner, false), |name| (name, true));
                let value = given.iter().find(|(placeholder, _)| *placeholder == name)?.1?;
                let number = as_number.then(|| value.parse::<i64>().ok()).flatten();
                Some(number.map_or_else(|| Value::from(value), Value::from))
            }
            None => Some(template.clone()),
        },
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(|item| fill_template(item, given)).collect())),
        Value::Object(members) => Some(Value::Object(
            members.iter().filter_map(|(key, member)| Some((key.clone(), fill_template(member, given)?))).collect(),
        )),
        other => Some(other.clone()),
    }
}

// ---------------------------------------------------------------------------------------
// Decoding data

impl Field {
    /// The first source with a value here, else the first source (to say what is missing).
    fn at<'s, 'd>(&'s self, item: &Node<'d>) -> Located<'s, 'd> {
        let located = |source: &'s Source| Located { source, node: item.at(&source.at) };
        self.0.iter().map(located).find(|l| !l.node.is_absent()).unwrap_or_else(|| located(&self.0[0]))
    }
}

impl Count {
    /// The count from the response headers or the body; an unreadable header is absent.
    fn read(&self, item: &Node, headers: &[(String, String)]) -> Result<Option<u64>> {
        for source in &self.0 {
            match source {
                CountSource::Header(name) => {
                    let value = headers.iter().find(|(header, _)| header.eq_ignore_ascii_case(name));
                    if let Some(count) = value.and_then(|(_, value)| value.trim().parse().ok()) {
                        return Ok(Some(count));
                    }
                }
                CountSource::Pointer(pointer) => {
                    let node = item.at(pointer);
                    if let Some(count) = node.optional(count_value)? {
                        return Ok(Some(count));
                    }
                }
            }
        }
        Ok(None)
    }
}

fn count_value(node: &Node) -> Result<u64> {
    match node.value() {
        Some(Value::String(text)) => text.trim().parse().map_err(|_| node.invalid(Expected::NonNegativeInteger)),
        _ => node.non_negative_integer(),
    }
}

/// A field's value found in a document, read as what it should hold.
struct Located<'s, 'd> {
    source: &'s Source,
    node: Node<'d>,
}

impl Located<'_, '_> {
    /// Plain text, trimmed; from HTML when the field says so. Blank is absent.
    fn text(&self) -> Result<Option<String>> {
        let Some(text) = self.node.optional(Node::text)? else { return Ok(None) };
        let text = if self.source.html { html::to_plain_text(text) } else { text.trim().to_owned() };
        Ok(Some(text).filter(|t| !t.is_empty()))
    }

    fn required_text(&self) -> Result<String> {
        self.text()?.ok_or_else(|| self.node.invalid(Expected::NonBlankText))
    }

    /// An id: a string or an integer, unless it is one of the values meaning none.
    fn identifier(&self) -> Result<Option<String>> {
        let value = self.node.value();
        if self.node.is_absent() || value.is_some_and(|v| self.source.none.contains(v)) {
            return Ok(None);
        }
        match value {
            Some(Value::String(text)) if !text.trim().is_empty() => Ok(Some(text.trim().to_owned())),
            Some(Value::Number(number)) if number.is_integer() => Ok(Some(number.as_str().to_owned())),
            _ => Err(self.node.invalid(Expected::Identifier)),
        }
    }

    /// An id, or a list of them joined with commas, as query strings list them.
    fn identifiers(&self) -> Result<Option<String>> {
        if !matches!(self.node.value(), Some(Value::Array(_))) {
            return self.identifier();
        }
        let each = self.node.list(|item| Located { source: self.source, node: item.clone() }.identifier())?;
        let ids: Vec<String> = each.into_iter().flatten().collect();
        Ok(Some(ids.join(",")).filter(|ids| !ids.is_empty()))
    }

    fn url(&self) -> Result<Option<SafeUrl>> {
        match self.node.optional(Node::text)? {
            Some(text) if !text.trim().is_empty() => self.node.url().map(Some),
            _ => Ok(None),
        }
    }

    fn date(&self) -> Result<Option<DateTime>> {
        self.node.optional(|node| read_date(node, self.source.date))
    }

    fn required_date(&self) -> Result<DateTime> {
        self.date()?.ok_or_else(|| self.node.fail(Expected::DateTime))
    }

    /// A positive size; zero, which some APIs write for "unknown", is absent.
    fn size(&self) -> Result<Option<u32>> {
        let Some(number) = self.node.optional(Node::non_negative_integer)? else { return Ok(None) };
        u32::try_from(number).map(|n| Some(n).filter(|n| *n > 0)).map_err(|_| self.node.invalid(Expected::PositiveInteger))
    }

    /// Blocks from HTML, or paragraphs from plain text separated by blank lines.
    fn blocks(&self) -> Result<Vec<Block>> {
        let text = self.node.text()?;
        if self.source.html {
            return Ok(html::to_blocks(text));
        }
        let text = text.replace("\r\n", "\n");
        Ok(text
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .map(|paragraph| Block::Paragraph(vec![Inline::Text(paragraph.to_owned())]))
            .collect())
    }

    fn status(&self) -> Result<CommentStatus> {
        let status = self.node.optional(Node::text)?;
        let pending = status.is_some_and(|status| self.source.pending.iter().any(|p| p == status));
        Ok(if pending { CommentStatus::Pending } else { CommentStatus::Published })
    }
}

fn read_date(node: &Node, format: DateFormat) -> Result<DateTime> {
    let value = node.value();
    let text = value.and_then(Value::as_str).map(str::trim);
    let number = match value {
        Some(Value::Number(number)) => number.as_f64(),
        _ => text.and_then(|t| t.parse::<f64>().ok()).filter(|n| n.is_finite()),
    };
    let rfc3339 = || text.and_then(DateTime::parse_rfc3339);
    let naive = || rfc3339().or_else(|| text.and_then(|t| DateTime::parse_rfc3339(&format!("{t}Z"))));
    let parsed = match format {
        DateFormat::Rfc3339 => rfc3339(),
        DateFormat::NaiveUtc => naive(),
        DateFormat::UnixSeconds => number.map(|seconds| from_unix(seconds, 1.0)),
        DateFormat::UnixMs => number.map(|ms| from_unix(ms, 1000.0)),
        // Seconds reach 10^11 in the year 5138; milliseconds passed it in 1973.
        DateFormat::Auto => match number {
            Some(n) if n.abs() >= 1e11 => Some(from_unix(n, 1000.0)),
            Some(n) => Some(from_unix(n, 1.0)),
            None => naive(),
        },
    };
    let expected = match (format, number) {
        (DateFormat::UnixSeconds | DateFormat::UnixMs, _) => Expected::UnixTime,
        _ => Expected::DateTime,
    };
    parsed.ok_or_else(|| node.invalid(expected))
}

fn from_unix(count: f64, per_second: f64) -> DateTime {
    // `as` saturates, and `from_unix_seconds` clamps to the years RFC 3339 can write.
    DateTime::from_unix_seconds((count / per_second).floor() as i64)
}

impl Matcher {
    fn matches(&self, item: &Node, values: &Values) -> bool {
        let node = item.at(&self.at);
        let found = match node.value() {
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.as_str().to_owned(),
            _ => return false,
        };
        found == fill(&self.equals, values)
    }
}

impl ArticleEndpoint {
    fn decode(&self, root: &Node, values: &Values) -> Result<(Article, Provided)> {
        let at_root = root.at(&self.root);
        let node = match at_root.value() {
            Some(Value::Array(_)) => at_root
                .items()?
                .into_iter()
                .find(|item| self.pick.as_ref().is_none_or(|pick| pick.matches(item, values)))
                .ok_or_else(|| at_root.fail(Expected::MatchingItem))?,
            _ => at_root.object()?.clone(),
        };
        let fields = &self.fields;
        let optional_text = |field: &Option<Field>| field.as_ref().map_or(Ok(None), |f| f.at(&node).text());
        let id = match &fields.id {
            Some(field) => field.at(&node).identifier()?,
            None => None,
        };
        let mut provided = Vec::new();
        for (name, field) in &self.provides {
            if let Some(value) = field.at(&node).identifiers()? {
                provided.push((name.clone(), value));
            }
        }
        let article = Article {
            id: id.or_else(|| value_of(values, "id").map(str::to_owned)).unwrap_or_default(),
            lang: optional_text(&fields.lang)?,
            kicker: optional_text(&fields.kicker)?,
            headline: fields.headline.at(&node).required_text()?,
            standfirst: optional_text(&fields.standfirst)?,
            authors: fields.authors.as_ref().map_or(Ok(Vec::new()), |group| group.decode(&node))?,
            published: fields.published.at(&node).required_date()?,
            updated: fields.updated.as_ref().map_or(Ok(None), |f| f.at(&node).date())?,
            hero: fields.hero.as_ref().map_or(Ok(None), |group| group.decode(&node))?,
            body: fields.body.at(&node).blocks()?,
        };
        Ok((article, provided))
    }
}

impl AuthorsGroup {
    /// The authors that have a name; others are left out.
    fn decode(&self, article: &Node) -> Result<Vec<Author>> {
        let items = match &self.list {
            Some(list) => article.at(list).optional(Node::items)?.unwrap_or_default(),
            None => vec![article.clone()],
        };
        let mut authors = Vec::new();
        for item in items {
            if let Some(name) = self.name.at(&item).text()? {
                let url = self.url.as_ref().map_or(Ok(None), |url| url.at(&item).url())?;
                authors.push(Author { name, url });
            }
        }
        Ok(authors)
    }
}

impl ImageGroup {
    /// No image when it has no source.
    fn decode(&self, item: &Node) -> Result<Option<Image>> {
        let Some(src) = self.src.at(item).url()? else { return Ok(None) };
        let text = |field: &Option<Field>| field.as_ref().map_or(Ok(None), |f| f.at(item).text());
        let size = |field: &Option<Field>| field.as_ref().map_or(Ok(None), |f| f.at(item).size());
        Ok(Some(Image {
            src,
            alt: text(&self.alt)?.unwrap_or_default(),
            caption: text(&self.caption)?,
            credit: text(&self.credit)?,
            width: size(&self.width)?,
            height: size(&self.height)?,
        }))
    }
}

impl RelatedEndpoint {
    /// Stories without a title or a link are left out, as is the article itself.
    fn decode(&self, root: &Node, values: &Values) -> Result<Vec<RelatedStory>> {
        let mut stories = Vec::new();
        for item in root.at(&self.list).items()? {
            if self.exclude.as_ref().is_some_and(|exclude| exclude.matches(&item, values)) {
                continue;
            }
            let (Some(title), Some(url)) = (self.title.at(&item).text()?, self.link.at(&item).url()?) else { continue };
            stories.push(RelatedStory {
                title,
                url,
                published: self.published.as_ref().map_or(Ok(None), |f| f.at(&item).date())?,
                thumbnail: self.thumbnail.as_ref().map_or(Ok(None), |group| group.decode(&item))?,
            });
        }
        Ok(stories)
    }
}

impl CommentsEndpoint {
    fn decode_page(&self, root: &Node, headers: &[(String, String)], cursor: Option<&str>) -> Result<CommentPage> {
        let comments = self.flatten(root.at(&self.list).items()?)?;
        let total = match &self.total {
            Some(total) => total.read(root, headers)?,
            None => None,
        };
        let next = match &self.paging {
            Some(Paging::PageCount(count)) => {
                let page = cursor.and_then(|c| c.parse::<u64>().ok()).unwrap_or(1);
                count.read(root, headers)?.filter(|count| page < *count).map(|_| (page + 1).to_string())
            }
            Some(Paging::NextCursor(next)) => next.at(root).identifier()?,
            None => None,
        };
        Ok(CommentPage { total: total.unwrap_or(comments.len() as u64), comments, next })
    }

    /// Comments in reading order, replies after their parent, each reply's parent set
    /// from where it is nested. A work list rather than recursion: nesting is the API's.
    fn flatten(&self, items: Vec<Node>) -> Result<Vec<Comment>> {
        let mut comments = Vec::new();
        let mut pending: Vec<(Node, Option<String>)> = items.into_iter().rev().map(|item| (item, None)).collect();
        while let Some((item, parent)) = pending.pop() {
            let mut comment = self.fields.decode(&item)?;
            if parent.is_some() {
                comment.parent = parent;
            }
            if let Some(replies) = &self.replies {
                let replies = item.at(replies).optional(Node::items)?.unwrap_or_default();
                pending.extend(replies.into_iter().rev().map(|reply| (reply, Some(comment.id.clone()))));
            }
            comments.push(comment);
        }
        Ok(comments)
    }
}

impl CommentFields {
    fn decode(&self, node: &Node) -> Result<Comment> {
        node.object()?;
        let id = self.id.at(node);
        Ok(Comment {
            id: id.identifier()?.ok_or_else(|| id.node.fail(Expected::Identifier))?,
            parent: self.parent.as_ref().map_or(Ok(None), |f| f.at(node).identifier())?,
            // An anonymous comment is still shown: some sites do not ask for a name.
            author: self.author.as_ref().map_or(Ok(None), |f| f.at(node).text())?.unwrap_or_default(),
            website: self.website.as_ref().map_or(Ok(None), |f| f.at(node).url())?,
            body: self.body.at(node).text()?.unwrap_or_default(),
            created: self.created.at(node).required_date()?,
            status: self.status.as_ref().map_or(Ok(CommentStatus::Published), |f| f.at(node).status())?,
        })
    }
}
