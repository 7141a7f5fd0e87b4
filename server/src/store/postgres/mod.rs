//! PostgreSQL, the second database: several servers, each stateless, on one database (SQLite's
//! file serves the servers of one machine). Behind feature `throwaway-postgres`, a PostgreSQL
//! of the tests' own (`throwaway.rs`).

#[cfg(feature = "throwaway-postgres")]
pub mod throwaway;
