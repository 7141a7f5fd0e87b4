//! What a refused post means: the error codes of the widget's own API
//! (`docs/openapi.yaml`) and of WordPress, whose mapping reads its errors into the same
//! [`ApiError`].

use article_widget_core::error::{CaptchaRefusal, EditRefusal, LoadError, PostError, Problem};
use article_widget_core::native::ApiError;

use super::HttpResponse;

/// What a refused post means. The codes are those of the widget's own API and of
/// WordPress; any other API's refusal with a code is shown in its own words.
pub(super) fn refusal(url: String, response: &HttpResponse, error: Option<ApiError>) -> PostError {
    let (code, message) = error.map(|e| (e.code, e.message)).unzip();
    let rate_limited = PostError::RateLimited { retry_after_seconds: response.retry_after() };
    match (response.status, code) {
        (422, Some(code)) if code == "captcha_wrong" => PostError::Captcha(CaptchaRefusal::Wrong),
        // A filled trap reads as the widget's own check reads it (`state.rs`): sent too soon.
        (422, Some(code)) if code == "too_fast" || code == "trap_filled" => PostError::Captcha(CaptchaRefusal::TooFast),
        // A proof of work missing, wrong, expired or used already: a new challenge, solved anew.
        (422, Some(code)) if code.starts_with("captcha_") || code.starts_with("pow_") => PostError::Captcha(CaptchaRefusal::Stale),
        // A change to the reader's own comment (`docs/openapi.yaml`).
        (403, Some(code)) if code == "secret_mismatch" => PostError::Edit(EditRefusal::NotYours),
        (409, Some(code)) if code == "edit_window_closed" => PostError::Edit(EditRefusal::WindowClosed),
        (409, Some(code)) if code == "has_replies" => PostError::Edit(EditRefusal::HasReplies),
        (429, _) => rate_limited,
        // WordPress answers a flood with 400.
        (_, Some(code)) if code == "comment_flood" => rate_limited,
        (status @ 400..=499, Some(code)) => PostError::Refused { status, code, message: message.unwrap_or_default() },
        (status, _) => PostError::Failed(LoadError { url, problem: Problem::Status { status } }),
    }
}
