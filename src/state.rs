//! The widget's state, the one [`Action`] enum that changes it, and the reducer.
//!
//! Invariants:
//! - each section is loading, shown or failed: what the decoders could not read is left out
//!   of it (comments left out are counted, and the count shown leaves them out), and only
//!   what a section cannot do without fails it;
//! - the reader's text leaves the draft only when the backend has confirmed the comment;
//! - a post is retried with the same idempotency key, challenge and answer, so that a post
//!   which did arrive is not duplicated; the key is kept for the same text and reply target
//!   across a new question too (a captcha refusal), as a server that looks at the key before
//!   the captcha answers a stored post whatever its challenge; editing the comment or its
//!   reply target makes it a new post (new key), and so does a confirmed one;
//! - only one post is on its way at a time;
//! - a proof of work is searched for only once the reader uses the form, and only for the
//!   challenge it answers: a new question cancels it ([`WidgetState::proof_attempt`], which
//!   progress and answers carry) and, once the reader has used the form, starts the next; a
//!   submit waits for it only while it is not found;
//! - a page of comments is taken only as the answer to the thread's latest request: each
//!   answer carries the attempt it was asked for, and one asked for a thread since replaced
//!   (another order, a Retry) or a "show more" since given up is dropped, never appended to
//!   the new thread with its old cursor;
//! - the views render a thread a slice at a time ([`THREADS_PER_SLICE`] top-level threads
//!   more at each "show more"), however many comments the backend sent in one answer; a
//!   "show more" that reveals threads received already asks for nothing, so the next page's
//!   attempt is counted only when a page is asked for;
//! - the replies a page cut are fetched for one thread at a time, and an answer asked for a
//!   thread since replaced is dropped ([`WidgetState::replies_attempt`]), as pages are;
//! - the reader's own comments may be changed only while their window lasts
//!   ([`WidgetState::own`], dropped when it ends), one change at a time, and the text of an
//!   edit leaves the edit box only when the backend confirmed it.

use std::rc::Rc;

use article_widget_core::article::{Article, RelatedStory};
use article_widget_core::captcha::Challenge;
use article_widget_core::comment::{validate, validate_body, Comment, CommentDraft, CommentPage, CommentStatus, Field, FieldError, FieldProblem, MoreReplies, Ownership, PostedComment};
use article_widget_core::error::{CaptchaRefusal, LoadError, PostError};
use article_widget_core::thread;
use yew::Reducible;

use crate::backend::{NewComment, Order, NATIVE_PAGE_SIZE};
use crate::prerender::FirstRender;

/// Something fetched: on its way, here, or failed with the reason.
#[derive(Clone, Debug, PartialEq)]
pub enum Remote<T> {
    Loading,
    Ready(T),
    Failed(Rc<LoadError>),
}

impl<T> Remote<T> {
    fn from_result(result: Result<T, LoadError>) -> Remote<T> {
        result.map_or_else(|error| Remote::Failed(Rc::new(error)), Remote::Ready)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Article,
    Related,
    Comments,
}

/// Top-level threads (each with all its replies) that the views render first, and then more
/// at each "show more". A backend may send thousands of comments in one answer (comment
/// servers that do not page): rendered at once, they would hold the page for a second or
/// more; a slice renders in one short task. As many as a page of the widget's own API, so
/// that its first screen is what it was and each of its pages is one slice.
pub const THREADS_PER_SLICE: usize = NATIVE_PAGE_SIZE;

/// The comments received so far, in page order, and how many of their threads are shown.
#[derive(Clone, Debug, PartialEq)]
pub struct Thread {
    /// Each comment shared, so that a new page or a posted comment copies pointers, not texts.
    pub comments: Rc<[Rc<Comment>]>,
    /// The backend's count, which includes the comments left out.
    pub total: u64,
    /// Comments of the pages so far that could not be read and are left out.
    pub skipped: u64,
    pub next: Option<String>,
    /// When the first page arrived, in unix seconds: "3 minutes ago" is relative to it.
    pub now: i64,
    /// How many top-level threads of [`thread::build`]'s arrangement the views render: the
    /// others were received but wait for "show more", which reveals them without a request.
    /// It may exceed the threads there are.
    pub shown: usize,
    /// The threads whose replies the backend cut from its pages, with how many are left
    /// and where they go on ("show more replies" under each).
    pub more_replies: Vec<MoreReplies>,
}

impl Thread {
    /// Adds the comments of a later page or of a thread's replies, after those received. A
    /// comment posted meanwhile can shift pages: none is shown twice.
    fn append(&mut self, comments: Vec<Comment>) {
        let mut known: Vec<&str> = self.comments.iter().map(|c| c.id.as_str()).collect();
        known.sort_unstable();
        let fresh: Vec<Rc<Comment>> = comments.into_iter().filter(|c| known.binary_search(&c.id.as_str()).is_err()).map(Rc::new).collect();
        self.comments = self.comments.iter().cloned().chain(fresh).collect();
    }

    /// The comment `id` edited (`Some`), or deleted: a placeholder in its place while a
    /// reply needs it there, else gone; the count follows.
    fn change(&mut self, id: &str, edited: Option<Comment>) {
        let answered = self.comments.iter().any(|comment| comment.parent.as_deref() == Some(id))
            || self.more_replies.iter().any(|more| more.root == id);
        let mut counted = false;
        let comments = self.comments.iter().filter_map(|comment| {
            if comment.id != id {
                return Some(comment.clone());
            }
            counted = comment.status == CommentStatus::Published;
            match &edited {
                Some(edited) => Some(Rc::new(edited.clone())),
                None if answered => Some(Rc::new(Comment {
                    author: String::new(),
                    website: None,
                    body: String::new(),
                    status: CommentStatus::Deleted,
                    ..(**comment).clone()
                })),
                None => None,
            }
        });
        self.comments = comments.collect();
        if edited.is_none() && counted {
            self.total = self.total.saturating_sub(1);
        }
    }

    /// How many top-level threads the comments received make.
    fn threads(&self) -> usize {
        thread::build(&self.comments).len()
    }

    /// Adds a comment the reader posted. A new thread goes right after the threads shown,
    /// before those still hidden, and is shown; a reply goes under its parent.
    fn add_posted(&mut self, comment: Comment) {
        let is_reply = comment.parent.as_ref().is_some_and(|parent| self.comments.iter().any(|c| &c.id == parent));
        let threads = thread::build(&self.comments);
        let first_hidden = threads.get(self.shown).filter(|_| !is_reply);
        let at = first_hidden.and_then(|entry| self.comments.iter().position(|c| Rc::ptr_eq(c, entry.comment))).unwrap_or(self.comments.len());
        if !is_reply {
            self.shown = self.shown.min(threads.len()) + 1;
        }
        let (before, after) = self.comments.split_at(at);
        self.comments = before.iter().chain([&Rc::new(comment)]).chain(after).cloned().collect();
    }
}

impl Thread {
    /// The comments a reader can be shown, for the heading's count: those left out are
    /// counted apart, in a note.
    pub fn shown_total(&self) -> u64 {
        self.total.saturating_sub(self.skipped)
    }
}

/// Loading the next page of a thread.
#[derive(Clone, Debug, PartialEq)]
pub enum More {
    Idle,
    Loading,
    Failed(Rc<LoadError>),
}

/// Loading the replies a page cut, for one thread (its top-level comment's id) at a time.
#[derive(Clone, Debug, PartialEq)]
pub enum RepliesLoading {
    Idle,
    Loading(String),
    Failed(String, Rc<LoadError>),
}

/// The form's text inputs, for [`Action::Edit`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Name,
    Email,
    Website,
    Body,
    Answer,
    /// The hidden field that only robots fill.
    Trap,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Submission {
    Editing,
    /// Checked and waiting for the proof of work, then sent, with the form's key or, if the
    /// comment was edited meanwhile, this one.
    Proving { fresh_key: String },
    Sending(Rc<NewComment>),
    Failed(Rc<PostError>),
    /// Confirmed by the backend; `pending` when it is held for moderation.
    Sent { pending: bool },
}

/// The proof of work a server's challenge asks for (`Challenge::pow`).
#[derive(Clone, Debug, PartialEq)]
pub enum Proof {
    /// None asked for: no challenge yet, or one without proof of work.
    NotAsked,
    /// Asked for; the search starts when the reader first uses the form.
    Waiting,
    /// Being searched ([`WidgetState::proof_attempt`]): how many counters were tried so far.
    Solving { tried: u64 },
    /// The payload that answers it, sent with the comment.
    Solved(Rc<str>),
    /// The search could not be made (no solver could load) or found no answer: the console
    /// says why, and the next submit tries again.
    Failed,
}

/// A person takes at least this long to read a question and answer it; a robot does not.
pub const MIN_MS_BEFORE_SUBMIT: f64 = 3_000.0;

#[derive(Clone, Debug, PartialEq)]
pub struct Form {
    pub draft: CommentDraft,
    /// The id of the comment being answered.
    pub reply_to: Option<String>,
    pub answer: String,
    pub trap: String,
    pub challenge: Remote<Challenge>,
    pub proof: Proof,
    /// Whether the reader has used the form (focused or typed into it): the proof of work
    /// starts then, so that readers who never comment never pay for it.
    pub used: bool,
    /// When the current question appeared (ms since the epoch), for the minimum delay.
    pub challenge_shown_at: f64,
    /// Errors of the last submit, shown until the next one.
    pub errors: Vec<FieldError>,
    pub submission: Submission,
    /// Kept for the retries of one post; cleared when the comment changes.
    pub idempotency_key: Option<String>,
    pub remember: bool,
    /// The author asks to be told of replies by e-mail (sent only if the challenge offers it).
    pub notify: bool,
    /// Whether the draft and remembered details were read from storage: until then, the
    /// empty form must not overwrite them.
    pub restored: bool,
}

impl Form {
    /// Every problem of the form as it stands, in form order.
    pub fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = validate(&self.draft).err().unwrap_or_default();
        if self.answer.trim().is_empty() {
            errors.push(FieldError { field: Field::Captcha, problem: FieldProblem::Required });
        }
        errors
    }
}

impl Default for Form {
    fn default() -> Self {
        Form {
            draft: CommentDraft::default(),
            reply_to: None,
            answer: String::new(),
            trap: String::new(),
            challenge: Remote::Loading,
            proof: Proof::NotAsked,
            used: false,
            challenge_shown_at: 0.0,
            errors: Vec::new(),
            submission: Submission::Editing,
            idempotency_key: None,
            remember: false,
            notify: false,
            restored: false,
        }
    }
}

/// How long the widget waits for the article before it shows placeholders: about the
/// longest wait that still feels immediate, so placeholders appear only when they help.
pub const PLACEHOLDER_DELAY_MS: u32 = 300;

#[derive(Clone, Debug)]
pub struct WidgetState {
    /// True from the start until the article's first answer or [`PLACEHOLDER_DELAY_MS`],
    /// whichever comes first: meanwhile the widget shows nothing, so that an article that
    /// answers sooner appears without a flash of placeholders (and without their layout).
    pub quiet_start: bool,
    pub article: Remote<Rc<Article>>,
    pub related: Remote<Rc<[RelatedStory]>>,
    pub thread: Remote<Thread>,
    /// Whether the comment section was seen (or is loaded eagerly): nothing is fetched for
    /// it before.
    pub comments_visible: bool,
    pub order: Order,
    pub more: More,
    pub replies: RepliesLoading,
    /// The reader's own comments held for moderation, shown to them alone.
    pub own_pending: Vec<Comment>,
    /// The reader's comments they may still change, each until its window ends: kept in
    /// storage, shown with "Edit" and "Delete" once the widget runs.
    pub own: Rc<[OwnComment]>,
    /// The change to one of them under way, if any.
    pub change: Option<Change>,
    pub form: Form,
    /// Bumped to (re)load a section: the effects that load depend on these.
    pub article_attempt: u32,
    pub related_attempt: u32,
    pub thread_attempt: u32,
    pub more_attempt: u32,
    pub replies_attempt: u32,
    pub challenge_attempt: u32,
    pub post_attempt: u32,
    /// Bumped to send [`WidgetState::change`].
    pub change_attempt: u32,
    /// Bumped at each search for a proof of work started (and at each new question, which
    /// cancels one): the effect that solves depends on it.
    pub proof_attempt: u32,
    /// Whether the widget runs: false only in a server's render and in the browser's first
    /// render of that markup, which must be the same (`crate::prerender`); until then the form
    /// is shown disabled, so that nothing typed into it before the widget ran is lost.
    pub interactive: bool,
    /// Counts the reducer's steps: two states with the same revision are the same state,
    /// which is how the views compare them (`views::StateHandle`).
    pub revision: u64,
}

impl Default for WidgetState {
    fn default() -> Self {
        WidgetState::new(true)
    }
}

impl WidgetState {
    pub fn new(comments_visible: bool) -> Self {
        WidgetState {
            quiet_start: true,
            article: Remote::Loading,
            related: Remote::Loading,
            thread: Remote::Loading,
            comments_visible,
            order: Order::default(),
            more: More::Idle,
            replies: RepliesLoading::Idle,
            own_pending: Vec::new(),
            own: Rc::new([]),
            change: None,
            form: Form::default(),
            article_attempt: 0,
            related_attempt: 0,
            thread_attempt: 0,
            more_attempt: 0,
            replies_attempt: 0,
            challenge_attempt: 0,
            post_attempt: 0,
            change_attempt: 0,
            proof_attempt: 0,
            interactive: true,
            revision: 0,
        }
    }

    /// The state a server rendered: the sections its answers held, the comments shown, the
    /// form not yet interactive. The browser's first render starts from the same state.
    pub fn first_render(first: &FirstRender) -> Self {
        let mut state = WidgetState::new(true);
        state.apply(Action::ArticleLoaded(Ok(first.article.clone())));
        if let Some(related) = &first.related {
            state.apply(Action::RelatedLoaded(related.clone()));
        }
        if let Some(comments) = &first.comments {
            state.apply(Action::ThreadLoaded { attempt: 0, result: comments.clone(), now: first.now });
        }
        state.interactive = false;
        state
    }
}

/// A comment the reader posted and may still change: its id and its [`Ownership`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnComment {
    pub id: String,
    pub ownership: Ownership,
}

/// A change to one of the reader's own comments: its text in an edit box, or its deletion
/// awaiting the reader's confirmation; then on its way, or refused.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub id: String,
    pub kind: ChangeKind,
    pub sending: bool,
    pub error: Option<Rc<PostError>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// The text being edited.
    Edit(String),
    Delete,
}

/// The part of a draft kept in storage while the reader types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDraft {
    pub body: String,
    pub reply_to: Option<String>,
}

/// What "remember me" keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredIdentity {
    pub name: String,
    pub email: String,
    pub website: String,
}

#[derive(Debug)]
pub enum Action {
    /// The placeholders are due: the article has not answered within [`PLACEHOLDER_DELAY_MS`].
    PlaceholdersDue,
    ArticleLoaded(Result<Rc<Article>, LoadError>),
    RelatedLoaded(Result<Rc<[RelatedStory]>, LoadError>),
    /// The thread's first page, asked for at `attempt` ([`WidgetState::thread_attempt`]).
    ThreadLoaded { attempt: u32, result: Result<CommentPage, LoadError>, now: i64 },
    /// The thread's next page, asked for at `attempt` ([`WidgetState::more_attempt`]).
    MoreLoaded { attempt: u32, result: Result<CommentPage, LoadError> },
    /// "Show more replies" under the thread of this top-level comment.
    LoadReplies(String),
    /// A page of a thread's replies, asked for at `attempt` ([`WidgetState::replies_attempt`]).
    RepliesLoaded { attempt: u32, result: Result<CommentPage, LoadError> },
    Retry(Section),
    /// The comment section came near the viewport.
    ShowComments,
    LoadMore,
    SetOrder(Order),
    ChallengeLoaded { result: Result<Challenge, LoadError>, shown_at: f64 },
    NewQuestion,
    /// The reader focused the form (or typed into it) for the first time.
    FormUsed,
    /// The search for the proof of work started at `attempt` has tried `tried` counters.
    ProofProgress { attempt: u32, tried: u64 },
    /// The search started at `attempt` found its answer: the payload to send.
    ProofFound { attempt: u32, payload: String },
    /// The search started at `attempt` could not be made or found nothing.
    ProofFailed { attempt: u32 },
    Edit(Input, String),
    ReplyTo(Option<String>),
    /// What storage held when the widget started: a draft, and details remembered from an
    /// earlier visit.
    Restore { draft: Option<StoredDraft>, identity: Option<StoredIdentity> },
    SetRemember(bool),
    SetNotify(bool),
    /// Sends the form. `fresh_key` is used unless a retry keeps the previous one.
    Submit { now: f64, fresh_key: String },
    Posted(Result<PostedComment, PostError>),
    /// The reader's own comments that storage held (their windows not yet ended at `now`,
    /// unix seconds).
    OwnRestored { own: Vec<OwnComment>, now: i64 },
    /// The windows ended by `now` (unix seconds) are over: their comments' buttons go.
    OwnWindowsChecked { now: i64 },
    /// "Edit" or "Delete" on the reader's own comment.
    StartChange { id: String, delete: bool },
    /// The edit box's text.
    ChangeText(String),
    CancelChange,
    /// "Save" or "Yes, delete".
    SendChange,
    /// The backend's answer: the comment edited, or `None` once deleted.
    Changed(Result<Option<Comment>, PostError>),
    /// The widget runs in the browser (a server's markup was taken over), at `now` (unix
    /// seconds): relative dates count from it, rather than from when the server rendered.
    Interactive { now: i64 },
}

impl Reducible for WidgetState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        next.revision += 1;
        Rc::new(next)
    }
}

impl WidgetState {
    fn apply(&mut self, action: Action) {
        match action {
            Action::PlaceholdersDue => self.quiet_start = false,
            Action::ArticleLoaded(result) => {
                self.quiet_start = false;
                self.article = Remote::from_result(result);
            }
            Action::RelatedLoaded(result) => self.related = Remote::from_result(result),
            // An answer for a thread since replaced, or a page since given up: dropped.
            Action::ThreadLoaded { attempt, .. } if attempt != self.thread_attempt => {}
            Action::MoreLoaded { attempt, .. } if attempt != self.more_attempt || self.more != More::Loading => {}
            Action::RepliesLoaded { attempt, .. } if attempt != self.replies_attempt => {}
            Action::ThreadLoaded { result, now, .. } => {
                self.thread = Remote::from_result(result.map(|page| Thread {
                    comments: page.comments.into_iter().map(Rc::new).collect(),
                    total: page.total,
                    skipped: page.skipped,
                    next: page.next,
                    now,
                    shown: THREADS_PER_SLICE,
                    more_replies: page.more_replies,
                }));
            }
            Action::MoreLoaded { result: Ok(page), .. } => {
                if let Remote::Ready(thread) = &mut self.thread {
                    // Every thread received was shown before this page was asked for: the
                    // page's first slice joins them.
                    thread.shown = thread.threads() + THREADS_PER_SLICE;
                    thread.append(page.comments);
                    thread.more_replies.extend(page.more_replies);
                    thread.total = page.total;
                    thread.skipped += page.skipped;
                    thread.next = page.next;
                }
                self.more = More::Idle;
            }
            Action::MoreLoaded { result: Err(error), .. } => self.more = More::Failed(Rc::new(error)),
            Action::LoadReplies(root) => {
                let cut = matches!(&self.thread, Remote::Ready(thread) if thread.more_replies.iter().any(|more| more.root == root));
                if cut && !matches!(self.replies, RepliesLoading::Loading(_)) {
                    self.replies = RepliesLoading::Loading(root);
                    self.replies_attempt += 1;
                }
            }
            Action::RepliesLoaded { result, .. } => {
                let RepliesLoading::Loading(root) = std::mem::replace(&mut self.replies, RepliesLoading::Idle) else { return };
                match (result, &mut self.thread) {
                    (Ok(page), Remote::Ready(thread)) => {
                        let received = page.comments.len() as u64 + page.skipped;
                        thread.skipped += page.skipped;
                        thread.append(page.comments);
                        let at = thread.more_replies.iter().position(|more| more.root == root);
                        match (at, page.next) {
                            (Some(at), Some(cursor)) => {
                                let more = &mut thread.more_replies[at];
                                // While the backend says more follow, at least one does.
                                more.count = more.count.saturating_sub(received).max(1);
                                more.cursor = Some(cursor);
                            }
                            (Some(at), None) => drop(thread.more_replies.remove(at)),
                            (None, _) => {}
                        }
                    }
                    (Ok(_), _) => {}
                    (Err(error), _) => self.replies = RepliesLoading::Failed(root, Rc::new(error)),
                }
            }
            Action::Retry(Section::Article) => {
                self.article = Remote::Loading;
                self.article_attempt += 1;
            }
            Action::Retry(Section::Related) => {
                self.related = Remote::Loading;
                self.related_attempt += 1;
            }
            Action::Retry(Section::Comments) => self.reload_thread(),
            Action::ShowComments => self.comments_visible = true,
            Action::LoadMore => {
                if let Remote::Ready(thread) = &mut self.thread {
                    if thread.shown < thread.threads() {
                        thread.shown += THREADS_PER_SLICE; // received already: no request
                    } else if thread.next.is_some() && self.more != More::Loading {
                        self.more = More::Loading;
                        self.more_attempt += 1;
                    }
                }
            }
            Action::SetOrder(order) => {
                if order != self.order {
                    self.order = order;
                    self.reload_thread();
                }
            }
            Action::ChallengeLoaded { result, shown_at } => {
                let asks_proof = matches!(&result, Ok(challenge) if challenge.pow.is_some());
                self.form.challenge = Remote::from_result(result);
                self.form.challenge_shown_at = shown_at;
                self.form.proof = if asks_proof { Proof::Waiting } else { Proof::NotAsked };
                if asks_proof && self.form.used {
                    self.start_proof();
                }
            }
            Action::NewQuestion => self.new_question(),
            Action::FormUsed => self.form_used(),
            // Progress or an answer of a search since cancelled: dropped.
            Action::ProofProgress { attempt, .. } | Action::ProofFound { attempt, .. } | Action::ProofFailed { attempt }
                if attempt != self.proof_attempt || !matches!(self.form.proof, Proof::Solving { .. }) => {}
            Action::ProofProgress { tried, .. } => self.form.proof = Proof::Solving { tried },
            Action::ProofFound { payload, .. } => {
                self.form.proof = Proof::Solved(payload.into());
                if let Submission::Proving { fresh_key } = &self.form.submission {
                    let fresh_key = fresh_key.clone();
                    self.send(fresh_key);
                }
            }
            Action::ProofFailed { .. } => {
                self.form.proof = Proof::Failed;
                if matches!(self.form.submission, Submission::Proving { .. }) {
                    self.form.submission = Submission::Editing;
                }
            }
            Action::Edit(input, value) => self.edit(input, value),
            Action::ReplyTo(target) => {
                if target != self.form.reply_to {
                    self.form.reply_to = target;
                    self.form.idempotency_key = None;
                    self.settle_after_edit();
                }
            }
            Action::Restore { draft, identity } => {
                let form = &mut self.form;
                if let Some(StoredDraft { body, reply_to }) = draft.filter(|_| form.draft.body.is_empty()) {
                    form.draft.body = body;
                    form.reply_to = reply_to;
                }
                if let Some(StoredIdentity { name, email, website }) = identity {
                    form.draft.name = name;
                    form.draft.email = email;
                    form.draft.website = website;
                    form.remember = true;
                }
                form.restored = true;
            }
            Action::SetRemember(remember) => self.form.remember = remember,
            Action::SetNotify(notify) => self.form.notify = notify,
            Action::Submit { now, fresh_key } => self.submit(now, fresh_key),
            Action::Posted(result) => self.posted(result),
            Action::OwnRestored { own, now } => {
                // A comment posted meanwhile is kept too.
                let kept: Vec<OwnComment> = self.own.iter().filter(|posted| !own.iter().any(|restored| restored.id == posted.id)).cloned().collect();
                self.own = own.into_iter().chain(kept).collect();
                self.apply(Action::OwnWindowsChecked { now });
            }
            Action::OwnWindowsChecked { now } => {
                if self.own.iter().any(|own| own.ownership.editable_until.unix_seconds() <= now) {
                    self.own = self.own.iter().filter(|own| own.ownership.editable_until.unix_seconds() > now).cloned().collect();
                }
            }
            Action::StartChange { id, delete } => {
                // An edit under way keeps its text until the reader saves or cancels it.
                let busy = self.change.as_ref().is_some_and(|change| change.sending || matches!(change.kind, ChangeKind::Edit(_)));
                let Some(comment) = self.own.iter().any(|own| own.id == id).then(|| self.comment(&id)).flatten() else { return };
                if !busy {
                    let kind = if delete { ChangeKind::Delete } else { ChangeKind::Edit(comment.body.clone()) };
                    self.change = Some(Change { id, kind, sending: false, error: None });
                }
            }
            Action::ChangeText(text) => {
                if let Some(Change { kind: ChangeKind::Edit(body), sending: false, .. }) = &mut self.change {
                    *body = text;
                }
            }
            Action::CancelChange => {
                if self.change.as_ref().is_some_and(|change| !change.sending) {
                    self.change = None;
                }
            }
            Action::SendChange => {
                let Some(change) = self.change.as_mut().filter(|change| !change.sending) else { return };
                if let ChangeKind::Edit(body) = &change.kind {
                    if let Err(problem) = validate_body(body) {
                        let error = PostError::Fields(vec![FieldError { field: Field::Body, problem }]);
                        change.error = Some(Rc::new(error));
                        return;
                    }
                }
                change.sending = true;
                change.error = None;
                self.change_attempt += 1;
            }
            Action::Changed(result) => self.changed(result),
            Action::Interactive { now } => {
                self.interactive = true;
                if let Remote::Ready(thread) = &mut self.thread {
                    thread.now = now; // only texts change: "1 hour ago" becomes "2 hours ago"
                }
            }
        }
    }

    fn reload_thread(&mut self) {
        self.thread = Remote::Loading;
        self.more = More::Idle;
        self.thread_attempt += 1;
        // The replies asked for the thread replaced are dropped when they come.
        self.replies = RepliesLoading::Idle;
        self.replies_attempt += 1;
    }

    fn new_question(&mut self) {
        self.form.challenge = Remote::Loading;
        self.form.answer.clear();
        self.challenge_attempt += 1;
        // The search for the old challenge's proof, if any, is cancelled.
        self.form.proof = Proof::NotAsked;
        self.proof_attempt += 1;
    }

    fn form_used(&mut self) {
        if !self.form.used {
            self.form.used = true;
            if self.form.proof == Proof::Waiting {
                self.start_proof();
            }
        }
    }

    fn start_proof(&mut self) {
        self.form.proof = Proof::Solving { tried: 0 };
        self.proof_attempt += 1;
    }

    fn edit(&mut self, input: Input, value: String) {
        let form = &mut self.form;
        let target = match input {
            Input::Name => &mut form.draft.name,
            Input::Email => &mut form.draft.email,
            Input::Website => &mut form.draft.website,
            Input::Body => &mut form.draft.body,
            Input::Answer => &mut form.answer,
            Input::Trap => &mut form.trap,
        };
        if *target == value {
            return;
        }
        *target = value;
        self.form_used();
        let form = &mut self.form;
        if matches!(input, Input::Name | Input::Email | Input::Website | Input::Body) {
            form.idempotency_key = None;
        }
        self.settle_after_edit();
    }

    /// After an edit, a failure or a success message no longer describes the form, and
    /// errors already shown follow the reader's corrections.
    fn settle_after_edit(&mut self) {
        if matches!(self.form.submission, Submission::Failed(_) | Submission::Sent { .. }) {
            self.form.submission = Submission::Editing;
        }
        if !self.form.errors.is_empty() {
            self.form.errors = self.form.field_errors();
        }
    }

    fn submit(&mut self, now: f64, fresh_key: String) {
        if matches!(self.form.submission, Submission::Sending(_) | Submission::Proving { .. }) {
            return; // no double post
        }
        let form = &mut self.form;
        let errors = form.field_errors();
        form.errors = errors.clone();
        if !errors.is_empty() {
            form.submission = Submission::Failed(Rc::new(PostError::Fields(errors)));
            return;
        }
        let Remote::Ready(challenge) = &form.challenge else { return };
        let puzzle_failed = challenge.signed.is_none() && !challenge.puzzle().accepts(&form.answer);
        let robot = !form.trap.is_empty() || now - form.challenge_shown_at < MIN_MS_BEFORE_SUBMIT;
        if robot {
            form.submission = Submission::Failed(Rc::new(PostError::Captcha(CaptchaRefusal::TooFast)));
            return;
        }
        if puzzle_failed {
            form.submission = Submission::Failed(Rc::new(PostError::Captcha(CaptchaRefusal::Wrong)));
            self.new_question();
            return;
        }
        match (&challenge.pow, &form.proof) {
            (None, _) | (_, Proof::Solved(_)) => self.send(fresh_key),
            (Some(_), proof) => {
                // Sent once found; a search that failed, or never started, starts now.
                if matches!(proof, Proof::Waiting | Proof::Failed | Proof::NotAsked) {
                    self.start_proof();
                }
                self.form.submission = Submission::Proving { fresh_key };
            }
        }
    }

    /// Sends the form as it stands, with its key (`fresh_key` unless a retry keeps the
    /// previous one), challenge, answer and proof of work.
    fn send(&mut self, fresh_key: String) {
        let form = &mut self.form;
        let Remote::Ready(challenge) = &form.challenge else { return };
        let comment = match validate(&form.draft) {
            Ok(comment) => comment,
            // Edited into an invalid comment while the proof was searched for.
            Err(errors) => {
                form.errors = errors.clone();
                form.submission = Submission::Failed(Rc::new(PostError::Fields(errors)));
                return;
            }
        };
        let proof = match &form.proof {
            Proof::Solved(payload) => Some(payload.to_string()),
            _ => None,
        };
        form.submission = Submission::Sending(Rc::new(NewComment {
            comment,
            parent: form.reply_to.clone(),
            challenge: challenge.clone(),
            answer: form.answer.trim().to_owned(),
            proof,
            notify: form.notify && challenge.notify,
            idempotency_key: form.idempotency_key.get_or_insert(fresh_key).clone(),
        }));
        self.post_attempt += 1;
    }

    /// The comment with this id among those received or held for the reader.
    fn comment(&self, id: &str) -> Option<&Comment> {
        let received = match &self.thread {
            Remote::Ready(thread) => thread.comments.iter().find(|comment| comment.id == id).map(|comment| &**comment),
            _ => None,
        };
        received.or_else(|| self.own_pending.iter().find(|comment| comment.id == id))
    }

    fn changed(&mut self, result: Result<Option<Comment>, PostError>) {
        let Some(change) = self.change.take().filter(|change| change.sending) else { return };
        match result {
            Ok(edited) => {
                let id = change.id.as_str();
                if edited.is_none() {
                    self.own = self.own.iter().filter(|own| own.id != id).cloned().collect();
                }
                self.own_pending.retain_mut(|comment| match &edited {
                    Some(edited) if comment.id == id => {
                        *comment = edited.clone();
                        true
                    }
                    _ => comment.id != id,
                });
                if let Remote::Ready(thread) = &mut self.thread {
                    thread.change(id, edited);
                }
            }
            Err(error) => self.change = Some(Change { sending: false, error: Some(Rc::new(error)), ..change }),
        }
    }

    fn posted(&mut self, result: Result<PostedComment, PostError>) {
        match result {
            Ok(PostedComment { comment, ownership }) => {
                if let Some(ownership) = ownership {
                    let own = OwnComment { id: comment.id.clone(), ownership };
                    let others: Vec<OwnComment> = self.own.iter().filter(|kept| kept.id != own.id).cloned().collect();
                    self.own = others.into_iter().chain([own]).collect();
                }
                let pending = comment.status == CommentStatus::Pending;
                if pending {
                    self.own_pending.push(comment);
                } else if let Remote::Ready(thread) = &mut self.thread {
                    if !thread.comments.iter().any(|c| c.id == comment.id) {
                        thread.add_posted(comment);
                        thread.total += 1;
                    }
                }
                let form = &mut self.form;
                form.draft.body.clear();
                form.reply_to = None;
                form.idempotency_key = None;
                form.errors.clear();
                form.submission = Submission::Sent { pending };
                self.new_question();
            }
            Err(error) => {
                let captcha_refused = matches!(error, PostError::Captcha(_));
                self.form.submission = Submission::Failed(Rc::new(error));
                if captcha_refused {
                    // The key stays: if an earlier attempt of this text was stored and its
                    // answer lost, the server answers that comment rather than store another.
                    self.new_question();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use article_widget_core::captcha::Signature;
    use article_widget_core::datetime::DateTime;
    use article_widget_core::error::{EditRefusal, Problem};

    fn error() -> LoadError {
        LoadError { url: "https://x/a".into(), problem: Problem::Status { status: 500 } }
    }

    fn signed(seed: u64) -> Challenge {
        Challenge { seed, signed: Some(Signature { expires: "2030-01-01T00:00:00Z".into(), signature: "ab".into() }), pow: None, notify: false }
    }

    /// A signed challenge that asks for proof of work too.
    fn with_pow(seed: u64) -> Challenge {
        let pow = article_widget_core::pow::decode_challenge(
            r#"{"parameters": {"algorithm": "SHA-256", "cost": 1, "keyPrefix": "0", "nonce": "00", "salt": "01"}, "signature": "p"}"#,
        );
        Challenge { pow: Some(pow.unwrap()), ..signed(seed) }
    }

    fn comment(id: &str, status: CommentStatus) -> Comment {
        Comment {
            id: id.into(),
            parent: None,
            author: "Marie".into(),
            website: None,
            body: "Bonjour".into(),
            created: DateTime::parse_rfc3339("2024-10-11T15:00:00Z").unwrap(),
            edited: None,
            status,
        }
    }

    /// A state with an empty thread, a challenge shown at t = 0 and a complete form.
    fn ready_to_send(challenge: Challenge) -> Rc<WidgetState> {
        let answer = challenge.puzzle().answer().to_string();
        let mut state = Rc::new(WidgetState::default())
            .reduce(Action::ThreadLoaded { attempt: 0, result: Ok(CommentPage { total: 0, comments: vec![], skipped: 0, next: None, more_replies: vec![] }), now: 0 })
            .reduce(Action::ChallengeLoaded { result: Ok(challenge), shown_at: 0.0 });
        for (input, value) in [(Input::Name, "Marie"), (Input::Email, "marie@example.fr"), (Input::Body, "Bonjour"), (Input::Answer, &answer)] {
            state = state.reduce(Action::Edit(input, value.into()));
        }
        state
    }

    /// A new question, shown at 30 s and answered.
    fn ready_to_send_after(state: Rc<WidgetState>, challenge: Challenge) -> Rc<WidgetState> {
        let answer = challenge.puzzle().answer().to_string();
        state.reduce(Action::ChallengeLoaded { result: Ok(challenge), shown_at: 30_000.0 }).reduce(Action::Edit(Input::Answer, answer))
    }

    fn submit(state: Rc<WidgetState>, now: f64, key: &str) -> Rc<WidgetState> {
        state.reduce(Action::Submit { now, fresh_key: key.into() })
    }

    fn sending(state: &WidgetState) -> &NewComment {
        match &state.form.submission {
            Submission::Sending(comment) => comment,
            other => panic!("not sending: {other:?}"),
        }
    }

    #[test]
    fn the_quiet_start_ends_with_the_articles_first_answer_or_the_delay_and_never_returns() {
        assert!(WidgetState::default().quiet_start);
        let answered = Rc::new(WidgetState::default()).reduce(Action::ArticleLoaded(Err(error())));
        assert!(!answered.quiet_start);
        let retried = answered.reduce(Action::Retry(Section::Article));
        assert!(!retried.quiet_start, "a retry shows its placeholder at once");
        assert!(!Rc::new(WidgetState::default()).reduce(Action::PlaceholdersDue).quiet_start);
    }

    #[test]
    fn a_retry_reloads_only_its_section() {
        let state = Rc::new(WidgetState::default())
            .reduce(Action::ArticleLoaded(Err(error())))
            .reduce(Action::RelatedLoaded(Ok(Rc::from([]))));
        let retried = state.clone().reduce(Action::Retry(Section::Article));
        assert_eq!(retried.article, Remote::Loading);
        assert_eq!((retried.article_attempt, retried.related_attempt), (1, 0));
        assert_eq!(retried.related, state.related);
        let retried = retried.reduce(Action::Retry(Section::Comments));
        assert_eq!((retried.thread.clone(), retried.thread_attempt), (Remote::Loading, 1));
    }

    #[test]
    fn an_incomplete_form_reports_every_field_and_sends_nothing() {
        let state = submit(Rc::new(WidgetState::default()), 10_000.0, "k1");
        let fields: Vec<Field> = state.form.errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [Field::Name, Field::Email, Field::Body, Field::Captcha]);
        assert!(matches!(&state.form.submission, Submission::Failed(e) if matches!(**e, PostError::Fields(_))));
        assert_eq!(state.post_attempt, 0);
        // Errors already shown follow the corrections.
        let state = state.reduce(Action::Edit(Input::Name, "Marie".into()));
        assert_eq!(state.form.errors.len(), 3);
    }

    #[test]
    fn robots_are_refused_before_anything_is_sent() {
        let too_fast = submit(ready_to_send(signed(7)), MIN_MS_BEFORE_SUBMIT - 1.0, "k1");
        assert!(matches!(&too_fast.form.submission, Submission::Failed(e) if **e == PostError::Captcha(CaptchaRefusal::TooFast)));
        let trapped = submit(ready_to_send(signed(7)).reduce(Action::Edit(Input::Trap, "x".into())), 10_000.0, "k1");
        assert!(matches!(&trapped.form.submission, Submission::Failed(_)));
        assert_eq!((too_fast.post_attempt, trapped.post_attempt), (0, 0));
    }

    #[test]
    fn a_local_challenge_is_checked_here_and_a_wrong_answer_changes_the_question() {
        let state = ready_to_send(Challenge::local(7)).reduce(Action::Edit(Input::Answer, "1000".into()));
        let state = submit(state, 10_000.0, "k1");
        assert!(matches!(&state.form.submission, Submission::Failed(e) if **e == PostError::Captcha(CaptchaRefusal::Wrong)));
        assert_eq!((state.form.challenge.clone(), state.challenge_attempt, state.post_attempt), (Remote::Loading, 1, 0));
        assert_eq!(state.form.draft.body, "Bonjour");
        let right = submit(ready_to_send(Challenge::local(7)), 10_000.0, "k1");
        assert_eq!(right.post_attempt, 1);
    }

    #[test]
    fn a_retry_after_a_failure_is_the_same_post_and_an_edit_makes_a_new_one() {
        let state = submit(ready_to_send(signed(7)), 10_000.0, "k1");
        assert_eq!(sending(&state).idempotency_key, "k1");
        let failed = state.reduce(Action::Posted(Err(PostError::Failed(error()))));
        assert_eq!(failed.form.draft.body, "Bonjour", "the text is kept");
        let retried = submit(failed.clone(), 20_000.0, "k2");
        assert_eq!(sending(&retried).idempotency_key, "k1");
        assert_eq!(sending(&retried).challenge, signed(7));
        let edited = submit(failed.reduce(Action::Edit(Input::Body, "Bonjour !".into())), 20_000.0, "k3");
        assert_eq!(sending(&edited).idempotency_key, "k3");
    }

    #[test]
    fn a_second_submit_while_sending_is_ignored() {
        let state = submit(ready_to_send(signed(7)), 10_000.0, "k1");
        let again = submit(state.clone(), 10_001.0, "k2");
        assert_eq!(again.post_attempt, state.post_attempt);
    }

    #[test]
    fn a_confirmed_comment_joins_the_thread_or_waits_for_moderation() {
        let sent = submit(ready_to_send(signed(7)), 10_000.0, "k1");
        let published = sent.clone().reduce(Action::Posted(Ok(comment("1", CommentStatus::Published).into())));
        let Remote::Ready(thread) = &published.thread else { panic!() };
        assert_eq!((thread.comments.len(), thread.total), (1, 1));
        assert_eq!(published.form.submission, Submission::Sent { pending: false });
        assert_eq!((published.form.draft.body.as_str(), published.form.draft.name.as_str()), ("", "Marie"));
        assert_eq!((published.form.idempotency_key.clone(), published.challenge_attempt), (None, 1));

        let held = sent.reduce(Action::Posted(Ok(comment("2", CommentStatus::Pending).into())));
        assert_eq!(held.own_pending.len(), 1);
        assert!(matches!(&held.thread, Remote::Ready(t) if t.comments.is_empty()));
        assert_eq!(held.form.submission, Submission::Sent { pending: true });
    }

    #[test]
    fn a_captcha_refusal_asks_again_and_keeps_the_key_for_the_same_text() {
        let sent = submit(ready_to_send(signed(7)), 10_000.0, "k1");
        // A first attempt lost its answer; its retry came back refused (its challenge used).
        let lost = sent.reduce(Action::Posted(Err(PostError::Failed(error()))));
        let retried = submit(lost, 20_000.0, "k2");
        let refused = retried.reduce(Action::Posted(Err(PostError::Captcha(CaptchaRefusal::Stale))));
        assert_eq!((refused.form.idempotency_key.as_deref(), refused.challenge_attempt), (Some("k1"), 1));
        assert_eq!(refused.form.answer, "");
        assert_eq!(refused.form.draft.body, "Bonjour");
        let answered = ready_to_send_after(refused, signed(8));
        assert_eq!(sending(&submit(answered.clone(), 40_000.0, "k3")).idempotency_key, "k1", "the same post, a new question");
        let edited = answered.reduce(Action::Edit(Input::Body, "Bonjour !".into()));
        assert_eq!(sending(&submit(edited, 40_000.0, "k4")).idempotency_key, "k4");
    }

    fn page(ids: &[&str], next: Option<&str>) -> CommentPage {
        CommentPage { total: 3, comments: ids.iter().map(|id| comment(id, CommentStatus::Published)).collect(), skipped: 0, next: next.map(Into::into), more_replies: vec![] }
    }

    /// The ids of the thread's comments and its next page's cursor.
    fn shown(state: &WidgetState) -> (Vec<&str>, Option<&str>) {
        let Remote::Ready(thread) = &state.thread else { panic!("no thread: {:?}", state.thread) };
        (thread.comments.iter().map(|c| c.id.as_str()).collect(), thread.next.as_deref())
    }

    #[test]
    fn a_later_page_never_repeats_a_comment() {
        let state = Rc::new(WidgetState::default())
            .reduce(Action::ThreadLoaded { attempt: 0, result: Ok(page(&["1", "2"], Some("c"))), now: 0 })
            .reduce(Action::LoadMore);
        assert_eq!((state.more.clone(), state.more_attempt), (More::Loading, 1));
        let state = state.reduce(Action::MoreLoaded { attempt: 1, result: Ok(page(&["2", "3"], None)) });
        assert_eq!(shown(&state), (vec!["1", "2", "3"], None));
        assert_eq!(state.clone().reduce(Action::LoadMore).more_attempt, 1, "no next page: nothing to load");
    }

    /// `size` comments, every third a reply to the one before, as in the benchmark's threads;
    /// ids are their indexes.
    fn thread_page(size: usize, next: Option<&str>) -> CommentPage {
        let comments = (0..size)
            .map(|i| Comment { parent: (i % 3 == 2).then(|| (i - 1).to_string()), ..comment(&i.to_string(), CommentStatus::Published) })
            .collect();
        CommentPage { total: size as u64, comments, skipped: 0, next: next.map(Into::into), more_replies: vec![] }
    }

    fn loaded(page: CommentPage) -> Rc<WidgetState> {
        Rc::new(WidgetState::default()).reduce(Action::ThreadLoaded { attempt: 0, result: Ok(page), now: 0 })
    }

    fn ready(state: &WidgetState) -> &Thread {
        let Remote::Ready(thread) = &state.thread else { panic!("no thread") };
        thread
    }

    /// The ids of the top-level threads the views render, as they render them.
    fn rendered_roots(thread: &Thread) -> Vec<String> {
        thread::build(&thread.comments).iter().take(thread.shown).map(|entry| entry.comment.id.clone()).collect()
    }

    #[test]
    fn a_thread_sent_whole_in_one_answer_is_rendered_a_slice_at_a_time_without_requests() {
        let state = loaded(thread_page(5_000, None));
        let thread = ready(&state);
        assert_eq!((thread.comments.len(), thread::build(&thread.comments).len()), (5_000, 3_334));
        let first = rendered_roots(thread);
        assert_eq!(first.len(), THREADS_PER_SLICE, "only the first slice is rendered");
        assert_eq!((first[0].as_str(), first[19].as_str()), ("0", "28"));

        let state = state.reduce(Action::LoadMore);
        assert_eq!(rendered_roots(ready(&state)).len(), 2 * THREADS_PER_SLICE, "one slice more");
        assert_eq!((state.more_attempt, state.more.clone()), (0, More::Idle), "revealed without a request");
    }

    #[test]
    fn a_next_page_is_asked_for_once_every_thread_received_is_shown_and_adds_one_slice() {
        let state = loaded(thread_page(45, Some("c"))); // 30 threads
        let state = state.reduce(Action::LoadMore);
        assert_eq!((ready(&state).shown, state.more_attempt), (40, 0), "the threads received first");
        let state = state.reduce(Action::LoadMore);
        assert_eq!((state.more.clone(), state.more_attempt), (More::Loading, 1));
        let mut next = thread_page(90, None); // 30 more threads
        next.comments.drain(..45);
        let stale = state.clone().reduce(Action::MoreLoaded { attempt: 0, result: Ok(next.clone()) });
        assert_eq!((ready(&stale).shown, stale.more.clone()), (40, More::Loading), "an answer not for this request is dropped");
        let state = state.reduce(Action::MoreLoaded { attempt: 1, result: Ok(next) });
        assert_eq!(rendered_roots(ready(&state)).len(), 30 + THREADS_PER_SLICE);
        let state = state.reduce(Action::LoadMore);
        assert_eq!(rendered_roots(ready(&state)).len(), 60, "the rest of that page");
        let state = state.reduce(Action::LoadMore);
        assert_eq!((rendered_roots(ready(&state)).len(), state.more_attempt), (60, 1), "nothing more to show or ask for");
    }

    #[test]
    fn reply_notifications_are_asked_for_only_when_the_challenge_offers_them() {
        let offered = Challenge { notify: true, ..signed(7) };
        let asked = |challenge: Challenge, notify: bool| {
            let state = ready_to_send(challenge).reduce(Action::SetNotify(notify));
            sending(&submit(state, 10_000.0, "k")).notify
        };
        assert!(asked(offered.clone(), true));
        assert!(!asked(offered, false), "off by default, and when unticked");
        assert!(!asked(signed(7), true), "a server that sends no mail is not asked");
        assert!(!WidgetState::default().form.notify);
    }

    #[test]
    fn a_comment_posted_while_threads_are_hidden_is_shown_after_those_shown() {
        let sent = |state: Rc<WidgetState>| submit(state.reduce(Action::ChallengeLoaded { result: Ok(signed(7)), shown_at: 0.0 }), 10_000.0, "k");
        let mut state = ready_to_send(signed(7)).reduce(Action::ThreadLoaded { attempt: 0, result: Ok(thread_page(90, None)), now: 0 });
        state = sent(state).reduce(Action::Posted(Ok(comment("new", CommentStatus::Published).into())));
        let roots = rendered_roots(ready(&state));
        assert_eq!((roots.len(), roots[19].as_str(), roots[20].as_str()), (21, "28", "new"), "a new thread, shown");
        assert_eq!(thread::build(&ready(&state).comments)[21].comment.id, "30", "before the hidden ones");

        let reply = Comment { parent: Some("0".into()), ..comment("reply", CommentStatus::Published) };
        state = sent(state).reduce(Action::Posted(Ok(reply.into())));
        let threads = thread::build(&ready(&state).comments);
        assert_eq!((ready(&state).shown, threads[0].replies.last().map(|r| r.comment.id.as_str())), (21, Some("reply")));
    }

    /// "Show more" on its way when the reader changes the order or retries: the new thread
    /// answers first, then the old thread's pages, which must not join it.
    #[test]
    fn pages_asked_for_a_thread_since_replaced_are_dropped() {
        let oldest = Rc::new(WidgetState::default())
            .reduce(Action::ThreadLoaded { attempt: 0, result: Ok(page(&["1", "2"], Some("oldest-2"))), now: 0 })
            .reduce(Action::LoadMore);
        for replace in [Action::SetOrder(Order::Newest), Action::Retry(Section::Comments)] {
            let replaced = oldest.clone().reduce(replace);
            assert_eq!(replaced.thread_attempt, 1);
            let late_first_page = replaced.clone().reduce(Action::ThreadLoaded { attempt: 0, result: Ok(page(&["1"], None)), now: 0 });
            assert_eq!(late_first_page.thread, Remote::Loading, "the old thread's first page is dropped");

            let state = replaced.reduce(Action::ThreadLoaded { attempt: 1, result: Ok(page(&["9", "8"], Some("newest-2"))), now: 0 });
            let late_page = state.clone().reduce(Action::MoreLoaded { attempt: 1, result: Ok(page(&["3"], None)) });
            assert_eq!(shown(&late_page), (vec!["9", "8"], Some("newest-2")), "the old thread's next page is dropped");
            assert_eq!(late_page.more, More::Idle);
            let late_failure = state.clone().reduce(Action::MoreLoaded { attempt: 1, result: Err(error()) });
            assert_eq!(late_failure.more, More::Idle, "so is its failure");

            // The reader asks for the new thread's next page: the old answer still is not it.
            let state = state.reduce(Action::LoadMore);
            assert_eq!((state.more.clone(), state.more_attempt), (More::Loading, 2));
            let late_page = state.clone().reduce(Action::MoreLoaded { attempt: 1, result: Ok(page(&["3"], None)) });
            assert_eq!((shown(&late_page), late_page.more.clone()), ((vec!["9", "8"], Some("newest-2")), More::Loading));
            let state = state.reduce(Action::MoreLoaded { attempt: 2, result: Ok(page(&["7"], None)) });
            assert_eq!((shown(&state), state.more.clone()), ((vec!["9", "8", "7"], None), More::Idle));
        }
    }

    #[test]
    fn comments_left_out_add_up_over_pages_and_are_not_counted_as_shown() {
        let skipping = |id: &str, skipped: u64, next: Option<&str>| CommentPage {
            total: 5,
            comments: vec![comment(id, CommentStatus::Published)],
            skipped,
            next: next.map(Into::into),
            more_replies: vec![],
        };
        let state = Rc::new(WidgetState::default()).reduce(Action::ThreadLoaded { attempt: 0, result: Ok(skipping("1", 2, Some("c"))), now: 0 });
        let state = state.reduce(Action::LoadMore).reduce(Action::MoreLoaded { attempt: 1, result: Ok(skipping("2", 1, None)) });
        let Remote::Ready(thread) = &state.thread else { panic!() };
        assert_eq!((thread.skipped, thread.shown_total()), (3, 2));
        let reloaded = state.reduce(Action::SetOrder(Order::Newest)).reduce(Action::ThreadLoaded { attempt: 1, result: Ok(skipping("2", 0, None)), now: 0 });
        let Remote::Ready(reloaded) = &reloaded.thread else { panic!() };
        assert_eq!((reloaded.skipped, reloaded.shown_total()), (0, 5), "a reload counts afresh");
    }

    /// A page whose server cut a thread's replies: the root, its first reply, and 3 more left.
    fn cut_page() -> CommentPage {
        let reply = Comment { parent: Some("1".into()), ..comment("2", CommentStatus::Published) };
        CommentPage {
            more_replies: vec![MoreReplies { root: "1".into(), count: 3, cursor: Some("after-2".into()) }],
            comments: vec![comment("1", CommentStatus::Published), reply],
            ..page(&[], None)
        }
    }

    fn replies(ids: &[&str], skipped: u64, next: Option<&str>) -> CommentPage {
        let comments = ids.iter().map(|id| Comment { parent: Some("1".into()), ..comment(id, CommentStatus::Published) }).collect();
        CommentPage { comments, skipped, ..page(&[], next) }
    }

    #[test]
    fn the_replies_a_page_cut_are_fetched_a_page_at_a_time_under_their_thread() {
        let state = loaded(cut_page());
        assert_eq!(ready(&state).more_replies[0].count, 3);
        assert_eq!(state.clone().reduce(Action::LoadReplies("9".into())).replies_attempt, 0, "no replies were cut there");
        let state = state.reduce(Action::LoadReplies("1".into()));
        assert_eq!((state.replies.clone(), state.replies_attempt), (RepliesLoading::Loading("1".into()), 1));
        assert_eq!(state.clone().reduce(Action::LoadReplies("1".into())).replies_attempt, 1, "one request at a time");

        let state = state.reduce(Action::RepliesLoaded { attempt: 1, result: Ok(replies(&["3"], 1, Some("after-4"))) });
        assert_eq!(shown(&state).0, ["1", "2", "3"]);
        let thread = ready(&state);
        assert_eq!((thread.more_replies[0].count, thread.more_replies[0].cursor.as_deref(), thread.skipped), (1, Some("after-4"), 1));
        assert_eq!(thread::build(&thread.comments).len(), 1, "the replies join their thread");
        assert_eq!(state.replies, RepliesLoading::Idle);

        let failed = state.clone().reduce(Action::LoadReplies("1".into())).reduce(Action::RepliesLoaded { attempt: 2, result: Err(error()) });
        assert!(matches!(&failed.replies, RepliesLoading::Failed(root, _) if root == "1"));
        let state = failed.reduce(Action::LoadReplies("1".into())).reduce(Action::RepliesLoaded { attempt: 3, result: Ok(replies(&["5", "2"], 0, None)) });
        assert_eq!(shown(&state).0, ["1", "2", "3", "5"], "none shown twice");
        assert!(ready(&state).more_replies.is_empty(), "all shown: no button");
    }

    #[test]
    fn replies_asked_for_a_thread_since_replaced_are_dropped() {
        let asked = loaded(cut_page()).reduce(Action::LoadReplies("1".into()));
        let replaced = asked.reduce(Action::SetOrder(Order::Newest)).reduce(Action::ThreadLoaded { attempt: 1, result: Ok(cut_page()), now: 0 });
        let late = replaced.clone().reduce(Action::RepliesLoaded { attempt: 1, result: Ok(replies(&["3"], 0, None)) });
        assert_eq!((shown(&late).0, ready(&late).more_replies.len()), (vec!["1", "2"], 1));
        let late_failure = replaced.reduce(Action::RepliesLoaded { attempt: 1, result: Err(error()) });
        assert_eq!(late_failure.replies, RepliesLoading::Idle);
    }

    #[test]
    fn storage_is_restored_once_and_an_existing_text_wins() {
        let state = Rc::new(WidgetState::default()).reduce(Action::Edit(Input::Body, "typed".into())).reduce(Action::Restore {
            draft: Some(StoredDraft { body: "stored".into(), reply_to: Some("1".into()) }),
            identity: Some(StoredIdentity { name: "Marie".into(), email: "m@x.fr".into(), website: String::new() }),
        });
        assert_eq!((state.form.draft.body.as_str(), state.form.reply_to.clone()), ("typed", None));
        assert_eq!((state.form.draft.name.as_str(), state.form.remember, state.form.restored), ("Marie", true, true));
    }

    #[test]
    fn the_proof_of_work_starts_when_the_reader_first_uses_the_form_not_before() {
        let loaded = Rc::new(WidgetState::default()).reduce(Action::ChallengeLoaded { result: Ok(with_pow(7)), shown_at: 0.0 });
        assert_eq!((loaded.form.proof.clone(), loaded.proof_attempt), (Proof::Waiting, 0), "a reader who never comments pays nothing");
        let used = loaded.reduce(Action::FormUsed);
        assert_eq!((used.form.proof.clone(), used.proof_attempt), (Proof::Solving { tried: 0 }, 1));
        let again = used.reduce(Action::FormUsed).reduce(Action::Edit(Input::Body, "x".into()));
        assert_eq!(again.proof_attempt, 1, "started once");
        let without = Rc::new(WidgetState::default()).reduce(Action::ChallengeLoaded { result: Ok(signed(7)), shown_at: 0.0 }).reduce(Action::FormUsed);
        assert_eq!((without.form.proof.clone(), without.proof_attempt), (Proof::NotAsked, 0));
        let typed_first = Rc::new(WidgetState::default()).reduce(Action::Edit(Input::Name, "M".into()));
        let typed_first = typed_first.reduce(Action::ChallengeLoaded { result: Ok(with_pow(7)), shown_at: 0.0 });
        assert_eq!(typed_first.form.proof, Proof::Solving { tried: 0 }, "a challenge that comes after the first use starts at once");
    }

    #[test]
    fn a_submit_waits_for_the_proof_shows_its_progress_and_sends_its_payload() {
        let state = ready_to_send(with_pow(7));
        let waiting = submit(state, 10_000.0, "k1");
        assert_eq!(waiting.form.submission, Submission::Proving { fresh_key: "k1".into() });
        let attempt = waiting.proof_attempt;
        let progress = waiting.reduce(Action::ProofProgress { attempt, tried: 4_096 });
        assert_eq!(progress.form.proof, Proof::Solving { tried: 4_096 });
        assert_eq!(progress.clone().reduce(Action::Submit { now: 11_000.0, fresh_key: "k2".into() }).post_attempt, 0, "no double post");
        let sent = progress.reduce(Action::ProofFound { attempt, payload: "eyJj".into() });
        let comment = sending(&sent);
        assert_eq!((comment.proof.as_deref(), comment.idempotency_key.as_str()), (Some("eyJj"), "k1"));
        assert_eq!(sent.post_attempt, 1);
    }

    #[test]
    fn a_proof_found_before_the_submit_goes_at_once_and_a_retry_keeps_it() {
        let state = ready_to_send(with_pow(7));
        let attempt = state.proof_attempt;
        let solved = state.reduce(Action::ProofFound { attempt, payload: "eyJj".into() });
        let sent = submit(solved, 10_000.0, "k1");
        assert_eq!(sending(&sent).proof.as_deref(), Some("eyJj"));
        let failed = sent.reduce(Action::Posted(Err(PostError::Failed(error()))));
        let retried = submit(failed, 12_000.0, "k2");
        assert_eq!((sending(&retried).proof.as_deref(), sending(&retried).idempotency_key.as_str()), (Some("eyJj"), "k1"));
    }

    #[test]
    fn a_new_question_cancels_the_search_and_the_next_challenge_starts_another() {
        let state = ready_to_send(with_pow(7));
        let old = state.proof_attempt;
        let waiting = submit(state, 10_000.0, "k1");
        let expired = waiting.reduce(Action::NewQuestion);
        assert_eq!(expired.form.proof, Proof::NotAsked);
        let late = expired.clone().reduce(Action::ProofFound { attempt: old, payload: "old".into() });
        assert_eq!(late.form.proof, Proof::NotAsked, "the old challenge's answer is dropped");
        let next = ready_to_send_after(expired, with_pow(8));
        assert_eq!(next.form.proof, Proof::Solving { tried: 0 }, "the reader used the form: the new search starts");
        let found = next.clone().reduce(Action::ProofFound { attempt: next.proof_attempt, payload: "new".into() });
        assert_eq!(sending(&found).proof.as_deref(), Some("new"), "the submit still waiting goes with the new proof");
        let refused = found.reduce(Action::Posted(Err(PostError::Captcha(CaptchaRefusal::Stale))));
        assert_eq!(refused.form.proof, Proof::NotAsked, "a refused proof (pow_expired, pow_replayed…) is not sent again");
    }

    #[test]
    fn a_failed_search_says_so_and_the_next_submit_tries_again() {
        let waiting = submit(ready_to_send(with_pow(7)), 10_000.0, "k1");
        let attempt = waiting.proof_attempt;
        let failed = waiting.reduce(Action::ProofFailed { attempt });
        assert_eq!((failed.form.proof.clone(), failed.form.submission.clone()), (Proof::Failed, Submission::Editing));
        let again = submit(failed, 12_000.0, "k2");
        assert_eq!((again.form.proof.clone(), again.proof_attempt), (Proof::Solving { tried: 0 }, attempt + 1));
        assert!(matches!(again.form.submission, Submission::Proving { .. }));
    }

    #[test]
    fn a_comment_edited_while_its_proof_is_searched_goes_with_a_new_key_or_not_at_all() {
        let waiting = submit(ready_to_send(with_pow(7)), 10_000.0, "k1");
        let attempt = waiting.proof_attempt;
        let edited = waiting.clone().reduce(Action::Edit(Input::Body, "Bonjour !".into()));
        let sent = edited.reduce(Action::ProofFound { attempt, payload: "p".into() });
        assert_eq!((sending(&sent).comment.body.as_str(), sending(&sent).idempotency_key.as_str()), ("Bonjour !", "k1"));
        let emptied = waiting.reduce(Action::Edit(Input::Body, String::new())).reduce(Action::ProofFound { attempt, payload: "p".into() });
        assert!(matches!(&emptied.form.submission, Submission::Failed(error) if matches!(**error, PostError::Fields(_))));
    }

    fn own(id: &str, until: i64) -> OwnComment {
        let ownership = Ownership { secret: format!("secret of {id}"), editable_until: DateTime::from_unix_seconds(until) };
        OwnComment { id: id.into(), ownership }
    }

    /// Comments 0 to 5, 2 a reply to 1 and 5 to 4; the reader's own are 1 and 3, until 100.
    fn with_own() -> Rc<WidgetState> {
        loaded(thread_page(6, None)).reduce(Action::OwnRestored { own: vec![own("1", 100), own("3", 100), own("gone", 10)], now: 50 })
    }

    #[test]
    fn own_comments_offer_their_change_until_their_window_ends() {
        let state = with_own();
        assert_eq!(state.own.iter().map(|own| own.id.as_str()).collect::<Vec<_>>(), ["1", "3"], "an ended window is dropped");
        let other = state.clone().reduce(Action::StartChange { id: "0".into(), delete: false });
        assert_eq!(other.change, None, "only the reader's own comments");
        let editing = state.clone().reduce(Action::StartChange { id: "1".into(), delete: false });
        assert_eq!(editing.change.as_ref().map(|change| &change.kind), Some(&ChangeKind::Edit("Bonjour".into())));
        let elsewhere = editing.clone().reduce(Action::StartChange { id: "3".into(), delete: true });
        assert_eq!(elsewhere.change, editing.change, "an edit under way is not dropped for another change");
        let ended = editing.reduce(Action::OwnWindowsChecked { now: 100 });
        assert!(ended.own.is_empty(), "the buttons go");
        assert!(ended.change.is_some(), "an edit under way keeps its text");
        let posted = PostedComment { comment: comment("9", CommentStatus::Published), ownership: Some(own("9", 200).ownership) };
        let sent = submit(ready_to_send(signed(7)), 10_000.0, "k1").reduce(Action::Posted(Ok(posted)));
        assert_eq!(sent.own.iter().map(|own| own.id.as_str()).collect::<Vec<_>>(), ["9"]);
    }

    #[test]
    fn an_edit_replaces_the_text_once_confirmed_and_keeps_it_when_refused() {
        let editing = with_own().reduce(Action::StartChange { id: "1".into(), delete: false }).reduce(Action::ChangeText("  ".into()));
        let invalid = editing.clone().reduce(Action::SendChange);
        let change = invalid.change.as_ref().unwrap();
        assert!(!change.sending && matches!(change.error.as_deref(), Some(PostError::Fields(_))), "checked before it goes");
        let sending = editing.reduce(Action::ChangeText("Corrigé".into())).reduce(Action::SendChange);
        assert_eq!((sending.change_attempt, sending.change.as_ref().unwrap().sending), (1, true));
        let refused = sending.clone().reduce(Action::Changed(Err(PostError::Edit(EditRefusal::HasReplies))));
        let change = refused.change.as_ref().unwrap();
        assert_eq!((&change.kind, change.sending), (&ChangeKind::Edit("Corrigé".into()), false), "the text is kept");
        let edited = Comment { body: "Corrigé".into(), edited: Some(DateTime::from_unix_seconds(60)), ..comment("1", CommentStatus::Published) };
        let done = sending.reduce(Action::Changed(Ok(Some(edited.clone()))));
        assert_eq!((done.change.clone(), ready(&done).comments.iter().find(|c| c.id == "1").map(|c| (**c).clone())), (None, Some(edited)));
    }

    #[test]
    fn a_deletion_leaves_a_placeholder_while_a_reply_needs_it_and_the_count_follows() {
        let delete = |state: Rc<WidgetState>, id: &str| {
            let asked = state.reduce(Action::StartChange { id: id.into(), delete: true });
            assert_eq!(asked.change.as_ref().map(|change| &change.kind), Some(&ChangeKind::Delete), "asks first");
            asked.reduce(Action::SendChange).reduce(Action::Changed(Ok(None)))
        };
        let answered = delete(with_own(), "1");
        let thread = ready(&answered);
        let placeholder = thread.comments.iter().find(|c| c.id == "1").expect("kept for its reply 2");
        assert_eq!((placeholder.status, placeholder.author.as_str(), placeholder.body.as_str()), (CommentStatus::Deleted, "", ""));
        assert_eq!(thread.total, 5);
        assert_eq!(answered.own.iter().map(|own| own.id.as_str()).collect::<Vec<_>>(), ["3"]);
        let alone = delete(answered, "3");
        assert!(ready(&alone).comments.iter().all(|c| c.id != "3"), "nothing to keep it for");
        assert_eq!(ready(&alone).total, 4);
    }
}
