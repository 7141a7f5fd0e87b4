//! `article-widget-server moderator add|passwd|remove|list`: the moderators, on the command
//! line only (the admin API has no route that makes one).

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::time::{SystemTime, UNIX_EPOCH};

use super::password;
use super::session::MAX_NAME_CHARS;
use crate::config::{ModeratorAction, ModeratorArgs, PasswordArgs};
use crate::store;

pub fn run(args: &ModeratorArgs) -> Result<(), String> {
    let runtime = tokio::runtime::Runtime::new().map_err(|error| error.to_string())?;
    runtime.block_on(moderators(args))
}

async fn moderators(args: &ModeratorArgs) -> Result<(), String> {
    let store = store::open(&args.database).await?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs() as i64);
    let failed = |error: crate::error::ApiError| error.message();
    match &args.action {
        ModeratorAction::Add(PasswordArgs { name, password_file }) => {
            check_name(name)?;
            let hash = password::hash(&new_password(password_file.as_deref())?)?;
            if !store.add_moderator(name, &hash, now).await.map_err(failed)? {
                return Err(format!(
                    "there is a moderator {name} already: `moderator passwd {name}` changes their password"
                ));
            }
            println!("added moderator {name}");
        }
        ModeratorAction::Passwd(PasswordArgs { name, password_file }) => {
            let hash = password::hash(&new_password(password_file.as_deref())?)?;
            if !store.set_password(name, &hash).await.map_err(failed)? {
                return Err(format!("there is no moderator {name}"));
            }
            println!("changed the password of {name}; their sessions are ended");
        }
        ModeratorAction::Remove { name } => {
            if !store.remove_moderator(name).await.map_err(failed)? {
                return Err(format!("there is no moderator {name}"));
            }
            println!("removed moderator {name}");
        }
        ModeratorAction::List => {
            for moderator in store.moderators(now).await.map_err(failed)? {
                println!(
                    "{}\tadded {}\t{} open sessions",
                    moderator.name,
                    super::time(moderator.created),
                    moderator.sessions
                );
            }
        }
    }
    Ok(())
}

/// `^[\p{Alphabetic}\p{Nd}._-]{1,64}$`: a name that reads the same in a log and a URL.
fn check_name(name: &str) -> Result<(), String> {
    let length = name.chars().count();
    let allowed = |c: char| c.is_alphanumeric() || matches!(c, '-' | '_' | '.');
    if (1..=MAX_NAME_CHARS).contains(&length) && name.chars().all(allowed) {
        Ok(())
    } else {
        Err(format!("\"{name}\" is not a moderator's name: 1 to {MAX_NAME_CHARS} letters, digits, '-', '_' or '.'"))
    }
}

/// The password of `--password-file`, else of standard input (asked for on a terminal).
fn new_password(file: Option<&std::path::Path>) -> Result<String, String> {
    match file {
        Some(path) => {
            let file = File::open(path).map_err(|error| format!("password file {}: {error}", path.display()))?;
            password::read_new(BufReader::new(file))
        }
        None => {
            let stdin = std::io::stdin();
            if stdin.is_terminal() {
                eprint!("password (at least {} characters, shown as typed): ", password::MIN_PASSWORD_CHARS);
            }
            password::read_new(stdin.lock())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Database;

    #[test]
    fn names_are_letters_digits_and_a_few_marks() {
        for good in ["anne", "Émilie.D", "mod_2", "x"] {
            assert_eq!(check_name(good), Ok(()), "{good}");
        }
        for bad in ["", "anne martin", "a/b", "<b>", &"a".repeat(MAX_NAME_CHARS + 1)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn add_passwd_remove_and_list_a_moderator_with_a_password_file() {
        let folder = tempfile::tempdir().unwrap();
        let database = folder.path().join("comments.sqlite3");
        let file = folder.path().join("password");
        let args = |action| ModeratorArgs { action, database: Database::Sqlite(database.clone()) };
        let with_file = |name: &str| PasswordArgs { name: name.into(), password_file: Some(file.clone()) };
        std::fs::write(&file, "too short\n").unwrap();
        assert!(run(&args(ModeratorAction::Add(with_file("anne")))).unwrap_err().contains("at least 12"));
        std::fs::write(&file, "correct horse battery\n").unwrap();
        run(&args(ModeratorAction::Add(with_file("anne")))).unwrap();
        assert!(run(&args(ModeratorAction::Add(with_file("anne")))).unwrap_err().contains("already"));
        let store = crate::store::SqliteStore::open(&database).unwrap();
        let stored = store.credentials("anne").unwrap().unwrap().password_hash;
        assert!(password::verify("correct horse battery", &stored), "the line, without its line ending");
        std::fs::write(&file, "staple battery horse\n").unwrap();
        run(&args(ModeratorAction::Passwd(with_file("anne")))).unwrap();
        let changed = store.credentials("anne").unwrap().unwrap().password_hash;
        assert!(
            password::verify("staple battery horse", &changed) && !password::verify("correct horse battery", &changed)
        );
        assert!(run(&args(ModeratorAction::Passwd(with_file("bob")))).unwrap_err().contains("no moderator bob"));
        assert!(run(&args(ModeratorAction::Add(with_file("a b")))).unwrap_err().contains("not a moderator's name"));
        run(&args(ModeratorAction::List)).unwrap();
        run(&args(ModeratorAction::Remove { name: "anne".into() })).unwrap();
        assert!(store.credentials("anne").unwrap().is_none());
        assert!(run(&args(ModeratorAction::Remove { name: "anne".into() })).is_err());
    }
}
