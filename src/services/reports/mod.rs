//! Statistics, statutory reports and the evaluation of service quality (one-stop function group c, Decree 61/2018
//! Arts 27-32, Circular 01/2018/TT-VPCP Arts 12-15, Decision 766/QĐ-TTg), all counted straight from the dossiers
//! with the conditions of `store::reports`, never from a precomputed copy that could go stale.

pub mod dashboard;
pub mod evaluation;
pub mod processing;

use crate::domain::dossier::Actor;
use crate::domain::role::Role;

/// Which dossiers a person may see in reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// The agency leader and the one-stop officers (who run the internal evaluation, Decree 61 Art. 30).
    Office,
    /// A unit head: their unit's dossiers only.
    Unit(String),
}

/// The report rights of an acting party: leaders and one-stop officers see the whole office, unit heads their
/// unit; specialists, administrators, citizens and integrations have none.
pub fn scope_of(actor: &Actor) -> Option<ReportScope> {
    match actor {
        Actor::Staff { roles, unit, .. } => {
            if roles.contains(&Role::Leader) || roles.contains(&Role::Officer) {
                Some(ReportScope::Office)
            } else if roles.contains(&Role::Head) {
                unit.clone().map(ReportScope::Unit)
            } else {
                None
            }
        }
        _ => None,
    }
}
