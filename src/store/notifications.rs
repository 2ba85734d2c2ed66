//! Store layer: the notification queue. Messages to applicants are written in the transaction of the change they
//! announce, then delivered by `jobs::notifier`; a row's `state` and `last_error` are what staff see about
//! delivery. Rows are never deleted: they are the record that the applicant was told.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::StoreError;

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    /// The value stored in `notifications.channel`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "email" => Some(Self::Email),
            "sms" => Some(Self::Sms),
            _ => None,
        }
    }
}

/// Where a message is in its delivery: `Pending` until the server took it or the notifier gave up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    Pending,
    Sent,
    Failed,
}

impl DeliveryState {
    /// The value stored in `notifications.state`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "sent" => Some(Self::Sent),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// A message to queue. `dossier_id` is `None` for messages about no particular dossier.
#[derive(Debug, Clone)]
pub struct NewNotification<'a> {
    pub dossier_id: Option<i64>,
    pub channel: Channel,
    /// An e-mail address or a phone number, as the applicant gave it.
    pub recipient: &'a str,
    /// The e-mail subject; for SMS a short label kept for the staff's delivery list.
    pub subject: &'a str,
    pub body: &'a str,
}

/// A queued message and its delivery status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub id: i64,
    pub dossier_id: Option<i64>,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub state: DeliveryState,
    /// Delivery attempts made so far.
    pub attempts: u32,
    /// When a pending message is next tried (UTC text).
    pub next_attempt_at: String,
    /// Why the last attempt failed; empty once sent.
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

const COLUMNS: &str = "id, dossier_id, channel, recipient, subject, body, state, attempts, next_attempt_at, \
                       last_error, created_at, sent_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Notification> {
    let text = |i: usize, v: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value {v:?}").into(),
        )
    };
    let channel: String = r.get(2)?;
    let state: String = r.get(6)?;
    Ok(Notification {
        id: r.get(0)?,
        dossier_id: r.get(1)?,
        channel: Channel::parse(&channel).ok_or_else(|| text(2, channel.clone()))?,
        recipient: r.get(3)?,
        subject: r.get(4)?,
        body: r.get(5)?,
        state: DeliveryState::parse(&state).ok_or_else(|| text(6, state.clone()))?,
        attempts: u32::try_from(r.get::<_, i64>(7)?).unwrap_or(0),
        next_attempt_at: r.get(8)?,
        last_error: r.get(9)?,
        created_at: r.get(10)?,
        sent_at: r.get(11)?,
    })
}

/// Queues a message, due at once; returns its id.
pub fn enqueue(conn: &Connection, n: &NewNotification<'_>, now: &str) -> Result<i64, StoreError> {
    conn.prepare_cached(
        "INSERT INTO notifications(dossier_id, channel, recipient, subject, body, state, next_attempt_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6)",
    )?
    .execute(params![
        n.dossier_id,
        n.channel.as_str(),
        n.recipient,
        n.subject,
        n.body,
        now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Pending messages whose next attempt is due at `now`, oldest first, at most `limit`.
pub fn due(conn: &Connection, now: &str, limit: usize) -> Result<Vec<Notification>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM notifications WHERE state = 'pending' AND next_attempt_at <= ?1
         ORDER BY next_attempt_at, id LIMIT ?2"
    );
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![now, limit as i64], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The server accepted the message.
pub fn mark_sent(conn: &Connection, id: i64, attempts: u32, now: &str) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE notifications SET state = 'sent', attempts = ?2, sent_at = ?3, last_error = '' WHERE id = ?1",
    )?
    .execute(params![id, attempts, now])?;
    Ok(())
}

/// The attempt failed but another is due at `next_attempt_at`; the error is kept for staff.
pub fn mark_retry(
    conn: &Connection,
    id: i64,
    attempts: u32,
    next_attempt_at: &str,
    error: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE notifications SET attempts = ?2, next_attempt_at = ?3, last_error = ?4 WHERE id = ?1",
    )?
    .execute(params![id, attempts, next_attempt_at, error])?;
    Ok(())
}

/// No more attempts: the message stays as the record of what could not be delivered, and why.
pub fn mark_failed(
    conn: &Connection,
    id: i64,
    attempts: u32,
    error: &str,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "UPDATE notifications SET state = 'failed', attempts = ?2, last_error = ?3 WHERE id = ?1",
    )?
    .execute(params![id, attempts, error])?;
    Ok(())
}

/// One message, when it exists.
pub fn find(conn: &Connection, id: i64) -> Result<Option<Notification>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE id = ?1");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], from_row)
        .optional()?)
}

/// Every message about a dossier, oldest first, for the delivery status on the dossier page.
pub fn for_dossier(conn: &Connection, dossier_id: i64) -> Result<Vec<Notification>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM notifications WHERE dossier_id = ?1 ORDER BY id");
    let rows = conn
        .prepare_cached(&sql)?
        .query_map([dossier_id], from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{migrate, open_writer};

    fn message(dossier_id: Option<i64>, channel: Channel) -> NewNotification<'static> {
        NewNotification {
            dossier_id,
            channel,
            recipient: "nguoidan@example.vn",
            subject: "Hồ sơ đã được tiếp nhận",
            body: "Nội dung",
        }
    }

    #[test]
    fn a_message_is_due_until_sent_and_retries_wait_their_turn() -> Result<(), StoreError> {
        let dir = tempfile::tempdir().map_err(|_| StoreError::NotFound)?;
        let mut conn = open_writer(&dir.path().join("t.db"))?;
        migrate::run(&mut conn)?;
        // The dossier rows belong to another module; these tests only need the foreign key out of the way.
        conn.pragma_update(None, "foreign_keys", "OFF")?;
        let t0 = "2026-11-29T01:00:00.000Z";
        let a = enqueue(&conn, &message(Some(7), Channel::Email), t0)?;
        let b = enqueue(&conn, &message(Some(7), Channel::Sms), t0)?;
        let c = enqueue(&conn, &message(None, Channel::Sms), t0)?;
        assert!(due(&conn, "2026-11-29T00:59:59.999Z", 10)?.is_empty());
        let ids: Vec<i64> = due(&conn, t0, 10)?.iter().map(|n| n.id).collect();
        assert_eq!(ids, vec![a, b, c]);
        assert_eq!(due(&conn, t0, 1)?.len(), 1);

        mark_sent(&conn, a, 1, "2026-11-29T01:00:01.000Z")?;
        mark_retry(
            &conn,
            b,
            1,
            "2026-11-29T01:01:01.000Z",
            "cổng SMS trả lời 500",
        )?;
        mark_failed(&conn, c, 6, "cổng SMS trả lời 400")?;
        assert!(due(&conn, "2026-11-29T01:01:00.000Z", 10)?.is_empty());
        let retry = due(&conn, "2026-11-29T01:01:01.000Z", 10)?;
        assert_eq!(retry.len(), 1);
        assert_eq!((retry[0].id, retry[0].attempts), (b, 1));
        assert_eq!(retry[0].last_error, "cổng SMS trả lời 500");

        let of_dossier = for_dossier(&conn, 7)?;
        assert_eq!(of_dossier.len(), 2);
        assert_eq!(of_dossier[0].state, DeliveryState::Sent);
        assert_eq!(
            of_dossier[0].sent_at.as_deref(),
            Some("2026-11-29T01:00:01.000Z")
        );
        assert_eq!(of_dossier[1].state, DeliveryState::Pending);
        let failed = find(&conn, c)?.ok_or(StoreError::NotFound)?;
        assert_eq!(
            (failed.state, failed.attempts, failed.dossier_id),
            (DeliveryState::Failed, 6, None)
        );
        assert_eq!(find(&conn, 999)?, None);
        Ok(())
    }
}
