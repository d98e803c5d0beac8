//! The audit trail: who did what to which object, when.

use super::{Context, Listing};
use crate::access::{Caller, ReadAudit};
pub use crate::db::audit::AuditFilter;
use crate::db::audit::{self, AuditEntry};
use crate::db::Page;
use crate::error::AppError;

/// Newest first.
pub async fn list(
    ctx: &Context,
    caller: &Caller,
    filter: AuditFilter,
    page: Page,
) -> Result<Listing<AuditEntry>, AppError> {
    caller.authorize::<ReadAudit>()?;
    Ok(ctx.db.run(move |c| Ok(audit::list(c, &filter, page)?)).await?.into())
}
