//! SQLite's threading mode: multi-thread, not serialized.
//!
//! The bundled SQLite is compiled serialized (`SQLITE_THREADSAFE=1`): every call on a
//! connection, down to reading one column of one row, takes that connection's mutex. Here a
//! connection is never used by two threads at once (diesel's `SqliteConnection` is not `Sync`,
//! and the pool hands each out to one holder), so that mutex guards nothing; a gap report then
//! read 3 million values and spent a sixth of its time locking and unlocking it. In
//! multi-thread mode SQLite keeps its global locks (page cache, allocator) and drops the
//! per-connection one. rusqlite makes the same choice for the same reason.

use std::sync::Once;

/// Switches SQLite to multi-thread mode, once per process, before its first connection.
/// Called wherever kanogap opens a SQLite connection; when something in the process opened one
/// earlier, SQLite refuses the switch and stays serialized, which is correct, only slower.
pub fn multi_thread() {
    static SWITCH: Once = Once::new();
    SWITCH.call_once(|| {
        // SAFETY: sqlite3_config may only run while no connection is being opened or used;
        // `Once` makes this the process's only call, and it runs before kanogap opens its first
        // connection. A library already initialised answers SQLITE_MISUSE and changes nothing.
        let rc = unsafe { libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD) };
        if rc != libsqlite3_sys::SQLITE_OK {
            tracing::debug!(rc, "SQLite stays in serialized mode: a connection was opened before");
        }
    });
}

/// Whether new connections get no mutex of their own (multi-thread mode).
pub fn is_multi_thread() -> bool {
    let mut conn = std::ptr::null_mut();
    let name = c":memory:";
    // SAFETY: opens and closes a private in-memory database; `sqlite3_db_mutex` only reads the
    // handle, which is valid between the open and the close.
    unsafe {
        if libsqlite3_sys::sqlite3_open(name.as_ptr(), &mut conn) != libsqlite3_sys::SQLITE_OK {
            libsqlite3_sys::sqlite3_close(conn);
            return false;
        }
        let unguarded = libsqlite3_sys::sqlite3_db_mutex(conn).is_null();
        libsqlite3_sys::sqlite3_close(conn);
        unguarded
    }
}
