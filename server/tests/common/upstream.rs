//! An API on a loopback port for fragments to be rendered from: any answers, or a WordPress
//! site answering each GET the widget made of the real one as it was answered
//! (`core/tests/fixtures/wordpress-real/`). Shared by the fragment tests and the load
//! benchmark (`examples/load.rs`).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::Arc;
use std::thread;

use serde_json::{json, Value};

/// An HTTP answer of an upstream: status, headers, body.
pub type Answer = (u16, Vec<(String, String)>, String);

/// An upstream on a loopback port, answering each request with `answer(target)` in a thread
/// of its own, until the test ends.
pub struct Upstream {
    pub url: String,
}

impl Upstream {
    pub fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Upstream {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answer = Arc::new(answer);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let answer = answer.clone();
                thread::spawn(move || respond(stream, &*answer));
            }
        });
        Upstream { url }
    }

    /// A WordPress site: each GET the widget made of the real one, answered as it was.
    pub fn wordpress(edit: impl Fn(&str, &mut Value) + Send + Sync + 'static) -> Upstream {
        Upstream::start(move |target| recorded_wordpress(target, &edit))
    }
}

fn respond(mut stream: TcpStream, answer: &dyn Fn(&str) -> Answer) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
        line.clear();
    }
    let target = request_line.split(' ').nth(1).unwrap_or_default();
    let (status, headers, body) = answer(target);
    let mut head = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let _ = stream.write_all(format!("{head}\r\n{body}").as_bytes());
}

fn fixtures() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/fixtures/wordpress-real"))
}

/// The recorded answer to `target`, its body (JSON) edited by `edit(file, body)`; 404 as
/// WordPress says it for anything else.
fn recorded_wordpress(target: &str, edit: &dyn Fn(&str, &mut Value)) -> Answer {
    let requests: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join("requests.json")).unwrap()).unwrap();
    let recorded = requests["requests"].as_array().unwrap().iter().find(|request| {
        request["request"]["method"] == "GET" && request["request"]["url"].as_str() == Some(target)
    });
    let Some(recorded) = recorded else {
        let body = json!({"code": "rest_no_route", "message": "No route was found.", "data": {"status": 404}});
        return (404, vec![("Content-Type".into(), "application/json; charset=UTF-8".into())], body.to_string());
    };
    let file = recorded["file"].as_str().unwrap();
    let mut body: Value = serde_json::from_str(&std::fs::read_to_string(fixtures().join(file)).unwrap()).unwrap();
    edit(file, &mut body);
    let headers = recorded["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_str().unwrap().to_owned(), pair[1].as_str().unwrap().to_owned()))
        .filter(|(name, _)| ["content-type", "x-wp-total", "x-wp-totalpages", "link"].contains(&name.to_ascii_lowercase().as_str()))
        .map(|(name, value)| match name.to_ascii_lowercase().as_str() {
            "x-wp-total" if file == "comments.json" => (name, body.as_array().map_or(0, Vec::len).to_string()),
            _ => (name, value),
        })
        .collect();
    (recorded["status"].as_u64().unwrap() as u16, headers, body.to_string())
}
