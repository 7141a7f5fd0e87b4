//! What both adapters share: a request sent, its answer read with the API's decoders, and
//! every failure but a cancellation reported to the console.

use std::rc::Rc;

use article_widget_core::comment::Comment;
use article_widget_core::error::{LoadError, PostError, Problem};
use article_widget_core::native::ApiError;

use super::refusal::refusal;
use super::{HttpRequest, HttpResponse, LocalFuture, Transport};

/// How an answer becomes the model, whichever the API. Decoders are boxed so that the sending
/// code around them exists once per model type, not once per API and endpoint: the
/// publisher's readers download every copy.
pub(super) type Decoder<In, Out> = Box<dyn FnOnce(&In) -> Out>;

/// Sends a new comment and reads the answer with an API's decoders; a failure is also
/// reported.
pub(super) fn post(
    transport: Rc<dyn Transport>,
    request: HttpRequest,
    decode_comment: Decoder<str, Result<Comment, Problem>>,
    decode_error: Decoder<str, Option<ApiError>>,
) -> LocalFuture<Result<Comment, PostError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(PostError::Failed(error)),
            Ok((url, response)) if (200..300).contains(&response.status) => {
                decode_comment(&response.body).map_err(|problem| PostError::Failed(LoadError { url, problem }))
            }
            Ok((url, response)) => Err(refusal(url, &response, decode_error(&response.body))),
        };
        if let Err(error) = &result {
            if !matches!(error, PostError::Failed(LoadError { problem: Problem::Aborted, .. })) {
                report(&error.to_string());
            }
        }
        result
    })
}

/// Sends a GET and decodes a 2xx answer; anything else is a [`LoadError`], also reported.
pub(super) fn load<T: 'static>(
    transport: Rc<dyn Transport>,
    request: HttpRequest,
    decode: Decoder<HttpResponse, Result<T, Problem>>,
) -> LocalFuture<Result<T, LoadError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(error),
            Ok((url, response)) if !(200..300).contains(&response.status) => {
                Err(LoadError { url, problem: Problem::Status { status: response.status } })
            }
            Ok((url, response)) => decode(&response).map_err(|problem| LoadError { url, problem }),
        };
        match &result {
            Err(error) if error.problem != Problem::Aborted => report(&error.to_string()),
            _ => {}
        }
        result
    })
}

/// The integrator's view of a failure: English, with every detail, in the console.
pub(super) fn report(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&format!("article widget: {message}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}
