//! The widget's native JSON format (`docs/article.schema.json`, `docs/openapi.yaml`),
//! decoded into the model, and the one request body the widget sends.
//!
//! What a section cannot do without (the article's id, headline, date and body; an
//! answer's own shape) fails it with an error that names the JSON Pointer of the field at
//! fault. Anything else that is bad is left out with a warning ([`Warnings`]): an optional
//! value alone, or the record it is in when that record cannot be read (a comment, a
//! related story, an author, an image, a block of the body).

use crate::article::{Article, Author, Block, HeadingLevel, Image, Inline, RelatedStory};
use crate::captcha::{Challenge, Signature};
use crate::comment::{Comment, CommentPage, CommentStatus, MoreReplies, Ownership, PostedComment, ValidComment};
use crate::error::{Expected, Problem, Record, ShapeError};
use crate::json::{self, Decoded, Node, Value, Warnings};
use crate::pow;
use crate::url::SafeUrl;

type Result<T> = std::result::Result<T, ShapeError>;

/// Decodes `GET /articles/{id}`.
pub fn decode_article(body: &str) -> std::result::Result<Decoded<Article>, Problem> {
    json::decode(body, article)
}

/// Decodes `GET /articles/{id}/related`: `{ "items": [story, …] }`.
pub fn decode_related(body: &str) -> std::result::Result<Decoded<Vec<RelatedStory>>, Problem> {
    json::decode(body, |root, warnings| warnings.records(Record::RelatedStory, &root.object()?.get("items"), related_story))
}

fn article(node: &Node, warnings: &mut Warnings) -> Result<Article> {
    node.object()?;
    let authors = node.get("authors").optional(|list| warnings.records(Record::Author, list, author));
    Ok(Article {
        id: node.get("id").non_blank_text()?,
        lang: warnings.optional(node.get("lang").optional_text()),
        kicker: warnings.optional(node.get("kicker").optional_text()),
        headline: node.get("headline").non_blank_text()?,
        standfirst: warnings.optional(node.get("standfirst").optional_text()),
        authors: warnings.optional(authors).unwrap_or_default(),
        published: node.get("published").datetime()?,
        updated: warnings.optional(node.get("updated").optional(Node::datetime)),
        hero: warnings.optional_record(Record::Image, &node.get("hero"), image),
        body: body(&node.get("body"), warnings)?,
    })
}

fn author(node: &Node, warnings: &mut Warnings) -> Result<Author> {
    node.object()?;
    Ok(Author { name: node.get("name").non_blank_text()?, url: warnings.optional(node.get("url").optional(Node::url)) })
}

fn image(node: &Node, warnings: &mut Warnings) -> Result<Image> {
    node.object()?;
    let dimension = |name| -> Result<Option<u32>> {
        let field = node.get(name);
        field.optional(|f| u32::try_from(f.positive_integer()?).map_err(|_| f.invalid(Expected::PositiveInteger)))
    };
    Ok(Image {
        src: node.get("src").url()?,
        // An image without alt text is announced as its file name: default to decorative.
        alt: warnings.optional(node.get("alt").optional_text()).unwrap_or_default(),
        caption: warnings.optional(node.get("caption").optional_text()),
        credit: warnings.optional(node.get("credit").optional_text()),
        width: warnings.optional(dimension("width")),
        height: warnings.optional(dimension("height")),
    })
}

/// The body's blocks: one that cannot be read is left out, unless none is left, for an
/// article without its text is no article (the first block's fault then fails it).
fn body(node: &Node, warnings: &mut Warnings) -> Result<Vec<Block>> {
    let blocks = warnings.records(Record::Block, node, block)?;
    match node.items()?.first() {
        Some(first) if blocks.is_empty() => block(first, warnings).map(|block| vec![block]),
        _ => Ok(blocks),
    }
}

const BLOCK_TYPES: &[&str] = &["paragraph", "heading", "quote", "list", "image"];

fn block(node: &Node, warnings: &mut Warnings) -> Result<Block> {
    node.object()?;
    Ok(match node.get("type").tag(Expected::BlockType, BLOCK_TYPES)? {
        "paragraph" => Block::Paragraph(content(&node.get("content"))?),
        "heading" => {
            let level = node.get("level");
            Block::Heading {
                level: HeadingLevel::from_number(level.positive_integer().map_err(|_| level.invalid(Expected::HeadingLevel))?)
                    .ok_or_else(|| level.invalid(Expected::HeadingLevel))?,
                text: node.get("text").non_blank_text()?,
            }
        }
        "quote" => Block::Quote {
            content: content(&node.get("content"))?,
            attribution: warnings.optional(node.get("attribution").optional_text()),
        },
        "list" => Block::List {
            ordered: warnings.optional(node.get("ordered").bool_or(false).map(Some)).unwrap_or(false),
            items: node.get("items").list(content)?,
        },
        _ => Block::Image(image(node, warnings)?),
    })
}

/// Running text: a plain string, or an array of strings and inline objects.
fn content(node: &Node) -> Result<Vec<Inline>> {
    if node.is_text() {
        return Ok(vec![Inline::Text(node.text()?.to_owned())]);
    }
    node.list(inline).map_err(|error| if error.path == node.path() { node.fail(Expected::Text) } else { error })
}

const INLINE_TYPES: &[&str] = &["text", "emphasis", "strong", "link"];

fn inline(node: &Node) -> Result<Inline> {
    if node.is_text() {
        return Ok(Inline::Text(node.text()?.to_owned()));
    }
    node.object().map_err(|_| node.fail(Expected::InlineType))?;
    Ok(match node.get("type").tag(Expected::InlineType, INLINE_TYPES)? {
        "text" => Inline::Text(node.get("text").text()?.to_owned()),
        "emphasis" => Inline::Emphasis(content(&node.get("content"))?),
        "strong" => Inline::Strong(content(&node.get("content"))?),
        _ => Inline::Link { href: node.get("href").url()?, content: content(&node.get("content"))? },
    })
}

fn related_story(node: &Node, warnings: &mut Warnings) -> Result<RelatedStory> {
    node.object()?;
    Ok(RelatedStory {
        title: node.get("title").non_blank_text()?,
        url: node.get("url").url()?,
        published: warnings.optional(node.get("published").optional(Node::datetime)),
        thumbnail: warnings.optional_record(Record::Image, &node.get("thumbnail"), image),
    })
}

/// Decodes `GET /articles/{id}/comments`, and `GET /articles/{id}/comments/{root}/replies`
/// (the same shape, without `more_replies`).
pub fn decode_comment_page(body: &str) -> std::result::Result<Decoded<CommentPage>, Problem> {
    json::decode(body, |root, warnings| {
        root.object()?;
        let total = root.get("total").non_negative_integer()?;
        let comments = warnings.records(Record::Comment, &root.get("comments"), comment)?;
        // A bad list costs only the "show more replies" buttons.
        let more_replies = root.get("more_replies").optional(|list| list.list(more_replies));
        Ok(CommentPage {
            total,
            comments,
            skipped: warnings.skipped(Record::Comment),
            next: warnings.optional(root.get("next").optional_text()),
            more_replies: warnings.optional(more_replies).unwrap_or_default(),
        })
    })
}

/// `{"root": id, "count": n, "cursor": text or null}`: a thread whose replies were cut.
fn more_replies(node: &Node) -> Result<MoreReplies> {
    node.object()?;
    Ok(MoreReplies {
        root: node.get("root").non_blank_text()?,
        count: node.get("count").non_negative_integer()?,
        cursor: node.get("cursor").optional_text()?,
    })
}

/// Decodes a comment: the answer to `PATCH /articles/{id}/comments/{comment}`.
pub fn decode_comment(body: &str) -> std::result::Result<Decoded<Comment>, Problem> {
    json::decode(body, comment)
}

/// Decodes the answer to `POST /articles/{id}/comments`: the comment as stored, with the
/// secret that lets its author change it (`secret`, `editable_until`), when the server
/// gives one; a bad one costs only itself.
pub fn decode_posted_comment(body: &str) -> std::result::Result<Decoded<PostedComment>, Problem> {
    json::decode(body, |root, warnings| {
        let comment = comment(root, warnings)?;
        let ownership = |node: &Node| -> Result<Ownership> {
            Ok(Ownership { secret: node.get("secret").non_blank_text()?, editable_until: node.get("editable_until").datetime()? })
        };
        let ownership = warnings.optional(root.get("secret").optional(|_| ownership(root)));
        Ok(PostedComment { comment, ownership })
    })
}

/// The body of `PATCH /articles/{id}/comments/{comment}`: the new text, with the secret.
pub fn encode_comment_edit(secret: &str, body: &str) -> String {
    Value::object([("secret", Value::from(secret)), ("body", Value::from(body))]).to_string()
}

/// Decodes `GET /captcha`: the signed puzzle, and the proof of work when the server asks for
/// it (`pow`, in ALTCHA's format: a bad one fails the challenge, naming its field), and whether
/// it offers reply notifications by e-mail (`notify`; a value that is not a boolean is left
/// out with a warning: none offered).
pub fn decode_challenge(body: &str) -> std::result::Result<Decoded<Challenge>, Problem> {
    json::decode(body, |root, warnings| {
        root.object()?;
        // The expiry goes back to the server as it was written; it must still be a date.
        let expires = root.get("expires");
        expires.datetime()?;
        Ok(Challenge {
            seed: root.get("seed").decimal_string()?,
            signed: Some(Signature { expires: expires.non_blank_text()?, signature: root.get("signature").non_blank_text()? }),
            pow: root.get("pow").optional(pow::challenge)?,
            notify: warnings.optional(root.get("notify").optional(|notify| notify.bool_or(false))).unwrap_or(false),
        })
    })
}

/// An error as the API writes it: `{"error": {"code", "message", "field"?}}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

/// The API's error in a body, if it is one.
/// Read with `json::parse` rather than `json::decode`: a body that is not such an error
/// (a proxy's HTML page, another shape) is no problem to report, and the HTTP status then
/// says what happened (ARCHITECTURE.md, Invariants).
pub fn decode_error(body: &str) -> Option<ApiError> {
    let value = json::parse(body).ok()?;
    let error = Node::root(&value).get("error");
    Some(ApiError {
        code: error.get("code").non_blank_text().ok()?,
        message: error.get("message").optional_text().ok()?.unwrap_or_default(),
        field: error.get("field").optional_text().ok()?,
    })
}

/// The body of `POST /articles/{id}/comments`. A challenge the widget made itself is not
/// sent: only a server's signed one means anything to a server. `altcha` is the proof of
/// work's payload ([`pow::Challenge::payload`]), a top-level member when the server asked for one;
/// `"notify": true` when the author asks to be told of replies, absent otherwise.
pub fn encode_new_comment(comment: &ValidComment, parent: Option<&str>, challenge: &Challenge, answer: &str, altcha: Option<&str>, notify: bool) -> String {
    let captcha = challenge.signed.as_ref().map(|signed| {
        let captcha = Value::object([
            ("seed", Value::from(challenge.seed.to_string())),
            ("expires", Value::from(signed.expires.as_str())),
            ("signature", Value::from(signed.signature.as_str())),
            ("answer", Value::from(answer)),
        ]);
        ("captcha", captcha)
    });
    let members = [
        ("name", Value::from(comment.name.as_str())),
        ("email", Value::from(comment.email.as_str())),
        ("website", Value::from(comment.website.as_ref().map(SafeUrl::as_str))),
        ("body", Value::from(comment.body.as_str())),
        ("parent", Value::from(parent)),
    ];
    let altcha = altcha.map(|payload| ("altcha", Value::from(payload)));
    let notify = notify.then_some(("notify", Value::Bool(true)));
    Value::object(members.into_iter().chain(captcha).chain(altcha).chain(notify)).to_string()
}

fn comment(node: &Node, warnings: &mut Warnings) -> Result<Comment> {
    node.object()?;
    let status = node.get("status");
    let status = status.text().ok().and_then(CommentStatus::from_code).ok_or_else(|| status.invalid(Expected::CommentStatus))?;
    // A placeholder of a deleted comment has neither author nor text.
    let author = match status {
        CommentStatus::Deleted => node.get("author").optional_text()?.unwrap_or_default(),
        _ => node.get("author").non_blank_text()?,
    };
    Ok(Comment {
        id: node.get("id").non_blank_text()?,
        parent: warnings.optional(node.get("parent").optional_text()),
        author,
        website: warnings.optional(node.get("website").optional(Node::url)),
        body: node.get("body").text()?.to_owned(),
        created: node.get("created").datetime()?,
        edited: warnings.optional(node.get("edited").optional(Node::datetime)),
        status,
    })
}
