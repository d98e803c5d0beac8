//! Who may write what: the one table of role policies. A handler names its policy in its
//! signature (`Authorized<ManageFindings>`), so permissions are read where the route is.
//! Reads are open to every signed-in role, narrowed to a stakeholder's segments by `Scope`.

use crate::domain::terms::Role;

pub trait Policy {
    const ROLES: &'static [Role];
}

macro_rules! policies {
    ($($(#[$m:meta])* $name:ident => [$($role:ident),+];)+) => {
        $(
            $(#[$m])*
            pub struct $name;
            impl Policy for $name {
                const ROLES: &'static [Role] = &[$(Role::$role),+];
            }
        )+
    };
}

policies! {
    /// Users and the service-area catalogue.
    AdminOnly => [Admin];
    /// Segments: who they are, their weight and ambassador.
    ManageSegments => [Admin, Leadership, Facilitator];
    ManageRequirements => [Admin, Leadership, Facilitator];
    /// Interviews, focus groups, surveys, workshops.
    ManageSessions => [Admin, Facilitator];
    ManageFindings => [Admin, Facilitator];
    /// Kano questionnaire answers and their imports.
    ManageResponses => [Admin, Leadership, Facilitator];
    /// Measurements of current capability.
    ManageAssessments => [Admin, Leadership];
    ReadAudit => [Admin, Leadership];
    /// Drafting, editing, submitting, approving and rejecting SLAs.
    ManageSla => [Admin, Leadership];
    /// Signing off an SLA for one's own segment.
    SignSla => [Stakeholder];
    /// The cross-segment gap report.
    ReadGapReport => [Admin, Leadership, Facilitator];
}
