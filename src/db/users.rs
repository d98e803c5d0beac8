use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{user_segments, users};
use super::{DbConnection, Page};
use crate::access::Caller;
use crate::domain::terms::Role;
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Raised to end every access token issued before (tokens carry the generation).
    pub token_generation: i32,
}

/// A user as the API shows it: never the password hash.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i32,
    pub email: String,
    pub role: Role,
    pub segment_ids: Vec<i32>,
    pub disabled: bool,
    #[serde(serialize_with = "super::utc_opt")]
    pub disabled_at: Option<NaiveDateTime>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

impl User {
    /// Stored words become the domain's types here, at the database's edge.
    fn from_row(row: UserRow, segment_ids: Vec<i32>) -> Result<Self, AppError> {
        Ok(User {
            role: stored_role(row.id, &row.role)?,
            id: row.id,
            email: row.email,
            segment_ids,
            disabled: row.disabled_at.is_some(),
            disabled_at: row.disabled_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn stored_role(id: i32, word: &str) -> Result<Role, AppError> {
    Role::parse(word).ok_or_else(|| AppError::internal(format!("user {id} has unknown role {word:?}")))
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub email: String,
    pub password_hash: String,
    pub role: String,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub role: Option<String>,
    pub disabled_at: Option<Option<NaiveDateTime>>,
    pub updated_at: Option<NaiveDateTime>,
}

fn segments_of(conn: &mut DbConnection, user_ids: &[i32]) -> QueryResult<HashMap<i32, Vec<i32>>> {
    let pairs: Vec<(i32, i32)> = user_segments::table
        .filter(user_segments::user_id.eq_any(user_ids.to_vec()))
        .order((user_segments::user_id, user_segments::segment_id))
        .select((user_segments::user_id, user_segments::segment_id))
        .load(conn)?;
    let mut map: HashMap<i32, Vec<i32>> = HashMap::new();
    for (user, segment) in pairs {
        map.entry(user).or_default().push(segment);
    }
    Ok(map)
}

/// The caller behind a token of this token generation: none when the user's sessions were
/// ended since the token was issued (see [`end_sessions`]).
pub fn load_caller_of_generation(
    conn: &mut DbConnection,
    id: i32,
    generation: i32,
) -> Result<Option<Caller>, AppError> {
    let row: Option<UserRow> = users::table
        .find(id)
        .filter(users::disabled_at.is_null())
        .filter(users::token_generation.eq(generation))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let role = stored_role(id, &row.role)?;
    let segment_ids = segments_of(conn, &[id])?.remove(&id).unwrap_or_default();
    Ok(Some(Caller {
        id,
        email: row.email,
        role,
        segment_ids,
    }))
}

/// Whether a token of this generation still speaks for an enabled user: what a token that names
/// its caller needs checked (one indexed row, a statement prepared once per connection).
pub fn generation_holds(conn: &mut DbConnection, id: i32, generation: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        users::table
            .find(id)
            .filter(users::disabled_at.is_null())
            .filter(users::token_generation.eq(generation)),
    ))
    .get_result(conn)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

pub fn list(conn: &mut DbConnection, page: Page) -> Result<(Vec<User>, i64), AppError> {
    let rows: Vec<UserRow> = users::table
        .order(users::email.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(UserRow::as_select())
        .load(conn)?;
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let mut segments = segments_of(conn, &ids)?;
    let items = rows
        .into_iter()
        .map(|r| {
            let s = segments.remove(&r.id).unwrap_or_default();
            User::from_row(r, s)
        })
        .collect::<Result<_, _>>()?;
    Ok((items, count(conn)?))
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<User, AppError> {
    let row = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("user"))?;
    let segments = segments_of(conn, &[id])?.remove(&id).unwrap_or_default();
    User::from_row(row, segments)
}

pub fn insert(conn: &mut DbConnection, new: &NewUser, segment_ids: &[i32]) -> Result<User, AppError> {
    let id: i32 = diesel::insert_into(users::table)
        .values(new)
        .returning(users::id)
        .get_result(conn)?;
    set_segments(conn, id, segment_ids)?;
    get(conn, id)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    changes: &UserChanges,
    segment_ids: Option<&[i32]>,
) -> Result<User, AppError> {
    diesel::update(users::table.find(id)).set(changes).execute(conn)?;
    if let Some(ids) = segment_ids {
        set_segments(conn, id, ids)?;
    }
    get(conn, id)
}

/// Replaces a user's segments (one row at a time: the shared connection type has no
/// multi-row insert).
fn set_segments(conn: &mut DbConnection, user_id: i32, segment_ids: &[i32]) -> QueryResult<()> {
    diesel::delete(user_segments::table.filter(user_segments::user_id.eq(user_id))).execute(conn)?;
    for segment_id in segment_ids {
        diesel::insert_into(user_segments::table)
            .values((
                user_segments::user_id.eq(user_id),
                user_segments::segment_id.eq(segment_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Ends every access token of the user issued before now: raises its token generation, which
/// every token carries and every request compares.
pub fn end_sessions(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::update(users::table.find(id))
        .set(users::token_generation.eq(users::token_generation + 1))
        .execute(conn)
}

pub fn count_active_admins(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq(Role::Admin.as_str()))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)
}
