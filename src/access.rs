//! Who is acting and what they may do, with no framework in sight: the caller, the segments
//! they may see, and the one table of role policies. Every layer may use it (the operations
//! authorize with it, the database narrows queries by `Scope`, the front ends read it to show
//! or hide what a role cannot do); it depends on nothing but the domain's `Role`.

use serde::Serialize;

use crate::domain::terms::Role;
use crate::error::AppError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Caller {
    /// The user's id; 0 for the command line, which has no user row (see [`Caller::system`]).
    pub id: i32,
    pub email: String,
    pub role: Role,
    pub segment_ids: Vec<i32>,
}

impl Caller {
    /// The command line and start-up jobs: an administrator with no account, audited by name.
    pub fn system(name: &str) -> Caller {
        Caller {
            id: 0,
            email: name.to_owned(),
            role: Role::Admin,
            segment_ids: Vec::new(),
        }
    }

    pub fn is_system(&self) -> bool {
        self.id == 0
    }

    /// Stakeholders see only their own segments; every other role sees all.
    pub fn scope(&self) -> Scope {
        match self.role {
            Role::Stakeholder => Scope::Segments(self.segment_ids.clone()),
            _ => Scope::All,
        }
    }

    /// Whether the role table lets the caller do what `P` guards.
    pub fn may<P: Policy>(&self) -> bool {
        P::ROLES.contains(&self.role)
    }

    /// 403 unless the role table lets the caller do what `P` guards.
    pub fn authorize<P: Policy>(&self) -> Result<(), AppError> {
        if self.may::<P>() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Which segments the caller may see: all of them, or only these (stakeholders).
#[derive(Clone, Debug)]
pub enum Scope {
    All,
    Segments(Vec<i32>),
}

impl Scope {
    pub fn allows(&self, segment_id: i32) -> bool {
        match self {
            Scope::All => true,
            Scope::Segments(ids) => ids.contains(&segment_id),
        }
    }
}

/// A permission: the roles that hold it. The operations name theirs (`caller.authorize::<P>()`);
/// the API's extractors name the same one, so a refused caller is turned away before the body
/// is read.
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
    /// Filing a complaint: staff for any segment, stakeholders for their own (the operation
    /// narrows them).
    FileComplaint => [Admin, Leadership, Facilitator, Stakeholder];
    /// Logging complaints for any segment, assigning owners, acknowledging and resolving them
    /// (a complaint's owner may act on it too).
    ManageComplaints => [Admin, Leadership, Facilitator];
    /// Satisfaction surveys and their answers.
    ManageSurveys => [Admin, Leadership, Facilitator];
    /// Calendars, service targets and the figures reported by hand each month.
    ManageServiceLevels => [Admin, Leadership];
    /// Uploading the service desk's ticket export.
    ImportTickets => [Admin, Leadership, Facilitator];
    /// Service improvement plans: drafting, changes, submitting, approving, closing (everyone
    /// reads; stakeholders the plans naming their segments).
    ManagePlans => [Admin, Leadership];
    /// Signing off an improvement plan for one's own segments.
    SignPlans => [Stakeholder];
    /// Root-cause (fishbone) analyses and their causes; stakeholders read those of their
    /// segments and those without a segment.
    ManageRootCauses => [Admin, Leadership, Facilitator];
    /// Condition-of-Satisfaction commitments: recording, checkpoints, closing.
    ManageCoscom => [Admin, Leadership, Facilitator];
    /// Commenting on a COScom: staff, and stakeholders of its segment (the operation narrows
    /// them).
    CommentCoscom => [Admin, Leadership, Facilitator, Stakeholder];
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(role: Role, segments: &[i32]) -> Caller {
        Caller {
            id: 7,
            email: "x@example.org".into(),
            role,
            segment_ids: segments.to_vec(),
        }
    }

    #[test]
    fn stakeholders_are_scoped_to_their_segments() {
        let s = caller(Role::Stakeholder, &[3]).scope();
        assert!(s.allows(3) && !s.allows(4));
        assert!(caller(Role::Leadership, &[]).scope().allows(4));
    }

    #[test]
    fn authorize_follows_the_policy_table() {
        assert!(caller(Role::Stakeholder, &[1]).authorize::<ManageSla>().is_err());
        assert!(caller(Role::Leadership, &[]).authorize::<ManageSla>().is_ok());
        assert!(Caller::system("cli").authorize::<AdminOnly>().is_ok());
    }
}
