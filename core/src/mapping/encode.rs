//! The new comment's request body: the mapping's template, whose placeholders are checked
//! when the mapping is read and filled when a comment is sent.

use crate::comment::ValidComment;
use crate::error::Expected;
use crate::json::{Node, Value};
use crate::url::SafeUrl;

use super::{value_of, PostEndpoint, Result, Values};

/// The placeholders a body template may name, each given by [`PostEndpoint::encode`].
const PLACEHOLDERS: &[&str] = &["name", "email", "website", "body", "parent", "article"];

impl PostEndpoint {
    /// The body of a new comment. `values` give `{article}` (their `id`). A placeholder
    /// without a value leaves its member out, so that the API's own default applies.
    pub(super) fn encode(&self, comment: &ValidComment, parent: Option<&str>, values: &Values) -> String {
        let given = [
            ("name", Some(comment.name.as_str())),
            ("email", Some(comment.email.as_str())),
            ("website", comment.website.as_ref().map(SafeUrl::as_str)),
            ("body", Some(comment.body.as_str())),
            ("parent", parent),
            ("article", value_of(values, "id")),
        ];
        fill_template(&self.body, &given).unwrap_or(Value::Null).to_string()
    }
}

/// Each string of a body template that is a placeholder (`"{name}"`) must name one.
pub(super) fn check_placeholders(node: &Node) -> Result<()> {
    let mut pending = vec![node.clone()];
    while let Some(node) = pending.pop() {
        match node.value() {
            Some(Value::String(text)) => {
                if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    let name = inner.strip_suffix(":number").unwrap_or(inner);
                    if !PLACEHOLDERS.contains(&name) {
                        return Err(node.invalid(Expected::Placeholder));
                    }
                }
            }
            Some(Value::Array(_)) => pending.extend(node.items()?),
            Some(Value::Object(members)) => pending.extend(members.keys().map(|key| node.get(key))),
            _ => {}
        }
    }
    Ok(())
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
