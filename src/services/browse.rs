//! Finding procedures in the published catalogue, shared by the portal pages and the JSON API: a text query goes
//! to the search index, whose hits are re-read from SQLite (the index is derived data and may lag by a moment);
//! without text the catalogue is listed straight from SQLite.

use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;

use crate::search::{ProcedureQuery, SearchIndex};
use crate::store::procedures::{self, FacetColumn, ListFilter, ProcedureSummary};
use crate::store::{Db, StoreError, org};

use super::ServiceError;

/// Largest page a caller may ask for.
pub const MAX_LIMIT: usize = 100;

/// What a visitor asked for; every filter is a code.
#[derive(Debug, Clone, Default)]
pub struct BrowseQuery {
    pub text: String,
    pub sector: Option<String>,
    pub level: Option<String>,
    pub service_level: Option<String>,
    /// An agency code; it selects the procedures of that agency's administrative level.
    pub agency: Option<String>,
    pub offset: usize,
    pub limit: usize,
    /// Highlight names only, without text fragments: the cheap form search-as-you-type suggestions ask for.
    pub names_only: bool,
}

/// One procedure found, with highlighted snippets (HTML-escaped, `<mark>` around matches) when a text query ran.
#[derive(Debug, Clone, Serialize)]
pub struct Found {
    #[serde(flatten)]
    pub summary: ProcedureSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet_html: Option<String>,
}

/// Counts for each filter choice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FacetCounts {
    pub sector: Vec<(String, u64)>,
    pub level: Vec<(String, u64)>,
    pub service_level: Vec<(String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BrowseResult {
    pub total: usize,
    pub items: Vec<Found>,
    pub facets: FacetCounts,
}

/// Admits as many searches at once as there are cores, first come first served. Searching is pure CPU work; letting
/// every request in at once only makes them share the cores, so each takes as long as the slowest, while a queue
/// in front keeps the latency of each close to its own cost plus its wait.
#[derive(Clone)]
pub struct SearchSlots(Arc<Semaphore>);

impl SearchSlots {
    pub fn new(slots: usize) -> Self {
        SearchSlots(Arc::new(Semaphore::new(slots.max(1))))
    }

    /// One slot per available core, plus one so a core never idles while the next search is handed to a thread.
    pub fn per_core() -> Self {
        Self::new(std::thread::available_parallelism().map_or(2, |n| n.get()) + 1)
    }

    /// Waits for a slot; the search runs while the permit is held.
    pub async fn acquire(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ServiceError> {
        self.0
            .acquire()
            .await
            .map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))
    }
}

/// Runs a query against the index or the database. An unknown agency finds nothing rather than everything.
pub async fn find(
    db: &Db,
    index: &SearchIndex,
    slots: &SearchSlots,
    query: BrowseQuery,
) -> Result<BrowseResult, ServiceError> {
    let limit = query.limit.clamp(1, MAX_LIMIT);
    let mut level = query.level.clone();
    if let Some(agency) = &query.agency {
        let agency = agency.clone();
        let agency_level = db
            .read(move |c| {
                Ok::<_, StoreError>(
                    org::list_agencies(c)?
                        .into_iter()
                        .find(|a| a.code == agency)
                        .map(|a| a.level),
                )
            })
            .await?;
        match (agency_level, &level) {
            (None, _) => return Ok(empty()),
            (Some(a), Some(l)) if a != *l => return Ok(empty()),
            (Some(a), _) => level = Some(a),
        }
    }
    let filter = ListFilter {
        sector: query.sector.clone(),
        level,
        service_level: query.service_level.clone(),
    };
    if query.text.trim().is_empty() {
        return list(db, filter, query.offset, limit).await;
    }
    let search_query = ProcedureQuery {
        text: query.text.clone(),
        sector: filter.sector.clone(),
        level: filter.level.clone(),
        service_level: filter.service_level.clone(),
        offset: query.offset,
        limit,
        text_snippets: !query.names_only,
    };
    let index = index.clone();
    let permit = slots.acquire().await?;
    let results = super::cpu(move || index.search(&search_query)).await;
    drop(permit);
    let results = results?.map_err(|e| ServiceError::Internal(anyhow::Error::new(e)))?;
    let codes: Vec<String> = results.hits.iter().map(|h| h.code.clone()).collect();
    let summaries = db
        .read(move |c| procedures::published_summaries(c, &codes))
        .await?;
    let items = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let summary = summaries.iter().find(|s| s.code == hit.code)?.clone();
            Some(Found {
                summary,
                name_html: Some(hit.name_html),
                snippet_html: (!hit.text_html.is_empty()).then_some(hit.text_html),
            })
        })
        .collect();
    Ok(BrowseResult {
        total: results.total,
        items,
        facets: FacetCounts {
            sector: results.facets.sector,
            level: results.facets.level,
            service_level: results.facets.service_level,
        },
    })
}

fn empty() -> BrowseResult {
    BrowseResult {
        total: 0,
        items: Vec::new(),
        facets: FacetCounts::default(),
    }
}

async fn list(
    db: &Db,
    filter: ListFilter,
    offset: usize,
    limit: usize,
) -> Result<BrowseResult, ServiceError> {
    let result = db
        .read(move |c| {
            let (rows, total) = procedures::list_published(c, &filter, offset, limit)?;
            let facets = FacetCounts {
                sector: procedures::published_counts(c, FacetColumn::Sector, &filter)?,
                level: procedures::published_counts(c, FacetColumn::Level, &filter)?,
                service_level: procedures::published_counts(c, FacetColumn::ServiceLevel, &filter)?,
            };
            Ok::<_, StoreError>(BrowseResult {
                total,
                items: rows
                    .into_iter()
                    .map(|summary| Found {
                        summary,
                        name_html: None,
                        snippet_html: None,
                    })
                    .collect(),
                facets,
            })
        })
        .await?;
    Ok(result)
}
