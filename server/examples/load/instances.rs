//! The servers of `--cluster`, each a process of the real binary on a loopback port of its
//! own, and the round-robin proxy in front of them.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

/// How long a server may take to listen (PostgreSQL's schema brought up to date included).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The server's binary, built beside this example (`target/release/article-widget-server`
/// for `target/release/examples/load`).
pub fn server_binary() -> Result<PathBuf, String> {
    let example = std::env::current_exe().map_err(|error| format!("this example's path: {error}"))?;
    let binary = example
        .parent()
        .and_then(Path::parent)
        .map(|folder| folder.join("article-widget-server"))
        .ok_or_else(|| format!("no folder above {}", example.display()))?;
    let built = std::fs::metadata(&binary).and_then(|metadata| metadata.modified()).map_err(|_| {
        format!("{} is not built: cargo build --release -p article-widget-server --bins --examples", binary.display())
    })?;
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    if newest(&sources).is_some_and(|newest| newest > built) {
        println!(
            "warning: {} changed since {} was built: cargo build --release -p article-widget-server --bins --examples",
            sources.display(),
            binary.display()
        );
    }
    Ok(binary)
}

/// The latest time a file under `folder` was changed.
fn newest(folder: &Path) -> Option<std::time::SystemTime> {
    std::fs::read_dir(folder)
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let metadata = entry.metadata().ok()?;
            if metadata.is_dir() {
                newest(&entry.path())
            } else {
                metadata.modified().ok()
            }
        })
        .max()
}

/// Runs `$@` (the server) and kills it when its standard input, the pipe from the benchmark,
/// closes: the benchmark's end, however it ends, even by SIGKILL, ends its servers. Prints the
/// server's process id first, which the benchmark signals.
const WRAPPER: &str = r#"
exec 3<&0 </dev/null
"$@" 3<&- &
server=$!
echo "server $server"
{ while read -r _; do :; done; kill -KILL "$server" 2>/dev/null; } <&3 &
watcher=$!
exec 3<&-
wait "$server"
status=$?
kill -KILL "$watcher" 2>/dev/null
exit "$status"
"#;

/// A server process.
pub struct Instance {
    pub name: String,
    pub address: SocketAddr,
    /// The shell running [`WRAPPER`], and the pipe that keeps the server running.
    wrapper: Child,
    pipe: Option<ChildStdin>,
    pid: u32,
    /// Its standard error: the errors it logs.
    pub log: PathBuf,
}

impl Instance {
    /// Starts the server on a free loopback port with `database`, limits off, no minimum
    /// delay for the captcha and no proof of work, as the load benchmark's own server.
    pub fn start(binary: &Path, name: &str, database: &str, content: &Path, folder: &Path) -> Result<Instance, String> {
        let log = folder.join(format!("{name}.log"));
        let stderr = std::fs::File::create(&log).map_err(|error| format!("{}: {error}", log.display()))?;
        let mut command = Command::new("sh");
        command.args(["-c", WRAPPER, "sh"]).arg(binary);
        command.args(["--listen", "127.0.0.1:0", "--database", database, "--content"]).arg(content);
        command.args([
            "--posts-per-minute",
            "0",
            "--reads-per-minute",
            "0",
            "--article-posts-per-minute",
            "0",
            "--captcha-min-seconds",
            "0",
            "--pow",
            "off",
            // A proxy on loopback may say whom it forwards (X-Forwarded-For); the benchmark's
            // works at the TCP level and does not.
            "--trusted-proxies",
            "127.0.0.1",
        ]);
        // Only the options above: none from the benchmark's environment.
        for (variable, _) in std::env::vars_os() {
            if variable.to_string_lossy().starts_with("ARTICLE_WIDGET_") {
                command.env_remove(variable);
            }
        }
        let mut wrapper = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|error| format!("sh, to run {}: {error}", binary.display()))?;
        let pipe = wrapper.stdin.take();
        let stdout = wrapper.stdout.take().expect("piped");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(pid) = line.strip_prefix("server ").and_then(|pid| pid.parse::<u32>().ok()) {
                    let _ = sender.send(Ok(pid));
                } else if let Some(address) = line.strip_prefix("listening on http://") {
                    let _ = sender.send(Err(address.trim_end_matches('/').to_owned()));
                }
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        let (mut pid, mut address) = (None, None);
        while pid.is_none() || address.is_none() {
            match receiver.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Ok(found)) => pid = Some(found),
                Ok(Err(found)) => address = found.parse::<SocketAddr>().ok(),
                Err(_) => {
                    drop(pipe);
                    let _ = wrapper.wait();
                    let log = std::fs::read_to_string(&log).unwrap_or_default();
                    return Err(format!("server {name} did not start; its log:\n{log}"));
                }
            }
        }
        let (pid, address) = (pid.expect("set"), address.expect("set"));
        Ok(Instance { name: name.to_owned(), address, wrapper, pipe, pid, log })
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// SIGKILL: the server ends at once, its connections closed by the kernel.
    pub fn kill(&mut self) {
        let _ = Command::new("kill").args(["-KILL", &self.pid.to_string()]).status();
        let _ = self.wrapper.wait();
        self.pipe = None;
    }

    /// SIGTERM: the server finishes the requests under way, then ends (killed after 10 s).
    pub fn stop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.pid.to_string()]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.wrapper.try_wait() {
                self.pipe = None;
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
    }

    /// The errors the server logged (`error: …` on its standard error): how many, and the
    /// first and last.
    pub fn errors(&self) -> (usize, Option<String>, Option<String>) {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let errors: Vec<&str> = log.lines().filter(|line| line.starts_with("error:")).collect();
        (errors.len(), errors.first().map(|line| line.to_string()), errors.last().map(|line| line.to_string()))
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if self.pipe.take().is_some() {
            // The pipe closed, the wrapper kills the server.
            let _ = self.wrapper.wait();
        }
    }
}

/// What the proxy did: connections passed to each server, and connections it could not open
/// to one (refused: that server is down), passed on to the next.
#[derive(Clone, Default)]
pub struct ProxyStats {
    pub connections: BTreeMap<SocketAddr, u64>,
    pub refused: u64,
    /// Clients' connections no server took.
    pub unserved: u64,
}

/// A round-robin TCP proxy on loopback: each new client connection goes to the next server,
/// or to the one after if that one refuses it, its bytes copied both ways as they are. As it
/// works at the TCP level, it adds no `X-Forwarded-For`: the servers see it as the client.
pub struct Proxy {
    pub address: SocketAddr,
    backends: Arc<Mutex<Vec<SocketAddr>>>,
    stats: Arc<Mutex<ProxyStats>>,
}

impl Proxy {
    /// Listens on a free loopback port, on `runtime`.
    pub fn start(runtime: &tokio::runtime::Runtime, backends: Vec<SocketAddr>) -> Result<Proxy, String> {
        let listener =
            runtime.block_on(TcpListener::bind("127.0.0.1:0")).map_err(|error| format!("the proxy's port: {error}"))?;
        let address = listener.local_addr().map_err(|error| error.to_string())?;
        let backends = Arc::new(Mutex::new(backends));
        let stats = Arc::new(Mutex::new(ProxyStats::default()));
        let (shared_backends, shared_stats) = (backends.clone(), stats.clone());
        runtime.spawn(async move {
            let next = Arc::new(AtomicUsize::new(0));
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else { continue };
                let (backends, stats, next) = (shared_backends.clone(), shared_stats.clone(), next.clone());
                tokio::spawn(async move {
                    let backends = backends.lock().expect("backends").clone();
                    let first = next.fetch_add(1, Ordering::Relaxed);
                    for index in 0..backends.len() {
                        let backend = backends[(first + index) % backends.len()];
                        match TcpStream::connect(backend).await {
                            Ok(mut outbound) => {
                                *stats.lock().expect("stats").connections.entry(backend).or_default() += 1;
                                let _ = (inbound.set_nodelay(true), outbound.set_nodelay(true));
                                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                                return;
                            }
                            Err(_) => stats.lock().expect("stats").refused += 1,
                        }
                    }
                    stats.lock().expect("stats").unserved += 1;
                });
            }
        });
        Ok(Proxy { address, backends, stats })
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    /// A server restarted on another port takes the place of the one it replaces.
    pub fn replace(&self, old: SocketAddr, new: SocketAddr) {
        for backend in self.backends.lock().expect("backends").iter_mut() {
            if *backend == old {
                *backend = new;
            }
        }
    }

    pub fn stats(&self) -> ProxyStats {
        self.stats.lock().expect("stats").clone()
    }
}
