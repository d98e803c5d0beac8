//! The audit trail: written in the same transaction as the change it records.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::audit_log;
use super::{DbConnection, MultiBackend, Page};
use crate::access::Caller;

#[derive(Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: i32,
    #[serde(serialize_with = "super::utc")]
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor_email: String,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<i32>,
    /// A snapshot of the object, stored as JSON text and shown as JSON.
    #[serde(serialize_with = "as_json")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub detail: Option<String>,
}

fn as_json<S: serde::Serializer>(detail: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
    match detail.as_deref().map(serde_json::from_str::<serde_json::Value>) {
        Some(Ok(value)) => value.serialize(s),
        _ => detail.serialize(s),
    }
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewEntry<'a> {
    at: NaiveDateTime,
    actor_id: Option<i32>,
    actor_email: &'a str,
    action: &'a str,
    object_type: &'a str,
    object_id: Option<i32>,
    detail: Option<&'a str>,
}

pub fn record(
    conn: &mut DbConnection,
    actor: &Caller,
    action: &str,
    object_type: &str,
    object_id: i32,
    detail: Option<&str>,
) -> QueryResult<()> {
    // The command line has no user row: it is named, not linked.
    let actor_id = (!actor.is_system()).then_some(actor.id);
    let actor_email = actor.email.as_str();
    diesel::insert_into(audit_log::table)
        .values(NewEntry {
            at: super::now(),
            actor_id,
            actor_email,
            action,
            object_type,
            object_id: Some(object_id),
            detail,
        })
        .execute(conn)
        .map(|_| ())
}

/// Records what someone not signed in did (a throttled sign-in): `who` says what is known of
/// them, `detail` is JSON text.
pub fn record_anonymous(
    conn: &mut DbConnection,
    who: &str,
    action: &str,
    object_type: &str,
    object_id: Option<i32>,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(NewEntry {
            at: super::now(),
            actor_id: None,
            actor_email: who,
            action,
            object_type,
            object_id,
            detail: Some(detail),
        })
        .execute(conn)
        .map(|_| ())
}

/// Records a change with a snapshot of the object as it now is (as it was, for deletions).
pub fn record_object<T: Serialize>(
    conn: &mut DbConnection,
    actor: &Caller,
    action: &str,
    object_type: &str,
    object_id: i32,
    object: &T,
) -> QueryResult<()> {
    let snapshot = serde_json::to_string(object).ok();
    record(conn, actor, action, object_type, object_id, snapshot.as_deref())
}

pub struct AuditFilter {
    pub object_type: Option<String>,
    pub object_id: Option<i32>,
    pub actor_id: Option<i32>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'static, MultiBackend> {
    let mut q = audit_log::table.into_boxed();
    if let Some(t) = &f.object_type {
        q = q.filter(audit_log::object_type.eq(t.clone()));
    }
    if let Some(id) = f.object_id {
        q = q.filter(audit_log::object_id.eq(id));
    }
    if let Some(id) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(id));
    }
    q
}

/// Newest first.
pub fn list(conn: &mut DbConnection, f: &AuditFilter, page: Page) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let items = filtered(f)
        .order(audit_log::id.desc())
        .limit(page.limit)
        .offset(page.offset)
        .select(AuditEntry::as_select())
        .load(conn)?;
    let total = filtered(f).count().get_result(conn)?;
    Ok((items, total))
}
