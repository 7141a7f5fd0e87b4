//! The command line: every option also reads an environment variable, so that the server
//! can be configured the way its host prefers (a unit file, a container, a shell).

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::http::HeaderValue;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "article-widget-server",
    version,
    about = "The article widget's reference backend: articles from a folder, comments in SQLite.",
    long_about = "The article widget's reference backend: serves articles and related stories from a \
                  content folder, keeps comments in a SQLite file, guards posting with a signed \
                  captcha, and can serve the widget's static files. Without a subcommand, it serves.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Checks an article (and its related stories) with the widget's decoders and copies them
    /// into the content folder as {id}.json and {id}/related.json; a running server serves
    /// them at once.
    Import(ImportArgs),
}

#[derive(Clone, Debug, Args)]
pub struct ImportArgs {
    /// The article, in the native format (docs/article.schema.json).
    #[arg(value_name = "FILE.json")]
    pub file: PathBuf,
    /// Its related stories: {"items": [...]}.
    #[arg(long, value_name = "RELATED.json")]
    pub related: Option<PathBuf>,
    #[command(flatten)]
    pub content: ContentArg,
}

#[derive(Clone, Debug, Args)]
pub struct ContentArg {
    /// The content folder: {id}.json is an article, {id}/related.json its related stories.
    /// Read on every request.
    #[arg(long = "content", env = "ARTICLE_WIDGET_CONTENT", value_name = "DIR", default_value = "articles")]
    pub folder: PathBuf,
}

#[derive(Clone, Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0: any free port).
    #[arg(long, env = "ARTICLE_WIDGET_LISTEN", value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// The SQLite file of comments (created, with a few demo comments, if absent). Back it up
    /// with `sqlite3 FILE ".backup COPY"`.
    #[arg(long, env = "ARTICLE_WIDGET_DATABASE", value_name = "FILE", default_value = "article-widget.sqlite3")]
    pub database: PathBuf,

    #[command(flatten)]
    pub content: ContentArg,

    /// A folder served at / (index.html for folders), such as the built widget and its demo
    /// page. Without it, only /api/ is served.
    #[arg(long = "static", env = "ARTICLE_WIDGET_STATIC", value_name = "DIR")]
    pub static_folder: Option<PathBuf>,

    /// Origins allowed to call the API from a browser, comma separated, such as
    /// https://news.example,https://www.news.example. Without any, only pages served by this
    /// server (same origin) can.
    #[arg(
        long,
        env = "ARTICLE_WIDGET_CORS_ORIGINS",
        value_name = "ORIGINS",
        value_delimiter = ',',
        value_parser = parse_origin
    )]
    pub cors_origins: Vec<HeaderValue>,

    /// The key that signs captcha challenges. Without it, a random one is made at first start
    /// and kept in the database. Prefer the environment variable: arguments are visible to
    /// every user of the machine.
    #[arg(long, env = "ARTICLE_WIDGET_CAPTCHA_SECRET", value_name = "SECRET", hide_env_values = true)]
    pub captcha_secret: Option<String>,

    /// Take the client's address from the last X-Forwarded-For entry, as set by a reverse
    /// proxy in front of this server. Without a proxy, it would let clients pick their address.
    #[arg(long, env = "ARTICLE_WIDGET_TRUST_PROXY")]
    pub trust_proxy: bool,

    /// Comments that one address may post per minute (0: no limit).
    #[arg(long, env = "ARTICLE_WIDGET_POSTS_PER_MINUTE", value_name = "N", default_value_t = 5)]
    pub posts_per_minute: u32,

    /// API reads that one address may make per minute (0: no limit).
    #[arg(long, env = "ARTICLE_WIDGET_READS_PER_MINUTE", value_name = "N", default_value_t = 120)]
    pub reads_per_minute: u32,

    /// Seconds a reader takes at least between fetching a captcha and posting; faster posts
    /// are refused as too_fast (0: no minimum, for load tests).
    #[arg(long, env = "ARTICLE_WIDGET_CAPTCHA_MIN_SECONDS", value_name = "SECONDS", default_value_t = 3)]
    pub captcha_min_seconds: u32,
}

/// `scheme://host[:port]`, as browsers send in `Origin`.
fn parse_origin(text: &str) -> Result<HeaderValue, String> {
    let text = text.trim();
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains('/') => {
            HeaderValue::from_str(text).map_err(|error| error.to_string())
        }
        _ => Err(format!("{text:?} is not an origin such as https://news.example (no path, no trailing /)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn origins_are_comma_separated() {
        let cli = Cli::try_parse_from(["x", "--cors-origins", "https://a.example,http://b.example:8080"]).unwrap();
        assert_eq!(cli.serve.cors_origins, ["https://a.example", "http://b.example:8080"]);
        for bad in ["a.example", "https://a.example/", "https://", "*"] {
            assert!(Cli::try_parse_from(["x", "--cors-origins", bad]).is_err(), "{bad}");
        }
    }

    #[test]
    fn import_takes_a_file_and_its_related_stories() {
        let cli = Cli::try_parse_from(["x", "import", "a.json", "--related", "r.json", "--content", "c"]).unwrap();
        let Some(Command::Import(import)) = cli.command else { panic!("not import") };
        assert_eq!((import.file.to_str(), import.content.folder.to_str()), (Some("a.json"), Some("c")));
        assert!(Cli::try_parse_from(["x", "--listen", "127.0.0.1:1", "import", "a.json"]).is_err());
    }
}
