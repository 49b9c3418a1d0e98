//! Nitro's activation-time module checks (stylus-runtime.md section 2.3), and the stricter
//! build-time profile our own contracts must satisfy.

use std::fmt;

use wasmparser::{
    ExternalKind, FuncType, Parser, Payload, TypeRef, ValType, Validator, WasmFeatures,
};

use crate::hostio;

/// Which rules to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Largest initial memory in 64 KiB pages (`PageLimit`, 128 on Nitro).
    pub page_limit: u32,
    /// Debug chain: a start function and the `console` / `debug` imports are allowed.
    pub debug_chain: bool,
    /// Multi-value blocks and functions (allowed before ArbOS 60).
    pub multi_value: bool,
    /// Float types and instructions. Nitro accepts them at activation but prices every float
    /// instruction at `u64::MAX` ink, so a contract that contains one is broken: the build
    /// profile rejects them.
    pub floats: bool,
    /// Only `memory` and `user_entrypoint` may be exported (build profile). Nitro itself strips
    /// other exports at activation.
    pub only_required_exports: bool,
    /// Largest decompressed module in bytes.
    pub max_wasm_size: usize,
}

impl Rules {
    /// The rules `ArbWasm.activateProgram` applies on a chain at `arbos_version`.
    #[must_use]
    pub fn activation(arbos_version: u64, debug_chain: bool) -> Self {
        Self {
            page_limit: 128,
            debug_chain,
            multi_value: arbos_version < 60,
            floats: true,
            only_required_exports: false,
            max_wasm_size: crate::MAX_WASM_SIZE,
        }
    }

    /// The stricter profile every crossnet contract must pass at build time.
    #[must_use]
    pub fn build() -> Self {
        Self {
            page_limit: 128,
            debug_chain: false,
            multi_value: false,
            floats: false,
            only_required_exports: true,
            max_wasm_size: crate::MAX_WASM_SIZE,
        }
    }

    fn features(&self) -> WasmFeatures {
        let mut features = WasmFeatures::WASM1
            | WasmFeatures::SATURATING_FLOAT_TO_INT
            | WasmFeatures::SIGN_EXTENSION
            | WasmFeatures::BULK_MEMORY;
        if self.multi_value {
            features |= WasmFeatures::MULTI_VALUE;
        }
        if !self.floats {
            features.remove(WasmFeatures::FLOATS);
        }
        features
    }
}

/// Nitro's structural limits (`binary.rs`).
pub mod limits {
    /// Data segments.
    pub const DATA_SEGMENTS: usize = 128;
    /// Element segments.
    pub const ELEMENT_SEGMENTS: usize = 128;
    /// Exports.
    pub const EXPORTS: usize = 1024;
    /// Functions (imported and defined).
    pub const FUNCTIONS: usize = 4096;
    /// Globals.
    pub const GLOBALS: usize = 32_768;
    /// Locals per function.
    pub const LOCALS: usize = 348;
    /// Operators per function body.
    pub const OPERATORS: usize = 65_536;
    /// Imports.
    pub const IMPORTS: usize = 513;
    /// Table entries and element entries.
    pub const TABLE_ENTRIES: u64 = 4096;
    /// Import and export names.
    pub const NAME_BYTES: usize = 512;
}

/// What a valid module looks like to the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Size of the module in bytes.
    pub wasm_bytes: usize,
    /// Initial memory pages (the program's footprint).
    pub initial_pages: u32,
    /// Declared maximum memory pages, if any.
    pub max_pages: Option<u32>,
    /// Defined (non-imported) functions.
    pub functions: usize,
    /// Entries in the type section.
    pub types: usize,
    /// Imported host functions, as `module.name`.
    pub imports: Vec<String>,
}

impl ModuleInfo {
    /// Nitro's estimate of the native code size (`asm_estimate`), used for the data fee:
    /// `512000 + 996.8·funcs + 11.4·types + 6.26·wasm bytes`, in bytes.
    #[must_use]
    pub fn asm_estimate(&self) -> u64 {
        let funcs = self.functions as u64;
        let types = self.types as u64;
        let bytes = self.wasm_bytes as u64;
        512_000 + funcs * 9968 / 10 + types * 114 / 10 + bytes * 626 / 100
    }
}

/// The first rule a module breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationError {
    /// The module is larger than the cap.
    TooLarge {
        /// Module size.
        bytes: usize,
        /// Cap.
        limit: usize,
    },
    /// wasmparser rejected the module (malformed, or a disabled feature such as SIMD,
    /// reference types, floats or multi-value).
    Invalid(String),
    /// No memory named `memory` is exported.
    MissingMemoryExport,
    /// No `user_entrypoint` function is exported.
    MissingEntrypoint,
    /// `user_entrypoint` is not `(i32) -> i32`.
    BadEntrypointType,
    /// An export other than `memory` and `user_entrypoint` (build profile only).
    ExtraExport(String),
    /// The module has a start function.
    StartFunction,
    /// The module does not have exactly one memory.
    MemoryCount(usize),
    /// More initial pages than allowed.
    TooManyPages {
        /// Initial pages.
        pages: u64,
        /// Limit.
        limit: u32,
    },
    /// Memory can grow but `vm_hooks.pay_for_memory_grow` is not imported.
    MissingPayForMemoryGrow,
    /// An import that is not a function.
    NonFunctionImport(String),
    /// An import Nitro does not link.
    UnknownImport(String),
    /// An import whose type differs from the host function's.
    BadImportType(String),
    /// A structural limit is exceeded.
    Limit {
        /// What was counted.
        what: &'static str,
        /// How many.
        count: u64,
        /// The limit.
        limit: u64,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { bytes, limit } => {
                write!(f, "module is {bytes} bytes, more than the {limit}-byte limit")
            }
            Self::Invalid(msg) => write!(f, "invalid module: {msg}"),
            Self::MissingMemoryExport => write!(f, "no memory exported as `memory`"),
            Self::MissingEntrypoint => write!(f, "no function exported as `user_entrypoint`"),
            Self::BadEntrypointType => write!(f, "`user_entrypoint` must have type (i32) -> i32"),
            Self::ExtraExport(name) => write!(
                f,
                "unexpected export `{name}` (only `memory` and `user_entrypoint` may be exported)"
            ),
            Self::StartFunction => write!(f, "module has a start function"),
            Self::MemoryCount(n) => write!(f, "module must have exactly one memory, has {n}"),
            Self::TooManyPages { pages, limit } => {
                write!(f, "memory starts with {pages} pages, more than the {limit}-page limit")
            }
            Self::MissingPayForMemoryGrow => {
                write!(f, "memory is growable but `vm_hooks.pay_for_memory_grow` is not imported")
            }
            Self::NonFunctionImport(name) => write!(f, "import `{name}` is not a function"),
            Self::UnknownImport(name) => write!(f, "import `{name}` is not a Stylus host function"),
            Self::BadImportType(name) => {
                write!(f, "import `{name}` has the wrong type for that host function")
            }
            Self::Limit { what, count, limit } => {
                write!(f, "too many {what}: {count}, limit {limit}")
            }
        }
    }
}

impl std::error::Error for ValidationError {}

fn limit(what: &'static str, count: u64, max: u64) -> Result<(), ValidationError> {
    if count > max {
        Err(ValidationError::Limit { what, count, limit: max })
    } else {
        Ok(())
    }
}

fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn same_type(ty: &FuncType, params: &[ValType], results: &[ValType]) -> bool {
    ty.params() == params && ty.results() == results
}

/// Checks `wasm` against `rules`, returning what the chain records about it.
///
/// # Errors
/// The first [`ValidationError`] found.
pub fn validate(wasm: &[u8], rules: &Rules) -> Result<ModuleInfo, ValidationError> {
    if wasm.len() > rules.max_wasm_size {
        return Err(ValidationError::TooLarge { bytes: wasm.len(), limit: rules.max_wasm_size });
    }
    Validator::new_with_features(rules.features())
        .validate_all(wasm)
        .map_err(|e| ValidationError::Invalid(e.to_string()))?;

    let mut types: Vec<FuncType> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut imports = Vec::new();
    let mut memories: Vec<(u64, Option<u64>)> = Vec::new();
    let mut exports: Vec<(String, ExternalKind, u32)> = Vec::new();
    let mut defined = 0usize;
    let mut globals = 0usize;
    let mut data_segments = 0usize;
    let mut element_segments = 0usize;
    let mut element_entries = 0u64;

    let invalid = |e: wasmparser::BinaryReaderError| ValidationError::Invalid(e.to_string());
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.map_err(invalid)? {
            Payload::TypeSection(reader) => {
                for ty in reader.into_iter_err_on_gc_types() {
                    types.push(ty.map_err(invalid)?);
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(invalid)?;
                    let name = format!("{}.{}", import.module, import.name);
                    limit("bytes in an import name", count(name.len()), count(limits::NAME_BYTES))?;
                    let TypeRef::Func(type_index) = import.ty else {
                        return Err(ValidationError::NonFunctionImport(name));
                    };
                    let host = hostio::lookup(import.module, import.name)
                        .filter(|h| rules.debug_chain || !h.debug_only)
                        .ok_or_else(|| ValidationError::UnknownImport(name.clone()))?;
                    let ty = usize::try_from(type_index)
                        .ok()
                        .and_then(|i| types.get(i))
                        .ok_or_else(|| ValidationError::BadImportType(name.clone()))?;
                    if !same_type(ty, host.params, host.results) {
                        return Err(ValidationError::BadImportType(name));
                    }
                    func_types.push(type_index);
                    imports.push(name);
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    func_types.push(ty.map_err(invalid)?);
                    defined += 1;
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table.map_err(invalid)?;
                    limit("table entries", table.ty.initial, limits::TABLE_ENTRIES)?;
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory.map_err(invalid)?;
                    memories.push((memory.initial, memory.maximum));
                }
            }
            Payload::GlobalSection(reader) => globals += count(reader.count() as usize) as usize,
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(invalid)?;
                    limit(
                        "bytes in an export name",
                        count(export.name.len()),
                        count(limits::NAME_BYTES),
                    )?;
                    exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { .. } if !rules.debug_chain => {
                return Err(ValidationError::StartFunction);
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element.map_err(invalid)?;
                    element_segments += 1;
                    element_entries += u64::from(match element.items {
                        wasmparser::ElementItems::Functions(f) => f.count(),
                        wasmparser::ElementItems::Expressions(_, e) => e.count(),
                    });
                }
            }
            Payload::DataSection(reader) => data_segments += reader.count() as usize,
            Payload::CodeSectionEntry(body) => {
                let mut locals = 0u64;
                for local in body.get_locals_reader().map_err(invalid)? {
                    let (n, _) = local.map_err(invalid)?;
                    locals += u64::from(n);
                }
                limit("locals in a function", locals, count(limits::LOCALS))?;
                let mut ops = body.get_operators_reader().map_err(invalid)?;
                let mut n = 0u64;
                while !ops.eof() {
                    ops.read().map_err(invalid)?;
                    n += 1;
                }
                limit("operators in a function", n, count(limits::OPERATORS))?;
            }
            _ => {}
        }
    }

    limit("imports", count(imports.len()), count(limits::IMPORTS))?;
    limit("functions", count(func_types.len()), count(limits::FUNCTIONS))?;
    limit("globals", count(globals), count(limits::GLOBALS))?;
    limit("exports", count(exports.len()), count(limits::EXPORTS))?;
    limit("data segments", count(data_segments), count(limits::DATA_SEGMENTS))?;
    limit("element segments", count(element_segments), count(limits::ELEMENT_SEGMENTS))?;
    limit("element entries", element_entries, limits::TABLE_ENTRIES)?;

    let [(initial, maximum)] = memories[..] else {
        return Err(ValidationError::MemoryCount(memories.len()));
    };
    if !exports.iter().any(|(n, k, _)| n == "memory" && *k == ExternalKind::Memory) {
        return Err(ValidationError::MissingMemoryExport);
    }
    let entry = exports
        .iter()
        .find(|(n, k, _)| n == "user_entrypoint" && *k == ExternalKind::Func)
        .ok_or(ValidationError::MissingEntrypoint)?;
    let entry_type = usize::try_from(entry.2)
        .ok()
        .and_then(|i| func_types.get(i))
        .and_then(|t| usize::try_from(*t).ok())
        .and_then(|t| types.get(t));
    if !entry_type.is_some_and(|t| same_type(t, &[ValType::I32], &[ValType::I32])) {
        return Err(ValidationError::BadEntrypointType);
    }
    if rules.only_required_exports {
        if let Some((name, _, _)) =
            exports.iter().find(|(n, _, _)| n != "memory" && n != "user_entrypoint")
        {
            return Err(ValidationError::ExtraExport(name.clone()));
        }
    }
    if initial > u64::from(rules.page_limit) {
        return Err(ValidationError::TooManyPages { pages: initial, limit: rules.page_limit });
    }
    if maximum != Some(initial) && !imports.iter().any(|n| n == "vm_hooks.pay_for_memory_grow") {
        return Err(ValidationError::MissingPayForMemoryGrow);
    }

    Ok(ModuleInfo {
        wasm_bytes: wasm.len(),
        initial_pages: u32::try_from(initial).unwrap_or(u32::MAX),
        max_pages: maximum.and_then(|m| u32::try_from(m).ok()),
        functions: defined,
        types: types.len(),
        imports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"(module
        (import "vm_hooks" "read_args" (func (param i32)))
        (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
        (memory (export "memory") 1)
        (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;

    fn check(wat: &str, rules: &Rules) -> Result<ModuleInfo, ValidationError> {
        validate(&wat::parse_str(wat).expect("valid wat"), rules)
    }

    fn module(body: &str) -> String {
        format!(
            r#"(module
                (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                (memory (export "memory") 1)
                {body})"#
        )
    }

    const ENTRY: &str = r#"(func (export "user_entrypoint") (param i32) (result i32) i32.const 0)"#;

    #[test]
    fn accepts_a_minimal_program() {
        let info = check(GOOD, &Rules::build()).expect("valid");
        assert_eq!(info.initial_pages, 1);
        assert_eq!(info.max_pages, None);
        assert_eq!(info.functions, 1);
        assert_eq!(info.imports, vec!["vm_hooks.read_args", "vm_hooks.pay_for_memory_grow"]);
        assert!(info.asm_estimate() > 512_000);
    }

    #[test]
    fn rejects_missing_or_wrong_exports() {
        let no_memory = r#"(module (memory 1 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
        assert_eq!(check(no_memory, &Rules::build()), Err(ValidationError::MissingMemoryExport));
        assert_eq!(check(&module(""), &Rules::build()), Err(ValidationError::MissingEntrypoint));
        let bad_type =
            module(r#"(func (export "user_entrypoint") (param i64) (result i32) i32.const 0)"#);
        assert_eq!(check(&bad_type, &Rules::build()), Err(ValidationError::BadEntrypointType));
        let extra = module(&format!("{ENTRY} (func (export \"other\"))"));
        assert_eq!(
            check(&extra, &Rules::build()),
            Err(ValidationError::ExtraExport("other".into()))
        );
        assert!(check(&extra, &Rules::activation(32, false)).is_ok());
    }

    #[test]
    fn rejects_start_function_except_on_debug_chains() {
        let start = module(&format!("{ENTRY} (func $s) (start $s)"));
        assert_eq!(check(&start, &Rules::build()), Err(ValidationError::StartFunction));
        assert!(check(&start, &Rules::activation(32, true)).is_ok());
    }

    #[test]
    fn rejects_unknown_and_mistyped_imports() {
        let unknown = format!(
            r#"(module (import "vm_hooks" "steal_funds" (func))
                (memory (export "memory") 1 1) {ENTRY})"#
        );
        assert_eq!(
            check(&unknown, &Rules::build()),
            Err(ValidationError::UnknownImport("vm_hooks.steal_funds".into()))
        );
        let wrong = format!(
            r#"(module (import "vm_hooks" "read_args" (func (param i64)))
                (memory (export "memory") 1 1) {ENTRY})"#
        );
        assert_eq!(
            check(&wrong, &Rules::build()),
            Err(ValidationError::BadImportType("vm_hooks.read_args".into()))
        );
        let console = format!(
            r#"(module (import "console" "log_txt" (func (param i32 i32)))
                (memory (export "memory") 1 1) {ENTRY})"#
        );
        assert!(matches!(check(&console, &Rules::build()), Err(ValidationError::UnknownImport(_))));
        assert!(check(&console, &Rules::activation(32, true)).is_ok());
        let global = format!(
            r#"(module (import "vm_hooks" "g" (global i32))
                (memory (export "memory") 1 1) {ENTRY})"#
        );
        assert!(matches!(
            check(&global, &Rules::build()),
            Err(ValidationError::NonFunctionImport(_))
        ));
    }

    #[test]
    fn memory_rules() {
        let growable = format!(r#"(module (memory (export "memory") 1) {ENTRY})"#);
        assert_eq!(
            check(&growable, &Rules::build()),
            Err(ValidationError::MissingPayForMemoryGrow)
        );
        let fixed = format!(r#"(module (memory (export "memory") 2 2) {ENTRY})"#);
        assert!(check(&fixed, &Rules::build()).is_ok());
        let huge = format!(r#"(module (memory (export "memory") 129 129) {ENTRY})"#);
        assert_eq!(
            check(&huge, &Rules::build()),
            Err(ValidationError::TooManyPages { pages: 129, limit: 128 })
        );
        let none = format!("(module {ENTRY})");
        assert_eq!(check(&none, &Rules::build()), Err(ValidationError::MemoryCount(0)));
    }

    #[test]
    fn rejects_disabled_features() {
        let float = module(&format!("{ENTRY} (func (result f32) f32.const 1 f32.const 2 f32.add)"));
        assert!(matches!(check(&float, &Rules::build()), Err(ValidationError::Invalid(_))));
        assert!(check(&float, &Rules::activation(32, false)).is_ok());
        let simd = module(&format!("{ENTRY} (func (result v128) v128.const i64x2 0 0)"));
        assert!(matches!(
            check(&simd, &Rules::activation(32, false)),
            Err(ValidationError::Invalid(_))
        ));
        let multi = module(&format!("{ENTRY} (func (result i32 i32) i32.const 1 i32.const 2)"));
        assert!(matches!(
            check(&multi, &Rules::activation(60, false)),
            Err(ValidationError::Invalid(_))
        ));
        assert!(check(&multi, &Rules::activation(32, false)).is_ok());
        let reftypes = module(&format!("{ENTRY} (func (result externref) ref.null extern)"));
        assert!(matches!(
            check(&reftypes, &Rules::activation(32, false)),
            Err(ValidationError::Invalid(_))
        ));
    }

    #[test]
    fn rejects_oversized_modules() {
        let wasm = wat::parse_str(GOOD).expect("valid");
        let rules = Rules { max_wasm_size: wasm.len() - 1, ..Rules::build() };
        assert!(matches!(validate(&wasm, &rules), Err(ValidationError::TooLarge { .. })));
        assert!(matches!(validate(b"not wasm", &Rules::build()), Err(ValidationError::Invalid(_))));
    }

    #[test]
    fn enforces_local_limit() {
        let many = module(&format!(
            "{ENTRY} (func (local i32) (local i64) {})",
            "(local i32)".repeat(400)
        ));
        assert!(matches!(
            check(&many, &Rules::build()),
            Err(ValidationError::Limit { what: "locals in a function", .. })
        ));
    }
}
