//! Every row of every table, as `column=value` text, on either database: what the
//! anonymity checks read.

use crate::helpers::TestApp;
use sqlx::Row;

/// (table, row) for every row of every table of Tandem's database.
pub async fn rows_of_every_table(t: &TestApp) -> Vec<(String, String)> {
    let pool = &t.app.svc.store.pool;
    let mut c = pool.acquire().await.expect("conn");
    let postgres = t.app.svc.store.dialect == tandem::store::Dialect::Postgres;
    let list = if postgres {
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    let tables: Vec<String> =
        sqlx::query(list).fetch_all(&mut *c).await.expect("tables").iter().map(|r| r.get::<String, _>(0)).collect();
    let mut out = Vec::new();
    for table in tables.into_iter().filter(|t| !t.starts_with("_sqlx")) {
        let columns_sql = if postgres {
            format!(
                "SELECT column_name::text FROM information_schema.columns WHERE table_name = '{table}' AND table_schema = current_schema() ORDER BY ordinal_position"
            )
        } else {
            format!("SELECT name FROM pragma_table_info('{table}')")
        };
        let columns: Vec<String> = sqlx::query(sqlx::AssertSqlSafe(columns_sql))
            .fetch_all(&mut *c)
            .await
            .expect("columns")
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect();
        // An image's bytes are no text: SQLite shows a blob as hex (Postgres casts BYTEA so).
        let cast = |col: &String| {
            if postgres {
                format!("CAST({col} AS TEXT)")
            } else {
                format!("CASE WHEN typeof({col}) = 'blob' THEN hex({col}) ELSE CAST({col} AS TEXT) END")
            }
        };
        let select: Vec<String> = columns.iter().map(cast).collect();
        let sql = format!("SELECT {} FROM {table}", select.join(", "));
        for r in sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&mut *c).await.expect("rows") {
            let cells: Vec<String> = columns
                .iter()
                .enumerate()
                .map(|(i, col)| format!("{col}={}", r.get::<Option<String>, _>(i).unwrap_or_else(|| "NULL".into())))
                .collect();
            out.push((table.clone(), cells.join(" ")));
        }
    }
    out
}
