//! Finding dossiers for staff, shared by the back office and the JSON API. The text goes to the dossier index
//! (code, applicant, ID number, procedure, form answers and the text read from documents), which also applies the
//! filters and narrows the hits to what the caller may see; every hit is then re-read from SQLite and checked
//! again with `may_see`, because the index is derived data and may lag a moment behind a transfer or assignment.

use time::OffsetDateTime;

use crate::domain::dossier::Actor;
use crate::domain::role::Role;
use crate::search::{DossierIndex, DossierQuery, SnippetSource, Visibility};
use crate::store::Db;
use crate::store::dossiers::queues::{self, QueueRow};

use super::ServiceError;
use super::browse::SearchSlots;
use super::dossiers::{Acting, may_see, sees_all};

/// Largest page a caller may ask for.
pub const MAX_LIMIT: usize = 100;

/// What a staff member asked for. Every filter is optional; an empty text with filters lists newest first.
#[derive(Debug, Clone, Default)]
pub struct DossierSearch {
    pub text: String,
    /// National status code 1-10.
    pub status: Option<u8>,
    pub unit: Option<String>,
    /// 1 counter, 2 online, 3 post.
    pub channel: Option<u8>,
    /// Received (or, before receipt, submitted) in `[from, to)`.
    pub from: Option<OffsetDateTime>,
    pub to: Option<OffsetDateTime>,
    /// Only dossiers whose clock runs and whose due time has passed.
    pub overdue: bool,
    pub offset: usize,
    pub limit: usize,
}

/// One dossier found, as the database has it now, with the fragment that matched.
#[derive(Debug, Clone)]
pub struct FoundDossier {
    pub row: QueueRow,
    /// HTML-escaped, matched words in `<mark>`; empty when only filters were given.
    pub snippet_html: String,
    pub snippet_source: SnippetSource,
}

#[derive(Debug, Clone, Default)]
pub struct DossierSearchResult {
    /// Hits in the index passing the filters and the visibility rule (before the per-row re-check).
    pub total: usize,
    /// False when counting stopped early and `total` means "at least" (a very common word).
    pub total_exact: bool,
    pub items: Vec<FoundDossier>,
}

/// How far the caller sees in the index: officers and leaders everything; a head or specialist their unit's
/// dossiers and those assigned to them; an archivist closed dossiers; integrations everything their token reads.
/// `None` for citizens, who search nothing here.
pub fn visibility(actor: &Actor) -> Option<Visibility> {
    match actor {
        _ if sees_all(actor) => Some(Visibility::All),
        Actor::Staff { id, roles, unit } => Some(Visibility::Limited {
            unit: (roles.contains(&Role::Head) || roles.contains(&Role::Specialist))
                .then(|| unit.clone())
                .flatten(),
            staff_id: *id,
            closed_too: roles.contains(&Role::Archivist),
        }),
        Actor::Integration => Some(Visibility::All),
        Actor::Owner | Actor::Stranger => None,
    }
}

/// Runs a search for `acting` at `now` (which decides "overdue").
pub async fn find(
    db: &Db,
    index: &DossierIndex,
    slots: &SearchSlots,
    acting: &Acting,
    search: DossierSearch,
    now: OffsetDateTime,
) -> Result<DossierSearchResult, ServiceError> {
    let visibility = visibility(&acting.actor).ok_or(ServiceError::Forbidden)?;
    let query = DossierQuery {
        text: search.text,
        statuses: search.status.into_iter().collect(),
        unit: search.unit,
        channel: search.channel,
        from: search.from.map(OffsetDateTime::unix_timestamp),
        to: search.to.map(OffsetDateTime::unix_timestamp),
        overdue_at: search.overdue.then(|| now.unix_timestamp()),
        visibility,
        offset: search.offset.min(crate::search::MAX_OFFSET),
        limit: search.limit.clamp(1, MAX_LIMIT),
    };
    let index = index.clone();
    let permit = slots.acquire().await?;
    let results = super::cpu(move || index.search(&query)).await;
    drop(permit);
    let results = results?.map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?;
    let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
    let rows = db.read(move |c| queues::by_ids(c, &ids)).await?;
    let items = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let row = rows.iter().find(|r| r.id == hit.id)?.clone();
            let closed =
                crate::domain::dossier::Stage::parse(&row.stage).is_some_and(|s| !s.is_active());
            may_see(
                &acting.actor,
                row.unit_code.as_deref(),
                row.assignee_id,
                closed,
            )
            .then_some(FoundDossier {
                row,
                snippet_html: hit.snippet_html,
                snippet_source: hit.snippet_source,
            })
        })
        .collect();
    Ok(DossierSearchResult {
        total: results.total,
        total_exact: results.total_exact,
        items,
    })
}
