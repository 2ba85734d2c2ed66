//! The SQLite settings that make a receipt durable, and the single writer under concurrent load.

use crate::helpers::TestApp;

#[tokio::test]
async fn the_database_runs_in_wal_mode_with_full_sync_and_foreign_keys() {
    let app = TestApp::spawn().await;
    let (mode, sync, fk) = app
        .db
        .write(|tx| {
            let mode: String = tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let sync: i64 = tx.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            let fk: i64 = tx.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            Ok::<_, motcua::store::StoreError>((mode, sync, fk))
        })
        .await
        .expect("pragmas");
    assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
    let reader_fk = app.scalar("PRAGMA foreign_keys").await;
    assert_eq!(reader_fk, 1);
}

#[tokio::test]
async fn fifty_concurrent_writes_and_reads_all_succeed() {
    let app = TestApp::spawn().await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..50 {
        let db = app.db.clone();
        tasks.spawn(async move {
            db.write(move |tx| motcua::store::settings::set(tx, &format!("k{i}"), "v"))
                .await?;
            db.read(|c| motcua::store::settings::get(c, "k0"))
                .await
                .map(|_| ())
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("task").expect("no busy error");
    }
    assert_eq!(
        app.scalar("SELECT count(*) FROM settings WHERE key GLOB 'k*'")
            .await,
        50
    );
}

#[tokio::test]
async fn a_second_server_cannot_take_the_same_data_directory() {
    let app = TestApp::spawn().await;
    let second = motcua::app::App::build(app.data.clone(), app.config.clone()).await;
    let message = second.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("another motcua process"), "{message}");
}
