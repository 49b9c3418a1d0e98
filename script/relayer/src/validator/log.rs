//! A validator's signing log: every statement it signed, by slot (verifying chain and
//! program, kind, height), in SQLite. It is checked before every signature, so a validator
//! never signs two different statements for one slot, across restarts too; a refusal is
//! logged and counted. The file is held with an exclusive lock, so a second process with the
//! same log cannot start.

use std::path::Path;
use std::sync::Mutex;

use alloy::primitives::{Address, Bytes, B256};
use anyhow::{bail, Context as _};
use rusqlite::{params, Connection, OptionalExtension};

use crate::signatures::SignedStatement;
use crate::statement::{Kind, Slot, Statement};

/// What happened to a statement offered for signing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recorded {
    /// Signed now.
    New(Bytes),
    /// Signed before, the same statement: the earlier signature.
    Again(Bytes),
    /// Another statement was signed for this slot: refused.
    Refused {
        /// The digest signed before.
        signed: B256,
    },
}

/// The log.
pub struct SigningLog {
    conn: Mutex<Connection>,
    signer: Address,
}

const SCHEMA: &str = "
PRAGMA locking_mode = EXCLUSIVE;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
BEGIN EXCLUSIVE;
CREATE TABLE IF NOT EXISTS signed (
    chain_id INTEGER NOT NULL,
    verifier TEXT NOT NULL,
    kind TEXT NOT NULL,
    height INTEGER NOT NULL,
    digest TEXT NOT NULL,
    statement BLOB NOT NULL,
    signature BLOB NOT NULL,
    signed_at REAL NOT NULL,
    PRIMARY KEY (chain_id, verifier, kind, height)
);
CREATE TABLE IF NOT EXISTS counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS owner (
    signer TEXT NOT NULL
);
COMMIT;
";

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl SigningLog {
    /// Opens (creating) the log at `path` for the validator `signer`, taking the file's
    /// exclusive lock.
    ///
    /// # Errors
    /// An unreadable file, a log of another validator, a log another process holds.
    pub fn open(path: &Path, signer: Address) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.busy_timeout(std::time::Duration::from_millis(200))?;
        conn.execute_batch(SCHEMA).with_context(|| {
            format!("initialising {} (is another validator process using it?)", path.display())
        })?;
        let owner: Option<String> =
            conn.query_row("SELECT signer FROM owner", [], |r| r.get(0)).optional()?;
        match owner {
            Some(owner) if owner != format!("{signer}") => {
                bail!("{} is the signing log of validator {owner}, not {signer}", path.display())
            }
            Some(_) => {}
            None => {
                conn.execute(
                    "INSERT INTO owner(signer) VALUES (?1)",
                    params![format!("{signer}")],
                )?;
            }
        }
        Ok(Self { conn: Mutex::new(conn), signer })
    }

    fn conn(&self) -> anyhow::Result<std::sync::MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| anyhow::anyhow!("signing log lock poisoned"))
    }

    /// The digest signed for `slot`, if any.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn signed(&self, slot: &Slot) -> anyhow::Result<Option<B256>> {
        let digest: Option<String> = self
            .conn()?
            .query_row(
                "SELECT digest FROM signed
                 WHERE chain_id = ?1 AND verifier = ?2 AND kind = ?3 AND height = ?4",
                params![
                    i64_of(slot.chain_id),
                    format!("{}", slot.verifier),
                    slot.kind.as_str(),
                    i64_of(slot.height)
                ],
                |r| r.get(0),
            )
            .optional()?;
        digest.map(|d| d.parse().context("stored digest")).transpose()
    }

    /// Signs `statement` with `sign` unless this slot holds another statement; records it.
    ///
    /// # Errors
    /// SQLite or signing errors.
    pub fn sign_once(
        &self,
        statement: &Statement,
        sign: impl Fn(&B256) -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Recorded> {
        let mut out = self.sign_all(std::slice::from_ref(statement), sign)?;
        out.pop().context("one statement in, one result out")
    }

    /// Signs each of `statements` with `sign` unless its slot holds another statement, and
    /// records them in one transaction (one sync to disk for the batch): a result per
    /// statement, in order.
    ///
    /// # Errors
    /// SQLite or signing errors (nothing of the batch is recorded then).
    pub fn sign_all(
        &self,
        statements: &[Statement],
        sign: impl Fn(&B256) -> anyhow::Result<Bytes>,
    ) -> anyhow::Result<Vec<Recorded>> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let mut out = Vec::with_capacity(statements.len());
        for statement in statements {
            out.push(record(&tx, statement, &sign)?);
        }
        tx.commit()?;
        Ok(out)
    }

    /// Signed statements of `kind` for `verifier` above `after`, by height, at most `limit`.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn page(
        &self,
        kind: Kind,
        verifier: Address,
        after: u64,
        limit: usize,
    ) -> anyhow::Result<Vec<SignedStatement>> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT chain_id, height, digest, statement, signature FROM signed
             WHERE kind = ?1 AND verifier = ?2 AND height > ?3 ORDER BY height LIMIT ?4",
        )?;
        let rows = stmt.query_map(
            params![kind.as_str(), format!("{verifier}"), i64_of(after), i64_of(limit as u64)],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Vec<u8>>(3)?,
                    r.get::<_, Vec<u8>>(4)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (chain_id, height, digest, statement, signature) = row?;
            out.push(SignedStatement {
                kind: kind.as_str().to_owned(),
                chain_id: u64::try_from(chain_id).unwrap_or_default(),
                verifier,
                height: u64::try_from(height).unwrap_or_default(),
                statement: statement.into(),
                digest: digest.parse().context("stored digest")?,
                signer: self.signer,
                signature: signature.into(),
            });
        }
        Ok(out)
    }

    /// Statements signed so far, and refused.
    ///
    /// # Errors
    /// SQLite errors.
    pub fn counts(&self) -> anyhow::Result<(u64, u64)> {
        let conn = self.conn()?;
        let signed: i64 = conn.query_row("SELECT COUNT(*) FROM signed", [], |r| r.get(0))?;
        let refused: Option<i64> = conn
            .query_row("SELECT value FROM counters WHERE name = 'refused'", [], |r| r.get(0))
            .optional()?;
        Ok((
            u64::try_from(signed).unwrap_or_default(),
            u64::try_from(refused.unwrap_or(0)).unwrap_or_default(),
        ))
    }
}

/// Signs and records one statement inside the caller's transaction.
fn record(
    tx: &rusqlite::Transaction<'_>,
    statement: &Statement,
    sign: &impl Fn(&B256) -> anyhow::Result<Bytes>,
) -> anyhow::Result<Recorded> {
    let slot = &statement.slot;
    let key = params![
        i64_of(slot.chain_id),
        format!("{}", slot.verifier),
        slot.kind.as_str(),
        i64_of(slot.height)
    ];
    let earlier: Option<(String, Vec<u8>)> = tx
        .query_row(
            "SELECT digest, signature FROM signed
             WHERE chain_id = ?1 AND verifier = ?2 AND kind = ?3 AND height = ?4",
            key,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((digest, signature)) = earlier {
        let digest: B256 = digest.parse().context("stored digest")?;
        if digest == statement.digest {
            return Ok(Recorded::Again(signature.into()));
        }
        tx.execute(
            "INSERT INTO counters(name, value) VALUES ('refused', 1)
             ON CONFLICT(name) DO UPDATE SET value = value + 1",
            [],
        )?;
        return Ok(Recorded::Refused { signed: digest });
    }
    let signature = sign(&statement.digest)?;
    tx.execute(
        "INSERT INTO signed(chain_id, verifier, kind, height, digest, statement, signature, signed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            i64_of(slot.chain_id),
            format!("{}", slot.verifier),
            slot.kind.as_str(),
            i64_of(slot.height),
            format!("{}", statement.digest),
            statement.encoded.to_vec(),
            signature.to_vec(),
            crate::store::now()
        ],
    )?;
    Ok(Recorded::New(signature))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use alloy::sol_types::SolValue as _;
    use crossnet_sdk::ipc::ParentFinality;

    use super::*;

    fn statement(height: u64, hash: u8) -> Statement {
        let finality =
            ParentFinality { height, blockHash: B256::repeat_byte(hash), ..Default::default() };
        Statement::new(Kind::Finality, 9, Address::repeat_byte(1), finality.abi_encode().into())
            .unwrap()
    }

    fn path(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("crossnet-signing-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("validator.sqlite")
    }

    #[test]
    fn a_slot_is_signed_once_across_reopen_succeeds() {
        let path = path("once");
        let me = Address::repeat_byte(0xee);
        let log = SigningLog::open(&path, me).unwrap();
        let sig = |_: &B256| Ok(Bytes::from(vec![7u8; 65]));
        assert_eq!(
            log.sign_once(&statement(4, 1), sig).unwrap(),
            Recorded::New(vec![7u8; 65].into())
        );
        drop(log);
        let log = SigningLog::open(&path, me).unwrap();
        let again = log.sign_once(&statement(4, 1), |_| panic!("signed twice")).unwrap();
        assert_eq!(again, Recorded::Again(vec![7u8; 65].into()));
        let other = log.sign_once(&statement(4, 2), |_| panic!("signed a conflict")).unwrap();
        assert_eq!(other, Recorded::Refused { signed: statement(4, 1).digest });
        assert_eq!(log.counts().unwrap(), (1, 1));
        let page = log.page(Kind::Finality, Address::repeat_byte(1), 0, 10).unwrap();
        assert_eq!((page.len(), page[0].height, page[0].signer), (1, 4, me));
        assert!(log.page(Kind::Finality, Address::repeat_byte(1), 4, 10).unwrap().is_empty());
        assert!(log.page(Kind::Checkpoint, Address::repeat_byte(1), 0, 10).unwrap().is_empty());
    }

    #[test]
    fn another_validators_log_or_a_held_log_is_refused_reverts() {
        let path = path("owner");
        let log = SigningLog::open(&path, Address::repeat_byte(1)).unwrap();
        log.sign_once(&statement(1, 1), |_| Ok(Bytes::from(vec![0u8; 65]))).unwrap();
        let held = SigningLog::open(&path, Address::repeat_byte(1));
        assert!(held.is_err(), "a second process must not share the log");
        drop(log);
        let err = SigningLog::open(&path, Address::repeat_byte(2)).err().unwrap();
        assert!(format!("{err:#}").contains("signing log of validator"), "{err:#}");
    }
}
