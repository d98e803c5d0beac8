//! What the role × route tables of the API and of the pages share: who calls, and a row of
//! expected statuses.

/// Who calls a route: nobody, or a user of each role (the stakeholder belongs to the segment
/// the objects belong to).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Anonymous,
    Admin,
    Leadership,
    Facilitator,
    Stakeholder,
}

pub const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Admin,
    Who::Leadership,
    Who::Facilitator,
    Who::Stakeholder,
];

/// One row: a route as its table names it, a variant (a query string for the API, an SLA step
/// on the pages), and the status each of [anonymous, admin, leadership, facilitator,
/// stakeholder] must get.
pub struct Row {
    pub route: &'static str,
    pub variant: &'static str,
    pub expect: [u16; 5],
}

pub const fn row(route: &'static str, expect: [u16; 5]) -> Row {
    Row {
        route,
        variant: "",
        expect,
    }
}

pub const fn rowv(route: &'static str, variant: &'static str, expect: [u16; 5]) -> Row {
    Row { route, variant, expect }
}
