//! What lists answer with, and the PATCH helper every update input uses.

use serde::Serialize;

/// One page of items, and how many there are in all (so a front end can page or say "of N").
#[derive(Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

impl<T> From<(Vec<T>, i64)> for Listing<T> {
    fn from((items, total): (Vec<T>, i64)) -> Self {
        Listing { items, total }
    }
}

/// For PATCH inputs: tells an absent field (`None`, leave as is) from an explicit `null`
/// (`Some(None)`, clear it). Use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    <Option<T> as serde::Deserialize>::deserialize(d).map(Some)
}
