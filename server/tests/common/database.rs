//! The database the tests' servers run on, as `ARTICLE_WIDGET_TEST_DATABASE` says: `sqlite`
//! (the default), a file in the site's folder, or `postgres`, a database of its own in the
//! tests' PostgreSQL ([`Cluster::shared`], started by the first site that needs it). And SQL
//! for what a test reads or writes outside the API (an import, the mail's queue), the same
//! statements on either: `$1`, `$2`... for parameters, values of [`Sql`].

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use article_widget_server::store::postgres::throwaway::Cluster;
use article_widget_server::store::Database;
use tokio::runtime::Runtime;
use tokio_postgres::types::{ToSql, Type};

/// The environment variable that chooses the database.
pub const VARIABLE: &str = "ARTICLE_WIDGET_TEST_DATABASE";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

impl Kind {
    /// As [`VARIABLE`] says: SQLite when it is unset; any value but `sqlite` and `postgres`
    /// fails the test, rather than run it on a database nobody asked for.
    pub fn chosen() -> Kind {
        match std::env::var(VARIABLE).as_deref() {
            Err(std::env::VarError::NotPresent) | Ok("sqlite") => Kind::Sqlite,
            Ok("postgres") => Kind::Postgres,
            Ok(other) => panic!("{VARIABLE}={other:?}: the tests' database is sqlite (the default) or postgres"),
            Err(error) => panic!("{VARIABLE}: {error}"),
        }
    }
}

/// A new, empty database of `kind` for a site whose folder is `folder`: SQLite's file there
/// (made by the first server), or a PostgreSQL database created now, its name unique in the
/// process.
pub fn fresh(folder: &Path, kind: Kind) -> Database {
    match kind {
        Kind::Sqlite => Database::Sqlite(folder.join("comments.sqlite3")),
        Kind::Postgres => {
            let name = unique_name();
            let url = Cluster::shared()
                .database(&name)
                .unwrap_or_else(|error| panic!("a database for the test in the tests' PostgreSQL: {error}"));
            Database::Postgres(url)
        }
    }
}

/// `site<n>_<test>`: a counter of the process (each test binary has its own cluster), then
/// the test's name (its thread's), to tell whose a database is; PostgreSQL's characters
/// (a-z, 0-9, _), 63 at most.
fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("test").rsplit("::").next().unwrap_or("test");
    let test: String =
        test.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    let mut name = format!("site{}_{test}", NEXT.fetch_add(1, Ordering::Relaxed));
    // All ASCII: any length is a character boundary.
    name.truncate(63);
    name
}

/// A value bound to a statement's parameter or read from a row, on either database: integers
/// (PostgreSQL's BIGINT, SQLite's INTEGER; a boolean reads as 0 or 1), text, or NULL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sql {
    Null,
    Int(i64),
    Text(String),
}

impl Sql {
    pub fn int(&self) -> i64 {
        match self {
            Sql::Int(value) => *value,
            other => panic!("{other:?} is not an integer"),
        }
    }

    pub fn text(&self) -> &str {
        match self {
            Sql::Text(value) => value,
            other => panic!("{other:?} is not text"),
        }
    }
}

impl From<i64> for Sql {
    fn from(value: i64) -> Sql {
        Sql::Int(value)
    }
}

impl From<&str> for Sql {
    fn from(value: &str) -> Sql {
        Sql::Text(value.to_owned())
    }
}

impl From<String> for Sql {
    fn from(value: String) -> Sql {
        Sql::Text(value)
    }
}

impl<T: Into<Sql>> From<Option<T>> for Sql {
    fn from(value: Option<T>) -> Sql {
        value.map_or(Sql::Null, Into::into)
    }
}

/// A connection to a site's database, whichever it is.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    /// tokio-postgres's client, driven by a runtime of its own.
    Postgres {
        client: tokio_postgres::Client,
        runtime: Runtime,
    },
}

impl Connection {
    pub fn open(database: &Database) -> Connection {
        match database {
            Database::Sqlite(file) => Connection::Sqlite(
                rusqlite::Connection::open(file).unwrap_or_else(|error| panic!("{}: {error}", file.display())),
            ),
            Database::Postgres(url) => {
                let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                let (client, connection) = runtime
                    .block_on(tokio_postgres::connect(url, tokio_postgres::NoTls))
                    .unwrap_or_else(|error| panic!("{database}: {error}"));
                // Runs while the runtime does: in each `block_on` below.
                runtime.spawn(connection);
                Connection::Postgres { client, runtime }
            }
        }
    }

    /// The rows of `sql`, each a [`Sql`] per column; `$1`, `$2`... are `params`.
    pub fn query(&self, sql: &str, params: &[Sql]) -> Vec<Vec<Sql>> {
        let failed = |error: &dyn std::fmt::Display| -> ! { panic!("{sql} {params:?}: {error}") };
        match self {
            Connection::Sqlite(connection) => {
                let mut statement = connection.prepare(sql).unwrap_or_else(|error| failed(&error));
                bind_sqlite(&mut statement, params).unwrap_or_else(|error| failed(&error));
                let columns = statement.column_count();
                let mut rows = statement.raw_query();
                let mut read = Vec::new();
                while let Some(row) = rows.next().unwrap_or_else(|error| failed(&error)) {
                    read.push((0..columns).map(|i| from_sqlite(row.get_ref(i).unwrap())).collect());
                }
                read
            }
            Connection::Postgres { client, runtime } => runtime.block_on(async {
                let statement = client.prepare(sql).await.unwrap_or_else(|error| failed(&error));
                let bound = bind_postgres(statement.params(), params);
                let bound: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|value| value.as_ref() as _).collect();
                let rows = client.query(&statement, &bound).await.unwrap_or_else(|error| failed(&error));
                rows.iter().map(|row| (0..row.len()).map(|i| from_postgres(row, i)).collect()).collect()
            }),
        }
    }

    /// The one row of `sql`.
    pub fn row(&self, sql: &str, params: &[Sql]) -> Vec<Sql> {
        let mut rows = self.query(sql, params);
        assert_eq!(rows.len(), 1, "{sql} {params:?}: {rows:?}");
        rows.remove(0)
    }

    /// Runs `sql`, which returns no rows; how many rows it changed.
    pub fn execute(&self, sql: &str, params: &[Sql]) -> u64 {
        let failed = |error: &dyn std::fmt::Display| -> ! { panic!("{sql} {params:?}: {error}") };
        match self {
            Connection::Sqlite(connection) => {
                let mut statement = connection.prepare(sql).unwrap_or_else(|error| failed(&error));
                bind_sqlite(&mut statement, params).unwrap_or_else(|error| failed(&error));
                statement.raw_execute().unwrap_or_else(|error| failed(&error)) as u64
            }
            Connection::Postgres { client, runtime } => runtime.block_on(async {
                let statement = client.prepare(sql).await.unwrap_or_else(|error| failed(&error));
                let bound = bind_postgres(statement.params(), params);
                let bound: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|value| value.as_ref() as _).collect();
                client.execute(&statement, &bound).await.unwrap_or_else(|error| failed(&error))
            }),
        }
    }

    /// `work` in one transaction, committed when it returns.
    pub fn transaction<T>(&self, work: impl FnOnce(&Connection) -> T) -> T {
        self.batch("BEGIN");
        let done = work(self);
        self.batch("COMMIT");
        done
    }

    fn batch(&self, sql: &str) {
        match self {
            Connection::Sqlite(connection) => {
                connection.execute_batch(sql).unwrap_or_else(|error| panic!("{sql}: {error}"))
            }
            Connection::Postgres { client, runtime } => {
                runtime.block_on(client.batch_execute(sql)).unwrap_or_else(|error| panic!("{sql}: {error}"))
            }
        }
    }
}

/// `params` bound by name, `$1` the first: SQLite numbers its named parameters in the order
/// they first appear, which may not be theirs (`VALUES ($2, $1)`).
fn bind_sqlite(statement: &mut rusqlite::Statement<'_>, params: &[Sql]) -> rusqlite::Result<()> {
    if statement.parameter_count() != params.len() {
        return Err(rusqlite::Error::InvalidParameterCount(params.len(), statement.parameter_count()));
    }
    for (i, value) in params.iter().enumerate() {
        let name = format!("${}", i + 1);
        let value = match value {
            Sql::Null => rusqlite::types::Value::Null,
            Sql::Int(value) => rusqlite::types::Value::Integer(*value),
            Sql::Text(value) => rusqlite::types::Value::Text(value.clone()),
        };
        statement.raw_bind_parameter(name.as_str(), value)?;
    }
    Ok(())
}

fn from_sqlite(value: rusqlite::types::ValueRef<'_>) -> Sql {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Sql::Null,
        ValueRef::Integer(value) => Sql::Int(value),
        ValueRef::Text(text) => Sql::Text(String::from_utf8(text.to_vec()).expect("UTF-8 text")),
        other => panic!("{other:?}: the tests read integers and text"),
    }
}

/// `params` as the types PostgreSQL inferred for them: a NULL of the parameter's type, an
/// integer of its width.
fn bind_postgres(types: &[Type], params: &[Sql]) -> Vec<Box<dyn ToSql + Sync>> {
    assert_eq!(types.len(), params.len(), "{} parameters for {types:?}", params.len());
    let narrow = |value: i64, ty: &Type| -> Box<dyn ToSql + Sync> {
        match *ty {
            Type::INT4 => Box::new(i32::try_from(value).expect("an INTEGER's value")),
            Type::INT2 => Box::new(i16::try_from(value).expect("a SMALLINT's value")),
            // Else, BIGINT, or a type mismatch that tokio-postgres names.
            _ => Box::new(value),
        }
    };
    params
        .iter()
        .zip(types)
        .map(|(value, ty)| -> Box<dyn ToSql + Sync> {
            match value {
                Sql::Null => match *ty {
                    Type::INT8 => Box::new(None::<i64>),
                    Type::INT4 => Box::new(None::<i32>),
                    Type::INT2 => Box::new(None::<i16>),
                    Type::BOOL => Box::new(None::<bool>),
                    Type::BYTEA => Box::new(None::<Vec<u8>>),
                    _ => Box::new(None::<String>),
                },
                Sql::Int(value) => narrow(*value, ty),
                Sql::Text(value) => Box::new(value.clone()),
            }
        })
        .collect()
}

fn from_postgres(row: &tokio_postgres::Row, i: usize) -> Sql {
    let ty = row.columns()[i].type_().clone();
    let value = match ty {
        Type::INT8 => row.get::<_, Option<i64>>(i).map(Sql::Int),
        Type::INT4 => row.get::<_, Option<i32>>(i).map(|value| Sql::Int(value.into())),
        Type::INT2 => row.get::<_, Option<i16>>(i).map(|value| Sql::Int(value.into())),
        Type::BOOL => row.get::<_, Option<bool>>(i).map(|value| Sql::Int(value.into())),
        Type::TEXT | Type::VARCHAR | Type::NAME | Type::BPCHAR => row.get::<_, Option<String>>(i).map(Sql::Text),
        other => panic!("column {i} is a {other}: the tests read integers and text"),
    };
    value.unwrap_or(Sql::Null)
}
