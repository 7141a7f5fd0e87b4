//! A mapping's request URLs: an endpoint's template chosen and filled with translated
//! values, then joined to the API root the publisher configured.

use crate::url::{append_query, expand_template};

use super::{value_of, Mapping, Values};

impl Mapping {
    /// The first of an endpoint's templates whose placeholders all have values, filled and
    /// joined to `base`. When none has all, the last, so that the URL in an error shows
    /// which value was missing.
    pub(super) fn url(&self, base: &str, templates: &[String], values: &Values) -> String {
        let complete = |template: &&String| placeholders(template).all(|name| value_of(values, name).is_some());
        let template = templates.iter().find(complete).or(templates.last()).map_or("", String::as_str);
        let translated: Vec<(&str, &str)> = values
            .iter()
            .map(|&(name, value)| {
                let table = self.values.iter().find(|(placeholder, _)| placeholder == name);
                let translation = table.and_then(|(_, table)| table.iter().find(|(from, _)| from == value));
                (name, translation.map_or(value, |(_, to)| to.as_str()))
            })
            .collect();
        join(base, &expand_template(template, &translated))
    }
}

/// The names of a URL template's placeholders: `{id}` and `{slug}` in `/posts/{slug}?p={id}`.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

/// `reference` resolved the simple way against `base`: an absolute URL stands alone, a
/// query is appended, a path is joined with one slash, and nothing is `base` itself.
fn join(base: &str, reference: &str) -> String {
    let has_scheme = reference.find([':', '/', '?', '#']).is_some_and(|end| reference[end..].starts_with(':'));
    if reference.is_empty() {
        base.to_owned()
    } else if has_scheme || reference.starts_with("//") {
        reference.to_owned()
    } else if let Some(query) = reference.strip_prefix('?') {
        append_query(base, query)
    } else {
        format!("{}/{}", base.trim_end_matches('/'), reference.trim_start_matches('/'))
    }
}
