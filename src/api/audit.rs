//! The audit trail: who did what to which object, when.

use actix_web::{web, HttpResponse};

use super::extract::{list_query, Listing, ValidQuery};
use crate::auth::policy::ReadAudit;
use crate::auth::Authorized;
use crate::db::audit::{self, AuditFilter};
use crate::error::AppError;
use crate::state::AppState;

list_query!(AuditQuery {
    #[validate(length(min = 1, max = 40))]
    object_type: Option<String>,
    object_id: Option<i32>,
    actor_id: Option<i32>,
});

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "One page of the audit trail, newest first", body = Listing<audit::AuditEntry>)))]
pub async fn list(
    _: Authorized<ReadAudit>,
    state: web::Data<AppState>,
    ValidQuery(q): ValidQuery<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let page = q.page();
    let filter = AuditFilter {
        object_type: q.object_type,
        object_id: q.object_id,
        actor_id: q.actor_id,
    };
    let (items, total) = state.db.run(move |c| Ok(audit::list(c, &filter, page)?)).await?;
    Ok(HttpResponse::Ok().json(Listing { items, total }))
}
