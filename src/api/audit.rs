//! The audit trail: who did what to which object, when.

use actix_web::{web, HttpResponse};

use super::extract::{list_query, Listing, ValidQuery};
use crate::access::ReadAudit;
use crate::auth::Authorized;
use crate::db::audit::AuditEntry;
use crate::error::AppError;
use crate::service::audit::{self, AuditFilter};
use crate::state::AppState;

list_query!(AuditQuery {
    #[validate(length(min = 1, max = 40))]
    object_type: Option<String>,
    object_id: Option<i32>,
    actor_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "One page of the audit trail, newest first", body = Listing<AuditEntry>)))]
pub async fn list(
    caller: Authorized<ReadAudit>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = AuditFilter {
        object_type: q.object_type.clone(),
        object_id: q.object_id,
        actor_id: q.actor_id,
    };
    Ok(HttpResponse::Ok().json(audit::list(&state, &caller, filter, q.page()).await?))
}
