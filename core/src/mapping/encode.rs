//! The new comment's request: the mapping's body and header templates, whose placeholders
//! are checked when the mapping is read and filled when a comment is sent; the body as JSON
//! or as a form's fields.

use crate::comment::ValidComment;
use crate::error::Expected;
use crate::json::{Node, Value};
use crate::url::{percent_encode, SafeUrl};

use super::{value_of, PostEndpoint, Result, Values};

/// The placeholders a body template may name, each given by [`PostEndpoint::encode`];
/// `altcha` only with a challenge to answer.
pub(super) const BODY_PLACEHOLDERS: &[&str] = &["name", "email", "website", "body", "parent", "article", "idempotency_key", "altcha"];
/// Those a header may name: values, not the reader's text, which a header could not carry.
pub(super) const HEADER_PLACEHOLDERS: &[&str] = &["article", "idempotency_key", "altcha"];

impl PostEndpoint {
    /// The headers and body of a new comment. `values` give `{article}` (their `id`),
    /// `{altcha}` and `{idempotency_key}`. A placeholder without a value leaves its member
    /// out, so that the API's own default applies.
    pub(super) fn request(&self, comment: &ValidComment, parent: Option<&str>, values: &Values) -> (Vec<(String, String)>, String) {
        let given = [
            ("name", Some(comment.name.as_str())),
            ("email", Some(comment.email.as_str())),
            ("website", comment.website.as_ref().map(SafeUrl::as_str)),
            ("body", Some(comment.body.as_str())),
            ("parent", parent),
            ("article", value_of(values, "id")),
            ("idempotency_key", value_of(values, "idempotency_key")),
            ("altcha", value_of(values, "altcha")),
        ];
        let text = |value: &Value| match value {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            // A number or a boolean as written; in a form, nesting as its JSON text.
            other => other.to_string(),
        };
        let members = |template| match fill_template(template, &given) {
            Some(Value::Object(members)) => members.iter().map(|(name, value)| (name.clone(), text(value))).collect(),
            _ => Vec::new(),
        };
        let content_type = if self.form { "application/x-www-form-urlencoded" } else { "application/json" };
        let mut headers = vec![("Content-Type".to_owned(), content_type.to_owned())];
        headers.extend(members(&self.headers));
        let body = match self.form {
            true => members(&self.body).iter().map(|(name, value)| format!("{}={}", percent_encode(name), percent_encode(value))).collect::<Vec<_>>().join("&"),
            false => fill_template(&self.body, &given).unwrap_or(Value::Null).to_string(),
        };
        (headers, body)
    }
}

/// Each string of a template that is a placeholder (`"{name}"`) must name one of `known`,
/// and `{altcha}` only when the post has a challenge; whether it names `{altcha}`.
pub(super) fn check_placeholders(node: &Node, known: &[&str], has_challenge: bool) -> Result<bool> {
    let mut pending = vec![node.clone()];
    let mut names_altcha = false;
    while let Some(node) = pending.pop() {
        match node.value() {
            Some(Value::String(text)) => {
                if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let name = inner.strip_suffix(":number").unwrap_or(inner);
                    names_altcha |= name == "altcha";
                    if !known.contains(&name) || (name == "altcha" && !has_challenge) {
                        return Err(node.invalid(Expected::Placeholder));
                    }
                }
            }
            Some(Value::Array(_)) => pending.extend(node.items()?),
            Some(Value::Object(members)) => pending.extend(members.keys().map(|key| node.get(key))),
            _ => {}
        }
    }
    Ok(names_altcha)
}

/// The template with its placeholders filled; `None` when it is a placeholder without a
/// value, which its object or array then leaves out. The depth is the mapping's, bounded
/// by the JSON parser's limit.
fn fill_template(template: &Value, given: &[(&str, Option<&str>)]) -> Option<Value> {
    match template {
        Value::String(text) => match text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(inner) => {
                let (name, as_number) = inner.strip_suffix(":number").map_or((inner, false), |name| (name, true));
                let value = given.iter().find(|(placeholder, _)| *placeholder == name)?.1?;
                let number = as_number.then(|| value.parse::<i64>().ok()).flatten();
                Some(number.map_or_else(|| Value::from(value), Value::from))
            }
            None => Some(template.clone()),
        },
        Value::Array(items) => Some(Value::Array(items.iter().filter_map(|item| fill_template(item, given)).collect())),
        Value::Object(members) => Some(Value::Object(
            members.iter().filter_map(|(key, member)| Some((key.clone(), fill_template(member, given)?))).collect(),
        )),
        other => Some(other.clone()),
    }
}
