//! The one place both front ends meet: the pages' and the API's route tables registered side by
//! side, and the answer for a path or method neither has: JSON on API paths, a page elsewhere.

use actix_web::dev::ResourceDef;
use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::error::AppError;
use crate::state::AppState;

/// Every route of the service. The API first: actix tries routes in order, and its routes sit
/// behind one `/api/v1` prefix, which a page's path fails at once; the pages are one route each,
/// and an API request tried every dynamic one's pattern before reaching its own (issue 16).
pub fn configure(cfg: &mut web::ServiceConfig) {
    crate::api::routes(cfg);
    crate::web::routes(cfg);
}

/// Paths whose answers are JSON for programs; everything else is a page for people.
pub fn is_api_path(path: &str) -> bool {
    path.starts_with("/api/") || path == "/api" || path == "/health" || path == "/metrics"
}

/// An error as the path's audience reads it.
pub fn error_response(path: &str, error: AppError) -> HttpResponse {
    if is_api_path(path) {
        error.error_response()
    } else {
        crate::web::PageError(error).error_response()
    }
}

/// A request whose caller's sessions turned out to have ended after its handler ran (see
/// `db::caller_check`): 401 on the API, the sign-in page with the cookie cleared elsewhere.
pub fn caller_refused(path: &str, state: &AppState) -> HttpResponse {
    if is_api_path(path) {
        AppError::Unauthorized.error_response()
    } else {
        crate::web::sign_in::session_ended(state)
    }
}

/// Unknown paths (404) and methods (405 with `Allow`).
pub async fn not_found(req: HttpRequest) -> HttpResponse {
    tracing::debug!(path = req.path(), "no route");
    error_response(req.path(), unrouted(req.path()))
}

/// 404, or 405 with the methods the path has.
pub fn unrouted(path: &str) -> AppError {
    let allow = allowed_methods(path);
    if allow.is_empty() {
        AppError::NotFound("route")
    } else {
        AppError::MethodNotAllowed {
            allow: allow.join(", "),
        }
    }
}

/// The methods served on a path, for the `Allow` header of a 405; empty for an unknown path.
/// The API's come from its spec, the pages' from their table.
pub fn allowed_methods(path: &str) -> Vec<String> {
    static ROUTES: std::sync::OnceLock<Vec<(ResourceDef, String)>> = std::sync::OnceLock::new();
    let routes = ROUTES.get_or_init(|| {
        let pages = crate::web::PAGES
            .iter()
            .map(|(path, method)| (path.to_string(), method.to_ascii_uppercase()));
        let api = crate::api::openapi::api_operations()
            .into_iter()
            .map(|(path, method)| (path, method.to_owned()));
        api.chain(pages)
            .map(|(path, method)| (ResourceDef::new(path), method))
            .collect()
    });
    let matching: Vec<&(ResourceDef, String)> = routes.iter().filter(|(def, _)| def.is_match(path)).collect();
    // A path spelled out (`/complaints/stats`) is that route alone, not also `/complaints/{id}`.
    let exact = |def: &ResourceDef| !def.pattern().is_some_and(|p| p.contains('{'));
    let has_exact = matching.iter().any(|(def, _)| exact(def));
    let mut methods: Vec<String> = matching
        .into_iter()
        .filter(|(def, _)| !has_exact || exact(def))
        .map(|(_, method)| method.clone())
        .collect();
    methods.sort();
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_and_page_paths_are_told_apart() {
        assert!(is_api_path("/api/v1/segments"));
        assert!(is_api_path("/health"));
        assert!(!is_api_path("/sla"));
        assert!(!is_api_path("/apiary"));
    }

    #[test]
    fn a_spelled_out_path_is_not_also_an_id() {
        assert_eq!(allowed_methods("/api/v1/complaints/stats"), vec!["GET".to_owned()]);
        assert_eq!(
            allowed_methods("/api/v1/complaints/7"),
            vec!["GET".to_owned(), "PATCH".to_owned()]
        );
    }

    #[test]
    fn a_page_path_with_the_wrong_method_lists_its_methods() {
        assert_eq!(allowed_methods("/sla"), vec!["POST".to_owned()]);
        assert!(matches!(unrouted("/sla"), AppError::MethodNotAllowed { .. }));
        assert!(matches!(unrouted("/no/such/page"), AppError::NotFound(_)));
    }
}
