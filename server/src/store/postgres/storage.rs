//! The [`Storage`] trait on PostgreSQL: each method is one transaction of the file that
//! names its part (`comments.rs`, `challenges.rs`, `edits.rs`, `feed.rs`, `mail.rs`,
//! `moderation.rs`, `bans.rs`, `audit.rs`, `moderators.rs`), as on SQLite.

use std::net::IpAddr;

use article_widget_core::comment::Comment;
use article_widget_core::moderation::AuditAction;
use async_trait::async_trait;

use super::PgStore;
use crate::captcha::Genuine;
use crate::error::ApiError;
use crate::hold::HoldRules;
use crate::mail::Mail;
use crate::pow::Spent;
use crate::store::mail::Claimed;
use crate::store::*;

#[async_trait]
impl Storage for PgStore {
    async fn captcha_secret(&self, fresh: String) -> Result<String, ApiError> {
        PgStore::captcha_secret(self, fresh).await.map_err(ApiError::Internal)
    }

    async fn page(&self, article: &str, order: Order, limit: u32, after: Option<Cursor>) -> Result<Page, ApiError> {
        PgStore::page(self, article, order, limit, after).await
    }

    async fn replies(
        &self,
        article: &str,
        root: i64,
        limit: u32,
        after: Option<Cursor>,
    ) -> Result<Option<Replies>, ApiError> {
        PgStore::replies(self, article, root, limit, after).await
    }

    async fn post(&self, new: &NewComment<'_>, mail: Option<PostMail<'_>>) -> Result<Posted, ApiError> {
        PgStore::post(self, new, mail).await
    }

    async fn earlier(&self, article: &str, key: &str, fingerprint: &str) -> Result<Option<Comment>, ApiError> {
        PgStore::earlier(self, article, key, fingerprint).await
    }

    async fn use_captcha(&self, captcha: Genuine, pow: Option<&Spent>, now: i64) -> Result<(), ApiError> {
        PgStore::use_captcha(self, captcha, pow, now).await
    }

    async fn pow_used(&self, pow: &Spent) -> Result<bool, ApiError> {
        PgStore::pow_used(self, pow).await
    }

    async fn edit_comment(&self, id: i64, edit: Edit<'_>, now: i64) -> Result<Option<Comment>, ApiError> {
        PgStore::edit_comment(self, id, edit, now).await
    }

    async fn edit_own(
        &self,
        article: &str,
        id: i64,
        edit: Edit<'_>,
        now: i64,
        allowed: Allowed<'_>,
    ) -> Result<Option<Comment>, ApiError> {
        PgStore::edit_own(self, article, id, edit, now, allowed).await
    }

    async fn delete_comment(&self, id: i64) -> Result<bool, ApiError> {
        PgStore::delete_comment(self, id).await
    }

    async fn authorship(&self, article: &str, id: i64) -> Result<Option<Authorship>, ApiError> {
        PgStore::authorship(self, article, id).await
    }

    async fn latest(&self, article: Option<&str>, limit: u32) -> Result<Vec<FeedComment>, ApiError> {
        PgStore::latest(self, article, limit).await
    }

    async fn notify_reply(&self, mail: &Mail, comment: i64) -> Result<(), ApiError> {
        PgStore::notify_reply(self, mail, comment).await
    }

    async fn confirm_address(&self, address: &str, now: i64) -> Result<bool, ApiError> {
        PgStore::confirm_address(self, address, now).await
    }

    async fn unsubscribe_replies(&self, address: &str) -> Result<(), ApiError> {
        PgStore::unsubscribe_replies(self, address).await
    }

    async fn unsubscribe_held(&self, address: &str, now: i64) -> Result<(), ApiError> {
        PgStore::unsubscribe_held(self, address, now).await
    }

    async fn claim_mail(&self, now: i64, lease: i64) -> Result<Option<Claimed>, ApiError> {
        PgStore::claim_mail(self, now, lease).await
    }

    async fn mail_sent(&self, claimed: &Claimed) -> Result<(), ApiError> {
        PgStore::mail_sent(self, claimed).await
    }

    async fn mail_retry(&self, claimed: &Claimed, at: i64, error: &str) -> Result<(), ApiError> {
        PgStore::mail_retry(self, claimed, at, error).await
    }

    async fn mail_failed(&self, claimed: &Claimed, error: &str) -> Result<(), ApiError> {
        PgStore::mail_failed(self, claimed, error).await
    }

    async fn admin_comments(
        &self,
        search: &Search,
        limit: u32,
        after: Option<AdminCursor>,
    ) -> Result<AdminPage, ApiError> {
        PgStore::admin_comments(self, search, limit, after).await
    }

    async fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>, ApiError> {
        PgStore::admin_comment(self, id).await
    }

    async fn set_status(
        &self,
        id: i64,
        status: &str,
        action: AuditAction,
        actor: Actor<'_>,
    ) -> Result<Option<(String, AdminComment)>, ApiError> {
        PgStore::set_status(self, id, status, action, actor).await
    }

    async fn moderate_edit(&self, id: i64, edit: Edit<'_>, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        PgStore::moderate_edit(self, id, edit, actor).await
    }

    async fn moderate_delete(&self, id: i64, actor: Actor<'_>) -> Result<Option<AdminComment>, ApiError> {
        PgStore::moderate_delete(self, id, actor).await
    }

    async fn hold_rules(&self) -> Result<HoldRules, ApiError> {
        PgStore::hold_rules(self).await
    }

    async fn set_hold_rules(&self, rules: &HoldRules, actor: Actor<'_>) -> Result<(), ApiError> {
        PgStore::set_hold_rules(self, rules, actor).await
    }

    async fn add_ban(&self, ban: &NewBan<'_>, actor: Actor<'_>) -> Result<Ban, ApiError> {
        PgStore::add_ban(self, ban, actor).await
    }

    async fn remove_ban(&self, id: i64, actor: Actor<'_>) -> Result<bool, ApiError> {
        PgStore::remove_ban(self, id, actor).await
    }

    async fn bans(&self, now: i64) -> Result<Vec<Ban>, ApiError> {
        PgStore::bans(self, now).await
    }

    async fn screen(&self, email: &str, email_hash: &str, address: IpAddr, now: i64) -> Result<Screening, ApiError> {
        PgStore::screen(self, email, email_hash, address, now).await
    }

    async fn audit(&self, before: Option<i64>, limit: u32) -> Result<(Vec<AuditEntry>, bool), ApiError> {
        PgStore::audit(self, before, limit).await
    }

    async fn add_moderator(&self, name: &str, password_hash: &str, now: i64) -> Result<bool, ApiError> {
        PgStore::add_moderator(self, name, password_hash, now).await
    }

    async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, ApiError> {
        PgStore::set_password(self, name, password_hash).await
    }

    async fn remove_moderator(&self, name: &str) -> Result<bool, ApiError> {
        PgStore::remove_moderator(self, name).await
    }

    async fn moderators(&self, now: i64) -> Result<Vec<ModeratorRow>, ApiError> {
        PgStore::moderators(self, now).await
    }

    async fn credentials(&self, name: &str) -> Result<Option<Credentials>, ApiError> {
        PgStore::credentials(self, name).await
    }

    async fn open_session(&self, id: i64, token_hash: &str, csrf: &str, actor: Actor<'_>) -> Result<(), ApiError> {
        PgStore::open_session(self, id, token_hash, csrf, actor).await
    }

    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<Session>, ApiError> {
        PgStore::session(self, token_hash, now).await
    }

    async fn close_session(&self, token_hash: &str, actor: Actor<'_>) -> Result<(), ApiError> {
        PgStore::close_session(self, token_hash, actor).await
    }
}

