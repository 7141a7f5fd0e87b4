//! Reading an API's answers into the model: each field from the first of its sources that
//! has a value, read as what it should hold, with an error that names the JSON Pointer of
//! the value, what was expected and what was found.
//!
//! As for the native format, only what a section cannot do without fails it (the article's
//! headline, date and body; an answer's lists): any other bad value is left out with a
//! warning, alone or with the record it is in ([`Warnings`]).

use crate::article::{Article, Author, Block, Image, Inline, RelatedStory};
use crate::comment::{Comment, CommentPage, CommentStatus};
use crate::datetime::DateTime;
use crate::error::{Expected, Record};
use crate::html;
use crate::json::{Node, Value, Warnings};
use crate::locale::fill;
use crate::native::ApiError;
use crate::url::SafeUrl;

use super::{
    value_of, ArticleEndpoint, AuthorsGroup, CommentFields, CommentsEndpoint, Count, CountSource, DateFormat, ErrorFields, Field, ImageGroup,
    Matcher, Paging, Provided, RelatedEndpoint, Result, Source, Values,
};

impl Field {
    /// The first source with a value here, else the first source (to say what is missing).
    fn at<'s, 'd>(&'s self, item: &Node<'d>) -> Located<'s, 'd> {
        let located = |source: &'s Source| Located { source, node: item.at(&source.at), utc: source.utc.as_ref().map(|utc| item.at(utc)) };
        self.0.iter().map(located).find(Located::is_present).unwrap_or_else(|| located(&self.0[0]))
    }
}

/// An optional field's value in `item`, read with `read`: `None` when the mapping lacks the
/// field or the value is absent, and when it is bad, with a warning.
fn optional<'s, 'd, T>(
    field: &'s Option<Field>,
    item: &Node<'d>,
    warnings: &mut Warnings,
    read: impl FnOnce(&Located<'s, 'd>) -> Result<Option<T>>,
) -> Option<T> {
    warnings.optional(read(&field.as_ref()?.at(item)))
}

/// The mapping language's equality of scalars: numbers by value (`2` is `2.0`), any
/// other value as written.
fn same_value(found: &Value, wanted: &Value) -> bool {
    match (found, wanted) {
        (Value::Number(a), Value::Number(b)) => a == b || a.as_f64().is_some_and(|a| b.as_f64() == Some(a)),
        _ => found == wanted,
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
    /// The same date in UTC, for a source that has one.
    utc: Option<Node<'d>>,
}

impl Located<'_, '_> {
    fn is_present(&self) -> bool {
        !self.node.is_absent() && !self.utc.as_ref().is_some_and(Node::is_absent)
    }

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
        if self.node.is_absent() || value.is_some_and(|v| self.source.none.iter().any(|none| same_value(v, none))) {
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
        let each = self.node.list(|item| Located { source: self.source, node: item.clone(), utc: None }.identifier())?;
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
        match &self.utc {
            None => self.node.optional(|node| read_date(node, self.source.date)),
            Some(utc) if self.is_present() => read_local_and_utc(&self.node, utc).map(Some),
            Some(_) => Ok(None),
        }
    }

    /// The date; missing, an error at the part that is missing.
    fn required_date(&self) -> Result<DateTime> {
        self.date()?.ok_or_else(|| match &self.utc {
            Some(utc) if !self.node.is_absent() => utc.fail(Expected::DateTime),
            Some(_) => self.node.fail(Expected::LocalDateTime),
            None => self.node.fail(Expected::DateTime),
        })
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

    /// Pending or deleted when the value is one of those the field names so, whatever its
    /// type (WordPress's `"hold"`, Isso's `2` and `4`); else published.
    fn status(&self) -> CommentStatus {
        let Some(value) = self.node.value() else { return CommentStatus::Published };
        let among = |values: &[Value]| values.iter().any(|listed| same_value(value, listed));
        if among(&self.source.pending) {
            CommentStatus::Pending
        } else if among(&self.source.deleted) {
            CommentStatus::Deleted
        } else {
            CommentStatus::Published
        }
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

/// A date written as local time without offset and as UTC time, at the site's offset that
/// their difference gives.
fn read_local_and_utc(local: &Node, utc: &Node) -> Result<DateTime> {
    let not_local = || local.invalid(Expected::LocalDateTime);
    let local_time = local.text().ok().and_then(|text| DateTime::parse_rfc3339(&format!("{}Z", text.trim()))).ok_or_else(not_local)?;
    DateTime::from_local_and_utc(&local_time, &read_date(utc, DateFormat::NaiveUtc)?).ok_or_else(not_local)
}

fn from_unix(count: f64, per_second: f64) -> DateTime {
    // `as` saturates, and `from_unix_seconds` clamps to the years RFC 3339 can write.
    DateTime::from_unix_seconds((count / per_second).floor() as i64)
}

impl Matcher {
    /// A text is a template, filled with the values and compared with a text or a number
    /// as written (`"{id}"` matches `4127`); any other scalar is compared as a value.
    fn matches(&self, item: &Node, values: &Values) -> bool {
        let Some(found) = item.at(&self.at).value() else { return false };
        let Value::String(template) = &self.equals else { return same_value(found, &self.equals) };
        let wanted = fill(template, values);
        match found {
            Value::String(text) => *text == wanted,
            Value::Number(number) => number.as_str() == wanted,
            _ => false,
        }
    }
}

impl ArticleEndpoint {
    pub(super) fn decode(&self, root: &Node, values: &Values, warnings: &mut Warnings) -> Result<(Article, Provided)> {
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
        let id = optional(&fields.id, &node, warnings, Located::identifier);
        let mut provided = Vec::new();
        for (name, field) in &self.provides {
            if let Some(value) = warnings.optional(field.at(&node).identifiers()) {
                provided.push((name.clone(), value));
            }
        }
        let article = Article {
            id: id.or_else(|| value_of(values, "id").map(str::to_owned)).unwrap_or_default(),
            lang: optional(&fields.lang, &node, warnings, Located::text),
            kicker: optional(&fields.kicker, &node, warnings, Located::text),
            headline: fields.headline.at(&node).required_text()?,
            standfirst: optional(&fields.standfirst, &node, warnings, Located::text),
            authors: fields.authors.as_ref().map_or_else(Vec::new, |group| group.decode(&node, warnings)),
            published: fields.published.at(&node).required_date()?,
            updated: optional(&fields.updated, &node, warnings, Located::date),
            hero: fields.hero.as_ref().and_then(|group| group.decode(&node, warnings)),
            body: fields.body.at(&node).blocks()?,
        };
        Ok((article, provided))
    }
}

impl AuthorsGroup {
    /// The authors that have a name; others are left out, with a warning when the name or
    /// the list is there but bad.
    fn decode(&self, article: &Node, warnings: &mut Warnings) -> Vec<Author> {
        let items = match &self.list {
            Some(list) => warnings.optional(article.at(list).optional(Node::items)).unwrap_or_default(),
            None => vec![article.clone()],
        };
        items.iter().filter_map(|item| warnings.record(Record::Author, item, |warnings| self.author(item, warnings)).flatten()).collect()
    }

    fn author(&self, item: &Node, warnings: &mut Warnings) -> Result<Option<Author>> {
        let Some(name) = self.name.at(item).text()? else { return Ok(None) };
        Ok(Some(Author { name, url: optional(&self.url, item, warnings, Located::url) }))
    }
}

impl ImageGroup {
    /// No image when it has no source; none either, with a warning, when its source is bad.
    fn decode(&self, item: &Node, warnings: &mut Warnings) -> Option<Image> {
        let src = self.src.at(item);
        warnings.record(Record::Image, &src.node, |warnings| self.image(&src, item, warnings)).flatten()
    }

    fn image(&self, src: &Located, item: &Node, warnings: &mut Warnings) -> Result<Option<Image>> {
        let Some(src) = src.url()? else { return Ok(None) };
        Ok(Some(Image {
            src,
            alt: optional(&self.alt, item, warnings, Located::text).unwrap_or_default(),
            caption: optional(&self.caption, item, warnings, Located::text),
            credit: optional(&self.credit, item, warnings, Located::text),
            width: optional(&self.width, item, warnings, Located::size),
            height: optional(&self.height, item, warnings, Located::size),
        }))
    }
}

impl RelatedEndpoint {
    /// Stories without a title or a link are left out, as is the article itself; a story
    /// whose title or link is bad is left out with a warning.
    pub(super) fn decode(&self, root: &Node, values: &Values, warnings: &mut Warnings) -> Result<Vec<RelatedStory>> {
        let mut stories = Vec::new();
        for item in root.at(&self.list).items()? {
            if self.exclude.as_ref().is_some_and(|exclude| exclude.matches(&item, values)) {
                continue;
            }
            stories.extend(warnings.record(Record::RelatedStory, &item, |warnings| self.story(&item, warnings)).flatten());
        }
        Ok(stories)
    }

    fn story(&self, item: &Node, warnings: &mut Warnings) -> Result<Option<RelatedStory>> {
        let (Some(title), Some(url)) = (self.title.at(item).text()?, self.link.at(item).url()?) else { return Ok(None) };
        Ok(Some(RelatedStory {
            title,
            url,
            published: optional(&self.published, item, warnings, Located::date),
            thumbnail: self.thumbnail.as_ref().and_then(|group| group.decode(item, warnings)),
        }))
    }
}

impl CommentsEndpoint {
    pub(super) fn decode_page(&self, root: &Node, headers: &[(String, String)], cursor: Option<&str>, warnings: &mut Warnings) -> Result<CommentPage> {
        let comments = self.flatten(root.at(&self.list).items()?, warnings);
        let skipped = warnings.skipped(Record::Comment);
        let total = self.total.as_ref().and_then(|total| warnings.optional(total.read(root, headers)));
        let next = match &self.paging {
            Some(Paging::PageCount(count)) => {
                let page = cursor.and_then(|c| c.parse::<u64>().ok()).unwrap_or(1);
                warnings.optional(count.read(root, headers)).filter(|count| page < *count).map(|_| (page + 1).to_string())
            }
            Some(Paging::NextCursor(next)) => warnings.optional(next.at(root).identifier()),
            None => None,
        };
        // Without a count from the API, the page's: what it holds, read or not.
        Ok(CommentPage { total: total.unwrap_or(comments.len() as u64 + skipped), comments, skipped, next, more_replies: Vec::new() })
    }

    /// Comments in reading order, replies after their parent, each reply's parent set
    /// from where it is nested. A work list rather than recursion: nesting is the API's.
    /// A comment that cannot be read is left out with a warning, one that `exclude`
    /// selects without; the replies of either are still shown, with the parent their own
    /// fields give, as [`crate::thread::build`] shows any reply whose parent it does not have.
    fn flatten(&self, items: Vec<Node>, warnings: &mut Warnings) -> Vec<Comment> {
        let mut comments = Vec::new();
        let mut pending: Vec<(Node, Option<String>)> = items.into_iter().rev().map(|item| (item, None)).collect();
        while let Some((item, parent)) = pending.pop() {
            let excluded = self.exclude.as_ref().is_some_and(|exclude| exclude.matches(&item, &[]));
            let comment = if excluded { None } else { warnings.record(Record::Comment, &item, |warnings| self.fields.decode(&item, warnings)) };
            if let Some(replies) = &self.replies {
                let replies = warnings.optional(item.at(replies).optional(Node::items)).unwrap_or_default();
                let id = comment.as_ref().map(|comment| comment.id.clone());
                pending.extend(replies.into_iter().rev().map(|reply| (reply, id.clone())));
            }
            if let Some(mut comment) = comment {
                if parent.is_some() {
                    comment.parent = parent;
                }
                comments.push(comment);
            }
        }
        comments
    }
}

impl CommentFields {
    pub(super) fn decode(&self, node: &Node, warnings: &mut Warnings) -> Result<Comment> {
        node.object()?;
        let id = self.id.at(node);
        Ok(Comment {
            id: id.identifier()?.ok_or_else(|| id.node.fail(Expected::Identifier))?,
            parent: optional(&self.parent, node, warnings, Located::identifier),
            // An anonymous comment is still shown: some sites do not ask for a name.
            author: optional(&self.author, node, warnings, Located::text).unwrap_or_default(),
            website: optional(&self.website, node, warnings, Located::url),
            body: self.body.at(node).text()?.unwrap_or_default(),
            created: self.created.at(node).required_date()?,
            edited: optional(&self.edited, node, warnings, Located::date),
            status: self.status.as_ref().map_or(CommentStatus::Published, |field| field.at(node).status()),
        })
    }
}

impl ErrorFields {
    /// The API's error in a body, if it is one.
    pub(super) fn decode(&self, root: &Node) -> Option<ApiError> {
        Some(ApiError {
            code: self.code.at(root).identifier().ok()??,
            message: match &self.message {
                Some(message) => message.at(root).text().ok()?.unwrap_or_default(),
                None => String::new(),
            },
            field: match &self.field {
                Some(field) => field.at(root).text().ok()?,
                None => None,
            },
        })
    }
}
