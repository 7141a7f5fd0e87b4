//! The app's one seam to the network: the moderation API's requests (`/api/admin/`, same
//! origin, its session cookie sent by the browser), each answer read by the core's decoders
//! (`article_widget_core::moderation`), and the [`Transport`] that carries them — the
//! browser's `fetch`, or a test's fake.
//!
//! Every state-changing request carries the session's token in `X-CSRF-Token`.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use article_widget_core::error::{LoadError, Problem};
use article_widget_core::locale::Locale;
use article_widget_core::moderation::messages::{describe_failure, describe_refusal};
use article_widget_core::moderation::{self as contract, AdminComment, AuditPage, Ban, CommentList, CommentQuery, NewBan, Session, Settings, Status, API_ROOT};
use article_widget_core::native::decode_error;

pub type LocalFuture<T> = Pin<Box<dyn Future<Output = T>>>;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

/// An HTTP answer, whatever its status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
    /// `Retry-After` in seconds, when the server sent one.
    pub retry_after: Option<u64>,
}

/// How bytes travel: `Ok` for any HTTP answer, `Err` when none came.
pub trait Transport {
    fn send(&self, request: Request) -> LocalFuture<Result<Response, LoadError>>;
}

/// Why a request did not do what it asked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with an error: its status, its error code and message.
    Refused { status: u16, code: String, message: String, retry_after: Option<u64> },
    /// No answer, or one the decoders cannot read.
    Failed(LoadError),
}

impl Failure {
    /// The session is gone (expired, signed out elsewhere): the moderator must sign in again.
    pub fn ends_session(&self) -> bool {
        matches!(self, Failure::Refused { status: 401, code, .. } if code != "bad_credentials")
    }

    pub fn describe(&self, locale: Locale) -> String {
        match self {
            Failure::Refused { status, code, message, retry_after } => describe_refusal(locale, *status, code, message, *retry_after),
            Failure::Failed(error) => describe_failure(locale, error),
        }
    }

    /// The English text for the console.
    pub fn console(&self) -> String {
        match self {
            Failure::Refused { status, code, message, .. } => format!("moderation API: {status} {code}: {message}"),
            Failure::Failed(error) => format!("moderation API: {error}"),
        }
    }
}

/// The moderation API's requests.
#[derive(Clone)]
pub struct Api {
    transport: Rc<dyn Transport>,
}

impl PartialEq for Api {
    fn eq(&self, other: &Api) -> bool {
        Rc::ptr_eq(&self.transport, &other.transport)
    }
}

type Decode<T> = fn(&str) -> Result<T, Problem>;

impl Api {
    pub fn new(transport: Rc<dyn Transport>) -> Api {
        Api { transport }
    }

    /// The moderator's session, if the browser has one: `None` when signed out. Any other
    /// refusal says that the server has no moderation API here (a `404` is not an item gone).
    pub async fn session(&self) -> Result<Option<Session>, Failure> {
        let url = format!("{API_ROOT}/session");
        match self.read("GET", url.clone(), None, None, contract::decode_session).await {
            Ok(session) => Ok(Some(session)),
            Err(failure) if failure.ends_session() => Ok(None),
            Err(Failure::Refused { status, .. }) => Err(Failure::Failed(LoadError { url, problem: Problem::Status { status } })),
            Err(failure) => Err(failure),
        }
    }

    pub async fn sign_in(&self, name: &str, password: &str) -> Result<Session, Failure> {
        let body = contract::encode_sign_in(name, password);
        self.read("POST", format!("{API_ROOT}/session"), None, Some(body), contract::decode_session).await
    }

    pub async fn sign_out(&self, csrf: &str) -> Result<(), Failure> {
        self.send("DELETE", format!("{API_ROOT}/session"), Some(csrf), None).await.map(drop)
    }

    pub async fn comments(&self, query: &CommentQuery) -> Result<CommentList, Failure> {
        self.read("GET", query.url(API_ROOT), None, None, contract::decode_comment_list).await
    }

    pub async fn set_status(&self, csrf: &str, id: &str, status: Status) -> Result<AdminComment, Failure> {
        let url = format!("{}/status", contract::item_url(API_ROOT, "comments", id));
        self.read("POST", url, Some(csrf), Some(contract::encode_status(status)), contract::decode_comment).await
    }

    pub async fn edit(&self, csrf: &str, id: &str, author: &str, website: &str, body: &str) -> Result<AdminComment, Failure> {
        let url = contract::item_url(API_ROOT, "comments", id);
        let body = contract::encode_edit(author, website, body);
        self.read("PATCH", url, Some(csrf), Some(body), contract::decode_comment).await
    }

    pub async fn delete(&self, csrf: &str, id: &str) -> Result<(), Failure> {
        self.send("DELETE", contract::item_url(API_ROOT, "comments", id), Some(csrf), None).await.map(drop)
    }

    pub async fn bans(&self) -> Result<Vec<Ban>, Failure> {
        self.read("GET", format!("{API_ROOT}/bans"), None, None, contract::decode_bans).await
    }

    pub async fn ban(&self, csrf: &str, ban: &NewBan) -> Result<Ban, Failure> {
        self.read("POST", format!("{API_ROOT}/bans"), Some(csrf), Some(contract::encode_ban(ban)), contract::decode_ban).await
    }

    pub async fn unban(&self, csrf: &str, id: &str) -> Result<(), Failure> {
        self.send("DELETE", contract::item_url(API_ROOT, "bans", id), Some(csrf), None).await.map(drop)
    }

    pub async fn audit(&self, before: Option<&str>) -> Result<AuditPage, Failure> {
        self.read("GET", contract::audit_url(API_ROOT, before), None, None, contract::decode_audit).await
    }

    pub async fn settings(&self) -> Result<Settings, Failure> {
        self.read("GET", format!("{API_ROOT}/settings"), None, None, contract::decode_settings).await
    }

    pub async fn save_settings(&self, csrf: &str, settings: &Settings) -> Result<Settings, Failure> {
        let body = contract::encode_settings(settings);
        self.read("PUT", format!("{API_ROOT}/settings"), Some(csrf), Some(body), contract::decode_settings).await
    }

    /// Sends, and reads a successful answer's body with `decode`.
    async fn read<T>(&self, method: &'static str, url: String, csrf: Option<&str>, body: Option<String>, decode: Decode<T>) -> Result<T, Failure> {
        let response = self.send(method, url.clone(), csrf, body).await?;
        decode(&response.body).map_err(|problem| report(Failure::Failed(LoadError { url, problem })))
    }

    /// Sends; an answer other than 2xx is a [`Failure::Refused`] with the server's error.
    async fn send(&self, method: &'static str, url: String, csrf: Option<&str>, body: Option<String>) -> Result<Response, Failure> {
        let mut headers = Vec::new();
        if body.is_some() {
            headers.push(("Content-Type", "application/json".to_owned()));
        }
        if let Some(csrf) = csrf {
            headers.push(("X-CSRF-Token", csrf.to_owned()));
        }
        let response = self.transport.send(Request { method, url, headers, body }).await.map_err(|error| report(Failure::Failed(error)))?;
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        let error = decode_error(&response.body);
        let (code, message) = error.map(|e| (e.code, e.message)).unwrap_or_default();
        let failure = Failure::Refused { status: response.status, code, message, retry_after: response.retry_after };
        // A refused sign-in or a signed-out check is an answer, not a fault to report.
        if response.status != 401 {
            report(failure.clone());
        }
        Err(failure)
    }
}

/// Writes a failure to the console (in English, as the widget does), and gives it back.
fn report(failure: Failure) -> Failure {
    #[cfg(target_arch = "wasm32")]
    web_sys::console::error_1(&failure.console().into());
    failure
}

/// The browser's `fetch`, on the page's origin with its cookies (`credentials: same-origin`).
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(&self, request: Request) -> LocalFuture<Result<Response, LoadError>> {
        use wasm_bindgen::{JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;

        Box::pin(async move {
            let answer = async {
                let init = web_sys::RequestInit::new();
                init.set_method(request.method);
                init.set_credentials(web_sys::RequestCredentials::SameOrigin);
                let headers = web_sys::Headers::new()?;
                headers.set("Accept", "application/json")?;
                for (name, value) in &request.headers {
                    headers.set(name, value)?;
                }
                init.set_headers(&headers);
                if let Some(body) = &request.body {
                    init.set_body(&JsValue::from_str(body));
                }
                let window = web_sys::window().ok_or("no window to fetch from")?;
                let response: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(&request.url, &init)).await?.unchecked_into();
                let retry_after = response.headers().get("retry-after")?.and_then(|value| value.trim().parse().ok());
                let body = JsFuture::from(response.text()?).await?.as_string().unwrap_or_default();
                Ok::<_, JsValue>(Response { status: response.status(), body, retry_after })
            };
            answer.await.map_err(|error| {
                let detail = error.dyn_ref::<js_sys::Error>().map_or_else(|| "fetch failed".to_owned(), |e| String::from(e.message()));
                LoadError { url: request.url.clone(), problem: Problem::Network { detail } }
            })
        })
    }
}
