//! Store layer: which procedure versions still refer to a document type or a fee of the shared code lists.
//! Components and fees live inside the version's JSON body, so these queries look into it with `json_each`.

use rusqlite::Connection;

use super::StoreError;

/// Whether a draft or published procedure version names this document type in one of its components. Retired
/// versions keep the code as history and do not block a deletion: nothing new is received under them.
pub fn doc_type_in_use(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(
                 SELECT 1 FROM procedure_versions v, json_each(v.body, '$.components') c
                 WHERE v.state <> 'retired' AND json_extract(c.value, '$.doc_type') = ?1)",
        )?
        .query_row([code], |r| r.get(0))?)
}

/// Whether a draft or published procedure version charges this fee; retired versions do not count, as above.
pub fn fee_in_use(conn: &Connection, code: &str) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS(
                 SELECT 1 FROM procedure_versions v, json_each(v.body, '$.fees') f
                 WHERE v.state <> 'retired' AND json_extract(f.value, '$.fee') = ?1)",
        )?
        .query_row([code], |r| r.get(0))?)
}
