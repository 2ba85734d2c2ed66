//! The audit log: one hash-chained row per security event, and tampering found at the row where it happened.

use crate::helpers::{PASSWORD, TestApp};
use motcua::store::audit::{ChainCheck, verify_chain};

async fn chain(app: &TestApp) -> ChainCheck {
    app.db.read(|c| verify_chain(c)).await.expect("verify")
}

#[tokio::test]
async fn sign_in_sign_out_and_account_changes_are_each_recorded_once() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let client = app.client();
    app.sign_in(&client, "canbo", "sai mật khẩu rồi").await;
    app.sign_in(&client, "canbo", PASSWORD).await;
    let csrf = app.csrf(&client, "/staff").await;
    app.post_form(&client, "/staff/logout", &[("csrf", &csrf)])
        .await;
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'account.create'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'failed'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'login' AND outcome = 'ok'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE action = 'logout'")
            .await,
        1
    );
    assert_eq!(
        app.scalar("SELECT count(*) FROM audit_log WHERE ip = '127.0.0.1'")
            .await,
        3,
        "requests record the client address"
    );
    // Four rows of this test after the one recording the first start's administrative-unit catalogue load.
    assert!(matches!(chain(&app).await, ChainCheck::Intact { rows: 5 }));
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_audit_rows() {
    let app = TestApp::spawn().await;
    app.add_staff("canbo", "officer", false).await;
    let update = app
        .db
        .write(|tx| {
            tx.execute_batch("UPDATE audit_log SET actor = 'x'")
                .map_err(motcua::store::StoreError::from)
        })
        .await;
    assert!(update.is_err());
    let delete = app
        .db
        .write(|tx| {
            tx.execute_batch("DELETE FROM audit_log")
                .map_err(motcua::store::StoreError::from)
        })
        .await;
    assert!(delete.is_err());
}

#[tokio::test]
async fn an_edited_audit_row_breaks_the_chain_at_that_row() {
    let app = TestApp::spawn().await;
    for name in ["mot", "hai", "bay"] {
        app.add_staff(name, "officer", false).await;
    }
    // Three accounts after the row recording the first start's administrative-unit catalogue load.
    assert!(matches!(chain(&app).await, ChainCheck::Intact { rows: 4 }));
    app.sql("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'roles=admin unit=-' WHERE id = 2").await;
    assert_eq!(
        chain(&app).await,
        ChainCheck::BrokenAt {
            id: 2,
            reason: "the row was altered after it was written"
        }
    );
}

#[tokio::test]
async fn a_deleted_audit_row_is_found_by_the_gap_it_leaves() {
    let app = TestApp::spawn().await;
    for name in ["mot", "hai", "bay"] {
        app.add_staff(name, "officer", false).await;
    }
    app.sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE id = 2")
        .await;
    assert!(matches!(
        chain(&app).await,
        ChainCheck::BrokenAt { id: 3, .. }
    ));
}

#[tokio::test]
async fn control_characters_in_a_username_are_escaped_in_the_audit_log() {
    let app = TestApp::spawn().await;
    app.sign_in(&app.client(), "attacker\n2026 login ok\u{1b}[31m", "x")
        .await;
    let clean = app.scalar("SELECT count(*) FROM audit_log WHERE actor LIKE 'attacker\\n2026%' AND instr(actor, char(10)) = 0").await;
    assert_eq!(clean, 1);
}
