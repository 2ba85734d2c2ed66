//! schema.sql is the truth: the first released schema plus every migration step must equal it, and a database
//! newer than the binary is refused.

use motcua::store::{StoreError, migrate};
use rusqlite::Connection;

const SCHEMA_V1: &str = include_str!("../fixtures/schema_v1.sql");

fn normalised_schema(conn: &Connection) -> Vec<(String, String, String)> {
    let mut stmt = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type, name",
        )
        .expect("prepare");
    stmt.query_map([], |r| {
        let sql: String = r.get(2)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            sql.split_whitespace().collect::<Vec<_>>().join(" "),
        ))
    })
    .expect("query")
    .collect::<Result<_, _>>()
    .expect("rows")
}

#[test]
fn the_first_schema_plus_every_migration_equals_schema_sql() {
    let mut migrated = Connection::open_in_memory().expect("open");
    migrated.execute_batch(SCHEMA_V1).expect("v1");
    migrate::run(&mut migrated).expect("migrate");
    let mut fresh = Connection::open_in_memory().expect("open");
    migrate::run(&mut fresh).expect("fresh");
    assert_eq!(normalised_schema(&migrated), normalised_schema(&fresh));
    let version = |c: &Connection| {
        c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0))
            .expect("version")
    };
    assert_eq!(version(&migrated), migrate::CURRENT_VERSION);
    assert_eq!(version(&fresh), migrate::CURRENT_VERSION);
}

#[test]
fn a_database_newer_than_the_binary_is_refused() {
    let mut conn = Connection::open_in_memory().expect("open");
    migrate::run(&mut conn).expect("fresh");
    conn.pragma_update(None, "user_version", migrate::CURRENT_VERSION + 1)
        .expect("bump");
    match migrate::run(&mut conn) {
        Err(StoreError::TooNew { found, supported }) => assert_eq!(
            (found, supported),
            (migrate::CURRENT_VERSION + 1, migrate::CURRENT_VERSION)
        ),
        other => panic!("expected TooNew, got {other:?}"),
    }
}

#[test]
fn migration_steps_apply_in_order_each_with_its_version() {
    let mut conn = Connection::open_in_memory().expect("open");
    migrate::run(&mut conn).expect("fresh");
    let steps = [
        migrate::Step {
            version: 2,
            sql: "CREATE TABLE t2 (x INTEGER) STRICT;",
        },
        migrate::Step {
            version: 3,
            sql: "ALTER TABLE t2 ADD COLUMN y TEXT;",
        },
    ];
    migrate::apply_steps(&mut conn, 1, &steps).expect("steps");
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 3);
    conn.execute("INSERT INTO t2(x, y) VALUES (1, 'a')", [])
        .expect("insert");
}
