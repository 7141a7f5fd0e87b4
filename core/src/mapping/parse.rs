//! Reading a mapping document into the model: every key known, every pointer a JSON
//! Pointer, and an error that names the mapping key at fault.

use crate::error::{Expected, Found, ShapeError};
use crate::json::{Map, Node, Value};

use super::encode::{check_placeholders, BODY_PLACEHOLDERS, HEADER_PLACEHOLDERS};
use super::{
    ArticleEndpoint, ArticleFields, AuthorsGroup, ChallengeSource, CommentFields, CommentsEndpoint, Count, CountSource, DateFormat,
    ErrorFields, Field, ImageGroup, Mapping, Matcher, Paging, PostEndpoint, RelatedEndpoint, Result, Source, Translation,
};

const DATE_FORMATS: &[&str] = &["auto", "rfc3339", "naive_utc", "unix_seconds", "unix_ms"];

/// The options a field may take beyond `at`, by what it holds.
const TEXT: &[&str] = &["html"];
const DATE: &[&str] = &["date"];
const PLAIN: &[&str] = &[];
const ID: &[&str] = &["none"];
const STATUS: &[&str] = &["pending", "deleted"];

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

pub(super) fn mapping(node: &Node) -> Result<Mapping> {
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
    known_keys(node, &["url", "list", "replies", "exclude", "fields", "total", "paging", "post"])?;
    let fields = node.get("fields");
    known_keys(&fields, &["id", "parent", "author", "website", "body", "created", "edited", "status"])?;
    let optional = |name, options| fields.get(name).optional(|f| field(f, options));
    Ok(CommentsEndpoint {
        urls: templates(&node.get("url"))?,
        list: optional_pointer(&node.get("list"))?,
        replies: node.get("replies").optional(pointer)?,
        exclude: node.get("exclude").optional(matcher)?,
        fields: CommentFields {
            id: field(&fields.get("id"), ID)?,
            parent: optional("parent", ID)?,
            author: optional("author", TEXT)?,
            website: optional("website", PLAIN)?,
            body: field(&fields.get("body"), TEXT)?,
            created: field(&fields.get("created"), DATE)?,
            edited: optional("edited", DATE)?,
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
    known_keys(node, &["url", "body", "form", "headers", "response", "challenge"])?;
    let challenge_node = node.get("challenge");
    let challenge = challenge_node.optional(challenge_source)?;
    let (body, headers) = (node.get("body"), node.get("headers"));
    let form = node.get("form").bool_or(false)?;
    if form {
        body.object()?; // a form's fields by name
    }
    let mut names_altcha = check_placeholders(&body, BODY_PLACEHOLDERS, challenge.is_some())?;
    if !headers.is_absent() {
        for key in headers.object()?.value().and_then(Value::as_object).into_iter().flat_map(Map::keys) {
            headers.get(key).text()?;
        }
        names_altcha |= check_placeholders(&headers, HEADER_PLACEHOLDERS, challenge.is_some())?;
    }
    if challenge.is_some() && !names_altcha {
        // The work would be done and its answer sent nowhere.
        return Err(challenge_node.fail(Expected::AltchaPlaceholder));
    }
    Ok(PostEndpoint {
        urls: templates(&node.get("url"))?,
        body: body.value().cloned().ok_or_else(|| body.fail(Expected::Object))?,
        form,
        headers: headers.value().cloned().unwrap_or(Value::Null),
        response: optional_pointer(&node.get("response"))?,
        challenge,
    })
}

/// `{"url": template or list, "at": "/pointer", "refused": ["code", …]}`: where the
/// proof-of-work challenge is, and the error codes that refuse its answer.
fn challenge_source(node: &Node) -> Result<ChallengeSource> {
    known_keys(node, &["url", "at", "refused"])?;
    Ok(ChallengeSource {
        urls: one_or_more(&node.get("url"), |url| url.text().map(str::to_owned))?,
        at: optional_pointer(&node.get("at"))?,
        refused: node.get("refused").optional(|codes| codes.list(Node::non_blank_text))?.unwrap_or_default(),
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
    Ok(Matcher { at: pointer(&node.get("at"))?, equals: scalar(&node.get("equals"))? })
}

/// A value an answer's value is compared with: a text, a number, `true`, `false` or `null`
/// (APIs give statuses as numbers, such as Isso's `mode: 2`).
fn scalar(node: &Node) -> Result<Value> {
    match node.value() {
        Some(value @ (Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_))) => Ok(value.clone()),
        _ => Err(node.fail(Expected::Scalar)),
    }
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
    let plain = |at| Source { at, utc: None, html: false, date: DateFormat::Auto, none: Vec::new(), pending: Vec::new(), deleted: Vec::new() };
    match node.value() {
        Some(Value::String(_)) => return Ok(plain(pointer(node)?)),
        Some(Value::Object(_)) => {}
        _ => return Err(node.fail(Expected::FieldSpec)),
    }
    // A date written twice: `{"local": "/date", "utc": "/date_gmt"}`.
    if options == DATE && ["local", "utc"].iter().any(|key| !node.get(key).is_missing()) {
        known_keys(node, &["local", "utc"])?;
        return Ok(Source { utc: Some(pointer(&node.get("utc"))?), ..plain(pointer(&node.get("local"))?) });
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
        none: node.get("none").optional(|n| n.list(scalar))?.unwrap_or_default(),
        pending: node.get("pending").optional(|p| p.list(scalar))?.unwrap_or_default(),
        deleted: node.get("deleted").optional(|d| d.list(scalar))?.unwrap_or_default(),
        ..plain(at)
    })
}

