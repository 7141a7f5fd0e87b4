//! The server on PostgreSQL when PostgreSQL goes away: restarted, the server reconnects on
//! its own; stopped, requests answer a clear `503` with `Retry-After`, and nothing is written.

mod common;

use article_widget_server::store::postgres::throwaway::Cluster;
use common::{comment, key, Site, COMMENTS};

#[test]
fn the_server_reconnects_after_a_restart_and_answers_503_while_postgres_is_down() {
    let site = Site::new();
    let mut cluster = Cluster::start().unwrap_or_else(|error| panic!("{error}"));
    let url = cluster.database("outage").unwrap();
    let server = site.start(&[("--database", &url)]);
    assert_eq!(server.get(COMMENTS).status, 200);

    // Every connection of the pool ended by the restart: each is replaced when next taken.
    cluster.restart().unwrap_or_else(|error| panic!("{error}"));
    for _ in 0..3 {
        assert_eq!(server.get(COMMENTS).status, 200);
    }
    let posted = server.post(COMMENTS, &key(), &comment("Après", "Redémarré.", &server.solved_challenge()).to_string());
    assert_eq!(posted.status, 201, "{}", posted.body);

    drop(cluster);
    let down = server.get(COMMENTS);
    down.error(503, "unavailable");
    assert_eq!(down.header("retry-after"), Some("2"));
    assert!(down.json()["error"]["message"].as_str().unwrap().contains("nothing was written"), "{}", down.body);
    let challenge = server.get("/api/captcha");
    assert_eq!(challenge.status, 200, "the captcha needs no database");
    let refused = server.post(COMMENTS, &key(), &comment("Pendant", "Coupé.", &server.solved_challenge()).to_string());
    refused.error(503, "unavailable");
}
