use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use article_widget_server::clock::Clock;
use article_widget_server::config::{Cli, Command, FragmentArgs, MigrateArgs, ServeArgs};
use article_widget_server::fragment::style_hash;
use article_widget_server::store::postgres::copy;
use article_widget_server::store::Database;
use article_widget_server::{admin, content, Server, Site};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Import(import)) => content::import(&import.content.folder, &import.file, import.related.as_deref())
            .map(|id| println!("imported {id} into {}", import.content.folder.display())),
        Some(Command::Fragment(fragment)) => write_fragment(&fragment),
        Some(Command::StyleHash) => {
            println!("{}", style_hash());
            Ok(())
        }
        Some(Command::Moderator(moderator)) => admin::cli::run(&moderator),
        Some(Command::Migrate(migrate)) => copy_database(&migrate),
        None => serve(&cli.serve),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve(config: &ServeArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let server = Server::bind(config, Arc::new(Clock::default())).await.map_err(|error| error.to_string())?;
        let address = server.local_addr().map_err(|error| error.to_string())?;
        println!("listening on http://{address}/");
        server.run(shutdown_requested()).await.map_err(|error| error.to_string())
    })
}

/// The fragment GET /fragment would answer, on stdout; a failure of its API is a warning on
/// stderr, and the element alone is written, as the endpoint answers it.
fn write_fragment(args: &FragmentArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    let fragment = runtime.block_on(async {
        let site = Site::open(&args.serve, Arc::new(Clock::default())).await.map_err(|error| error.to_string())?;
        let checked = site.fragments.check(&args.settings).map_err(|error| error.message())?;
        Ok::<_, String>(site.fragments.answer(checked).await)
    })?;
    std::io::stdout().write_all(&fragment.body).map_err(|error| format!("stdout: {error}"))
}

/// `migrate`: the copy, then each table's rows on both sides.
fn copy_database(args: &MigrateArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    let copied = runtime.block_on(copy::sqlite_to_postgres(&args.from, &args.to))?;
    println!("{:<20} {:>10} {:>10}", "table", "SQLite", "PostgreSQL");
    for table in &copied {
        println!("{:<20} {:>10} {:>10}", table.table, table.source, table.target);
    }
    println!("copied {} into {}", args.from.display(), Database::Postgres(args.to.clone()));
    Ok(())
}

/// Ctrl-C, or SIGTERM from a service manager or container runtime.
async fn shutdown_requested() {
    // Where a handler cannot be installed, the signal's default action still stops the server.
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    println!("shutting down");
}
