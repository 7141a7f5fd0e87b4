//! The command line: every option also reads an environment variable, so that the server
//! can be configured the way its host prefers (a unit file, a container, a shell).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::http::HeaderValue;
use article_widget_core::pow::Algorithm;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::client::{parse_proxy, Clients, Prefix};
use crate::mail::options::MailOptions;
use crate::pow::Difficulty;
use crate::store::Database;
use crate::transport::Limits;
use crate::upstream::{parse_upstream, Upstream};

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
    /// Writes an article's fragment to stdout, as GET /fragment answers it (the
    /// <article-widget> element with its declarative shadow root), for static-site
    /// generators; the server's options say where its data comes from.
    Fragment(Box<FragmentArgs>),
    /// Prints the hash of the style in fragments, for a Content-Security-Policy:
    /// style-src 'self' 'sha256-…'. It changes only with the widget's build.
    StyleHash,
    /// Adds, removes and lists the moderators who sign in to the admin API (/api/admin/).
    Moderator(ModeratorArgs),
    /// Copies an SQLite database into a new PostgreSQL database (comments, moderators, bans,
    /// the audit log, the mail's queue, the captcha secret), in one transaction that commits
    /// only if every table counts the same rows on both sides; prints the counts.
    Migrate(MigrateArgs),
}

#[derive(Clone, Debug, Args)]
pub struct MigrateArgs {
    /// The SQLite file to copy (stop the servers that write it first).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The PostgreSQL database to copy into: new, or holding only the demo's comments its
    /// first start wrote (postgres://user:password@host:5432/name).
    #[arg(long, value_name = "URL")]
    pub to: String,
}

#[derive(Clone, Debug, Args)]
pub struct ModeratorArgs {
    #[command(subcommand)]
    pub action: ModeratorAction,
    /// The SQLite file of comments, or the PostgreSQL URL, as for serving.
    #[arg(long, env = "ARTICLE_WIDGET_DATABASE", value_name = "FILE|URL", default_value = "article-widget.sqlite3", global = true)]
    pub database: Database,
}

#[derive(Clone, Debug, Subcommand)]
pub enum ModeratorAction {
    /// Adds a moderator; the password (12 characters or more) is read as one line from
    /// standard input, or from --password-file.
    Add(PasswordArgs),
    /// Changes a moderator's password, read as for add, and ends their sessions.
    Passwd(PasswordArgs),
    /// Removes a moderator and ends their sessions; the audit log keeps their name.
    Remove {
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Lists the moderators, with their sessions open now.
    List,
}

#[derive(Clone, Debug, Args)]
pub struct PasswordArgs {
    /// Letters, digits, '-', '_' or '.', at most 64.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// A file whose first line is the password, instead of standard input.
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
}

/// A fragment's settings: the attributes a publisher would write on the element, and the API
/// it reads. The same for GET /fragment's query and the `fragment` subcommand.
#[derive(Clone, Debug, Default, PartialEq, Eq, Args)]
pub struct FragmentSettings {
    /// The article's id on its API.
    #[arg(long, value_name = "ID")]
    pub article: String,
    /// The reader's language (fr, en); without it, the widget negotiates in the browser.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    /// light, dark or auto.
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// When the browser asks for more comments: lazy (near the viewport) or eager.
    #[arg(long, value_name = "WHEN")]
    pub comments: Option<String>,
    /// Where dates are shown when the API does not say: Europe/Paris, UTC, +02:00.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// An upstream of --upstream, by name; without it, this server's own API.
    #[arg(long = "from", value_name = "NAME")]
    pub upstream: Option<String>,
}

#[derive(Clone, Debug, Args)]
pub struct FragmentArgs {
    #[command(flatten)]
    pub settings: FragmentSettings,
    #[command(flatten)]
    pub serve: ServeArgs,
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

    /// The SQLite file of comments (created, with a few demo comments, if absent; back it up
    /// with `sqlite3 FILE ".backup COPY"`), or a PostgreSQL database's URL
    /// (`postgres://user:password@host:5432/name`, PostgreSQL 15 or later), which several
    /// servers can share.
    #[arg(long, env = "ARTICLE_WIDGET_DATABASE", value_name = "FILE|URL", default_value = "article-widget.sqlite3")]
    pub database: Database,

    #[command(flatten)]
    pub content: ContentArg,

    /// A folder served at / (index.html for folders), such as the built widget and its demo
    /// page. Without it, only /api/ is served.
    #[arg(long = "static", env = "ARTICLE_WIDGET_STATIC", value_name = "DIR")]
    pub static_folder: Option<PathBuf>,

    /// The server's address as readers reach it, such as https://comments.news.example: the
    /// links in its feeds start with it. Without it, they start with the request's `Host`,
    /// over plain HTTP.
    #[arg(long, env = "ARTICLE_WIDGET_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Where readers read an article, `{id}` standing for its id, such as
    /// https://news.example/articles/{id}: feeds link each comment to its article's page.
    /// Without it, they do not link to pages.
    #[arg(long, env = "ARTICLE_WIDGET_ARTICLE_URL", value_name = "TEMPLATE", value_parser = parse_article_url)]
    pub article_url: Option<String>,

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

    /// A file holding the key that signs captcha challenges (its first line), instead of
    /// --captcha-secret: out of the process list and the environment.
    #[arg(long, env = "ARTICLE_WIDGET_CAPTCHA_SECRET_FILE", value_name = "FILE", conflicts_with = "captcha_secret")]
    pub captcha_secret_file: Option<PathBuf>,

    /// The reverse proxies in front of this server, comma separated addresses or prefixes
    /// (127.0.0.1,::1 or 10.0.0.0/8): a request from one of them is counted for the
    /// rightmost X-Forwarded-For entry that is not one of them. Without any, the header is
    /// ignored: from anyone else, it would let clients pick their address.
    #[arg(
        long,
        env = "ARTICLE_WIDGET_TRUSTED_PROXIES",
        value_name = "PROXIES",
        value_delimiter = ',',
        value_parser = parse_proxy
    )]
    pub trusted_proxies: Vec<Prefix>,

    /// Replaced by --trusted-proxies, which names the proxies: refused at start with a
    /// message saying so, rather than read as "trust anyone's X-Forwarded-For".
    #[arg(long, env = "ARTICLE_WIDGET_TRUST_PROXY", hide = true)]
    pub trust_proxy: bool,

    /// The leading bits of an IPv6 address that make a rate-limit key: 64, as one host or
    /// subscriber gets a whole /64 and can post from any address in it.
    #[arg(long, env = "ARTICLE_WIDGET_IPV6_PREFIX", value_name = "BITS", default_value_t = 64,
          value_parser = clap::value_parser!(u8).range(1..=128))]
    pub ipv6_prefix: u8,

    /// The leading bits of an IPv4 address that make a rate-limit key: 32, the whole address.
    #[arg(long, env = "ARTICLE_WIDGET_IPV4_PREFIX", value_name = "BITS", default_value_t = 32,
          value_parser = clap::value_parser!(u8).range(1..=32))]
    pub ipv4_prefix: u8,

    /// Comments that one client (its prefix) may post per minute (0: no limit).
    #[arg(long, env = "ARTICLE_WIDGET_POSTS_PER_MINUTE", value_name = "N", default_value_t = 5)]
    pub posts_per_minute: u32,

    /// Comments that one article may receive per minute, from everyone together (0: no limit).
    #[arg(long, env = "ARTICLE_WIDGET_ARTICLE_POSTS_PER_MINUTE", value_name = "N", default_value_t = 20)]
    pub article_posts_per_minute: u32,

    /// Minutes a commenter may edit or delete their comment after posting it, with the
    /// secret its post answered (0: never).
    #[arg(long, env = "ARTICLE_WIDGET_EDIT_WINDOW_MINUTES", value_name = "MINUTES", default_value_t = 15)]
    pub edit_window_minutes: u32,

    /// API reads that one client (its prefix) may make per minute (0: no limit).
    #[arg(long, env = "ARTICLE_WIDGET_READS_PER_MINUTE", value_name = "N", default_value_t = 120)]
    pub reads_per_minute: u32,

    /// Whether a post's captcha answer is checked. Off, challenges are still issued (the
    /// widget asks its question) but posts need no answer, and no minimum delay is checked,
    /// as it is measured from the captcha's issue.
    #[arg(long, env = "ARTICLE_WIDGET_CAPTCHA", value_name = "ON|OFF", default_value = "on")]
    pub captcha: Switch,

    /// Whether a post whose trap field (fax, hidden from people) is filled is refused.
    #[arg(long, env = "ARTICLE_WIDGET_TRAP", value_name = "ON|OFF", default_value = "on")]
    pub trap: Switch,

    /// Seconds a reader takes at least between fetching a captcha and posting; faster posts
    /// are refused as too_fast (0: no minimum, for load tests).
    #[arg(long, env = "ARTICLE_WIDGET_CAPTCHA_MIN_SECONDS", value_name = "SECONDS", default_value_t = 3)]
    pub captcha_min_seconds: u32,

    /// Whether a post must carry a proof of work (ALTCHA's format, in its `altcha` member),
    /// whose challenge GET /api/captcha gives with the captcha's.
    #[arg(long, env = "ARTICLE_WIDGET_POW", value_name = "ON|OFF", default_value = "on")]
    pub pow: Switch,

    /// The proof of work's key derivation: SHA-256 or PBKDF2/SHA-256. PBKDF2 by default: the
    /// widget derives its keys with the browser's WebCrypto, native code, so a bot's native
    /// solver has no lead on a reader's browser but its cores (server/README.md, "Difficulty").
    #[arg(long, env = "ARTICLE_WIDGET_POW_ALGORITHM", value_name = "ALGORITHM", default_value = "PBKDF2/SHA-256",
          value_parser = parse_algorithm)]
    pub pow_algorithm: Algorithm,

    /// SHA-256 rounds or PBKDF2 iterations per counter a solver tries.
    #[arg(long, env = "ARTICLE_WIDGET_POW_COST", value_name = "N", default_value_t = 5_000,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub pow_cost: u32,

    /// The least counter the server picks: a solver tries at least this many keys.
    #[arg(long, env = "ARTICLE_WIDGET_POW_COUNTER_MIN", value_name = "N", default_value_t = 200)]
    pub pow_counter_min: u32,

    /// The greatest counter the server picks (at random, from the least to it). The default
    /// difficulty (PBKDF2/SHA-256, cost 5,000, counters 200 to 600) costs a phone's browser
    /// about 1.2 s in the widget's worker, and the spam bot's native solver two to three
    /// times what it costs the same machine's browser (server/README.md, "Difficulty").
    #[arg(long, env = "ARTICLE_WIDGET_POW_COUNTER_MAX", value_name = "N", default_value_t = 600)]
    pub pow_counter_max: u32,

    /// On: the moderators' session cookie is Secure on every answer, for a server reached
    /// over HTTPS only. Off: it is Secure when a trusted proxy (--trusted-proxies) says the
    /// request came over HTTPS (X-Forwarded-Proto: https).
    #[arg(long, env = "ARTICLE_WIDGET_SECURE_COOKIES", value_name = "ON|OFF", default_value = "off")]
    pub secure_cookies: Switch,

    #[command(flatten)]
    pub fragments: FragmentOptions,

    #[command(flatten)]
    pub mail: MailOptions,
}

/// A layer against spam, on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

fn parse_algorithm(text: &str) -> Result<Algorithm, String> {
    Algorithm::from_name(text).ok_or_else(|| format!("{text} is not {}", Algorithm::NAMES.join(" or ")))
}

impl ServeArgs {
    /// How requests are told apart for the rate limits; `--trust-proxy`, which trusted any
    /// peer's X-Forwarded-For, is refused with what replaces it.
    pub fn clients(&self) -> Result<Clients, String> {
        if self.trust_proxy {
            return Err("--trust-proxy (ARTICLE_WIDGET_TRUST_PROXY) is replaced by --trusted-proxies PROXIES \
                        (ARTICLE_WIDGET_TRUSTED_PROXIES): name the proxies in front of this server, such as \
                        --trusted-proxies 127.0.0.1,::1 for one on the same machine, and remove --trust-proxy"
                .into());
        }
        Ok(Clients {
            trusted_proxies: self.trusted_proxies.clone(),
            ipv4_prefix: self.ipv4_prefix,
            ipv6_prefix: self.ipv6_prefix,
        })
    }

    /// How hard the proof of work is, `None` when it is off.
    pub fn pow_difficulty(&self) -> Result<Option<Difficulty>, String> {
        if self.pow == Switch::Off {
            return Ok(None);
        }
        if self.pow_counter_min > self.pow_counter_max {
            return Err(format!(
                "--pow-counter-min {} is above --pow-counter-max {}",
                self.pow_counter_min, self.pow_counter_max
            ));
        }
        Ok(Some(Difficulty {
            algorithm: self.pow_algorithm,
            cost: self.pow_cost,
            counters: self.pow_counter_min..=self.pow_counter_max,
        }))
    }

    /// The configured captcha secret: `--captcha-secret`, or the first line of
    /// `--captcha-secret-file`; `None` for the one kept in the database.
    pub fn captcha_secret(&self) -> Result<Option<String>, String> {
        let Some(file) = &self.captcha_secret_file else { return Ok(self.captcha_secret.clone()) };
        let text = std::fs::read_to_string(file).map_err(|error| format!("captcha secret file {}: {error}", file.display()))?;
        match text.lines().next().map(str::trim).filter(|line| !line.is_empty()) {
            Some(secret) => Ok(Some(secret.to_owned())),
            None => Err(format!("captcha secret file {}: its first line is empty", file.display())),
        }
    }

    /// Refuses a database or a secret file that the static folder would serve to anyone
    /// (the comments' e-mail addresses, the key that signs challenges), paths resolved
    /// through `..` and symbolic links. The database may not exist yet: its folder is
    /// resolved, and SQLite's `-wal` and `-shm` files lie beside it.
    pub fn check_private_files(&self) -> Result<(), String> {
        let Some(served) = &self.static_folder else { return Ok(()) };
        let resolve = |what: &str, path: &Path| {
            path.canonicalize().map_err(|error| format!("{what} {}: {error}", path.display()))
        };
        let static_folder = resolve("static folder", served)?;
        let database = match &self.database {
            Database::Sqlite(file) => Some(match (file.parent(), file.file_name()) {
                (Some(parent), Some(name)) if !file.exists() => {
                    let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
                    resolve("database folder", parent)?.join(name)
                }
                _ => resolve("database", file)?,
            }),
            Database::Postgres(_) => None,
        };
        let secret = self.captcha_secret_file.as_deref().map(|file| resolve("captcha secret file", file)).transpose()?;
        for (what, path) in [("database", database), ("captcha secret file", secret)] {
            if let Some(path) = path.filter(|path| path.starts_with(&static_folder)) {
                return Err(format!(
                    "the {what} {} is inside the static folder {}, which serves it to anyone: move it out, or serve \
                     another folder",
                    path.display(),
                    static_folder.display()
                ));
            }
        }
        Ok(())
    }
}

/// Where fragments come from, and how long they are kept.
#[derive(Clone, Debug, Args)]
pub struct FragmentOptions {
    /// An API fragments may be rendered from, besides this server's own: NAME=MAPPING,URL,
    /// MAPPING being `wordpress`, `jsonfeed` or the path of a mapping file, URL the API root
    /// that browsers ask too (http or https). Repeat it, or separate them with spaces in the
    /// environment variable. A request names one (upstream=NAME), never a URL.
    #[arg(
        long = "upstream",
        env = "ARTICLE_WIDGET_UPSTREAMS",
        value_name = "NAME=MAPPING,URL",
        value_delimiter = ' ',
        value_parser = parse_upstream
    )]
    pub upstreams: Vec<Upstream>,

    /// The URL of this server's API as browsers reach it, written in the `backend` attribute
    /// of its fragments: /api on the same origin, else https://comments.example/api.
    #[arg(long, env = "ARTICLE_WIDGET_API_URL", value_name = "URL", default_value = "/api")]
    pub api_url: String,

    /// Seconds an upstream has to answer one request of a fragment, else the fragment falls
    /// back to the element the browser renders.
    #[arg(long, env = "ARTICLE_WIDGET_UPSTREAM_TIMEOUT", value_name = "SECONDS", default_value_t = 5)]
    pub upstream_timeout: u64,

    /// Bytes an upstream's answer may have, else the same fallback.
    #[arg(long, env = "ARTICLE_WIDGET_UPSTREAM_MAX_BYTES", value_name = "BYTES", default_value_t = 8 * 1024 * 1024)]
    pub upstream_max_bytes: usize,

    /// Seconds a rendered fragment is kept and may be cached by others (Cache-Control
    /// max-age); one of this server's own API is forgotten at once when a comment is posted.
    #[arg(long, env = "ARTICLE_WIDGET_FRAGMENT_TTL", value_name = "SECONDS", default_value_t = 30)]
    pub fragment_ttl: u64,
}

impl FragmentOptions {
    pub fn limits(&self) -> Limits {
        Limits { time: Duration::from_secs(self.upstream_timeout.max(1)), bytes: self.upstream_max_bytes }
    }
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

/// An http(s) address with a host, and maybe a path (a server behind a proxy's `/comments/`),
/// without a query or a fragment; kept without its final `/`.
fn parse_public_url(text: &str) -> Result<String, String> {
    let trimmed = text.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !rest.contains(['?', '#', '"', '<', '>', ' ']) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(format!("\"{text}\" is not an address such as https://comments.news.example (no query, no fragment)")),
    }
}

/// An http(s) address in which `{id}` stands for an article's id.
fn parse_article_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let with_id = text.replace("{id}", "x");
    match (text.contains("{id}"), parse_public_url(&with_id)) {
        (true, Ok(_)) => Ok(text.to_owned()),
        _ => Err(format!("\"{text}\" is not an address with {{id}} such as https://news.example/articles/{{id}}")),
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
    fn proxies_and_prefixes_are_configured_and_the_old_switch_says_what_replaces_it() {
        let cli = Cli::try_parse_from(["x", "--trusted-proxies", "127.0.0.1,::1,10.0.0.0/8", "--ipv6-prefix", "56"]).unwrap();
        let clients = cli.serve.clients().unwrap();
        let proxies: Vec<String> = clients.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(proxies, ["127.0.0.1/32", "::1/128", "10.0.0.0/8"]);
        assert_eq!((clients.ipv4_prefix, clients.ipv6_prefix), (32, 56));
        let defaults = Cli::try_parse_from(["x"]).unwrap().serve;
        assert_eq!((defaults.ipv4_prefix, defaults.ipv6_prefix, defaults.article_posts_per_minute), (32, 64, 20));
        assert!(defaults.clients().unwrap().trusted_proxies.is_empty());
        for bad in [["--trusted-proxies", "proxy.example"], ["--ipv6-prefix", "129"], ["--ipv4-prefix", "0"]] {
            assert!(Cli::try_parse_from(["x", bad[0], bad[1]]).is_err(), "{bad:?}");
        }
        let old = Cli::try_parse_from(["x", "--trust-proxy"]).unwrap().serve.clients().unwrap_err();
        assert!(old.contains("--trusted-proxies") && old.contains("remove --trust-proxy"), "{old}");
    }

    #[test]
    fn the_proof_of_work_is_on_by_default_and_its_difficulty_configured() {
        let difficulty = |args: &[&str]| Cli::try_parse_from([&["x"], args].concat()).map(|cli| cli.serve.pow_difficulty());
        assert_eq!(
            difficulty(&[]).unwrap(),
            Ok(Some(Difficulty { algorithm: Algorithm::Pbkdf2Sha256, cost: 5_000, counters: 200..=600 }))
        );
        let other = ["--pow-algorithm", "SHA-256", "--pow-cost", "1000", "--pow-counter-min", "5", "--pow-counter-max", "5"];
        assert_eq!(difficulty(&other).unwrap(), Ok(Some(Difficulty { algorithm: Algorithm::Sha256, cost: 1000, counters: 5..=5 })));
        assert_eq!(difficulty(&["--pow", "off"]).unwrap(), Ok(None));
        assert!(difficulty(&["--pow-counter-min", "10", "--pow-counter-max", "9"]).unwrap().unwrap_err().contains("above"));
        for bad in [["--pow-algorithm", "ARGON2ID"], ["--pow-cost", "0"], ["--pow", "maybe"]] {
            assert!(difficulty(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_captcha_secret_is_given_or_read_from_its_file_s_first_line() {
        let folder = tempfile::tempdir().unwrap();
        let file = folder.path().join("secret");
        std::fs::write(&file, "  s3cr3t \nignored\n").unwrap();
        let secret = |args: &[&str]| Cli::try_parse_from([&["x"], args].concat()).unwrap().serve.captcha_secret();
        assert_eq!(secret(&["--captcha-secret-file", file.to_str().unwrap()]), Ok(Some("s3cr3t".into())));
        assert_eq!(secret(&["--captcha-secret", "given"]), Ok(Some("given".into())));
        assert_eq!(secret(&[]), Ok(None));
        std::fs::write(&file, "\n").unwrap();
        assert!(secret(&["--captcha-secret-file", file.to_str().unwrap()]).unwrap_err().contains("first line is empty"));
        let both = ["x", "--captcha-secret", "a", "--captcha-secret-file", "b"];
        assert!(Cli::try_parse_from(both).is_err(), "one or the other");
    }

    #[test]
    fn import_takes_a_file_and_its_related_stories() {
        let cli = Cli::try_parse_from(["x", "import", "a.json", "--related", "r.json", "--content", "c"]).unwrap();
        let Some(Command::Import(import)) = cli.command else { panic!("not import") };
        assert_eq!((import.file.to_str(), import.content.folder.to_str()), (Some("a.json"), Some("c")));
        assert!(Cli::try_parse_from(["x", "--listen", "127.0.0.1:1", "import", "a.json"]).is_err());
    }

    #[test]
    fn the_moderator_subcommand_takes_the_database_before_or_after_its_action() {
        let cli = Cli::try_parse_from(["x", "moderator", "add", "anne", "--database", "d.sqlite3", "--password-file", "p"])
            .unwrap();
        let Some(Command::Moderator(moderator)) = cli.command else { panic!("not moderator") };
        assert_eq!(moderator.database, Database::Sqlite("d.sqlite3".into()));
        let ModeratorAction::Add(add) = moderator.action else { panic!("not add") };
        assert_eq!((add.name.as_str(), add.password_file.unwrap().to_str()), ("anne", Some("p")));
        let cli = Cli::try_parse_from(["x", "moderator", "--database", "e.sqlite3", "list"]).unwrap();
        let Some(Command::Moderator(moderator)) = cli.command else { panic!("not moderator") };
        assert_eq!(moderator.database, Database::Sqlite("e.sqlite3".into()));
        assert!(matches!(moderator.action, ModeratorAction::List));
        assert!(Cli::try_parse_from(["x", "moderator", "add"]).is_err(), "a name is needed");
        assert_eq!(Cli::try_parse_from(["x", "--secure-cookies", "on"]).unwrap().serve.secure_cookies, Switch::On);
        assert_eq!(Cli::try_parse_from(["x"]).unwrap().serve.secure_cookies, Switch::Off);
    }

    #[test]
    fn upstreams_are_repeated_or_space_separated() {
        let cli = Cli::try_parse_from(["x", "--upstream", "a=wordpress,https://a.example", "--upstream", "b=jsonfeed,http://b.example/f.json"])
            .unwrap();
        let names = |cli: &Cli| cli.serve.fragments.upstreams.iter().map(|u| u.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&cli), ["a", "b"]);
        let cli = Cli::try_parse_from(["x", "--upstream", "a=wordpress,https://a.example b=jsonfeed,http://b.example"]).unwrap();
        assert_eq!(names(&cli), ["a", "b"]);
        assert!(Cli::try_parse_from(["x", "--upstream", "a=https://a.example"]).is_err());
    }

    #[test]
    fn the_fragment_subcommand_takes_the_endpoints_settings() {
        let cli = Cli::try_parse_from(["x", "fragment", "--article", "a", "--lang", "fr", "--from", "blog", "--upstream", "blog=wordpress,https://b.example"])
            .unwrap();
        let Some(Command::Fragment(fragment)) = cli.command else { panic!("not fragment") };
        assert_eq!(fragment.settings.article, "a");
        assert_eq!((fragment.settings.lang.as_deref(), fragment.settings.upstream.as_deref()), (Some("fr"), Some("blog")));
        assert_eq!(fragment.serve.fragments.upstreams.len(), 1);
    }
}
