//! The browser's `fetch`, as a [`Transport`], with a time limit on the platform's clock.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use article_widget_core::error::{LoadError, Problem};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response};

use super::{HttpRequest, HttpResponse, LocalFuture, Method, Transport};
use crate::platform::Platform;

/// How long a request may take before the reader is told: long enough for a slow mobile
/// network, short enough that nobody waits on a dead server.
const TIMEOUT_SECONDS: u32 = 15;

/// Sends with the default credentials policy (same-origin cookies only), so that a backend
/// on another origin never receives the reader's cookies. Keeps the requests on their way,
/// so that an unmounted widget leaves none behind ([`FetchTransport::abort_all`]).
pub struct FetchTransport {
    /// Whose timers time the requests (a test's clock in tests).
    platform: Rc<dyn Platform>,
    in_flight: Rc<RefCell<Vec<(u64, AbortController)>>>,
    next_id: Cell<u64>,
    /// Set once the widget let its requests go: what ends then is not a failure.
    released: Rc<Cell<bool>>,
}

impl FetchTransport {
    pub fn new(platform: Rc<dyn Platform>) -> FetchTransport {
        FetchTransport { platform, in_flight: Rc::default(), next_id: Cell::new(0), released: Rc::default() }
    }

    /// Aborts every request on its way; their futures end with [`Problem::Aborted`], which
    /// nobody reports.
    pub fn abort_all(&self) {
        self.released.set(true);
        for (_, controller) in self.in_flight.borrow_mut().drain(..) {
            controller.abort();
        }
    }

    pub fn in_flight(&self) -> usize {
        self.in_flight.borrow().len()
    }
}

/// Removes a request from the set on its way when it ends, however it ends.
struct InFlight {
    set: Rc<RefCell<Vec<(u64, AbortController)>>>,
    id: u64,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set.borrow_mut().retain(|(id, _)| *id != self.id);
    }
}

impl Transport for FetchTransport {
    fn send(&self, request: HttpRequest) -> LocalFuture<Result<(String, HttpResponse), LoadError>> {
        let url = absolute(&request.url);
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        let controller = AbortController::new();
        let released = self.released.clone();
        let registration = controller.as_ref().ok().map(|controller| {
            self.in_flight.borrow_mut().push((id, controller.clone()));
            InFlight { set: self.in_flight.clone(), id }
        });
        // The time limit runs from the request, and ends with its future however it ends.
        let timed_out = Rc::new(Cell::new(false));
        let timer = controller.as_ref().ok().map(|controller| {
            let (controller, timed_out) = (controller.clone(), timed_out.clone());
            let expire = move || {
                timed_out.set(true);
                controller.abort();
            };
            self.platform.schedule(TIMEOUT_SECONDS * 1000, Box::new(expire))
        });
        Box::pin(async move {
            let (_registration, _timer) = (registration, timer);
            let failed = |problem| LoadError { url: url.clone(), problem };
            let network = |detail: String| failed(Problem::Network { detail });
            let controller = controller.map_err(|_| network("AbortController is unavailable".to_owned()))?;
            let answer = async {
                let init = RequestInit::new();
                init.set_method(match request.method {
                    Method::Get => "GET",
                    Method::Post => "POST",
                    Method::Patch => "PATCH",
                    Method::Delete => "DELETE",
                });
                init.set_signal(Some(&controller.signal()));
                let headers = Headers::new()?;
                headers.set("Accept", "application/json")?;
                for (name, value) in &request.headers {
                    headers.set(name, value)?;
                }
                init.set_headers(&headers);
                if let Some(body) = &request.body {
                    init.set_body(&JsValue::from_str(body));
                }
                let window = web_sys::window().ok_or("no window to fetch from")?;
                let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await?.unchecked_into();
                let status = response.status();
                // The Fetch standard's `Headers` lists names in lower case, as `HttpResponse` has them.
                let headers = js_sys::try_iter(&response.headers())?
                    .into_iter()
                    .flatten()
                    .filter_map(|entry| {
                        let pair: js_sys::Array = entry.ok()?.unchecked_into();
                        Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
                    })
                    .collect();
                let body = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
                Ok::<_, JsValue>(HttpResponse { status, body, headers })
            };
            match answer.await {
                Ok(response) => Ok((url.clone(), response)),
                Err(_) if timed_out.get() => Err(failed(Problem::Timeout { seconds: TIMEOUT_SECONDS })),
                Err(_) if released.get() => Err(failed(Problem::Aborted)),
                Err(error) => Err(network(describe(&error))),
            }
        })
    }
}

/// A JavaScript error as the console would name it: `TypeError: Failed to fetch`.
fn describe(error: &JsValue) -> String {
    match error.dyn_ref::<js_sys::Error>() {
        Some(error) => format!("{}: {}", String::from(error.name()), String::from(error.message())),
        None => error.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

/// `url` resolved against the page's base URL, as `fetch` will; unchanged if it cannot be.
fn absolute(url: &str) -> String {
    let base = web_sys::window().and_then(|w| w.document()).and_then(|d| d.base_uri().ok().flatten());
    base.and_then(|base| web_sys::Url::new_with_base(url, &base).ok()).map_or_else(|| url.to_owned(), |u| u.href())
}
