//! The operations called directly, with no HTTP in between: the rules that once lived in each
//! front end (and drifted) hold for every caller of the operation. Runs on SQLite, or on
//! PostgreSQL with `KANOGAP_TEST_DATABASE_URL`.

#[path = "common/database.rs"]
mod database;

use kanogap::access::Caller;
use kanogap::db::Db;
use kanogap::domain::terms::{FindingCategory, Role, SessionKind};
use kanogap::error::AppError;
use kanogap::service::findings::{FindingRequirement, SessionFinding};
use kanogap::service::requirements::CreateRequirement;
use kanogap::service::sla::{RejectSla, SlaStep};
use kanogap::service::{self, Context};

/// A context on a fresh database with the demo data, and its tear-down guard.
fn context() -> (Context, tempfile::TempDir, Option<database::PgDatabase>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, pg) = database::fresh_database(dir.path(), "kanogap_service");
    let db = Db::connect(&url, 2).expect("database");
    kanogap::demo::load(&db).expect("demo data");
    (Context::new(db).expect("context"), dir, pg)
}

fn run<T>(f: impl std::future::Future<Output = T>) -> T {
    actix_web::rt::System::new().block_on(f)
}

fn leadership() -> Caller {
    Caller {
        id: 1,
        email: "lead@example.org".into(),
        role: Role::Leadership,
        segment_ids: vec![],
    }
}

fn stakeholder(segment_id: i32) -> Caller {
    Caller {
        id: 1,
        email: "stake@example.org".into(),
        role: Role::Stakeholder,
        segment_ids: vec![segment_id],
    }
}

fn field_of(e: &AppError) -> Vec<String> {
    match e {
        AppError::Invalid { fields, .. } => fields.keys().cloned().collect(),
        other => panic!("expected a refusal of the input, got {other:?}"),
    }
}

#[test]
fn a_stakeholder_cannot_run_a_leadership_operation() {
    let (ctx, _dir, _pg) = context();
    run(async {
        let segment = service::segments::list(&ctx, &leadership(), kanogap::db::Page { limit: 1, offset: 0 })
            .await
            .unwrap()
            .items[0]
            .id;
        let draft = service::sla::create(&ctx, &leadership(), service::sla::CreateSla { segment_id: segment })
            .await
            .unwrap();
        let (id, who) = (draft.id, stakeholder(segment));
        for step in [SlaStep::Submit, SlaStep::Approve] {
            let e = service::sla::step(&ctx, &who, id, step).await.unwrap_err();
            assert!(matches!(e, AppError::Forbidden), "{e:?}");
        }
        let input = CreateRequirement {
            key: "NEW-ONE".into(),
            title: "t".into(),
            description: None,
            service_area_id: 1,
            metric: None,
            unit: None,
            direction: None,
            target: None,
        };
        let e = service::requirements::create(&ctx, &who, input).await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden), "{e:?}");
    });
}

#[test]
fn a_reject_comment_is_limited_whoever_sends_it() {
    let (ctx, _dir, _pg) = context();
    run(async {
        let lead = leadership();
        let segment = service::segments::list(&ctx, &lead, kanogap::db::Page { limit: 1, offset: 0 })
            .await
            .unwrap()
            .items[0]
            .id;
        let draft = service::sla::create(&ctx, &lead, service::sla::CreateSla { segment_id: segment })
            .await
            .unwrap();
        service::sla::step(&ctx, &lead, draft.id, SlaStep::Submit)
            .await
            .unwrap();
        let long = RejectSla {
            comment: "x".repeat(4001),
        };
        let e = service::sla::step(&ctx, &lead, draft.id, SlaStep::Reject(long))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), ["comment"]);
        let blank = RejectSla { comment: "  ".into() };
        let e = service::sla::step(&ctx, &lead, draft.id, SlaStep::Reject(blank))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), ["comment"]);
        let fine = RejectSla {
            comment: "Add the weekend hours.".into(),
        };
        let view = service::sla::step(&ctx, &lead, draft.id, SlaStep::Reject(fine))
            .await
            .unwrap();
        assert_eq!(view.review_comment.as_deref(), Some("Add the weekend hours."));
    });
}

#[test]
fn a_session_finding_note_is_limited_like_the_apis() {
    let (ctx, _dir, _pg) = context();
    run(async {
        let admin = Caller::system("test");
        let segment = service::segments::list(&ctx, &admin, kanogap::db::Page { limit: 1, offset: 0 })
            .await
            .unwrap()
            .items[0]
            .id;
        let session = service::sessions::create(
            &ctx,
            &admin,
            service::sessions::CreateSession {
                kind: SessionKind::FocusGroup,
                title: "Notes".into(),
                held_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                segment_ids: vec![segment],
                facilitator: None,
                notes: None,
            },
        )
        .await
        .unwrap();
        let requirement = service::requirements::list(
            &ctx,
            &admin,
            Default::default(),
            kanogap::db::Page { limit: 1, offset: 0 },
        )
        .await
        .unwrap()
        .items[0]
            .id;
        let finding = |note: String| SessionFinding {
            requirement: FindingRequirement::Existing(requirement),
            segment_id: segment,
            category: FindingCategory::Basic,
            importance: 3,
            note: Some(note),
        };
        let e =
            service::findings::record_session_findings(&ctx, &admin, session.id, vec![(2, finding("n".repeat(4001)))])
                .await
                .unwrap_err();
        assert_eq!(field_of(&e), ["note"]);
        assert!(e.to_string().starts_with("Row 2:"), "{e}");
        let saved =
            service::findings::record_session_findings(&ctx, &admin, session.id, vec![(1, finding("ok".into()))])
                .await
                .unwrap();
        assert_eq!(saved, 1);
    });
}

#[test]
fn a_password_is_measured_in_characters_on_every_path() {
    let (ctx, _dir, _pg) = context();
    run(async {
        let admin = Caller::system("test");
        let create = |password: &str, email: &str| service::users::CreateUser {
            email: email.into(),
            password: password.into(),
            role: Role::Leadership,
            segment_ids: vec![],
        };
        // Eleven characters, twenty-two bytes: too short, however it is counted in bytes.
        let e = service::users::create(&ctx, &admin, create(&"é".repeat(11), "a@example.org"))
            .await
            .unwrap_err();
        assert_eq!(field_of(&e), ["password"]);
        let user = service::users::create(&ctx, &admin, create(&"é".repeat(12), "b@example.org"))
            .await
            .unwrap();
        assert_eq!(user.email, "b@example.org");
        // Once there are users, start-up creates no admin.
        let none = service::users::create_first_admin(&ctx.db, "c@example.org", &"é".repeat(12)).unwrap();
        assert!(none.is_none());
        // The address is taken: refused by the database, naming the field.
        let e = service::users::create(&ctx, &admin, create(&"p".repeat(12), "B@example.org"))
            .await
            .unwrap_err();
        match e {
            AppError::Duplicate { fields, .. } => assert!(fields.contains_key("email")),
            other => panic!("expected duplicate, got {other:?}"),
        }
    });
}

#[test]
fn the_first_admin_follows_the_same_rules() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (url, _pg) = database::fresh_database(dir.path(), "kanogap_service");
    let db = Db::connect(&url, 2).expect("database");
    let e = service::users::create_first_admin(&db, "root@example.org", &"é".repeat(11)).unwrap_err();
    assert_eq!(field_of(&e), ["password"]);
    let admin = service::users::create_first_admin(&db, "Root@Example.org", &"é".repeat(12))
        .unwrap()
        .expect("created on an empty database");
    assert_eq!(
        (admin.email.as_str(), admin.role.as_str()),
        ("root@example.org", "admin")
    );
}

/// The demo's service report has a trend on the first run: last month and the six before,
/// call-backs improving but short of the goal, uptime figures against their limit.
#[test]
fn the_demo_service_report_has_a_trend() {
    let (ctx, _dir, _pg) = context();
    run(async {
        let period = service::service_levels::last_month();
        let report = service::service_levels::service_report(&ctx, &leadership(), period, None)
            .await
            .expect("report");
        assert_eq!(report.summary.targets, 2);
        let callbacks = report
            .items
            .iter()
            .find(|i| i.requirement.key == "HD-CALLBACK")
            .expect("call-back target");
        assert_eq!(callbacks.measure, "first_response");
        assert!(callbacks.counted.unwrap_or(0) > 0);
        assert_eq!(callbacks.trend.iter().flatten().count(), 6, "{:?}", callbacks.trend);
        let uptime = report
            .items
            .iter()
            .find(|i| i.requirement.key == "ID-UPTIME")
            .expect("uptime target");
        assert_eq!(uptime.value, Some(99.94));
        assert_eq!(uptime.trend.iter().flatten().count(), 6);
        let md = kanogap::render::service_report::markdown(&ctx.templates, &report).expect("markdown");
        assert_eq!(md.matches("<svg").count(), 2);
    });
}

/// The demo's voice of the customer: a year of complaints in twelve months, references gapless
/// per year, two overall surveys a year apart on the scorecard and a few hundred transaction
/// answers.
#[test]
fn the_demo_has_a_year_of_complaints_and_two_overall_surveys() {
    let (ctx, _dir, _pg) = context();
    let lead = leadership();
    run(async {
        use kanogap::service::complaints::GroupBy;
        let stats = service::complaints::stats(&ctx, &lead, None, None, None, GroupBy::Month)
            .await
            .expect("stats");
        assert_eq!(stats.groups.len(), 12, "November 2025 to October 2026");
        let received: u64 = stats.groups.iter().map(|g| g.received).sum();
        assert!(received >= 60, "{received}");
        let all = service::complaints::list(
            &ctx,
            &lead,
            Default::default(),
            kanogap::db::Page { limit: 500, offset: 0 },
        )
        .await
        .expect("list");
        for year in [2025, 2026] {
            let mut numbers: Vec<u32> = all
                .items
                .iter()
                .filter_map(|c| c.complaint.reference.strip_prefix(&format!("C-{year}-")))
                .map(|n| n.parse().expect("number"))
                .collect();
            numbers.sort_unstable();
            assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>(), "{year}");
        }
        let card = service::satisfaction::scorecard_for(&ctx, &lead, None)
            .await
            .expect("scorecard");
        assert_eq!(card.items.len(), 2);
        assert!(card.items[1].satisfied_pct > card.items[0].satisfied_pct);
        let surveys = service::satisfaction::list(
            &ctx,
            &lead,
            Default::default(),
            kanogap::db::Page { limit: 10, offset: 0 },
        )
        .await
        .expect("surveys");
        let transaction = surveys
            .items
            .iter()
            .find(|s| s.kind == "transaction")
            .expect("transaction survey");
        let results = service::satisfaction::results(&ctx, &lead, transaction.id, None)
            .await
            .expect("results");
        assert!(results.results.n >= 300, "{}", results.results.n);
    });
}
