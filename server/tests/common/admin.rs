//! What the admin API's tests share: a moderator added as `moderator add` adds one, signed
//! in, and requests with the session's cookie and CSRF token.

use article_widget_server::admin::password;
use article_widget_server::store;
use serde_json::{json, Value};

use super::{Reply, Site, TestServer};

pub const PASSWORD: &str = "correct horse battery";

/// Adds a moderator to the site's database, as `moderator add` does: through the storage of
/// either database (SQLite's blocks in place, which needs a runtime of several threads).
pub fn add_moderator(site: &Site, name: &str) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let store = store::open(site.database()).await.unwrap();
        let hash = password::hash(PASSWORD).unwrap();
        assert!(store.add_moderator(name, &hash, 0).await.unwrap_or_else(|error| panic!("{}", error.detail())));
    });
}

/// A signed-in moderator: the cookie to send back and the CSRF token.
pub struct Moderator {
    pub cookie: String,
    pub csrf: String,
}

pub fn sign_in(server: &TestServer, name: &str, password: &str, headers: &[(&str, &str)]) -> Reply {
    let body = json!({ "name": name, "password": password }).to_string();
    let headers = [&[("content-type", "application/json")], headers].concat();
    server.request("POST", "/api/admin/session", &headers, &body)
}

pub fn signed_in(server: &TestServer, name: &str) -> Moderator {
    let reply = sign_in(server, name, PASSWORD, &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let cookie = reply.header("set-cookie").unwrap().split(';').next().unwrap().to_owned();
    Moderator { cookie, csrf: reply.json()["csrf"].as_str().unwrap().to_owned() }
}

impl Moderator {
    /// A request with the session's cookie and CSRF token.
    pub fn send(&self, server: &TestServer, method: &str, path: &str, body: &Value) -> Reply {
        let headers =
            [("cookie", self.cookie.as_str()), ("x-csrf-token", &self.csrf), ("content-type", "application/json")];
        server.request(method, path, &headers, &if body.is_null() { String::new() } else { body.to_string() })
    }

    pub fn get(&self, server: &TestServer, path: &str) -> Value {
        let reply = self.send(server, "GET", path, &Value::Null);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        reply.json()
    }

    pub fn status(&self, server: &TestServer, id: &str, status: &str) -> Reply {
        self.send(server, "POST", &format!("/api/admin/comments/{id}/status"), &json!({ "status": status }))
    }
}

pub fn site_with_moderator() -> Site {
    let site = Site::new();
    add_moderator(&site, "anne");
    site
}
