use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::schema::service_areas;
use super::{DbConnection, Page};
use crate::error::AppError;

#[derive(Debug, Queryable, Selectable, Serialize, utoipa::ToSchema)]
#[diesel(table_name = service_areas)]
pub struct ServiceArea {
    pub id: i32,
    pub name: String,
    pub description: Option<String>,
    #[serde(serialize_with = "super::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "super::utc")]
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = service_areas)]
pub struct NewServiceArea {
    pub name: String,
    pub description: Option<String>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = service_areas)]
pub struct ServiceAreaChanges {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub updated_at: Option<NaiveDateTime>,
}

pub fn list(conn: &mut DbConnection, page: Page) -> QueryResult<(Vec<ServiceArea>, i64)> {
    let items = service_areas::table
        .order(service_areas::id.asc())
        .limit(page.limit)
        .offset(page.offset)
        .select(ServiceArea::as_select())
        .load(conn)?;
    let total = service_areas::table.count().get_result(conn)?;
    Ok((items, total))
}

pub fn get(conn: &mut DbConnection, id: i32) -> Result<ServiceArea, AppError> {
    service_areas::table
        .find(id)
        .select(ServiceArea::as_select())
        .first(conn)
        .optional()?
        .ok_or(AppError::NotFound("service area"))
}

pub fn exists(conn: &mut DbConnection, id: i32) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(service_areas::table.find(id))).get_result(conn)
}

pub fn insert(conn: &mut DbConnection, new: &NewServiceArea) -> QueryResult<ServiceArea> {
    diesel::insert_into(service_areas::table)
        .values(new)
        .returning(service_areas::all_columns)
        .get_result(conn)
}

pub fn update(conn: &mut DbConnection, id: i32, changes: &ServiceAreaChanges) -> QueryResult<ServiceArea> {
    diesel::update(service_areas::table.find(id))
        .set(changes)
        .returning(service_areas::all_columns)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: i32) -> QueryResult<usize> {
    diesel::delete(service_areas::table.find(id)).execute(conn)
}
