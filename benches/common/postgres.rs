//! The PostgreSQL side of the floor benchmarks: a fresh database per run, the catalogue loaded
//! through the app's db layer, the import floor (`COPY` of the same rows into a bare table) and
//! the gap report's floor (one hand-written GROUP BY over the answers).

use std::collections::HashMap;
use std::io::Write;
use std::time::Instant;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::PgConnection;
use kanogap::domain::kano::Answer;

/// The server's URL and the name of each fresh database made on it.
pub struct Server {
    /// `postgres://USER@HOST:PORT` with no database.
    base: String,
}

impl Server {
    /// From `KANOGAP_BENCH_POSTGRES` (`postgres://USER@HOST:PORT/DB`, the DB used only to
    /// create and drop the benchmark's own databases); `None` when unset.
    pub fn from_env() -> Option<Server> {
        let url = std::env::var("KANOGAP_BENCH_POSTGRES").ok()?;
        let (base, _) = url
            .rsplit_once('/')
            .expect("KANOGAP_BENCH_POSTGRES: postgres://USER@HOST:PORT/DB");
        Some(Server { base: base.to_owned() })
    }

    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}?sslmode=disable", self.base)
    }

    /// Drops and creates database `name`; returns its URL.
    pub fn fresh(&self, name: &str) -> String {
        let mut admin = PgConnection::establish(&self.url("postgres")).expect("connect to PostgreSQL");
        // One statement each, through the extended protocol: a string of several runs as one
        // transaction, which these refuse.
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .expect("drop the benchmark database");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create the benchmark database");
        self.url(name)
    }
}

impl Server {
    /// Drops database `name` and makes it anew as a copy of `template` (which must have no
    /// connections); returns its URL.
    pub fn copy_of(&self, template: &str, name: &str) -> String {
        let mut admin = PgConnection::establish(&self.url("postgres")).expect("connect to PostgreSQL");
        diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut admin)
            .expect("drop the benchmark database");
        diesel::sql_query(format!("CREATE DATABASE {name} TEMPLATE {template}"))
            .execute(&mut admin)
            .expect("copy the benchmark database");
        self.url(name)
    }
}

diesel::table! {
    bare_responses (id) {
        id -> Integer,
        requirement_id -> Integer,
        segment_id -> Integer,
        session_id -> Nullable<Integer>,
        respondent -> Text,
        functional -> Integer,
        dysfunctional -> Integer,
        importance -> Nullable<Integer>,
    }
}

fn escape(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// The import floor: the same CSV read with the same csv crate, ids looked up and answers
/// parsed the same way, streamed by one `COPY ... FROM STDIN` into a table with the same
/// columns and nothing else, in one transaction. Seconds, from opening the file to the commit.
pub fn copy_floor(url: &str, csv_path: &std::path::Path, expected: u64) -> f64 {
    let mut conn = PgConnection::establish(url).expect("connect");
    conn.batch_execute(
        "DROP TABLE IF EXISTS bare_responses; CREATE TABLE bare_responses (id SERIAL, requirement_id INTEGER, \
         segment_id INTEGER, session_id INTEGER, respondent TEXT, functional INTEGER, dysfunctional INTEGER, \
         importance INTEGER, created_at TIMESTAMP DEFAULT (now() AT TIME ZONE 'utc'))",
    )
    .expect("bare table");
    let start = Instant::now();
    let segments: HashMap<Vec<u8>, i32> = kanogap::db::schema::segments::table
        .select((kanogap::db::schema::segments::name, kanogap::db::schema::segments::id))
        .load::<(String, i32)>(&mut conn)
        .expect("segments")
        .into_iter()
        .map(|(n, id)| (n.to_lowercase().into_bytes(), id))
        .collect();
    let requirements: HashMap<Vec<u8>, i32> = kanogap::db::schema::requirements::table
        .select((
            kanogap::db::schema::requirements::key,
            kanogap::db::schema::requirements::id,
        ))
        .load::<(String, i32)>(&mut conn)
        .expect("requirements")
        .into_iter()
        .map(|(k, id)| (k.into_bytes(), id))
        .collect();
    let rows = conn
        .transaction(|c| {
            diesel::copy_from(bare_responses::table)
                .from_raw_data(
                    (
                        bare_responses::requirement_id,
                        bare_responses::segment_id,
                        bare_responses::session_id,
                        bare_responses::respondent,
                        bare_responses::functional,
                        bare_responses::dysfunctional,
                        bare_responses::importance,
                    ),
                    |copy: &mut dyn Write| -> Result<(), diesel::result::Error> {
                        let mut reader = csv::ReaderBuilder::new()
                            .has_headers(true)
                            .from_path(csv_path)
                            .expect("open responses.csv");
                        let mut record = csv::ByteRecord::new();
                        let mut line = Vec::with_capacity(128);
                        let mut segment_key = Vec::new();
                        let answer = |bytes: &[u8]| {
                            Answer::parse(std::str::from_utf8(bytes).expect("UTF-8"))
                                .expect("an answer")
                                .number()
                        };
                        while reader.read_byte_record(&mut record).expect("read CSV") {
                            segment_key.clear();
                            segment_key.extend(record[1].iter().map(u8::to_ascii_lowercase));
                            line.clear();
                            let _ = write!(line, "{}\t{}\t\\N\t", requirements[&record[2]], segments[&segment_key]);
                            escape(&record[0], &mut line);
                            let _ = write!(line, "\t{}\t{}\t", answer(&record[3]), answer(&record[4]));
                            match &record[5] {
                                b"" => line.extend_from_slice(b"\\N"),
                                v => {
                                    let n: i32 = std::str::from_utf8(v).expect("UTF-8").parse().expect("importance");
                                    let _ = write!(line, "{n}");
                                }
                            }
                            line.push(b'\n');
                            copy.write_all(&line).expect("COPY data");
                        }
                        Ok(())
                    },
                )
                .execute(c)
        })
        .expect("COPY");
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(rows as u64, expected);
    secs
}

/// The gap report's aggregation as one PostgreSQL query (`GAP_SQL` of floor.rs with CASE
/// sums: PostgreSQL does not add booleans), every column cast to a double so one row type
/// reads them all.
pub const GAP_SQL: &str = "
WITH grid AS (
    SELECT segment_id, requirement_id,
        SUM(CASE WHEN functional = 1 AND dysfunctional BETWEEN 2 AND 4 THEN 1 ELSE 0 END) AS a,
        SUM(CASE WHEN functional = 1 AND dysfunctional = 5 THEN 1 ELSE 0 END) AS o,
        SUM(CASE WHEN functional BETWEEN 2 AND 4 AND dysfunctional = 5 THEN 1 ELSE 0 END) AS m,
        SUM(CASE WHEN functional BETWEEN 2 AND 4 AND dysfunctional BETWEEN 2 AND 4 THEN 1 ELSE 0 END) AS i,
        SUM(CASE WHEN (functional = 5 AND dysfunctional < 5) OR (functional BETWEEN 2 AND 4 AND dysfunctional = 1)
            THEN 1 ELSE 0 END) AS r,
        SUM(CASE WHEN (functional = 1 AND dysfunctional = 1) OR (functional = 5 AND dysfunctional = 5)
            THEN 1 ELSE 0 END) AS q,
        SUM(importance) AS importance_sum,
        COUNT(importance) AS importance_n
    FROM kano_responses
    GROUP BY segment_id, requirement_id
),
newest AS (
    SELECT requirement_id, segment_id, current_value, fulfilment,
        ROW_NUMBER() OVER (PARTITION BY requirement_id, segment_id ORDER BY assessed_on DESC, id DESC) AS nth
    FROM assessments
)
SELECT g.segment_id::float8 AS c0, g.requirement_id::float8 AS c1, s.weight::float8 AS c2,
    r.service_area_id::float8 AS c3, length(r.direction)::float8 AS c4, r.target::float8 AS c5,
    g.a::float8 AS c6, g.o::float8 AS c7, g.m::float8 AS c8, g.i::float8 AS c9, g.r::float8 AS c10,
    g.q::float8 AS c11, g.importance_sum::float8 AS c12, g.importance_n::float8 AS c13,
    (CASE WHEN own.requirement_id IS NOT NULL THEN own.current_value ELSE general.current_value END)::float8 AS c14,
    (CASE WHEN own.requirement_id IS NOT NULL THEN own.fulfilment ELSE general.fulfilment END)::float8 AS c15
FROM grid g
JOIN segments s ON s.id = g.segment_id
JOIN requirements r ON r.id = g.requirement_id
LEFT JOIN newest own ON own.requirement_id = g.requirement_id AND own.segment_id = g.segment_id AND own.nth = 1
LEFT JOIN newest general ON general.requirement_id = g.requirement_id AND general.segment_id IS NULL
    AND general.nth = 1
";

#[derive(QueryableByName)]
pub struct GapRow {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c0: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c1: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c2: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c3: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c4: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c5: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c6: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c7: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c8: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c9: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c10: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c11: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c12: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c13: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c14: Option<f64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Double>)]
    pub c15: Option<f64>,
}

impl GapRow {
    pub fn checksum(&self) -> f64 {
        [
            self.c0, self.c1, self.c2, self.c3, self.c4, self.c5, self.c6, self.c7, self.c8, self.c9, self.c10,
            self.c11, self.c12, self.c13, self.c14, self.c15,
        ]
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .sum()
    }
}
