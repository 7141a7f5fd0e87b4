//! The moderation API's JSON shapes (the reference server's `/api/admin/`), read and written
//! for the moderation app, and for the server should it share them: its records, the answers'
//! decoders (every error naming its JSON Pointer), the request bodies, and the queue's URL.
//!
//! The widget never links this module: nothing it uses reaches it, so its download does not
//! change. The app's words are in [`messages`].
//!
//! Unlike the public API's decoders, these leave nothing out: an answer of the moderation API
//! is read whole or refused, for a moderator acts on what is shown and must see all of it.

pub mod messages;

use crate::datetime::DateTime;
use crate::error::{Expected, Problem, ShapeError};
use crate::json::{self, Node, Value};
use crate::url::{percent_encode, with_query};

type Result<T> = std::result::Result<T, ShapeError>;

/// Where the moderation API lives on the reference server.
pub const API_ROOT: &str = "/api/admin";

/// A comment's status, as the moderation API names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    Pending,
    Published,
    Rejected,
    Spam,
    Deleted,
}

impl Status {
    /// In the order the queue's filters show them: the held ones first.
    pub const ALL: [Status; 5] = [Status::Pending, Status::Published, Status::Rejected, Status::Spam, Status::Deleted];
    const CODES: &'static [&'static str] = &["pending", "published", "rejected", "spam", "deleted"];

    pub fn code(self) -> &'static str {
        Self::CODES[self as usize]
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Self::CODES.iter().position(|c| *c == code).map(|index| Self::ALL[index])
    }
}

/// Which comments the queue lists: one status (the held ones by default), or all of them
/// (the held ones first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Only(Status),
    All,
}

impl Default for StatusFilter {
    fn default() -> StatusFilter {
        StatusFilter::Only(Status::Pending)
    }
}

impl StatusFilter {
    pub fn code(self) -> &'static str {
        match self {
            StatusFilter::Only(status) => status.code(),
            StatusFilter::All => "all",
        }
    }

    /// Whether a comment of `status` belongs in the list this filter makes.
    pub fn admits(self, status: Status) -> bool {
        self == StatusFilter::All || self == StatusFilter::Only(status)
    }
}

/// How many comments each status has, whatever the search.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([u64; 5]);

impl Counts {
    pub fn new(pending: u64, published: u64, rejected: u64, spam: u64, deleted: u64) -> Counts {
        Counts([pending, published, rejected, spam, deleted])
    }

    pub fn get(&self, status: Status) -> u64 {
        self.0[status as usize]
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// A comment moved from one status to another (the server counted it already).
    pub fn moved(&mut self, from: Status, to: Status) {
        self.0[from as usize] = self.0[from as usize].saturating_sub(1);
        self.0[to as usize] += 1;
    }
}

/// A comment as a moderator sees it: everything the server keeps that a decision needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdminComment {
    pub id: String,
    pub article: String,
    pub parent: Option<String>,
    pub author: String,
    pub email: String,
    /// As the author wrote it: shown as text, never as a link.
    pub website: Option<String>,
    /// Plain text, shown as text.
    pub body: String,
    pub created: DateTime,
    pub edited: Option<DateTime>,
    pub status: Status,
    /// The author's network prefix (`2001:db8:1:2::/64`), when the server kept it.
    pub client_prefix: Option<String>,
    pub replies: u64,
    pub links: u64,
}

/// A page of the queue: the counts, the comments, and where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentList {
    pub counts: Counts,
    pub comments: Vec<AdminComment>,
    pub next: Option<String>,
}

/// A moderator's session: the name, and the token every state-changing request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub name: String,
    pub csrf: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BanKind {
    Email,
    Prefix,
}

impl BanKind {
    const CODES: &'static [&'static str] = &["email", "prefix"];

    pub fn code(self) -> &'static str {
        Self::CODES[self as usize]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ban {
    pub id: String,
    pub kind: BanKind,
    /// What the server shows of it: an e-mail's first character and domain, or the prefix.
    pub label: String,
    /// `None`: forever.
    pub until: Option<DateTime>,
    pub reason: String,
    pub created: DateTime,
    /// The moderator who banned.
    pub by: String,
}

/// Whom a new ban is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BanTarget {
    Email(String),
    Prefix(String),
    /// That comment's author's e-mail or address prefix.
    Comment { kind: BanKind, id: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewBan {
    pub target: BanTarget,
    /// RFC 3339; `None`: forever.
    pub until: Option<String>,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditAction {
    Approve,
    Reject,
    Spam,
    Edit,
    Delete,
    Ban,
    Unban,
    Settings,
    SignIn,
    SignOut,
}

impl AuditAction {
    const ALL: [AuditAction; 10] = [
        AuditAction::Approve,
        AuditAction::Reject,
        AuditAction::Spam,
        AuditAction::Edit,
        AuditAction::Delete,
        AuditAction::Ban,
        AuditAction::Unban,
        AuditAction::Settings,
        AuditAction::SignIn,
        AuditAction::SignOut,
    ];
    const CODES: &'static [&'static str] = &["approve", "reject", "spam", "edit", "delete", "ban", "unban", "settings", "sign_in", "sign_out"];

    pub fn code(self) -> &'static str {
        Self::CODES[self as usize]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime,
    pub moderator: String,
    pub action: AuditAction,
    pub comment: Option<String>,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
}

/// Which new comments are held for moderation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    None,
    All,
    Rules,
}

impl Hold {
    pub const ALL: [Hold; 3] = [Hold::None, Hold::All, Hold::Rules];
    const CODES: &'static [&'static str] = &["none", "all", "rules"];

    pub fn code(self) -> &'static str {
        Self::CODES[self as usize]
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub hold: Hold,
    /// More links than this hold a comment (with `Hold::Rules`); `None`: no limit.
    pub max_links: Option<u64>,
    /// Hold a comment whose author's e-mail has no published comment yet.
    pub first_time_authors: bool,
    /// Hold a comment whose name or text has one of these words.
    pub words: Vec<String>,
}

/// What the queue asks for: `GET /api/admin/comments?…`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CommentQuery {
    pub status: StatusFilter,
    /// Text searched in the comments' bodies.
    pub text: String,
    /// Text searched in the authors' names and e-mails.
    pub author: String,
    /// An article's exact id.
    pub article: String,
    /// The cursor of the page after the one shown.
    pub before: Option<String>,
}

impl CommentQuery {
    /// The URL under `root` (the API's, [`API_ROOT`]); empty searches are left out.
    pub fn url(&self, root: &str) -> String {
        let mut query = vec![("status", self.status.code())];
        let searches = [("q", self.text.trim()), ("author", self.author.trim()), ("article", self.article.trim())];
        query.extend(searches.into_iter().filter(|(_, value)| !value.is_empty()));
        query.extend(self.before.as_deref().map(|cursor| ("before", cursor)));
        with_query(&format!("{root}/comments"), &query)
    }
}

/// `{root}/{collection}/{id}` with the id percent-encoded, so that no id changes the path.
pub fn item_url(root: &str, collection: &str, id: &str) -> String {
    format!("{root}/{collection}/{}", percent_encode(id))
}

/// The audit log's URL, from its first page or from a cursor.
pub fn audit_url(root: &str, before: Option<&str>) -> String {
    match before {
        Some(cursor) => with_query(&format!("{root}/audit"), &[("before", cursor)]),
        None => format!("{root}/audit"),
    }
}

/// Decodes `GET|POST /api/admin/session`.
pub fn decode_session(body: &str) -> std::result::Result<Session, Problem> {
    whole(body, |root| {
        root.object()?;
        Ok(Session { name: root.get("name").non_blank_text()?, csrf: root.get("csrf").non_blank_text()? })
    })
}

/// Decodes `GET /api/admin/comments`.
pub fn decode_comment_list(body: &str) -> std::result::Result<CommentList, Problem> {
    whole(body, |root| {
        root.object()?;
        let counts = root.get("counts");
        counts.object()?;
        let count = |status: Status| counts.get(status.code()).non_negative_integer();
        Ok(CommentList {
            counts: Counts([count(Status::Pending)?, count(Status::Published)?, count(Status::Rejected)?, count(Status::Spam)?, count(Status::Deleted)?]),
            comments: root.get("comments").list(comment)?,
            next: root.get("next").optional_text()?,
        })
    })
}

/// Decodes the answer to `POST …/comments/{id}/status` and `PATCH …/comments/{id}`.
pub fn decode_comment(body: &str) -> std::result::Result<AdminComment, Problem> {
    whole(body, comment)
}

/// Decodes `GET /api/admin/bans`.
pub fn decode_bans(body: &str) -> std::result::Result<Vec<Ban>, Problem> {
    whole(body, |root| root.object()?.get("bans").list(ban))
}

/// Decodes the answer to `POST /api/admin/bans`.
pub fn decode_ban(body: &str) -> std::result::Result<Ban, Problem> {
    whole(body, ban)
}

/// Decodes `GET /api/admin/audit`.
pub fn decode_audit(body: &str) -> std::result::Result<AuditPage, Problem> {
    whole(body, |root| {
        root.object()?;
        Ok(AuditPage { entries: root.get("entries").list(audit_entry)?, next: root.get("next").optional_text()? })
    })
}

/// Decodes `GET|PUT /api/admin/settings`.
pub fn decode_settings(body: &str) -> std::result::Result<Settings, Problem> {
    whole(body, |root| {
        root.object()?;
        Ok(Settings {
            hold: Hold::ALL[one_of(&root.get("hold"), Hold::CODES)?],
            max_links: root.get("max_links").optional(Node::non_negative_integer)?,
            first_time_authors: root.get("first_time_authors").bool_or(false)?,
            words: root.get("words").optional(|words| words.list(Node::non_blank_text))?.unwrap_or_default(),
        })
    })
}

/// The body of `POST /api/admin/session`.
pub fn encode_sign_in(name: &str, password: &str) -> String {
    Value::object([("name", Value::from(name)), ("password", Value::from(password))]).to_string()
}

/// The body of `POST /api/admin/comments/{id}/status`.
pub fn encode_status(status: Status) -> String {
    Value::object([("status", Value::from(status.code()))]).to_string()
}

/// The body of `PATCH /api/admin/comments/{id}`: a blank website removes it.
pub fn encode_edit(author: &str, website: &str, body: &str) -> String {
    let website = Some(website.trim()).filter(|w| !w.is_empty());
    Value::object([("author", Value::from(author)), ("website", Value::from(website)), ("body", Value::from(body))]).to_string()
}

/// The body of `POST /api/admin/bans`.
pub fn encode_ban(ban: &NewBan) -> String {
    let target = match &ban.target {
        BanTarget::Email(email) => [("kind", Value::from(BanKind::Email.code())), ("email", Value::from(email.trim()))],
        BanTarget::Prefix(prefix) => [("kind", Value::from(BanKind::Prefix.code())), ("prefix", Value::from(prefix.trim()))],
        BanTarget::Comment { kind, id } => [("kind", Value::from(kind.code())), ("comment", Value::from(id.as_str()))],
    };
    let rest = [("until", Value::from(ban.until.as_deref())), ("reason", Value::from(ban.reason.trim()))];
    Value::object(target.into_iter().chain(rest)).to_string()
}

/// The body of `PUT /api/admin/settings`.
pub fn encode_settings(settings: &Settings) -> String {
    Value::object([
        ("hold", Value::from(settings.hold.code())),
        ("max_links", Value::from(settings.max_links)),
        ("first_time_authors", Value::Bool(settings.first_time_authors)),
        ("words", Value::Array(settings.words.iter().map(|word| Value::from(word.as_str())).collect())),
    ])
    .to_string()
}

/// Parses `text` and reads it whole with `read`.
fn whole<T>(text: &str, read: impl FnOnce(&Node) -> Result<T>) -> std::result::Result<T, Problem> {
    json::decode(text, |root, _| read(root)).map(|decoded| decoded.value)
}

/// The index of this node's text in `codes`; else an error naming the value found.
fn one_of(node: &Node, codes: &'static [&'static str]) -> Result<usize> {
    let code = node.tag(Expected::Text, codes)?;
    Ok(codes.iter().position(|c| *c == code).unwrap_or_default())
}

fn comment(node: &Node) -> Result<AdminComment> {
    node.object()?;
    Ok(AdminComment {
        id: node.get("id").non_blank_text()?,
        article: node.get("article").non_blank_text()?,
        parent: node.get("parent").optional_text()?,
        author: node.get("author").text()?.to_owned(),
        email: node.get("email").text()?.to_owned(),
        website: node.get("website").optional_text()?,
        body: node.get("body").text()?.to_owned(),
        created: node.get("created").datetime()?,
        edited: node.get("edited").optional(Node::datetime)?,
        status: Status::ALL[one_of(&node.get("status"), Status::CODES)?],
        client_prefix: node.get("client_prefix").optional_text()?,
        replies: node.get("replies").non_negative_integer()?,
        links: node.get("links").non_negative_integer()?,
    })
}

fn ban(node: &Node) -> Result<Ban> {
    node.object()?;
    Ok(Ban {
        id: node.get("id").non_blank_text()?,
        kind: [BanKind::Email, BanKind::Prefix][one_of(&node.get("kind"), BanKind::CODES)?],
        label: node.get("label").non_blank_text()?,
        until: node.get("until").optional(Node::datetime)?,
        reason: node.get("reason").optional_text()?.unwrap_or_default(),
        created: node.get("created").datetime()?,
        by: node.get("by").non_blank_text()?,
    })
}

fn audit_entry(node: &Node) -> Result<AuditEntry> {
    node.object()?;
    Ok(AuditEntry {
        id: node.get("id").non_blank_text()?,
        at: node.get("at").datetime()?,
        moderator: node.get("moderator").non_blank_text()?,
        action: AuditAction::ALL[one_of(&node.get("action"), AuditAction::CODES)?],
        comment: node.get("comment").optional_text()?,
        detail: node.get("detail").optional_text()?.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests;
