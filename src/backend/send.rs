//! What both adapters share: a request sent, its answer read with the API's decoders, every
//! failure but a cancellation reported to the console, and every warning of a decoder (a
//! value or a record left out) too, once, with the URL of the answer.

use std::rc::Rc;

use article_widget_core::error::{LoadError, PostError, Problem, Warning};
use article_widget_core::json::Decoded;
use article_widget_core::native::ApiError;

use super::refusal::refusal;
use super::{HttpRequest, HttpResponse, LocalFuture, Transport};

/// How an answer becomes the model, whichever the API. Decoders are boxed so that the sending
/// code around them exists once per model type, not once per API and endpoint: the
/// publisher's readers download every copy.
pub(super) type Decoder<In, Out> = Box<dyn FnOnce(&In) -> Out>;

/// Sends a new comment (or a change to one) and reads the answer with an API's decoders; a
/// failure is also reported.
pub(super) fn post<T: 'static>(
    transport: Rc<dyn Transport>,
    request: HttpRequest,
    decode_comment: Decoder<str, Result<Decoded<T>, Problem>>,
    decode_error: Decoder<str, Option<ApiError>>,
) -> LocalFuture<Result<T, PostError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(PostError::Failed(error)),
            Ok((url, response)) if (200..300).contains(&response.status) => match decode_comment(&response.body) {
                Ok(decoded) => Ok(warned(&url, decoded)),
                Err(problem) => Err(PostError::Failed(LoadError { url, problem })),
            },
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
    decode: Decoder<HttpResponse, Result<Decoded<T>, Problem>>,
) -> LocalFuture<Result<T, LoadError>> {
    Box::pin(async move {
        let result = match transport.send(request).await {
            Err(error) => Err(error),
            Ok((url, response)) if !(200..300).contains(&response.status) => {
                Err(LoadError { url, problem: Problem::Status { status: response.status } })
            }
            Ok((url, response)) => match decode(&response) {
                Ok(decoded) => Ok(warned(&url, decoded)),
                Err(problem) => Err(LoadError { url, problem }),
            },
        };
        match &result {
            Err(error) if error.problem != Problem::Aborted => report(&error.to_string()),
            _ => {}
        }
        result
    })
}

/// The value of an answer from `url`; what the decoder left out to read it is told to the
/// integrator, while the reader sees the rest.
fn warned<T>(url: &str, decoded: Decoded<T>) -> T {
    warn(url, &decoded.warnings);
    decoded.value
}

/// Each warning of an answer from `url`, in English, naming the JSON Pointer. Apart from
/// [`warned`], so that there is one copy of it whatever the answer's type.
fn warn(url: &str, warnings: &[Warning]) {
    for warning in warnings {
        #[cfg(target_arch = "wasm32")]
        web_sys::console::warn_1(&format!("article widget: {url}: {warning}").into());
        #[cfg(not(target_arch = "wasm32"))]
        let _ = (url, warning);
    }
}

/// The integrator's view of a failure: English, with every detail, in the console.
pub(super) fn report(message: &str) {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&format!("article widget: {message}").into());
    #[cfg(not(target_arch = "wasm32"))]
    let _ = message;
}
