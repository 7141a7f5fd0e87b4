//! The e-mail settings of the command line. Without `--smtp-url`, the server sends no mail,
//! queues none, and tells the widget not to offer reply notifications.

use std::path::PathBuf;

use article_widget_core::locale::Locale;
use clap::Args;
use lettre::message::Mailbox;
use lettre::Address;

#[derive(Clone, Debug, Default, Args)]
pub struct MailOptions {
    /// The SMTP server that sends the mail: smtp://HOST:PORT (plain; add ?tls=required for
    /// STARTTLS, or ?tls=opportunistic), or smtps://HOST:PORT (TLS from the start). Without
    /// it, no mail is sent and the widget offers no reply notifications.
    #[arg(long, env = "ARTICLE_WIDGET_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,

    /// The SMTP user name, when the server asks for one.
    #[arg(long, env = "ARTICLE_WIDGET_SMTP_USER", value_name = "USER", requires = "smtp_password_file")]
    pub smtp_user: Option<String>,

    /// A file holding the SMTP password (its first line).
    #[arg(long, env = "ARTICLE_WIDGET_SMTP_PASSWORD_FILE", value_name = "FILE", requires = "smtp_user")]
    pub smtp_password_file: Option<PathBuf>,

    /// The messages' sender: comments@news.example or "News <comments@news.example>".
    #[arg(long, env = "ARTICLE_WIDGET_MAIL_FROM", value_name = "MAILBOX")]
    pub mail_from: Option<Mailbox>,

    /// An address told of each comment held for moderation. Repeatable; separated by spaces
    /// in the environment variable.
    #[arg(long = "notify-held", env = "ARTICLE_WIDGET_NOTIFY_HELD", value_name = "EMAIL", value_delimiter = ' ')]
    pub notify_held: Vec<Address>,

    /// The language of the messages and of the pages their links open: fr or en, as the
    /// site's readers read.
    #[arg(long, env = "ARTICLE_WIDGET_MAIL_LANGUAGE", value_name = "LANG", default_value = "en", value_parser = parse_language)]
    pub mail_language: Locale,
}

fn parse_language(tag: &str) -> Result<Locale, String> {
    Locale::from_tag(tag).ok_or_else(|| format!("{tag} is not a language the messages are written in: fr or en"))
}

/// The settings checked: everything the messages need, present and well formed.
pub struct MailSettings {
    pub smtp_url: String,
    /// User name and password.
    pub credentials: Option<(String, String)>,
    pub from: Mailbox,
    /// Without a trailing slash.
    pub public_url: String,
    pub article_url: String,
    pub notify_held: Vec<Address>,
    pub language: Locale,
}

impl MailOptions {
    /// `None` without `--smtp-url`; an error naming what is missing or wrong. The links in
    /// the messages start with the server's `--public-url` and `--article-url`.
    pub fn settings(&self, public_url: Option<&String>, article_url: Option<&String>) -> Result<Option<MailSettings>, String> {
        let Some(smtp_url) = &self.smtp_url else {
            if !self.notify_held.is_empty() {
                return Err("--notify-held needs --smtp-url, the SMTP server that sends the mail".into());
            }
            return Ok(None);
        };
        let needed = |value: Option<&String>, name: &str, example: &str| {
            value.cloned().ok_or_else(|| format!("--smtp-url needs {name} ({example})"))
        };
        let from = self.mail_from.clone().ok_or("--smtp-url needs --mail-from (comments@news.example)")?;
        let public_url = needed(public_url, "--public-url", "https://comments.news.example")?;
        let article_url = needed(article_url, "--article-url", "https://news.example/articles/{id}")?;
        for (name, url) in [("--public-url", &public_url), ("--article-url", &article_url)] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!("{name} {url} is not an http(s) URL"));
            }
        }
        if !article_url.contains("{id}") {
            return Err(format!("--article-url {article_url} has no {{id}}, where the article's id goes"));
        }
        let credentials = match (&self.smtp_user, &self.smtp_password_file) {
            (Some(user), Some(file)) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|error| format!("SMTP password file {}: {error}", file.display()))?;
                let password = text.lines().next().unwrap_or_default().to_owned();
                Some((user.clone(), password))
            }
            _ => None,
        };
        Ok(Some(MailSettings {
            smtp_url: smtp_url.clone(),
            credentials,
            from,
            public_url: public_url.trim_end_matches('/').to_owned(),
            article_url,
            notify_held: self.notify_held.clone(),
            language: self.mail_language,
        }))
    }
}
