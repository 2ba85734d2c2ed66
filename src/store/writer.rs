//! The single writer with group commit. Every write is a closure run on one dedicated thread that owns the
//! read-write connection. Closures that queue up while a commit is being flushed run together in the next
//! transaction, each inside its own savepoint: one that fails is rolled back alone, and every caller is answered
//! only after the shared COMMIT has reached the disk (`synchronous=FULL`). One fsync then covers many receipts,
//! which is what lets intake keep pace with the disk rather than with one fsync per dossier.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;

use rusqlite::{Connection, Transaction, TransactionBehavior};
use tokio::sync::oneshot;

use super::StoreError;

/// Most closures committed together; a bound keeps one slow batch from holding many callers.
const MAX_BATCH: usize = 64;

/// A queued write: run it inside the open transaction, or refuse it when no transaction could be opened.
trait Job: Send {
    fn run(self: Box<Self>, tx: &Transaction<'_>) -> Box<dyn Answer>;
    fn refuse(self: Box<Self>, error: StoreError);
}

/// A finished write waiting for the outcome of the shared commit before it answers its caller.
trait Answer: Send {
    fn send(self: Box<Self>, committed: Result<(), &StoreError>);
}

struct Write<F, T, E> {
    f: F,
    reply: oneshot::Sender<Result<T, E>>,
}

struct Finished<T, E> {
    result: Result<T, E>,
    reply: oneshot::Sender<Result<T, E>>,
}

/// A copy of a commit failure for each caller (`rusqlite::Error` is not `Clone`).
fn copy(e: &StoreError) -> StoreError {
    match e {
        StoreError::Busy => StoreError::Busy,
        StoreError::NotFound => StoreError::NotFound,
        StoreError::Conflict(c) => StoreError::Conflict(c),
        other => StoreError::Sqlite(rusqlite::Error::ToSqlConversionFailure(
            other.to_string().into(),
        )),
    }
}

impl<T: Send, E: From<StoreError> + Send> Answer for Finished<T, E> {
    fn send(self: Box<Self>, committed: Result<(), &StoreError>) {
        let result = match (self.result, committed) {
            (Ok(value), Ok(())) => Ok(value),
            (Ok(_), Err(e)) => Err(E::from(copy(e))),
            (Err(e), _) => Err(e),
        };
        // A caller that stopped waiting (its request was cancelled) still had its write committed.
        let _ = self.reply.send(result);
    }
}

impl<F, T, E> Job for Write<F, T, E>
where
    F: FnOnce(&Transaction<'_>) -> Result<T, E> + Send,
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    fn run(self: Box<Self>, tx: &Transaction<'_>) -> Box<dyn Answer> {
        let Write { f, reply } = *self;
        let result = match tx.execute_batch("SAVEPOINT write") {
            Err(e) => Err(E::from(e.into())),
            Ok(()) => {
                let outcome = catch_unwind(AssertUnwindSafe(|| f(tx)));
                let keep = matches!(outcome, Ok(Ok(_)));
                let end = if keep {
                    tx.execute_batch("RELEASE write")
                } else {
                    tx.execute_batch("ROLLBACK TO write; RELEASE write")
                };
                match (outcome, end) {
                    (_, Err(e)) => Err(E::from(e.into())),
                    (Ok(result), Ok(())) => result,
                    (Err(_), Ok(())) => Err(E::from(StoreError::TaskPanicked)),
                }
            }
        };
        Box::new(Finished { result, reply })
    }

    fn refuse(self: Box<Self>, error: StoreError) {
        let _ = self.reply.send(Err(E::from(error)));
    }
}

/// The handle writes are queued on; cheap to clone. The thread ends (and closes the connection) when the last
/// handle is dropped.
#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Box<dyn Job>>,
}

impl Writer {
    pub fn start(conn: Connection) -> Result<Writer, StoreError> {
        let (queue, jobs) = mpsc::channel::<Box<dyn Job>>();
        std::thread::Builder::new()
            .name("motcua-writer".into())
            .spawn(move || run(conn, jobs))
            .map_err(|_| StoreError::TaskPanicked)?;
        Ok(Writer { queue })
    }

    /// Runs `f` in a transaction (possibly shared with other writes, each in its own savepoint) and answers once
    /// it is committed; `f` failing rolls back its own changes only.
    pub async fn write<T, E>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Box::new(Write { f, reply }))
            .map_err(|_| E::from(StoreError::TaskPanicked))?;
        answer
            .await
            .map_err(|_| E::from(StoreError::TaskPanicked))?
    }
}

fn run(mut conn: Connection, jobs: mpsc::Receiver<Box<dyn Job>>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
            Ok(tx) => tx,
            Err(e) => {
                let e = StoreError::from(e);
                for job in batch {
                    job.refuse(copy(&e));
                }
                continue;
            }
        };
        let answers: Vec<Box<dyn Answer>> = batch.into_iter().map(|job| job.run(&tx)).collect();
        let committed = tx.commit().map_err(StoreError::from);
        for answer in answers {
            answer.send(committed.as_ref().map(|_| ()));
        }
    }
}
