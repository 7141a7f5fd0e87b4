//! The content folder: `{id}.json` is an article in the native format, `{id}/related.json`
//! its related stories. Files are read on every request, so that a publisher can drop one
//! in without a restart, and checked with the core decoders before they are served: a file
//! they refuse is an error, while what they leave out of one (a bad optional value, a
//! related story that cannot be read) is logged as a warning naming the file and the JSON
//! Pointer, and the file is served, as the widget shows the rest of it.

use std::io;
use std::path::{Path, PathBuf};

use article_widget_core::error::{LoadError, Problem};
use article_widget_core::json::Decoded;
use article_widget_core::native::{decode_article, decode_related};

use crate::error::ApiError;

/// What `related` answers for an article without a related file.
const NO_RELATED: &str = r#"{"items":[]}"#;

/// An article id that is safe as a file name: no separators, no dots, so no traversal.
pub fn is_valid_id(id: &str) -> bool {
    (1..=200).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'))
}

/// Inside the content folder; errors name files this way, so as not to disclose the
/// server's layout.
fn article_file(id: &str) -> String {
    format!("{id}.json")
}

fn related_file(id: &str) -> String {
    format!("{id}/related.json")
}

#[derive(Clone, Debug)]
pub struct Content {
    folder: PathBuf,
}

impl Content {
    pub fn new(folder: PathBuf) -> Content {
        Content { folder }
    }

    /// Whether the article exists: what the comment endpoints need to know.
    pub async fn has_article(&self, id: &str) -> Result<(), ApiError> {
        if !is_valid_id(id) {
            return Err(ApiError::NotFound);
        }
        match tokio::fs::metadata(self.folder.join(article_file(id))).await {
            Ok(metadata) if metadata.is_file() => Ok(()),
            Ok(_) => Err(ApiError::NotFound),
            Err(error) => Err(read_error(&article_file(id), error)),
        }
    }

    /// The article's JSON text, as stored, once the decoder accepted it.
    pub async fn article(&self, id: &str) -> Result<String, ApiError> {
        if !is_valid_id(id) {
            return Err(ApiError::NotFound);
        }
        let name = article_file(id);
        let text = self.read(&name).await?.ok_or(ApiError::NotFound)?;
        checked(&name, decode_article(&text)).map_err(ApiError::BrokenContent)?;
        Ok(text)
    }

    /// The related stories' JSON text; `{"items":[]}` when the article has no related file.
    pub async fn related(&self, id: &str) -> Result<String, ApiError> {
        self.has_article(id).await?;
        let name = related_file(id);
        match self.read(&name).await? {
            Some(text) => {
                checked(&name, decode_related(&text)).map_err(ApiError::BrokenContent)?;
                Ok(text)
            }
            None => Ok(NO_RELATED.to_owned()),
        }
    }

    /// A file's text, `None` if there is no such file.
    async fn read(&self, name: &str) -> Result<Option<String>, ApiError> {
        match tokio::fs::read(self.folder.join(name)).await {
            Ok(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| ApiError::BrokenContent(format!("{name}: not UTF-8 text"))),
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(read_error(name, error)),
        }
    }
}

fn read_error(name: &str, error: io::Error) -> ApiError {
    match error.kind() {
        io::ErrorKind::NotFound => ApiError::NotFound,
        _ => ApiError::Internal(format!("reading content file {name}: {error}")),
    }
}

/// What the decoders made of the file `name`: its value, with each warning logged; or the
/// file and the decoder's English description of its fault (line and column, or the JSON
/// Pointer).
fn checked<T>(name: &str, decoded: Result<Decoded<T>, Problem>) -> Result<T, String> {
    let decoded = decoded.map_err(|problem| LoadError { url: name.to_owned(), problem }.to_string())?;
    for warning in &decoded.warnings {
        eprintln!("warning: {name}: {warning}");
    }
    Ok(decoded.value)
}

/// `import`: checks an article (and its related stories) with the core decoders and copies
/// them into the content folder under the article's own id. Returns that id.
pub fn import(folder: &Path, article_path: &Path, related_path: Option<&Path>) -> Result<String, String> {
    let read = |path: &Path| {
        let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
        Ok::<_, String>((path.display().to_string(), text))
    };
    let (name, article_text) = read(article_path)?;
    let article = checked(&name, decode_article(&article_text))?;
    if !is_valid_id(&article.id) {
        return Err(format!("{name}: the id {:?} must be 1 to 200 letters, digits, '-' or '_'", article.id));
    }
    let related_text = match related_path {
        Some(path) => {
            let (name, text) = read(path)?;
            checked(&name, decode_related(&text))?;
            Some(text)
        }
        None => None,
    };
    write_atomically(&folder.join(article_file(&article.id)), &article_text)?;
    if let Some(text) = related_text {
        write_atomically(&folder.join(related_file(&article.id)), &text)?;
    }
    Ok(article.id)
}

/// Through a temporary file and a rename, so that a running server never serves half a file.
fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    let failed = |error: io::Error| format!("{}: {error}", path.display());
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder).map_err(failed)?;
    }
    let temporary = path.with_extension("json.importing");
    std::fs::write(&temporary, text).map_err(failed)?;
    std::fs::rename(&temporary, path).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cannot_leave_the_folder() {
        for good in ["nouvel-ordre-mondial", "a", "A_1-b", &"x".repeat(200)] {
            assert!(is_valid_id(good), "{good}");
        }
        for bad in ["", "..", "../etc/passwd", "a/b", "a.json", "a b", "é", "a\\b", "%2e%2e", &"x".repeat(201)] {
            assert!(!is_valid_id(bad), "{bad}");
        }
    }
}
