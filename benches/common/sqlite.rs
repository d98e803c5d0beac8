//! A thin wrapper over SQLite's C API (the same bundled SQLite the app links), so the floors
//! are true prepared-statement loops with nothing in between.

use std::ffi::{CStr, CString};
use std::os::raw::c_int;
use std::path::Path;
use std::ptr;

use libsqlite3_sys as ffi;

pub struct Connection(*mut ffi::sqlite3);

pub struct Statement<'c> {
    raw: *mut ffi::sqlite3_stmt,
    conn: &'c Connection,
}

pub fn version() -> String {
    // SAFETY: sqlite3_libversion returns a static NUL-terminated string.
    unsafe { CStr::from_ptr(ffi::sqlite3_libversion()) }
        .to_string_lossy()
        .into_owned()
}

impl Connection {
    pub fn open(path: &Path) -> Connection {
        let name = CString::new(path.to_string_lossy().as_bytes()).expect("path without NUL");
        let mut raw = ptr::null_mut();
        // SAFETY: valid C string and out pointer; the handle is closed in Drop.
        let rc = unsafe {
            ffi::sqlite3_open_v2(
                name.as_ptr(),
                &mut raw,
                ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE,
                ptr::null(),
            )
        };
        let conn = Connection(raw);
        conn.check(rc, "open");
        conn
    }

    fn check(&self, rc: c_int, what: &str) {
        if rc != ffi::SQLITE_OK && rc != ffi::SQLITE_ROW && rc != ffi::SQLITE_DONE {
            // SAFETY: the handle is open; errmsg returns a NUL-terminated string.
            let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(self.0)) }.to_string_lossy();
            panic!("sqlite {what}: {message} ({rc})");
        }
    }

    pub fn exec(&self, sql: &str) {
        let sql_c = CString::new(sql).expect("SQL without NUL");
        // SAFETY: open handle, valid C string, no callback.
        let rc = unsafe { ffi::sqlite3_exec(self.0, sql_c.as_ptr(), None, ptr::null_mut(), ptr::null_mut()) };
        self.check(rc, sql);
    }

    pub fn prepare(&self, sql: &str) -> Statement<'_> {
        let mut raw = ptr::null_mut();
        // SAFETY: open handle; the text is passed with its length; finalized in Drop.
        let rc = unsafe {
            ffi::sqlite3_prepare_v2(
                self.0,
                sql.as_ptr().cast(),
                sql.len() as c_int,
                &mut raw,
                ptr::null_mut(),
            )
        };
        self.check(rc, sql);
        Statement { raw, conn: self }
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // SAFETY: every statement borrows the connection, so all are finalized by now.
        unsafe { ffi::sqlite3_close(self.0) };
    }
}

impl Statement<'_> {
    pub fn bind_int(&mut self, index: c_int, value: i64) {
        // SAFETY: a prepared statement and an in-range index (checked by SQLite).
        let rc = unsafe { ffi::sqlite3_bind_int64(self.raw, index, value) };
        self.conn.check(rc, "bind");
    }

    pub fn bind_null(&mut self, index: c_int) {
        // SAFETY: as above.
        let rc = unsafe { ffi::sqlite3_bind_null(self.raw, index) };
        self.conn.check(rc, "bind");
    }

    /// Binds text that SQLite copies (the caller's buffer is reused for the next row).
    pub fn bind_text(&mut self, index: c_int, value: &[u8]) {
        // SAFETY: pointer and length of a live slice; SQLITE_TRANSIENT makes SQLite copy it.
        let rc = unsafe {
            ffi::sqlite3_bind_text(
                self.raw,
                index,
                value.as_ptr().cast(),
                value.len() as c_int,
                ffi::SQLITE_TRANSIENT(),
            )
        };
        self.conn.check(rc, "bind");
    }

    /// Steps once: true while there is a row.
    pub fn step(&mut self) -> bool {
        // SAFETY: a prepared statement.
        let rc = unsafe { ffi::sqlite3_step(self.raw) };
        self.conn.check(rc, "step");
        rc == ffi::SQLITE_ROW
    }

    pub fn reset(&mut self) {
        // SAFETY: a prepared statement.
        unsafe { ffi::sqlite3_reset(self.raw) };
    }

    pub fn int(&self, column: c_int) -> i64 {
        // SAFETY: called only after `step` returned a row.
        unsafe { ffi::sqlite3_column_int64(self.raw, column) }
    }

    pub fn double(&self, column: c_int) -> Option<f64> {
        // SAFETY: as above.
        unsafe {
            (ffi::sqlite3_column_type(self.raw, column) != ffi::SQLITE_NULL)
                .then(|| ffi::sqlite3_column_double(self.raw, column))
        }
    }

    pub fn text(&self, column: c_int) -> Vec<u8> {
        // SAFETY: as above; the pointer is valid for `bytes` bytes until the next step.
        unsafe {
            let p = ffi::sqlite3_column_text(self.raw, column);
            let n = ffi::sqlite3_column_bytes(self.raw, column) as usize;
            if p.is_null() {
                Vec::new()
            } else {
                std::slice::from_raw_parts(p, n).to_vec()
            }
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized once.
        unsafe { ffi::sqlite3_finalize(self.raw) };
    }
}
