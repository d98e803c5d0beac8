//! The one place the service is assembled: `main` and every integration test call
//! [`Application::build`], so what is tested is what runs.

use std::future::Future;
use std::net::TcpListener;
use std::rc::Rc;

use actix_web::body::EitherBody;
use actix_web::dev::{Server, Service, ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{dev, web, App, HttpServer};
use rand::distributions::{Alphanumeric, DistString};

use crate::config::Settings;
use crate::db::caller_check::{self, CallerCheck};
use crate::db::Db;
use crate::error::AppError;
use crate::state::AppState;
use crate::{api, routes, service};

pub struct Application {
    port: u16,
    server: Server,
}

impl Application {
    /// Opens the database (applying migrations), makes sure there is a first admin, and binds
    /// the listener (port 0 picks a free one). Must run inside an actix system.
    pub fn build(settings: &Settings) -> Result<Self, String> {
        let db = Db::connect(&settings.database_url, settings.pool_size)?;
        ensure_first_admin(&db, settings).map_err(|e| format!("cannot create the first admin: {e}"))?;
        let secret = settings.resolve_jwt_secret()?;
        let state = web::Data::new(AppState::new(db, settings, &secret)?);
        let listener =
            TcpListener::bind(&settings.listen).map_err(|e| format!("cannot listen on {}: {e}", settings.listen))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PathConfig::default().error_handler(api::path_error))
                // Innermost, so that what it answers passes through the rest.
                .wrap_fn(with_caller_check)
                .wrap(
                    ErrorHandlers::new()
                        .handler(StatusCode::METHOD_NOT_ALLOWED, method_not_allowed)
                        .handler(StatusCode::INTERNAL_SERVER_ERROR, server_fault_page)
                        .handler(StatusCode::SERVICE_UNAVAILABLE, server_fault_page),
                )
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "no-referrer")),
                )
                .wrap_fn(|req, srv| {
                    use actix_web::dev::Service;
                    let started = std::time::Instant::now();
                    let method = req.method().to_string();
                    let state = req.app_data::<web::Data<AppState>>().cloned();
                    use actix_web::HttpMessage;
                    let id = req.extensions().get::<tracing_actix_web::RequestId>().copied();
                    let response = srv.call(req);
                    async move {
                        let mut response = response.await?;
                        if let Some(state) = state {
                            // Routing has happened by now, so the pattern is known.
                            let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".into());
                            let status = response.status().as_u16();
                            state
                                .metrics
                                .observe(&method, &route, status, started.elapsed().as_secs_f64());
                        }
                        if let Some(value) = id.and_then(|id| header::HeaderValue::from_str(&id.to_string()).ok()) {
                            response
                                .headers_mut()
                                .insert(header::HeaderName::from_static("x-request-id"), value);
                        }
                        Ok(response)
                    }
                })
                // A request id per request (echoed in `x-request-id`), one span per request with
                // route, status and latency in the log.
                .wrap(tracing_actix_web::TracingLogger::default())
                .configure(routes::configure)
                .default_service(web::to(routes::not_found))
        })
        .workers(if settings.workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            settings.workers
        })
        .listen(listener)
        .map_err(|e| e.to_string())?
        .run();
        tracing::info!(port, "kanogap listening");
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// For stopping the server from elsewhere (tests restart it).
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped; SIGTERM and SIGINT finish in-flight requests first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// 405 from a resource whose methods did not fit: answered like every other error (JSON on the
/// API, a page elsewhere), with `Allow`.
fn method_not_allowed<B>(res: dev::ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let (req, _) = res.into_parts();
    let response = routes::error_response(req.path(), routes::unrouted(req.path())).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(dev::ServiceResponse::new(req, response)))
}

/// A server fault on a page path becomes a page that gives the request id, so that a person
/// can quote it and the log line can be found. API paths keep their JSON body.
fn server_fault_page<B>(res: dev::ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if routes::is_api_path(res.request().path()) {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    use actix_web::HttpMessage;
    let status = res.status();
    let id = res
        .request()
        .extensions()
        .get::<tracing_actix_web::RequestId>()
        .map(|id| id.to_string());
    let (req, _) = res.into_parts();
    let response = crate::web::fault_page(status, id.as_deref()).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(dev::ServiceResponse::new(req, response)))
}

/// On an empty user table, creates the first admin: from `KANOGAP_ADMIN_EMAIL` /
/// `KANOGAP_ADMIN_PASSWORD`, or `admin@localhost` with a random password logged once. Under
/// the start-up lock: of instances starting together on an empty database, one creates it.
pub fn ensure_first_admin(db: &Db, settings: &Settings) -> Result<(), AppError> {
    let mut outcome = Ok(());
    db.with_startup_lock(|| {
        outcome = first_admin_unlocked(db, settings);
        Ok(())
    })
    .map_err(AppError::internal)?;
    outcome
}

fn first_admin_unlocked(db: &Db, settings: &Settings) -> Result<(), AppError> {
    let email = settings
        .admin_email
        .clone()
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "admin@localhost".into());
    let (password_given, generated) = match settings.admin_password.clone().filter(|p| !p.is_empty()) {
        Some(p) => (p, false),
        None => (Alphanumeric.sample_string(&mut rand::rngs::OsRng, 20), true),
    };
    let created = service::users::create_first_admin(db, &email, &password_given).map_err(|e| match e {
        AppError::Invalid { fields, .. } if fields.contains_key("password") => {
            AppError::field("admin_password", "KANOGAP_ADMIN_PASSWORD must be 12 to 1024 characters")
        }
        other => other,
    })?;
    match created {
        Some(user) if generated => tracing::warn!(
            email = %user.email,
            password = %password_given,
            "created the first admin with a generated password; it is shown only this once: sign in and change it"
        ),
        Some(user) => tracing::info!(email = %user.email, "created the first admin"),
        None => {}
    }
    Ok(())
}

/// Runs a request with its caller check (see `db::caller_check`): a caller believed from its
/// token is confirmed on the request's first database trip, or after the handler when it made
/// none; a refused one gets 401 (API) or the sign-in page (pages), whatever the handler said.
fn with_caller_check<S, B>(
    req: ServiceRequest,
    srv: &S,
) -> impl Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    use actix_web::HttpMessage;
    let check = Rc::new(CallerCheck::default());
    req.extensions_mut().insert(check.clone());
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let response = caller_check::scope(check.clone(), srv.call(req));
    async move {
        let response = response.await?;
        let Some(state) = state else {
            return Ok(response.map_into_left_body());
        };
        match caller_check::settle(&state.db, &check).await {
            Ok(true) => Ok(response.map_into_left_body()),
            outcome => {
                let (req, _) = response.into_parts();
                let answer = match outcome {
                    Err(e) => crate::routes::error_response(req.path(), e),
                    _ => crate::routes::caller_refused(req.path(), &state),
                };
                Ok(ServiceResponse::new(req, answer).map_into_right_body())
            }
        }
    }
}
