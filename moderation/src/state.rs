//! The app's state, the one [`Action`] enum that changes it, and the reducer (pure: the
//! requests are the views' callbacks', which dispatch their answers here).
//!
//! Invariants:
//! - signed out, the state holds nothing of a session: a `401` that ends one (expired,
//!   signed out elsewhere) drops the queue, bans, log and settings, and says why;
//! - the queue's counts are the server's, moved by one for each comment an action moved, so
//!   that they match the list without a new request; a comment leaves the list when its new
//!   status is not the list's;
//! - a page of the queue is taken only as the answer to the latest search: each carries the
//!   attempt it was asked for, and an older one is dropped, never mixed with the new list;
//! - one action at a time (`busy`), and its result, done or failed, is said in the notice,
//!   which the views announce (`aria-live`) and focus; every change of what has focus is a
//!   [`Focus`] the views carry out after rendering.

use std::rc::Rc;

use article_widget_core::locale::{fill, Locale};
use article_widget_core::moderation::messages::messages;
use article_widget_core::moderation::{AdminComment, AuditPage, Ban, CommentList, CommentQuery, Session, Settings, Status};
use yew::Reducible;

use crate::api::Failure;

/// Element ids the views give what focus goes to.
pub mod ids {
    pub const HEADING: &str = "mod-heading";
    pub const NOTICE: &str = "mod-notice";
    pub const SIGN_IN_ERROR: &str = "mod-sign-in-error";
    /// The first field of an inline form (edit, ban) or the confirm button of a deletion.
    pub const OPEN_FORM: &str = "mod-open-form";

    /// A comment's element in the queue.
    pub fn comment(id: &str) -> String {
        format!("mod-comment-{id}")
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Queue,
    Bans,
    Audit,
    Settings,
}

/// Something fetched: on its way, here, or failed with the reason.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote<T> {
    Loading,
    Ready(T),
    Failed(Failure),
}

#[derive(Clone, Debug, PartialEq)]
pub enum SessionState {
    /// Asking the server whether the browser has a session.
    Checking,
    SignedOut { sending: bool, error: Option<Failure> },
    SignedIn(Session),
}

/// The queue: the search, and the list it gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Queue {
    /// The search shown (its cursor always `None`: the list holds every page so far).
    pub query: CommentQuery,
    /// Counts the searches, so that an answer to an older one is dropped.
    pub attempt: u64,
    pub list: Remote<CommentList>,
    /// A "more" on its way.
    pub more_loading: bool,
}

/// A comment's inline form, or its deletion's confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Open {
    Edit(String),
    Delete(String),
    Ban(String),
}

impl Open {
    pub fn id(&self) -> &str {
        match self {
            Open::Edit(id) | Open::Delete(id) | Open::Ban(id) => id,
        }
    }
}

/// What an action on a comment did, for the notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Done {
    Approved,
    Rejected,
    Spammed,
    Edited,
}

impl Done {
    /// What a status change did.
    pub fn of(status: Status) -> Done {
        match status {
            Status::Published => Done::Approved,
            Status::Rejected => Done::Rejected,
            _ => Done::Spammed,
        }
    }
}

/// The result of the latest action, announced and focused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub failed: bool,
}

/// Where focus goes after the next render; `serial` tells a new move from the last.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Focus {
    pub id: String,
    pub serial: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct State {
    pub locale: Locale,
    pub session: SessionState,
    pub page: Page,
    pub queue: Queue,
    pub open: Option<Open>,
    /// An action on its way.
    pub busy: bool,
    pub notice: Option<Notice>,
    pub bans: Remote<Vec<Ban>>,
    pub audit: Remote<AuditPage>,
    pub audit_more_loading: bool,
    pub settings: Remote<Settings>,
    pub focus: Focus,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    SessionChecked(Result<Option<Session>, Failure>),
    SignInSent,
    SignedIn(Result<Session, Failure>),
    SignedOut(Result<(), Failure>),
    Show(Page),
    /// A new search (or the same again, to retry): the list is asked for anew.
    Search(CommentQuery),
    MoreSent,
    QueueLoaded { attempt: u64, more: bool, result: Result<CommentList, Failure> },
    Open(Open),
    Close,
    /// An action on its way.
    Sent,
    /// A comment changed by an action (status or edit), as the server answered it.
    Changed { done: Done, comment: AdminComment },
    Deleted { id: String },
    Banned(Ban),
    Unbanned { id: String },
    /// An action failed.
    Failed(Failure),
    BansLoaded(Result<Vec<Ban>, Failure>),
    AuditMoreSent,
    AuditLoaded { more: bool, result: Result<AuditPage, Failure> },
    SettingsLoaded(Result<Settings, Failure>),
    SettingsSaved(Settings),
}

impl State {
    pub fn new(locale: Locale) -> State {
        State {
            locale,
            session: SessionState::Checking,
            page: Page::Queue,
            queue: Queue { query: CommentQuery::default(), attempt: 0, list: Remote::Loading, more_loading: false },
            open: None,
            busy: false,
            notice: None,
            bans: Remote::Loading,
            audit: Remote::Loading,
            audit_more_loading: false,
            settings: Remote::Loading,
            focus: Focus::default(),
        }
    }

    /// The session's token, which state-changing requests carry.
    pub fn csrf(&self) -> Option<&str> {
        match &self.session {
            SessionState::SignedIn(session) => Some(&session.csrf),
            _ => None,
        }
    }

    /// The comment of the queue with this id.
    pub fn comment(&self, id: &str) -> Option<&AdminComment> {
        match &self.queue.list {
            Remote::Ready(list) => list.comments.iter().find(|c| c.id == id),
            _ => None,
        }
    }

    pub fn reduce(mut self, action: Action) -> State {
        let m = messages(self.locale);
        match action {
            Action::SessionChecked(Ok(Some(session))) | Action::SignedIn(Ok(session)) => {
                let locale = self.locale;
                self = State { session: SessionState::SignedIn(session), focus: self.focus.clone(), ..State::new(locale) };
                self.move_focus(ids::HEADING);
            }
            Action::SessionChecked(Ok(None)) => self.session = SessionState::SignedOut { sending: false, error: None },
            Action::SessionChecked(Err(failure)) => self.session = SessionState::SignedOut { sending: false, error: Some(failure) },
            Action::SignInSent => self.session = SessionState::SignedOut { sending: true, error: None },
            Action::SignedIn(Err(failure)) => {
                self.session = SessionState::SignedOut { sending: false, error: Some(failure) };
                self.move_focus(ids::SIGN_IN_ERROR);
            }
            Action::SignedOut(Ok(())) => self.sign_out(None),
            Action::Show(page) => {
                self.page = page;
                self.open = None;
                self.notice = None;
                match page {
                    Page::Queue => self.queue = Queue { attempt: self.queue.attempt + 1, list: Remote::Loading, more_loading: false, ..self.queue },
                    Page::Bans => self.bans = Remote::Loading,
                    Page::Audit => self.audit = Remote::Loading,
                    Page::Settings => self.settings = Remote::Loading,
                }
                self.move_focus(ids::HEADING);
            }
            Action::Search(query) => {
                self.queue = Queue { query, attempt: self.queue.attempt + 1, list: Remote::Loading, more_loading: false };
                self.open = None;
            }
            Action::MoreSent => self.queue.more_loading = true,
            Action::QueueLoaded { attempt, .. } if attempt != self.queue.attempt => {}
            Action::QueueLoaded { more, result, .. } => {
                self.queue.more_loading = false;
                match (result, &mut self.queue.list) {
                    (Ok(page), Remote::Ready(list)) if more => {
                        list.counts = page.counts;
                        list.next = page.next;
                        let fresh: Vec<_> = page.comments.into_iter().filter(|c| !list.comments.iter().any(|known| known.id == c.id)).collect();
                        list.comments.extend(fresh);
                    }
                    (Ok(page), _) => self.queue.list = Remote::Ready(page),
                    (Err(failure), _) if failure.ends_session() => self.sign_out(Some(failure)),
                    (Err(failure), _) if more => self.fail(failure),
                    (Err(failure), _) => self.queue.list = Remote::Failed(failure),
                }
            }
            Action::Open(open) => {
                self.open = Some(open);
                self.move_focus(ids::OPEN_FORM);
            }
            Action::Close => {
                if let Some(open) = self.open.take() {
                    self.move_focus(&ids::comment(open.id()));
                }
            }
            Action::Sent => {
                self.busy = true;
                self.notice = None;
            }
            Action::Changed { done, comment } => {
                let author = comment.author.clone();
                self.replace(comment);
                let template = match done {
                    Done::Approved => m.approved,
                    Done::Rejected => m.rejected,
                    Done::Spammed => m.spammed,
                    Done::Edited => m.edited_done,
                };
                self.succeed(fill(template, &[("author", &author)]));
            }
            Action::Deleted { id } => {
                let comment = self.comment(&id).cloned();
                let author = comment.as_ref().map(|c| c.author.clone()).unwrap_or_default();
                if let Some(comment) = comment {
                    // As the server keeps it: a placeholder without its text.
                    self.replace(AdminComment { status: Status::Deleted, body: String::new(), ..comment });
                }
                self.succeed(fill(m.deleted, &[("author", &author)]));
            }
            Action::Banned(ban) => {
                if let Remote::Ready(bans) = &mut self.bans {
                    bans.insert(0, ban.clone());
                }
                self.succeed(fill(m.banned, &[("label", &ban.label)]));
            }
            Action::Unbanned { id } => {
                let mut label = String::new();
                if let Remote::Ready(bans) = &mut self.bans {
                    label = bans.iter().find(|ban| ban.id == id).map(|ban| ban.label.clone()).unwrap_or_default();
                    bans.retain(|ban| ban.id != id);
                }
                self.succeed(fill(m.unbanned, &[("label", &label)]));
            }
            Action::SettingsSaved(settings) => {
                self.settings = Remote::Ready(settings);
                self.succeed(m.settings_saved.to_owned());
            }
            Action::Failed(failure) | Action::SignedOut(Err(failure)) => self.fail(failure),
            Action::BansLoaded(result) => self.bans = self.loaded(result),
            Action::AuditMoreSent => self.audit_more_loading = true,
            Action::AuditLoaded { more, result } => {
                self.audit_more_loading = false;
                match (result, &mut self.audit) {
                    (Ok(page), Remote::Ready(log)) if more => {
                        log.entries.extend(page.entries);
                        log.next = page.next;
                    }
                    (Err(failure), _) if more => self.fail(failure),
                    (result, _) => self.audit = self.loaded(result),
                }
            }
            Action::SettingsLoaded(result) => self.settings = self.loaded(result),
        }
        self
    }

    /// A page's data, or its failure; a failure that ends the session signs out.
    fn loaded<T>(&mut self, result: Result<T, Failure>) -> Remote<T> {
        match result {
            Ok(value) => Remote::Ready(value),
            Err(failure) if failure.ends_session() => {
                self.sign_out(Some(failure.clone()));
                Remote::Failed(failure)
            }
            Err(failure) => Remote::Failed(failure),
        }
    }

    /// Puts a changed comment in the queue, and moves the counts with its status; it leaves
    /// the list when the list's status is no longer its own.
    fn replace(&mut self, comment: AdminComment) {
        let filter = self.queue.query.status;
        if let Remote::Ready(list) = &mut self.queue.list {
            if let Some(index) = list.comments.iter().position(|c| c.id == comment.id) {
                list.counts.moved(list.comments[index].status, comment.status);
                if filter.admits(comment.status) {
                    list.comments[index] = comment;
                } else {
                    list.comments.remove(index);
                }
            }
        }
    }

    fn succeed(&mut self, text: String) {
        self.busy = false;
        self.open = None;
        self.notice = Some(Notice { text, failed: false });
        self.move_focus(ids::NOTICE);
    }

    fn fail(&mut self, failure: Failure) {
        if failure.ends_session() {
            return self.sign_out(Some(failure));
        }
        self.busy = false;
        self.notice = Some(Notice { text: failure.describe(self.locale), failed: true });
        self.move_focus(ids::NOTICE);
    }

    /// Forgets the session and all it showed; `why`, when the server ended it.
    fn sign_out(&mut self, why: Option<Failure>) {
        let focus = self.focus.clone();
        let target = if why.is_some() { ids::SIGN_IN_ERROR } else { ids::HEADING };
        *self = State { session: SessionState::SignedOut { sending: false, error: why }, focus, ..State::new(self.locale) };
        self.move_focus(target);
    }

    fn move_focus(&mut self, id: &str) {
        self.focus = Focus { id: id.to_owned(), serial: self.focus.serial + 1 };
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Rc::unwrap_or_clone(self).reduce(action))
    }
}

#[cfg(test)]
mod tests;
