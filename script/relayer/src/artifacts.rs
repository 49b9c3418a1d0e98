//! The built programs a deployment needs: `<dir>/<name>.code`, the compressed deployable form
//! `bash script/build-wasm.sh` writes (`EF F0 00 00` + brotli), read from the configured
//! `wasm_dir` (or `--wasm-dir`), never from the source tree.

use std::path::{Path, PathBuf};

use anyhow::bail;

/// Largest deployable compressed program (Stylus limit).
pub const MAX_CODE_BYTES: usize = 24 * 1024;

/// The command that builds the artifacts, named in every "missing artifact" error.
pub const BUILD_COMMAND: &str = "bash script/build-wasm.sh";

/// A directory of built programs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifacts {
    dir: PathBuf,
}

impl Artifacts {
    /// The artifacts in `dir`.
    #[must_use]
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The path of program `name`.
    #[must_use]
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.code"))
    }

    /// The compressed code of program `name`, checked against the Stylus size limit.
    ///
    /// # Errors
    /// A missing or unreadable artifact (the message names the build command and the option
    /// that points elsewhere), or one above [`MAX_CODE_BYTES`].
    pub fn code(&self, name: &str) -> anyhow::Result<Vec<u8>> {
        let path = self.path(name);
        let code = match std::fs::read(&path) {
            Ok(code) => code,
            Err(e) => bail!(
                "program {name}: cannot read {} ({e}). Build the programs with `{BUILD_COMMAND}` \
                 in the crossnet checkout, then point `wasm_dir` in the config (or --wasm-dir) at \
                 its target/wasm directory",
                path.display()
            ),
        };
        if code.len() > MAX_CODE_BYTES {
            bail!(
                "program {name} ({}) is {} bytes compressed, over the {MAX_CODE_BYTES}-byte \
                 Stylus limit",
                path.display(),
                code.len()
            );
        }
        Ok(code)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn missing_artifact_names_the_build_command_reverts() {
        let dir = std::env::temp_dir().join(format!("crossnet-artifacts-{}", std::process::id()));
        let err = format!("{:#}", Artifacts::new(&dir).code("gateway").unwrap_err());
        assert!(err.contains(BUILD_COMMAND) && err.contains("gateway.code"), "{err}");
        assert!(err.contains("--wasm-dir"), "{err}");
    }

    #[test]
    fn oversized_artifact_reverts_and_a_good_one_is_read_succeeds() {
        let dir =
            std::env::temp_dir().join(format!("crossnet-artifacts-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("big.code"), vec![0u8; MAX_CODE_BYTES + 1]).unwrap();
        std::fs::write(dir.join("small.code"), [0xEF, 0xF0, 0, 0]).unwrap();
        let artifacts = Artifacts::new(&dir);
        assert!(format!("{:#}", artifacts.code("big").unwrap_err()).contains("Stylus limit"));
        assert_eq!(artifacts.code("small").unwrap(), vec![0xEF, 0xF0, 0, 0]);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
