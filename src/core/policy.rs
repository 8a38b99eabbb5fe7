//! Who may do what: the one permission policy, a table from role and act to yes or no.
//!
//! The PM owns strategy, roadmap and product metrics; the PO owns the backlog and the
//! sprint rituals; the scrum master sets rituals up with them. Every capability asks
//! `may` instead of naming roles itself.

use super::model::Role;

/// Something a person may or may not be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Create, edit, pause, resume, delete or run a ritual (a stand-up, a retro…).
    ManageRituals,
    /// Add members and team holidays.
    ManageTeam,
    /// Resolve a blocker that someone else raised.
    ResolveOthersBlockers,
    /// Be told, by DM, of a blocker left open too long.
    ReceiveEscalations,
    /// Be mentioned in a report that lists open blockers.
    HearOfBlockers,
    /// Read a teammate's answers before the round's report is out.
    ReadAnswersBeforeReport,
    /// Export or erase a teammate's personal data (GDPR).
    ManagePersonalData,
}

/// Whether `role` may do `act`.
pub fn may(role: Role, act: Act) -> bool {
    use Role::*;
    match act {
        Act::ManageRituals
        | Act::ManageTeam
        | Act::ResolveOthersBlockers
        | Act::ReadAnswersBeforeReport
        | Act::ManagePersonalData => {
            matches!(role, Pm | Po | ScrumMaster)
        }
        Act::ReceiveEscalations => matches!(role, Pm | Po),
        Act::HearOfBlockers => matches!(role, Po | ScrumMaster),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_table_gives_each_role_its_own_acts() {
        let roles = [Role::Pm, Role::Po, Role::ScrumMaster, Role::Developer, Role::Stakeholder];
        let table: [(Act, [bool; 5]); 7] = [
            (Act::ManageRituals, [true, true, true, false, false]),
            (Act::ManageTeam, [true, true, true, false, false]),
            (Act::ResolveOthersBlockers, [true, true, true, false, false]),
            (Act::ReceiveEscalations, [true, true, false, false, false]),
            (Act::HearOfBlockers, [false, true, true, false, false]),
            (Act::ReadAnswersBeforeReport, [true, true, true, false, false]),
            (Act::ManagePersonalData, [true, true, true, false, false]),
        ];
        for (act, row) in table {
            for (role, allowed) in roles.iter().zip(row) {
                assert_eq!(may(*role, act), allowed, "{role:?} {act:?}");
            }
        }
    }
}
