//! The dossier half of the search indexer: turns dossier rows and their documents' text into index entries,
//! applies the dossiers named by outbox rows, and rebuilds the whole dossier index in slices.

use std::sync::{Arc, Mutex};

use anyhow::{Result, anyhow};
use serde_json::Value;

use crate::domain::dossier::Status;
use crate::search::{DocumentText, DossierEntry, DossierWriter};
use crate::store::dossiers::index_rows::{self, IndexRow};
use crate::store::{Db, StoreError, parse_time};

/// Dossiers read per slice of a rebuild: large enough to amortise the queries, small enough to keep memory flat.
const SLICE: usize = 2_000;

/// The entry of one dossier. Times become unix seconds; "running" is the rule `services::dossiers::is_overdue`
/// applies (the clock runs only while received or processing).
pub fn entry_of(
    row: IndexRow,
    documents: Vec<crate::store::dossiers::DocumentText>,
) -> DossierEntry {
    let unix = |t: Option<&str>| t.and_then(parse_time).map(|t| t.unix_timestamp());
    let running = matches!(
        Status::from_code(row.status),
        Some(Status::Received | Status::Processing)
    ) && row.due_at.is_some();
    let mut form_text = vec![row.subject.clone(), row.applicant_address.clone()];
    if let Ok(value) = serde_json::from_str::<Value>(&row.form_data) {
        flatten(&value, &mut form_text);
    }
    DossierEntry {
        id: row.id,
        code: row.code.clone().unwrap_or_default(),
        applicant_name: row.applicant_name,
        applicant_id_number: row.applicant_id_number,
        procedure_code: row.procedure_code,
        procedure_name: row.procedure_name,
        form_text: form_text
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        documents: documents
            .into_iter()
            .map(|d| DocumentText {
                document_id: d.document_id,
                file_name: d.file_name,
                text: d.text,
            })
            .collect(),
        status: u8::try_from(row.status).unwrap_or(0),
        unit: row.unit_code.unwrap_or_default(),
        assignee: row.assignee_id,
        channel: u8::try_from(row.channel).unwrap_or(0),
        received_at: unix(row.received_at.as_deref()),
        submitted_at: unix(Some(&row.submitted_at)).unwrap_or(0),
        due_at: unix(row.due_at.as_deref()),
        running,
        active: row.active,
        archived: row.archived,
    }
}

/// Every string and number of an e-form's answers (addresses, repeating groups), in order.
fn flatten(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Array(items) => items.iter().for_each(|v| flatten(v, out)),
        Value::Object(map) => map.values().for_each(|v| flatten(v, out)),
        Value::Bool(_) | Value::Null => {}
    }
}

/// Re-reads these dossiers and puts them in the index (or takes out those that no longer exist), in one commit.
pub async fn apply(db: &Db, writer: &Arc<Mutex<DossierWriter>>, mut ids: Vec<i64>) -> Result<()> {
    ids.sort_unstable();
    ids.dedup();
    let wanted = ids.clone();
    let entries = db
        .read(move |c| {
            let rows = index_rows::index_rows(c, &wanted)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let mut texts = index_rows::texts_between(c, row.id, row.id)?;
                let docs = texts.remove(&row.id).unwrap_or_default();
                out.push(entry_of(row, docs));
            }
            Ok::<_, StoreError>(out)
        })
        .await?;
    with_writer(writer, move |w| {
        for id in &ids {
            if !entries.iter().any(|e| e.id == *id) {
                w.delete(*id)?;
            }
        }
        for e in &entries {
            w.upsert(e)?;
        }
        w.commit()
    })
    .await
}

/// Runs `work` with the writer on a blocking thread (indexing is CPU work and the lock may wait).
async fn with_writer(
    writer: &Arc<Mutex<DossierWriter>>,
    work: impl FnOnce(&mut DossierWriter) -> Result<(), crate::search::SearchError> + Send + 'static,
) -> Result<()> {
    let writer = writer.clone();
    tokio::task::spawn_blocking(move || -> Result<()> {
        let mut w = writer
            .lock()
            .map_err(|_| anyhow!("dossier index writer poisoned"))?;
        work(&mut w)?;
        Ok(())
    })
    .await?
}

/// Replaces the dossier index with every dossier in the database, read in id-ordered slices and committed once
/// at the end, so searches see the previous contents until the new ones are complete.
pub async fn rebuild(db: &Db, writer: &Arc<Mutex<DossierWriter>>) -> Result<usize> {
    with_writer(writer, DossierWriter::delete_all).await?;
    let (mut after, mut count) = (0_i64, 0_usize);
    loop {
        let entries = db
            .read(move |c| {
                let rows = index_rows::index_rows_after(c, after, SLICE)?;
                let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
                    return Ok::<_, StoreError>(Vec::new());
                };
                let mut texts = index_rows::texts_between(c, first.id, last.id)?;
                Ok(rows
                    .into_iter()
                    .map(|row| {
                        let docs = texts.remove(&row.id).unwrap_or_default();
                        entry_of(row, docs)
                    })
                    .collect())
            })
            .await?;
        let Some(last) = entries.last().map(|e| e.id) else {
            break;
        };
        after = last;
        count += entries.len();
        with_writer(writer, move |w| {
            entries.iter().try_for_each(|e| w.upsert(e))
        })
        .await?;
    }
    with_writer(writer, DossierWriter::commit).await?;
    Ok(count)
}
