//! Failed sign-ins, kept in the database so that every instance counts the same attempts.
//! Plain queries only: what counts as too many is decided by `auth::throttle`.

use chrono::NaiveDateTime;
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use super::schema::login_failures;
use super::DbConnection;

/// How many failures a key has since a moment, and when the latest was.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Recent {
    pub count: i64,
    pub last: Option<NaiveDateTime>,
}

/// Failures of this account from this address since `since`.
pub fn recent_for_pair(
    conn: &mut DbConnection,
    account: &str,
    address: &str,
    since: NaiveDateTime,
) -> QueryResult<Recent> {
    let (count, last) = login_failures::table
        .filter(login_failures::account.eq(account))
        .filter(login_failures::address.eq(address))
        .filter(login_failures::at.gt(since))
        .select((count_star(), max(login_failures::at)))
        .get_result::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok(Recent { count, last })
}

/// Failures from this address, whatever the account, since `since`.
pub fn recent_for_address(conn: &mut DbConnection, address: &str, since: NaiveDateTime) -> QueryResult<Recent> {
    let (count, last) = login_failures::table
        .filter(login_failures::address.eq(address))
        .filter(login_failures::at.gt(since))
        .select((count_star(), max(login_failures::at)))
        .get_result::<(i64, Option<NaiveDateTime>)>(conn)?;
    Ok(Recent { count, last })
}

/// Records a failure (before the password is checked, so that concurrent guesses see it;
/// [`clear_pair`] takes it back when the password was right). Returns its id.
pub fn insert(conn: &mut DbConnection, account: &str, address: &str, at: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::account.eq(account),
            login_failures::address.eq(address),
            login_failures::at.eq(at),
        ))
        .returning(login_failures::id)
        .get_result(conn)
}

/// A successful sign-in forgets the failures of this account from this address (not those of
/// the address: one good password must not reset a spray against many accounts).
pub fn clear_pair(conn: &mut DbConnection, account: &str, address: &str) -> QueryResult<usize> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::account.eq(account))
            .filter(login_failures::address.eq(address)),
    )
    .execute(conn)
}

/// Deletes failures older than `before` (they no longer count).
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(login_failures::table.filter(login_failures::at.lt(before))).execute(conn)
}
