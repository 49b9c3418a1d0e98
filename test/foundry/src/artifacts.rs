//! `forge build` and its artifacts: the compiled test contracts, their ABIs, forge-std's `Vm`
//! (to name cheatcodes) and every custom error of the build (to decode reverts).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use alloy_json_abi::JsonAbi;
use alloy_primitives::{hex, Bytes};
use anyhow::{bail, Context, Result};
use serde::Deserialize;

/// One compiled contract.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Source file, relative to the project root (`test/foundry/Messenger.t.sol`).
    pub source: String,
    /// Contract name.
    pub name: String,
    /// ABI.
    pub abi: JsonAbi,
    /// Creation code (empty for interfaces and abstract contracts).
    pub bytecode: Bytes,
}

impl Artifact {
    /// `source:name`, as forge names a suite.
    #[must_use]
    pub fn id(&self) -> String {
        format!("{}:{}", self.source, self.name)
    }
}

/// A built Foundry project.
#[derive(Debug)]
pub struct Project {
    /// Project root (where `foundry.toml` is).
    pub root: PathBuf,
    /// The test directory (`test` of foundry.toml), relative to the root.
    pub test_dir: String,
    /// Every artifact of the build.
    pub artifacts: Vec<Artifact>,
}

#[derive(Deserialize)]
struct ForgeConfig {
    out: String,
    test: String,
}

#[derive(Deserialize)]
struct RawArtifact {
    abi: JsonAbi,
    bytecode: Option<RawBytecode>,
    metadata: Option<RawMetadata>,
}

#[derive(Deserialize)]
struct RawBytecode {
    object: String,
}

#[derive(Deserialize)]
struct RawMetadata {
    settings: RawSettings,
}

#[derive(Deserialize)]
struct RawSettings {
    #[serde(rename = "compilationTarget")]
    compilation_target: HashMap<String, String>,
}

/// The forge binary: `$CROSSNET_FORGE`, else npm's (`node_modules/.bin/forge` of the root or
/// of an ancestor, as installed by `bash script/setup.sh`), else `forge` on the `PATH`.
#[must_use]
pub fn forge_binary(root: &Path) -> PathBuf {
    if let Some(forge) = std::env::var_os("CROSSNET_FORGE") {
        return PathBuf::from(forge);
    }
    for dir in root.ancestors() {
        let platform = dir.join("node_modules/@foundry-rs/forge-linux-amd64/bin/forge");
        if cfg!(all(target_os = "linux", target_arch = "x86_64")) && platform.is_file() {
            return platform;
        }
        let npm = dir.join("node_modules/.bin/forge");
        if npm.is_file() {
            return npm;
        }
    }
    PathBuf::from("forge")
}

fn forge(root: &Path) -> Command {
    let mut command = Command::new(forge_binary(root));
    command.current_dir(root);
    // forge's own update check and telemetry stay off; the build is offline.
    command.env("FOUNDRY_DISABLE_NIGHTLY_WARNING", "1");
    command
}

/// Runs `forge build` in `root` (its output printed) and loads the artifacts.
///
/// # Errors
/// When forge is missing, the build fails or the artifacts cannot be read.
pub fn build(root: &Path) -> Result<Project> {
    let root = root
        .canonicalize()
        .with_context(|| format!("project root {} does not exist", root.display()))?;
    if !root.join("foundry.toml").is_file() {
        bail!("no foundry.toml in {}", root.display());
    }
    let output = forge(&root).args(["config", "--json"]).output().with_context(|| {
        format!(
            "cannot run {} (install the npm packages with `bash script/setup.sh`)",
            forge_binary(&root).display()
        )
    })?;
    if !output.status.success() {
        bail!("forge config failed:\n{}", String::from_utf8_lossy(&output.stderr));
    }
    let config: ForgeConfig =
        serde_json::from_slice(&output.stdout).context("cannot parse `forge config --json`")?;
    // Forwarded through print!, so a test harness captures the compiler output.
    let built = forge(&root).arg("build").output().context("cannot run forge build")?;
    print!("{}", String::from_utf8_lossy(&built.stdout));
    eprint!("{}", String::from_utf8_lossy(&built.stderr));
    if !built.status.success() {
        bail!("forge build failed ({})", built.status);
    }
    let out = root.join(&config.out);
    let artifacts = load(&out)?;
    let test_dir = relative(&root, &config.test);
    Ok(Project { root, test_dir, artifacts })
}

/// `path` relative to `root` when it is inside it.
fn relative(root: &Path, path: &str) -> String {
    Path::new(path)
        .strip_prefix(root)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| path.to_string())
        .trim_end_matches('/')
        .to_string()
}

/// Loads every artifact of a forge `out` directory (`<File>.sol/<Contract>.json`).
///
/// # Errors
/// When the directory or an artifact cannot be read.
pub fn load(out: &Path) -> Result<Vec<Artifact>> {
    let mut artifacts = Vec::new();
    let entries = std::fs::read_dir(out)
        .with_context(|| format!("cannot read the build output {}", out.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let dir = entry?.path();
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "build-info") {
            continue;
        }
        for file in std::fs::read_dir(&dir)? {
            let file = file?.path();
            if file.extension().is_some_and(|e| e == "json") {
                files.push(file);
            }
        }
    }
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        let raw: RawArtifact = serde_json::from_str(&text)
            .with_context(|| format!("cannot parse the artifact {}", file.display()))?;
        let Some((source, name)) =
            raw.metadata.and_then(|m| m.settings.compilation_target.into_iter().next())
        else {
            continue;
        };
        let object = raw.bytecode.map(|b| b.object).unwrap_or_default();
        // Contracts that need linking (external library calls) are not deployable here.
        let bytecode =
            hex::decode(object.trim_start_matches("0x")).map(Bytes::from).unwrap_or_default();
        artifacts.push(Artifact { source, name, abi: raw.abi, bytecode });
    }
    Ok(artifacts)
}

impl Project {
    /// Test contracts: deployable contracts of `*.t.sol` files in the test directory with at
    /// least one `test*` function, filtered by `match_contract` (a regex on the contract name,
    /// as forge's `--match-contract`), sorted by source and name.
    #[must_use]
    pub fn test_contracts(&self, match_contract: Option<&regex::Regex>) -> Vec<&Artifact> {
        let mut tests: Vec<&Artifact> = self
            .artifacts
            .iter()
            .filter(|a| a.source.ends_with(".t.sol"))
            // forge keeps artifacts of deleted sources until its next full rebuild.
            .filter(|a| self.root.join(&a.source).is_file())
            .filter(|a| self.test_dir.is_empty() || a.source.starts_with(&self.test_dir))
            .filter(|a| !a.bytecode.is_empty())
            .filter(|a| a.abi.functions().any(|f| f.name.starts_with("test")))
            .filter(|a| match_contract.is_none_or(|r| r.is_match(&a.name)))
            .collect();
        tests.sort_by_key(|a| a.id());
        tests
    }

    /// forge-std's cheatcode names (`Vm` / `VmSafe` of the build) by selector.
    #[must_use]
    pub fn vm_names(&self) -> HashMap<[u8; 4], String> {
        self.artifacts
            .iter()
            .filter(|a| a.name == "Vm" || a.name == "VmSafe")
            .flat_map(|a| a.abi.functions())
            .map(|f| (f.selector().0, f.signature()))
            .collect()
    }

    /// Every custom error declared in the build.
    #[must_use]
    pub fn errors(&self) -> Vec<alloy_json_abi::Error> {
        self.artifacts.iter().flat_map(|a| a.abi.errors().cloned()).collect()
    }
}
