//! `/docs`: Swagger UI over the API's OpenAPI description, for signed-in users (the page
//! cookie authorizes its reads; writes need "Authorize" with a token). Its files are compiled
//! into the binary.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::{redirect, signed_in, PageResult};
use crate::auth::Caller;
use crate::error::AppError;

/// Where the API serves its description (a URL, not a module: the pages know the API only
/// by its addresses).
const SPEC_URL: &str = "/api/v1/openapi.json";

/// `/docs/…`
pub async fn docs(caller: Option<Caller>, file: web::Path<String>) -> PageResult {
    signed_in(caller)?;
    let config = std::sync::Arc::new(
        utoipa_swagger_ui::Config::new([SPEC_URL])
            .persist_authorization(true)
            .try_it_out_enabled(true),
    );
    let file = utoipa_swagger_ui::serve(&file, config).map_err(|e| AppError::internal(e.to_string()))?;
    let file = file.ok_or(AppError::NotFound("file"))?;
    let mut response = HttpResponse::Ok();
    response.content_type(file.content_type);
    if file.gzpipped {
        response.insert_header((header::CONTENT_ENCODING, "gzip"));
    }
    Ok(response.body(file.bytes.into_owned()))
}

/// `/docs` → `/docs/` (Swagger UI loads its files relative to the page).
pub async fn docs_root() -> HttpResponse {
    redirect("/docs/")
}
