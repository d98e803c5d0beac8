use actix_web::{web, HttpResponse};
use diesel::connection::SimpleConnection;
use serde_json::json;

use crate::error::AppError;
use crate::state::AppState;

/// 200 while the database answers; 503 otherwise (load balancers take the instance out).
#[utoipa::path(get, path = "/health", tag = "service", security(()),
    responses(
        (status = 200, description = "The service and its database answer", body = Object, example = json!({"status": "ok"})),
        (status = 503, description = "The database does not answer", body = crate::error::ErrorBody),
    ))]
pub async fn health(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    state
        .db
        .run(|conn| {
            // Reads a table, so that the database itself must answer: `SELECT 1` is answered
            // by SQLite without touching the file (a lost or broken file would still be "ok").
            conn.batch_execute("SELECT 1 FROM __diesel_schema_migrations LIMIT 1")
                .map_err(|e| AppError::Unavailable(e.to_string()))
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"status": "ok"})))
}

/// `GET /metrics`: Prometheus text format, for an admin or the configured scraper token.
#[utoipa::path(get, path = "/metrics", tag = "service",
    responses((status = 200, description = "Prometheus text format. For admins, or a scraper with `KANOGAP_METRICS_TOKEN` as its bearer token", content_type = "text/plain", body = String)))]
pub async fn metrics(req: actix_web::HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    use actix_web::FromRequest;
    let scraper = state.metrics_token.as_deref().is_some_and(|expected| {
        req.headers()
            .get(actix_web::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .is_some_and(|(_, given)| crate::auth::constant_time_eq(given.trim().as_bytes(), expected.as_bytes()))
    });
    if !scraper {
        crate::auth::Authorized::<crate::access::AdminOnly>::extract(&req).await?;
    }
    let body = state.metrics.render(state.db.pool_state());
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(body))
}
