//! A PostgreSQL of the tests' own (feature `throwaway-postgres`, for tests only): Debian's
//! binaries (`/usr/lib/postgresql/<version>/bin`, 15 or later; `scripts/setup.sh` installs
//! Debian's `postgresql`), a cluster made in a temporary folder, listening on a free loopback
//! port (its socket in that folder), trusting every connection, without fsync. One cluster
//! serves all the tests of a test binary ([`Cluster::shared`]), each test in a database of
//! its own ([`Cluster::database`]).
//!
//! PostgreSQL refuses to run as root, which CI is: a process of root runs it as `nobody`,
//! its folder given to that user.
//!
//! It never outlives the process that started it, however that process ends (its end, a
//! panic, a kill, or a shared cluster's `static`, never dropped): `postgres` runs under a
//! shell that waits on a pipe from this process, which the kernel closes when the process
//! goes; the shell then stops postgres and removes the folder. Dropping the cluster closes the
//! pipe too, and waits for all that.
//!
//! [`Cluster::restart`] restarts it as an operator's restart would, on the same port with the
//! same data, for what clients see meanwhile; [`Cluster::start_with`] overrides its settings
//! (the load benchmark makes it durable, as PostgreSQL is by default).

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The oldest PostgreSQL the tests run on (Debian 12's).
const OLDEST: u32 = 15;
/// Where Debian puts each version's binaries, `<version>/bin`.
const DEBIAN: &str = "/usr/lib/postgresql";
/// How long postgres may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Ports taken, between our choice and postgres's start, by another process: tried again.
const PORT_ATTEMPTS: usize = 3;

/// The keeper, run by `sh -c`: `$1` postgres, `$2` the data folder, `$3` the cluster's folder
/// (socket, log), `$4` the port, then the `-c name=value` settings that override its own. Its
/// standard input is the pipe from the tests' process. The watcher reads it until it closes,
/// then stops postgres (fast shutdown: sessions ended, no waiting for clients). Once postgres
/// has ended, it is started again if [`Cluster::restart`] asked for it (the file `restart`,
/// removed before the new start). Otherwise, whatever the reason (the pipe closed, it could
/// not start, or a ^C reached the process group), the keeper says so (`ended`, for
/// [`Cluster::ready`]), waits for the pipe to close (the log is read meanwhile), then removes
/// the folder. Signals do not end the keeper before its work: only the pipe's closing does.
const KEEPER: &str = r#"
trap '' HUP INT TERM
exec 3<&0 </dev/null
bin=$1 data=$2 folder=$3 port=$4
shift 4
while :; do
    "$bin" -D "$data" -k "$folder" -h 127.0.0.1 -p "$port" \
        -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
        -c shared_buffers=16MB -c max_connections=200 "$@" >>"$folder/postgres.log" 2>&1 3<&- &
    postgres=$!
    { while read -r _; do :; done; kill -INT "$postgres"; } <&3 &
    watcher=$!
    wait "$postgres"
    status=$?
    kill -KILL "$watcher" 2>/dev/null
    [ -e "$folder/restart" ] || break
    rm -f "$folder/restart"
done
echo "$status" >"$folder/ended"
while read -r _; do :; done <&3
rm -rf "$folder"
exit "$status"
"#;

/// A running PostgreSQL, stopped when dropped or when the process ends.
pub struct Cluster {
    /// `sh`, running [`KEEPER`]; its standard input is the pipe that keeps postgres running.
    keeper: Child,
    /// Debian's binaries of the version running.
    bin: PathBuf,
    port: u16,
    folder: TempDir,
}

impl Cluster {
    /// Makes a cluster and starts it; fails, with postgres's own log when there is one, if
    /// it cannot (never skips).
    pub fn start() -> Result<Cluster, String> {
        Cluster::start_with(&[])
    }

    /// As [`Cluster::start`], with settings (`name=value`, as postgres's `-c`) over the
    /// cluster's own: `["fsync=on", "synchronous_commit=on", "full_page_writes=on"]` makes it
    /// durable, as PostgreSQL is by default, for figures to compare with SQLite's.
    pub fn start_with(settings: &[&str]) -> Result<Cluster, String> {
        for setting in settings {
            let valid = setting.split_once('=').is_some_and(|(name, value)| {
                !name.is_empty()
                    && name.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && !value.is_empty()
                    && !value.chars().any(char::is_whitespace)
            });
            if !valid {
                return Err(format!("{setting:?}: a setting here is name=value, as postgres -c takes it"));
            }
        }
        let bin = binaries()?;
        let user = unprivileged()?;
        for attempt in 1..=PORT_ATTEMPTS {
            let mut cluster = Cluster::launch(&bin, user, settings)?;
            match cluster.ready() {
                Ok(()) => return Ok(cluster),
                Err(error) => {
                    let log = std::fs::read_to_string(cluster.folder().join("postgres.log"))
                        .unwrap_or_else(|error| format!("({error})"));
                    drop(cluster);
                    // Another process took the port since we found it free: a new cluster.
                    if !(log.contains("could not bind") && attempt < PORT_ATTEMPTS) {
                        return Err(format!("{error}; its log:\n{log}"));
                    }
                }
            }
        }
        unreachable!("the last attempt returns")
    }

    /// A new cluster in a folder of its own (initdb), its postgres started (not yet ready).
    fn launch(bin: &Path, user: Option<(u32, u32)>, settings: &[&str]) -> Result<Cluster, String> {
        // As root, under /tmp: root's own temporary folder may be closed to `nobody`. And
        // short: the socket's path must fit in 107 bytes.
        let parent = if user.is_some() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
        let folder = tempfile::Builder::new()
            .prefix("throwaway-postgres-")
            .tempdir_in(&parent)
            .map_err(|error| format!("a folder for PostgreSQL in {}: {error}", parent.display()))?;
        if let Some((uid, gid)) = user {
            std::os::unix::fs::chown(folder.path(), Some(uid), Some(gid))
                .map_err(|error| format!("giving {} to uid {uid}: {error}", folder.path().display()))?;
        }
        let data = folder.path().join("data");
        let initdb = as_user(Command::new(bin.join("initdb")), user, folder.path())
            .arg("-D")
            .arg(&data)
            .args(["--username=postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
            .output()
            .map_err(|error| format!("{}: {error}", bin.join("initdb").display()))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed ({}):\n{}{}",
                initdb.status,
                String::from_utf8_lossy(&initdb.stdout),
                String::from_utf8_lossy(&initdb.stderr)
            ));
        }
        let port = free_port()?;
        let keeper = as_user(Command::new("sh"), user, folder.path())
            .args(["-c", KEEPER, "sh"])
            .arg(bin.join("postgres"))
            .arg(&data)
            .arg(folder.path())
            .arg(port.to_string())
            .args(settings.iter().flat_map(|setting| ["-c", setting]))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|error| format!("sh, to run postgres: {error}"))?;
        Ok(Cluster { keeper, bin: bin.to_owned(), port, folder })
    }

    /// Waits until postgres accepts connections, [`START_TIMEOUT`] at most.
    fn ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(status) = std::fs::read_to_string(self.folder().join("ended")) {
                return Err(format!("postgres did not start: it ended (exit status {})", status.trim()));
            }
            if let Ok(Some(status)) = self.keeper.try_wait() {
                return Err(format!("postgres's keeper (sh) ended ({status})"));
            }
            let accepting = Command::new(self.bin.join("pg_isready"))
                .args(["--quiet", "--host=127.0.0.1", &format!("--port={}", self.port), "--username=postgres"])
                .arg("--timeout=2")
                .status()
                .is_ok_and(|status| status.success());
            if accepting {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "postgres did not accept connections on port {} within {} s",
                    self.port,
                    START_TIMEOUT.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Restarts postgres as an operator would (`pg_ctl restart -m fast`): a fast shutdown,
    /// which ends every session and rolls back the transactions in progress, then a start on
    /// the same port with the same data; returns once it accepts connections again, with how
    /// long that took. Its clients are not told: they see their connections end, then refused,
    /// then the new postgres.
    pub fn restart(&mut self) -> Result<Duration, String> {
        let started = Instant::now();
        let flag = self.folder().join("restart");
        std::fs::write(&flag, "").map_err(|error| format!("{}: {error}", flag.display()))?;
        let pid_file = self.folder().join("data/postmaster.pid");
        let pid = std::fs::read_to_string(&pid_file)
            .map_err(|error| format!("{}: {error}", pid_file.display()))?
            .lines()
            .next()
            .and_then(|line| line.trim().parse::<u32>().ok())
            .ok_or_else(|| format!("{}: no process id on its first line", pid_file.display()))?;
        // SIGINT is postgres's fast shutdown. As root, we may signal `nobody`'s process.
        let signalled = Command::new("kill").args(["-INT", &pid.to_string()]).status();
        if !signalled.as_ref().is_ok_and(|status| status.success()) {
            return Err(format!("kill -INT {pid} (postgres): {signalled:?}"));
        }
        // The keeper removes the flag once that postgres has ended, just before the next starts.
        let deadline = Instant::now() + START_TIMEOUT;
        while flag.exists() {
            if let Ok(Some(status)) = self.keeper.try_wait() {
                return Err(format!("postgres's keeper (sh) ended ({status})"));
            }
            if Instant::now() > deadline {
                return Err(format!("postgres (process {pid}) did not stop within {} s", START_TIMEOUT.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        self.ready()?;
        Ok(started.elapsed())
    }

    /// The cluster of this test binary, started by the first test that asks for it; every
    /// test that asks for it fails, with its reason, if it cannot start.
    pub fn shared() -> &'static Cluster {
        static SHARED: OnceLock<Result<Cluster, String>> = OnceLock::new();
        match SHARED.get_or_init(Cluster::start) {
            Ok(cluster) => cluster,
            Err(error) => panic!("the tests' PostgreSQL: {error}"),
        }
    }

    /// The URL of the cluster's `postgres` database, as its superuser `postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// Creates the database `name` (lowercase ASCII letters, digits and `_`, a letter first,
    /// at most 63) and returns its URL; fails if there is one of that name already.
    pub fn database(&self, name: &str) -> Result<String, String> {
        let valid = name.len() <= 63
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(format!("{name:?}: a database's name here is a-z, 0-9 and _, a letter first, 63 at most"));
        }
        let createdb = Command::new(self.bin.join("createdb"))
            .args(["--host=127.0.0.1", &format!("--port={}", self.port), "--username=postgres", name])
            .output()
            .map_err(|error| format!("{}: {error}", self.bin.join("createdb").display()))?;
        if !createdb.status.success() {
            return Err(format!("createdb {name}: {}", String::from_utf8_lossy(&createdb.stderr).trim()));
        }
        Ok(self.url_of(name))
    }

    /// The cluster's folder: its data (`data/`), its socket and its log (`postgres.log`).
    pub fn folder(&self) -> &Path {
        self.folder.path()
    }

    fn url_of(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The pipe closed, the keeper stops postgres, removes the folder, and ends.
        drop(self.keeper.stdin.take());
        let _ = self.keeper.wait();
    }
}

/// The bin folder of Debian's newest PostgreSQL, if it is [`OLDEST`] or later.
fn binaries() -> Result<PathBuf, String> {
    binaries_in(Path::new(DEBIAN))
}

/// The newest `<version>/bin` of `root` with the binaries the cluster runs.
fn binaries_in(root: &Path) -> Result<PathBuf, String> {
    let needed = ["initdb", "postgres", "pg_isready", "createdb"];
    std::fs::read_dir(root)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| Some((entry.file_name().to_str()?.parse::<u32>().ok()?, entry.path().join("bin"))))
        .filter(|(version, bin)| *version >= OLDEST && needed.iter().all(|binary| bin.join(binary).is_file()))
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
        .ok_or_else(|| {
            format!(
                "no PostgreSQL {OLDEST} or later in {}/<version>/bin ({}): install Debian's postgresql \
                 (scripts/setup.sh does)",
                root.display(),
                needed.join(", ")
            )
        })
}

/// Whom postgres runs as: this process's user (`None`), or `nobody` if that is root.
fn unprivileged() -> Result<Option<(u32, u32)>, String> {
    let id = |args: &[&str]| -> Result<u32, String> {
        let output =
            Command::new("id").args(args).output().map_err(|error| format!("id {}: {error}", args.join(" ")))?;
        let text = String::from_utf8_lossy(&output.stdout);
        text.trim()
            .parse()
            .map_err(|_| format!("id {}: {text:?} {}", args.join(" "), String::from_utf8_lossy(&output.stderr)))
    };
    if id(&["-u"])? != 0 {
        return Ok(None);
    }
    Ok(Some((id(&["-u", "nobody"])?, id(&["-g", "nobody"])?)))
}

/// `command`, run in `folder` (which `nobody` can enter, unlike perhaps ours), as `user`.
fn as_user(mut command: Command, user: Option<(u32, u32)>, folder: &Path) -> Command {
    command.current_dir(folder);
    if let Some((uid, gid)) = user {
        // Supplementary groups are dropped with the uid (the standard library does).
        command.uid(uid).gid(gid);
    }
    command
}

/// A loopback port nothing listens on, yet.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|error| format!("a free port: {error}"))?;
    listener.local_addr().map(|address| address.port()).map_err(|error| format!("a free port: {error}"))
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader};
    use std::net::TcpStream;

    use super::*;

    /// Set for the child process of [`a_killed_process_leaves_no_postgres_behind`].
    const CHILD: &str = "ARTICLE_WIDGET_THROWAWAY_CHILD";
    const MARKER: &str = "throwaway cluster:";

    fn listening(port: u16) -> bool {
        TcpStream::connect(("127.0.0.1", port)).is_ok()
    }

    /// Waits (20 s at most) until `port` is closed and `folder` gone.
    fn gone(port: u16, folder: &Path) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while listening(port) || folder.exists() {
            assert!(Instant::now() < deadline, "postgres still on port {port}, or {} still there", folder.display());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    #[test]
    fn the_newest_postgresql_of_15_or_later_is_taken_else_debians_is_asked_for() {
        let root = tempfile::tempdir().unwrap();
        let error = binaries_in(root.path()).unwrap_err();
        assert!(error.contains("install Debian's postgresql (scripts/setup.sh does)"), "{error}");
        for (version, complete) in [("14", true), ("15", true), ("16", true), ("17", false), ("main", true)] {
            let bin = root.path().join(version).join("bin");
            std::fs::create_dir_all(&bin).unwrap();
            for binary in ["initdb", "postgres", "pg_isready", "createdb"] {
                if complete || binary != "createdb" {
                    std::fs::write(bin.join(binary), "").unwrap();
                }
            }
        }
        assert_eq!(binaries_in(root.path()).unwrap(), root.path().join("16/bin"));
    }

    #[test]
    fn a_dropped_cluster_stops_and_removes_its_folder() {
        let cluster = Cluster::start().unwrap();
        let url = cluster.database("first").unwrap();
        assert_eq!(url, format!("postgres://postgres@127.0.0.1:{}/first", cluster.port));
        let error = cluster.database("first").unwrap_err();
        assert!(error.contains("already exists"), "{error}");
        assert!(cluster.database("No-Such'Name").is_err());
        let (port, folder) = (cluster.port, cluster.folder().to_owned());
        assert!(listening(port));
        // postgres writes its pid file as the user it runs as: `nobody`, when we are root.
        let owner =
            std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(folder.join("data/postmaster.pid")).unwrap());
        let expected = match unprivileged().unwrap() {
            Some((uid, _)) => uid,
            None => std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&folder).unwrap()),
        };
        assert_eq!(owner, expected);
        assert_ne!(owner, 0, "not root");
        drop(cluster);
        assert!(!listening(port), "stopped before drop returns");
        assert!(!folder.exists(), "{} removed", folder.display());
    }

    #[test]
    fn a_restarted_cluster_keeps_its_port_its_data_and_its_settings() {
        assert!(Cluster::start_with(&["fsync = on"]).is_err());
        let mut cluster = Cluster::start_with(&["fsync=on", "synchronous_commit=on"]).unwrap();
        cluster.database("kept").unwrap();
        let (port, folder) = (cluster.port, cluster.folder().to_owned());
        let pid = |folder: &Path| std::fs::read_to_string(folder.join("data/postmaster.pid")).unwrap();
        let before = pid(&folder);
        let show = |cluster: &Cluster, setting: &str| {
            let output = Command::new(cluster.bin.join("psql"))
                .args(["--host=127.0.0.1", &format!("--port={}", cluster.port), "--username=postgres"])
                .args(["--no-psqlrc", "--tuples-only", "--no-align", "--command", &format!("SHOW {setting}")])
                .output()
                .unwrap();
            String::from_utf8_lossy(&output.stdout).trim().to_owned()
        };
        assert_eq!(show(&cluster, "fsync"), "on");
        assert_eq!(show(&cluster, "full_page_writes"), "off", "the cluster's own, not overridden");
        let took = cluster.restart().unwrap();
        assert!(took < START_TIMEOUT, "{took:?}");
        assert!(listening(port), "the same port");
        assert_ne!(pid(&folder), before, "a new postgres");
        assert!(!folder.join("restart").exists() && !folder.join("ended").exists());
        let error = cluster.database("kept").unwrap_err();
        assert!(error.contains("already exists"), "the same data: {error}");
        assert_eq!(show(&cluster, "synchronous_commit"), "on", "the same settings");
        cluster.restart().unwrap();
        assert!(listening(port));
        drop(cluster);
        assert!(!listening(port), "stopped before drop returns");
        assert!(!folder.exists(), "{} removed", folder.display());
    }

    /// The process that started a cluster, killed (SIGKILL: no destructor runs), leaves no
    /// postgres and no folder.
    #[test]
    fn a_killed_process_leaves_no_postgres_behind() {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                "store::postgres::throwaway::tests::holds_a_cluster_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(CHILD, "1")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let line = lines
            .map_while(Result::ok)
            .find_map(|line| line.split_once(MARKER).map(|(_, after)| after.trim().to_owned()))
            .expect("the child's cluster");
        let (port, folder) = line.split_once(' ').unwrap();
        let (port, folder): (u16, &Path) = (port.parse().unwrap(), Path::new(folder));
        assert!(listening(port) && folder.exists());
        child.kill().unwrap();
        child.wait().unwrap();
        gone(port, folder);
    }

    /// The child of [`a_killed_process_leaves_no_postgres_behind`]: a cluster, until killed.
    #[test]
    #[ignore = "run by a_killed_process_leaves_no_postgres_behind"]
    fn holds_a_cluster_until_killed() {
        if std::env::var_os(CHILD).is_none() {
            return;
        }
        let cluster = Cluster::start().unwrap();
        println!("{MARKER} {} {}", cluster.port, cluster.folder().display());
        loop {
            std::thread::park();
        }
    }
}
