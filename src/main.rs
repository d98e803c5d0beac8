//! The `kanogap` command line: serve (the default), migrate, and user administration.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kanogap::access::Caller;
use kanogap::app::Application;
use kanogap::config::Settings;
use kanogap::db::Db;
use kanogap::domain::terms::Role;
use kanogap::error::AppError;
use kanogap::service::{self, Context};

#[derive(Parser)]
#[command(
    name = "kanogap",
    version,
    about = "Kano-model requirements, gap analysis and draft SLAs for IT service teams"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP service (the default).
    Serve {
        /// On a database without segments, load the demo data set first.
        #[arg(long)]
        demo: bool,
    },
    /// Load the demo data set (a university IT department) into an empty database.
    Demo,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Write a deterministic benchmark data set into DIR: catalogue.json, responses.csv (long
    /// format) and kanogap.db (migrated, with the catalogue but no answers).
    BenchData {
        #[arg(long, default_value_t = 20)]
        segments: usize,
        #[arg(long, default_value_t = 5000)]
        requirements: usize,
        /// Answer pairs (CSV rows) to write.
        #[arg(long, default_value_t = 1_000_000)]
        responses: u64,
        /// The folder to write into (created when missing; its files are replaced).
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// The same seed and sizes give the same files.
        #[arg(long, default_value_t = kanogap::bench_data::DEFAULT_SEED)]
        seed: u64,
    },
    /// Rebuild the answer counts (the Kano grid per segment, requirement and wave that reports
    /// read) from the stored answers, and every ticket's business durations under every
    /// calendar from the tickets, audited. Only needed after a manual change in the database.
    Recount,
    /// Import data from files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Write a report to stdout (for a monthly mail job).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
}

#[derive(Subcommand)]
enum ReportCommand {
    /// The monthly service report: each target's attainment, status and six-month trend.
    Service {
        /// The month, YYYY-MM (default: last month).
        #[arg(long)]
        period: Option<String>,
        /// One segment's targets and the general ones, counting that segment's tickets.
        #[arg(long)]
        segment: Option<String>,
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Md,
    Html,
    Csv,
    Json,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import Kano questionnaire answers from a CSV export (long or wide format), all or nothing.
    Responses {
        /// The CSV file.
        file: std::path::PathBuf,
        /// The session (survey) the answers were collected in.
        #[arg(long)]
        session: Option<i32>,
    },
    /// Import the service desk's ticket export (CSV), all or nothing; known tickets are updated.
    Tickets {
        /// The CSV file.
        file: std::path::PathBuf,
        /// IANA timezone for timestamps without an offset (default UTC).
        #[arg(long)]
        timezone: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from KANOGAP_PASSWORD or the first line of stdin.
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// A segment (by name) a stakeholder belongs to; repeat for several.
        #[arg(long = "segment")]
        segments: Vec<String>,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "one of admin, leadership, facilitator, stakeholder".into())
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // A line per request when its span closes, with its latency.
    let builder = tracing_subscriber::fmt()
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if settings.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn main() -> ExitCode {
    kanogap::memory::keep_freed_memory();
    let cli = Cli::parse();
    let settings = match Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kanogap: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&settings);
    let result = match cli.command.unwrap_or(Command::Serve { demo: false }) {
        Command::Serve { demo } => serve(settings, demo),
        Command::Demo => load_demo(&settings, false),
        Command::Migrate => Db::connect(&settings.database_url, 1).map(|_| println!("migrations applied")),
        Command::User {
            command: UserCommand::Add { email, role, segments },
        } => add_user(&settings, &email, role, &segments),
        Command::Recount => recount(&settings),
        Command::Import {
            command: ImportCommand::Responses { file, session },
        } => import_responses(&settings, &file, session),
        Command::Import {
            command: ImportCommand::Tickets { file, timezone },
        } => import_tickets(&settings, &file, timezone.as_deref()),
        Command::Report {
            command:
                ReportCommand::Service {
                    period,
                    segment,
                    format,
                },
        } => service_report(&settings, period.as_deref(), segment.as_deref(), format),
        Command::BenchData {
            segments,
            requirements,
            responses,
            out,
            seed,
        } => bench_data(
            &kanogap::bench_data::Spec {
                segments,
                requirements,
                responses,
                seed,
            },
            &out,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kanogap: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(settings: Settings, demo: bool) -> Result<(), String> {
    if demo {
        load_demo(&settings, true)?;
    }
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(&settings)?;
        app.run_until_stopped().await.map_err(|e| e.to_string())
    })
}

fn read_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("KANOGAP_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        eprint!("password for the new user: ");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The command line's operations run as the `cli` system caller, inside an actix runtime.
fn run_operation<T>(
    settings: &Settings,
    op: impl AsyncFnOnce(&Context, &Caller) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let db = Db::connect(&settings.database_url, 1).map_err(AppError::Unavailable)?;
    let ctx = Context::new(db).with_settings(settings);
    actix_web::rt::System::new().block_on(async { op(&ctx, &Caller::system("cli")).await })
}

fn add_user(settings: &Settings, email: &str, role: Role, segments: &[String]) -> Result<(), String> {
    let password = read_password()?;
    let user = run_operation(settings, async |ctx, caller| {
        let segment_ids = service::segments::ids_by_name(ctx, caller, segments).await?;
        let input = service::users::CreateUser {
            email: email.to_owned(),
            password,
            role,
            segment_ids,
        };
        service::users::create(ctx, caller, input).await
    })
    .map_err(|e| e.to_string())?;
    println!(
        "created user {} ({}) with id {}",
        user.email,
        user.role.as_str(),
        user.id
    );
    Ok(())
}

fn import_responses(settings: &Settings, path: &std::path::Path, session: Option<i32>) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match run_operation(settings, async |ctx, caller| {
        service::responses::import_csv(ctx, caller, file, session).await
    }) {
        Ok(summary) => {
            let format = serde_json::to_value(&summary.format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned));
            println!(
                "imported {} answers ({} format)",
                summary.imported,
                format.unwrap_or_default()
            );
            if !summary.ignored_columns.is_empty() {
                println!("ignored columns: {}", summary.ignored_columns.join(", "));
            }
            Ok(())
        }
        Err(kanogap::error::AppError::RowsInvalid { rows, total }) => {
            for r in &rows {
                eprintln!(
                    "row {}{}: {}",
                    r.row,
                    r.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default(),
                    r.message
                );
            }
            Err(format!(
                "{total} problem(s) in {}; nothing was imported",
                path.display()
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn recount(settings: &Settings) -> Result<(), String> {
    let done = run_operation(settings, async |ctx, caller| {
        service::responses::recount(ctx, caller).await
    })
    .map_err(|e| e.to_string())?;
    println!("recounted {} answer grids ({} corrected)", done.grids, done.corrected);
    let durations = run_operation(settings, async |ctx, caller| {
        service::service_levels::recompute_durations(ctx, caller).await
    })
    .map_err(|e| e.to_string())?;
    println!(
        "recomputed the business durations of {} ticket(s) under {} calendar(s)",
        durations.tickets, durations.calendars
    );
    Ok(())
}

fn print_rows(rows: &[kanogap::import::layout::RowError]) {
    for r in rows {
        eprintln!(
            "row {}{}: {}",
            r.row,
            r.column.as_deref().map(|c| format!(", column {c}")).unwrap_or_default(),
            r.message
        );
    }
}

fn import_tickets(settings: &Settings, path: &std::path::Path, timezone: Option<&str>) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match run_operation(settings, async |ctx, caller| {
        service::service_levels::import_tickets(ctx, caller, file, timezone).await
    }) {
        Ok(summary) => {
            println!("imported {} new tickets, updated {}", summary.imported, summary.updated);
            Ok(())
        }
        Err(AppError::RowsInvalid { rows, total }) => {
            print_rows(&rows);
            Err(format!(
                "{total} problem(s) in {}; nothing was imported",
                path.display()
            ))
        }
        Err(e) => Err(e.to_string()),
    }
}

fn service_report(
    settings: &Settings,
    period: Option<&str>,
    segment: Option<&str>,
    format: ReportFormat,
) -> Result<(), String> {
    use kanogap::domain::business_time::Period;
    use kanogap::render::service_report as doc;
    let period = match period {
        Some(p) => Period::parse(p).ok_or_else(|| format!("--period {p:?}: must be a month YYYY-MM"))?,
        None => service::service_levels::last_month(),
    };
    let text = run_operation(settings, async |ctx, caller| {
        let segment_id = match segment {
            Some(name) => Some(service::service_levels::segment_by_name(ctx, name).await?),
            None => None,
        };
        let report = service::service_levels::service_report(ctx, caller, period, segment_id).await?;
        match format {
            ReportFormat::Md => doc::markdown(&ctx.templates, &report),
            ReportFormat::Html => doc::html(&ctx.templates, &report),
            ReportFormat::Csv => doc::csv(&report),
            ReportFormat::Json => serde_json::to_string_pretty(&report).map_err(|e| AppError::internal(e.to_string())),
        }
    })
    .map_err(|e| e.to_string())?;
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Ok(())
}

fn bench_data(spec: &kanogap::bench_data::Spec, out: &std::path::Path) -> Result<(), String> {
    if spec.segments == 0 || spec.requirements == 0 {
        return Err("--segments and --requirements must be at least 1".into());
    }
    let written = kanogap::bench_data::run(spec, out)?;
    println!(
        "wrote {} ({} answer pairs from {} respondents), {} and {} ({} segments, {} requirements, {} assessments)",
        written.responses_csv.display(),
        spec.responses,
        written.respondents,
        written.catalogue_json.display(),
        written.database.display(),
        spec.segments,
        spec.requirements,
        written.assessments
    );
    Ok(())
}

/// Loads the demo data and prints how to sign in as each role. With `if_empty`, a database that
/// already has data is left alone.
fn load_demo(settings: &Settings, if_empty: bool) -> Result<(), String> {
    let db = Db::connect(&settings.database_url, 1)?;
    // The first admin, as at every start, so the demo has a way in for everyone.
    kanogap::app::ensure_first_admin(&db, settings).map_err(|e| e.to_string())?;
    match kanogap::demo::load(&db) {
        Ok(summary) => {
            println!(
                "Loaded the Northfield University demo: {} segments, {} requirements, {} sessions, {} findings, {} questionnaire answers, {} assessments, {} complaints, {} satisfaction surveys with {} answers, {} improvement plans, {} root-cause analyses, {} COScom.",
                summary.segments, summary.requirements, summary.sessions, summary.findings, summary.answers, summary.assessments,
                summary.complaints, summary.satisfaction_surveys, summary.satisfaction_answers,
                summary.improvement_plans,
                summary.root_causes, summary.coscoms
            );
            println!("Sign in as (passwords are shown only now):");
            for (email, role, segment, password) in summary.users {
                let segment = segment.map(|s| format!(" ({s})")).unwrap_or_default();
                println!("  {:<12} {email:<48} {password}{segment}", role.as_str());
            }
            Ok(())
        }
        Err(kanogap::error::AppError::Conflict { .. }) if if_empty => {
            tracing::info!("the database already has data; not loading the demo");
            Ok(())
        }
        Err(e) => Err(e.to_string()),
    }
}
