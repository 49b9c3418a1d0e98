//! Where a signing key comes from. Keys never appear in a config file or on a command line:
//! the config names either an environment variable holding a hex private key, or an encrypted
//! JSON keystore (Web3 Secret Storage v3, the format `cast wallet new` and geth write) with its
//! password in a file or an environment variable.
//!
//! ```toml
//! key = { env = "CROSSNET_RELAYER_KEY" }
//! key = { keystore = "keys/relayer.json", password_file = "keys/relayer.password" }
//! key = { keystore = "keys/relayer.json", password_env = "CROSSNET_RELAYER_PASSWORD" }
//! ```
//!
//! Errors name the variable or file, never the secret.

use std::path::{Path, PathBuf};

use alloy::primitives::B256;
use alloy::signers::local::PrivateKeySigner;
use anyhow::{bail, Context as _};
use serde::Deserialize;

/// One key's source, as written in the config.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySource {
    /// Environment variable holding the hex private key.
    #[serde(default)]
    pub env: Option<String>,
    /// Encrypted JSON keystore (relative to the config file).
    #[serde(default)]
    pub keystore: Option<PathBuf>,
    /// File holding the keystore password (relative to the config file; one trailing newline
    /// is ignored).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Environment variable holding the keystore password.
    #[serde(default)]
    pub password_env: Option<String>,
}

impl KeySource {
    /// A key in environment variable `var`.
    #[must_use]
    pub fn env(var: &str) -> Self {
        Self { env: Some(var.to_owned()), keystore: None, password_file: None, password_env: None }
    }

    /// A keystore whose password is in the file `password_file`.
    #[must_use]
    pub fn keystore(keystore: impl Into<PathBuf>, password_file: impl Into<PathBuf>) -> Self {
        Self {
            env: None,
            keystore: Some(keystore.into()),
            password_file: Some(password_file.into()),
            password_env: None,
        }
    }

    /// Checks that the source names exactly one key and, for a keystore, exactly one
    /// password.
    ///
    /// # Errors
    /// An ambiguous or incomplete source (`what` names it in the message).
    pub fn check(&self, what: &str) -> anyhow::Result<()> {
        match (&self.env, &self.keystore) {
            (Some(_), Some(_)) => bail!("{what}: give either `env` or `keystore`, not both"),
            (None, None) => bail!("{what}: needs `env = \"VAR\"` or `keystore = \"FILE\"`"),
            (Some(_), None) if self.password_file.is_some() || self.password_env.is_some() => {
                bail!("{what}: a password goes with a `keystore`, not with `env`")
            }
            (None, Some(_)) => match (&self.password_file, &self.password_env) {
                (Some(_), Some(_)) => {
                    bail!("{what}: give either `password_file` or `password_env`, not both")
                }
                (None, None) => bail!(
                    "{what}: a keystore needs `password_file = \"FILE\"` or `password_env = \"VAR\"`"
                ),
                _ => Ok(()),
            },
            (Some(_), None) => Ok(()),
        }
    }

    /// A short description for logs and errors (`env CROSSNET_RELAYER_KEY`, `keystore
    /// keys/relayer.json`).
    #[must_use]
    pub fn describe(&self) -> String {
        match (&self.env, &self.keystore) {
            (Some(var), _) => format!("environment variable {var}"),
            (_, Some(path)) => format!("keystore {}", path.display()),
            _ => "no key".to_owned(),
        }
    }

    /// Loads the key; relative paths are taken from `base` (the config file's directory).
    ///
    /// # Errors
    /// An unset variable, an unreadable or malformed keystore, a wrong password, a bad key.
    pub fn load(&self, base: &Path) -> anyhow::Result<PrivateKeySigner> {
        self.check("key")?;
        if let Some(var) = &self.env {
            return key_from_env(var);
        }
        let Some(keystore) = &self.keystore else { bail!("key: no source") };
        let keystore = resolve(base, keystore);
        let password = self.password(base)?;
        if !keystore.is_file() {
            bail!("keystore {} does not exist", keystore.display());
        }
        PrivateKeySigner::decrypt_keystore(&keystore, password).map_err(|e| {
            anyhow::anyhow!(
                "keystore {}: cannot decrypt ({e}); is the password right and the file a JSON \
                 keystore (as `cast wallet new` writes)?",
                keystore.display()
            )
        })
    }

    fn password(&self, base: &Path) -> anyhow::Result<String> {
        if let Some(var) = &self.password_env {
            return std::env::var(var).with_context(|| {
                format!("environment variable {var} (the keystore password) is not set")
            });
        }
        let Some(file) = &self.password_file else { bail!("keystore: no password source") };
        let file = resolve(base, file);
        warn_if_readable_by_others(&file);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading the password file {}", file.display()))?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Ok(text.strip_suffix('\r').unwrap_or(text).to_owned())
    }
}

fn resolve(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

#[cfg(unix)]
fn warn_if_readable_by_others(file: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(file) {
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(
                "password file {} is readable by other users (chmod 600 it)",
                file.display()
            );
        }
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_file: &Path) {}

/// The private key in environment variable `var`.
///
/// # Errors
/// When the variable is unset or not a 32-byte hex key (the message never shows the value).
pub fn key_from_env(var: &str) -> anyhow::Result<PrivateKeySigner> {
    let value = std::env::var(var).with_context(|| {
        format!("environment variable {var} is not set (it must hold a hex private key)")
    })?;
    parse_key(&value).with_context(|| format!("environment variable {var}"))
}

/// A hex private key (`0x` optional).
///
/// # Errors
/// Not 32 bytes of hex, or not a valid secp256k1 key (the message never shows the value).
pub fn parse_key(value: &str) -> anyhow::Result<PrivateKeySigner> {
    let bytes: B256 =
        value.trim().parse().map_err(|_| anyhow::anyhow!("not a 32-byte hex private key"))?;
    PrivateKeySigner::from_bytes(&bytes).map_err(|_| anyhow::anyhow!("not a valid private key"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("crossnet-keys-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn sources_must_name_one_key_and_one_password_reverts() {
        let cases = [
            (KeySource { keystore: Some("k".into()), ..KeySource::env("X") }, "not both"),
            (KeySource { env: None, ..KeySource::env("X") }, "needs `env"),
            (KeySource { password_env: Some("P".into()), ..KeySource::env("X") }, "not with `env`"),
            (
                KeySource { password_file: None, ..KeySource::keystore("k", "p") },
                "needs `password_file",
            ),
            (
                KeySource { password_env: Some("P".into()), ..KeySource::keystore("k", "p") },
                "not both",
            ),
        ];
        for (source, expected) in cases {
            let err = format!("{:#}", source.check("relay.key").unwrap_err());
            assert!(err.contains(expected) && err.contains("relay.key"), "{source:?}: {err}");
        }
        KeySource::env("X").check("k").unwrap();
        KeySource::keystore("k", "p").check("k").unwrap();
    }

    #[test]
    fn env_keys_are_read_and_never_echoed_succeeds() {
        let var = "CROSSNET_TEST_KEY_KEYS_RS";
        assert!(format!("{:#}", key_from_env(var).unwrap_err()).contains("not set"));
        std::env::set_var(var, "0xnot-a-key-secret");
        let err = format!("{:#}", KeySource::env(var).load(Path::new(".")).unwrap_err());
        assert!(err.contains(var) && !err.contains("secret"), "{err}");
        std::env::set_var(var, format!("{}", B256::with_last_byte(7)));
        let key = KeySource::env(var).load(Path::new(".")).unwrap();
        assert_eq!(key.to_bytes(), B256::with_last_byte(7));
    }

    /// A keystore written by `cast wallet new` (Foundry 1.7.1), password `crossnet`.
    const CAST_KEYSTORE: &str = "tests/fixtures/cast-wallet-new.json";
    const CAST_ADDRESS: &str = "0xBC65986bB918de123BeEaFf246a7A07360586397";

    #[test]
    fn cast_keystore_decrypts_with_file_or_env_password_succeeds() {
        let dir = temp("keystore");
        let keystore = Path::new(env!("CARGO_MANIFEST_DIR")).join(CAST_KEYSTORE);
        std::fs::write(dir.join("password"), "crossnet\n").unwrap();
        let by_file = KeySource::keystore(&keystore, "password").load(&dir).unwrap();
        assert_eq!(format!("{}", by_file.address()), CAST_ADDRESS);
        let var = "CROSSNET_TEST_KEYSTORE_PASSWORD";
        std::env::set_var(var, "crossnet");
        let by_env = KeySource {
            password_file: None,
            password_env: Some(var.into()),
            ..KeySource::keystore(&keystore, "")
        };
        assert_eq!(by_env.load(Path::new("/")).unwrap().address(), by_file.address());
        std::fs::write(dir.join("wrong"), "crossnet2").unwrap();
        let err = format!("{:#}", KeySource::keystore(&keystore, "wrong").load(&dir).unwrap_err());
        assert!(err.contains("cannot decrypt") && !err.contains("crossnet2"), "{err}");
        let err =
            format!("{:#}", KeySource::keystore("none.json", "password").load(&dir).unwrap_err());
        assert!(err.contains("does not exist"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
