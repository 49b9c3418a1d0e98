//! The relay daemon's SQLite store: scan cursors, proposed state batches, and every message's
//! lifecycle (`pending` → `relayable` → `submitting` → `relayed` | `failed`).
//!
//! Every transition is one statement (SQLite makes it atomic and durable), so killing the
//! daemon at any moment leaves a consistent file. A message is marked `submitting` *before*
//! its transaction is sent; on restart such messages are reconciled against the chain before
//! anything is resent, which is what prevents double submission.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use rusqlite::{params, Connection, OptionalExtension};

/// A message's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Seen at its source; not deliverable yet (window, checkpoint, batch).
    Pending,
    /// Deliverable now.
    Relayable,
    /// A delivery transaction may be in flight (reconciled on restart).
    Submitting,
    /// Delivered.
    Relayed,
    /// Gave up after the configured attempts (or refused for good).
    Failed,
}

impl Status {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Relayable => "relayable",
            Self::Submitting => "submitting",
            Self::Relayed => "relayed",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "relayable" => Self::Relayable,
            "submitting" => Self::Submitting,
            "relayed" => Self::Relayed,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
}

/// One message as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Its id (hex): the message hash (system 1) or tracing id (system 2).
    pub id: String,
    /// `xdm` or `ipc`.
    pub system: String,
    /// Route, e.g. `child->parent`.
    pub route: String,
    /// State.
    pub status: Status,
    /// What the relayer needs to deliver it (JSON).
    pub payload: String,
    /// Block it was emitted in at its source.
    pub source_block: u64,
    /// Unix seconds (fractional) it was first seen.
    pub seen_at: f64,
    /// When it became relayable.
    pub relayable_at: Option<f64>,
    /// When it was relayed.
    pub relayed_at: Option<f64>,
    /// The delivering transaction.
    pub tx_hash: Option<String>,
    /// Gas of the delivering transaction.
    pub gas_used: Option<u64>,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not before this time (backoff).
    pub next_attempt_at: f64,
    /// The last error.
    pub last_error: Option<String>,
    /// The outcome at the destination (e.g. `ok`, `failed`, `ActorErr`).
    pub outcome: Option<String>,
}

/// Unix time now, in seconds.
#[must_use]
pub fn now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
}

/// The store.
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
CREATE TABLE IF NOT EXISTS cursors (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    system TEXT NOT NULL,
    route TEXT NOT NULL,
    status TEXT NOT NULL,
    payload TEXT NOT NULL,
    source_block INTEGER NOT NULL,
    seen_at REAL NOT NULL,
    relayable_at REAL,
    relayed_at REAL,
    tx_hash TEXT,
    gas_used INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    outcome TEXT
);
CREATE INDEX IF NOT EXISTS messages_status ON messages(status);
CREATE TABLE IF NOT EXISTS validator_faults (
    validator TEXT NOT NULL,
    route TEXT NOT NULL,
    kind TEXT NOT NULL,
    height INTEGER NOT NULL,
    digest TEXT NOT NULL,
    reason TEXT NOT NULL,
    seen_at REAL NOT NULL,
    PRIMARY KEY (validator, route, kind, height, digest)
);
CREATE TABLE IF NOT EXISTS state_batches (
    pair TEXT NOT NULL,
    idx INTEGER NOT NULL,
    payload TEXT NOT NULL,
    appended_at REAL NOT NULL,
    PRIMARY KEY (pair, idx)
);
";

const COLUMNS: &str = "id, system, route, status, payload, source_block, seen_at, relayable_at, \
                       relayed_at, tx_hash, gas_used, attempts, next_attempt_at, last_error, outcome";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Message> {
    let status: String = r.get(3)?;
    Ok(Message {
        id: r.get(0)?,
        system: r.get(1)?,
        route: r.get(2)?,
        status: Status::parse(&status),
        payload: r.get(4)?,
        source_block: r.get::<_, i64>(5)?.try_into().unwrap_or_default(),
        seen_at: r.get(6)?,
        relayable_at: r.get(7)?,
        relayed_at: r.get(8)?,
        tx_hash: r.get(9)?,
        gas_used: r.get::<_, Option<i64>>(10)?.and_then(|g| g.try_into().ok()),
        attempts: r.get(11)?,
        next_attempt_at: r.get(12)?,
        last_error: r.get(13)?,
        outcome: r.get(14)?,
    })
}

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl Store {
    /// Opens (creating) the store at `path`.
    ///
    /// # Errors
    /// When the file cannot be opened or is not a crossnet store.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA).with_context(|| format!("initialising {}", path.display()))?;
        Ok(Self { conn })
    }

    /// Opens the store read-only-ish for `crossnet status` (fails when it does not exist).
    ///
    /// # Errors
    /// A missing file.
    pub fn open_existing(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            anyhow::bail!(
                "no relay database at {} (has `crossnet relay` run with this config?)",
                path.display()
            );
        }
        Self::open(path)
    }

    /// A cursor (`None`: never set).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn cursor(&self, name: &str) -> anyhow::Result<Option<u64>> {
        let v: Option<i64> = self
            .conn
            .query_row("SELECT value FROM cursors WHERE name = ?1", params![name], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|v| u64::try_from(v).ok()))
    }

    /// Sets a cursor.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn set_cursor(&self, name: &str, value: u64) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO cursors(name, value) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            params![name, i64_of(value)],
        )?;
        Ok(())
    }

    /// Records a newly seen message (ignored when already known). Returns whether it was new.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn insert(
        &self,
        id: &str,
        system: &str,
        route: &str,
        payload: &str,
        source_block: u64,
    ) -> anyhow::Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO messages(id, system, route, status, payload, source_block, seen_at)
             VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6)",
            params![id, system, route, payload, i64_of(source_block), now()],
        )?;
        Ok(n == 1)
    }

    /// The message `id`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn get(&self, id: &str) -> anyhow::Result<Option<Message>> {
        let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = ?1");
        Ok(self.conn.query_row(&sql, params![id], row).optional()?)
    }

    /// Messages of `system` and `route` in `status`, oldest first.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn with_status(
        &self,
        system: &str,
        route: &str,
        status: Status,
    ) -> anyhow::Result<Vec<Message>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM messages WHERE system = ?1 AND route = ?2 AND status = ?3
             ORDER BY source_block, seen_at, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![system, route, status.as_str()], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Messages of `system` and `route` not delivered yet (pending, relayable or
    /// submitting), oldest first.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn unfinished(&self, system: &str, route: &str) -> anyhow::Result<Vec<Message>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM messages WHERE system = ?1 AND route = ?2
               AND status IN ('pending', 'relayable', 'submitting')
             ORDER BY source_block, seen_at, id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params![system, route], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every message, oldest first.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn all(&self) -> anyhow::Result<Vec<Message>> {
        let sql = format!("SELECT {COLUMNS} FROM messages ORDER BY seen_at, id");
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks `id` relayable (keeps the first time).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn mark_relayable(&self, id: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE messages SET status = 'relayable', relayable_at = COALESCE(relayable_at, ?2)
             WHERE id = ?1 AND status IN ('pending', 'relayable')",
            params![id, now()],
        )?;
        Ok(())
    }

    /// Marks `id` as being submitted (before the transaction is sent); counts an attempt.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn mark_submitting(&self, id: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE messages SET status = 'submitting', attempts = attempts + 1,
                relayable_at = COALESCE(relayable_at, ?2) WHERE id = ?1",
            params![id, now()],
        )?;
        Ok(())
    }

    /// Marks `id` relayed by `tx_hash`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn mark_relayed(
        &self,
        id: &str,
        tx_hash: Option<&str>,
        gas_used: Option<u64>,
        outcome: &str,
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE messages SET status = 'relayed', relayed_at = COALESCE(relayed_at, ?2),
                relayable_at = COALESCE(relayable_at, ?2),
                tx_hash = COALESCE(?3, tx_hash), gas_used = COALESCE(?4, gas_used),
                outcome = ?5, last_error = NULL
             WHERE id = ?1",
            params![id, now(), tx_hash, gas_used.map(i64_of), outcome],
        )?;
        Ok(())
    }

    /// Records the transaction carrying `id` (sent, maybe not mined yet).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn set_tx(&self, id: &str, tx_hash: &str) -> anyhow::Result<()> {
        self.conn
            .execute("UPDATE messages SET tx_hash = ?2 WHERE id = ?1", params![id, tx_hash])?;
        Ok(())
    }

    /// Records a failed attempt: back to `relayable` with exponential backoff, or `failed`
    /// after `max_attempts`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn mark_attempt_failed(
        &self,
        id: &str,
        error: &str,
        max_attempts: u32,
    ) -> anyhow::Result<Status> {
        let attempts: u32 = self
            .conn
            .query_row("SELECT attempts FROM messages WHERE id = ?1", params![id], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let status = if attempts >= max_attempts { Status::Failed } else { Status::Relayable };
        let backoff = f64::from(2u32.saturating_pow(attempts.min(10))).min(60.0);
        self.conn.execute(
            "UPDATE messages SET status = ?2, last_error = ?3, next_attempt_at = ?4 WHERE id = ?1",
            params![id, status.as_str(), error, now() + backoff],
        )?;
        Ok(status)
    }

    /// Puts every `failed` message back to `relayable` with a fresh attempt budget.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn retry_failed(&self) -> anyhow::Result<usize> {
        Ok(self.conn.execute(
            "UPDATE messages SET status = 'relayable', attempts = 0, next_attempt_at = 0
             WHERE status = 'failed'",
            [],
        )?)
    }

    /// Records a validator's fault (a statement the relayer did not use, and why), once per
    /// statement. Returns whether it is new.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn record_fault(
        &self,
        validator: &alloy::primitives::Address,
        route: &str,
        kind: &str,
        height: u64,
        digest: &alloy::primitives::B256,
        reason: &str,
    ) -> anyhow::Result<bool> {
        let n = self.conn.execute(
            "INSERT OR IGNORE INTO validator_faults(validator, route, kind, height, digest, reason, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                format!("{validator}"),
                route,
                kind,
                i64_of(height),
                format!("{digest}"),
                reason,
                now()
            ],
        )?;
        Ok(n == 1)
    }

    /// Faults per validator and reason: (validator, reason, count), most first.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn faults(&self) -> anyhow::Result<Vec<(String, String, u64)>> {
        let mut stmt = self.conn.prepare(
            "SELECT validator, reason, COUNT(*) FROM validator_faults
             GROUP BY validator, reason ORDER BY COUNT(*) DESC, validator",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.try_into().unwrap_or_default()))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a state batch proposed for system 1 pair `pair` (its child chain's name).
    ///
    /// # Errors
    /// SQLite errors.
    pub fn put_batch(&self, pair: &str, index: u64, payload: &str) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO state_batches(pair, idx, payload, appended_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![pair, i64_of(index), payload, now()],
        )?;
        Ok(())
    }

    /// Every recorded batch of pair `pair` (index, payload), in order.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn batches(&self, pair: &str) -> anyhow::Result<Vec<(u64, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT idx, payload FROM state_batches WHERE pair = ?1 ORDER BY idx")?;
        let rows = stmt.query_map(params![pair], |r| {
            Ok((r.get::<_, i64>(0)?.try_into().unwrap_or_default(), r.get(1)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn store() -> (tempdir::Dir, Store) {
        let dir = tempdir::Dir::new();
        let store = Store::open(&dir.path.join("relay.sqlite")).unwrap();
        (dir, store)
    }

    mod tempdir {
        /// A temporary directory removed on drop.
        pub struct Dir {
            pub path: std::path::PathBuf,
        }
        impl Dir {
            pub fn new() -> Self {
                let path = std::env::temp_dir().join(format!(
                    "crossnet-store-{}-{}",
                    std::process::id(),
                    super::now().to_bits()
                ));
                std::fs::create_dir_all(&path).unwrap();
                Self { path }
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.path);
            }
        }
    }

    #[test]
    fn lifecycle_survives_reopen() {
        let (dir, store) = store();
        assert!(store.insert("0x01", "xdm", "child->parent", "{}", 7).unwrap());
        assert!(!store.insert("0x01", "xdm", "child->parent", "{}", 7).unwrap(), "idempotent");
        store.mark_relayable("0x01").unwrap();
        store.mark_submitting("0x01").unwrap();
        store.set_cursor("c", 42).unwrap();
        drop(store);
        let store = Store::open(&dir.path.join("relay.sqlite")).unwrap();
        let m = store.get("0x01").unwrap().unwrap();
        assert_eq!((m.status, m.attempts, m.source_block), (Status::Submitting, 1, 7));
        assert!(m.relayable_at.is_some());
        assert_eq!(store.cursor("c").unwrap(), Some(42));
        store.mark_relayed("0x01", Some("0xaa"), Some(21_000), "ok").unwrap();
        let m = store.get("0x01").unwrap().unwrap();
        assert_eq!(
            (m.status, m.gas_used, m.outcome.as_deref()),
            (Status::Relayed, Some(21_000), Some("ok"))
        );
    }

    #[test]
    fn failed_attempts_back_off_then_give_up_and_can_be_retried() {
        let (_dir, store) = store();
        store.insert("0x02", "ipc", "parent->child", "{}", 1).unwrap();
        for _ in 0..2 {
            store.mark_submitting("0x02").unwrap();
            assert_eq!(store.mark_attempt_failed("0x02", "boom", 3).unwrap(), Status::Relayable);
            assert!(store.get("0x02").unwrap().unwrap().next_attempt_at > now());
        }
        store.mark_submitting("0x02").unwrap();
        assert_eq!(store.mark_attempt_failed("0x02", "boom", 3).unwrap(), Status::Failed);
        assert_eq!(store.with_status("ipc", "parent->child", Status::Failed).unwrap().len(), 1);
        assert_eq!(store.retry_failed().unwrap(), 1);
        let m = store.get("0x02").unwrap().unwrap();
        assert_eq!((m.status, m.attempts), (Status::Relayable, 0));
    }

    #[test]
    fn refuses_a_file_that_is_not_sqlite() {
        let dir = tempdir::Dir::new();
        let path = dir.path.join("bad.sqlite");
        std::fs::write(&path, b"definitely not a database file, just text").unwrap();
        assert!(Store::open(&path).is_err());
    }
}
