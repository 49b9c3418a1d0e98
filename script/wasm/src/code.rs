//! Deployable code: `EF F0 00 <dict>` followed by the brotli-compressed module.

use std::fmt;
use std::io::{Read, Write};

/// The three bytes every classic Stylus program starts with (EIP-3541 exception).
pub const STYLUS_PREFIX: [u8; 3] = [0xEF, 0xF0, 0x00];

/// Largest deployable code (EIP-170), prefix included.
pub const MAX_CODE_SIZE: usize = 24_576;

/// Largest decompressed module Nitro accepts (`MaxWasmSize`, 128 KiB).
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// Brotli quality used by cargo-stylus.
const BROTLI_QUALITY: u32 = 11;
/// Brotli window (log2) used by cargo-stylus.
const BROTLI_WINDOW: u32 = 22;

/// Why deployable code could not be turned back into a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    /// The code does not start with `EF F0 00`.
    NotStylus,
    /// The dictionary byte is not one we can decode (Nitro knows 0 = none, 1 = its built-in one).
    UnsupportedDictionary(u8),
    /// The brotli stream is malformed.
    BadCompression,
    /// The decompressed module is larger than the cap.
    TooLarge {
        /// The cap in bytes.
        limit: usize,
    },
}

impl fmt::Display for CodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotStylus => write!(f, "code does not start with the Stylus prefix EF F0 00"),
            Self::UnsupportedDictionary(d) => write!(f, "unsupported brotli dictionary byte {d}"),
            Self::BadCompression => write!(f, "brotli stream is malformed"),
            Self::TooLarge { limit } => write!(f, "decompressed module exceeds {limit} bytes"),
        }
    }
}

impl std::error::Error for CodeError {}

/// Brotli-compresses `wasm` with the parameters cargo-stylus uses (quality 11, window 22).
#[must_use]
pub fn compress(wasm: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(wasm.len() / 2);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(wasm);
        let _ = writer.flush();
    }
    out
}

/// Deployable code for `wasm`: `EF F0 00 00` (no dictionary) followed by the brotli stream.
#[must_use]
pub fn encode_code(wasm: &[u8]) -> Vec<u8> {
    let compressed = compress(wasm);
    let mut code = Vec::with_capacity(4 + compressed.len());
    code.extend_from_slice(&STYLUS_PREFIX);
    code.push(0);
    code.extend_from_slice(&compressed);
    code
}

/// Whether `code` starts with the classic Stylus prefix.
#[must_use]
pub fn is_stylus(code: &[u8]) -> bool {
    code.starts_with(&STYLUS_PREFIX)
}

/// Decodes deployable code back into the module, refusing modules larger than `max_wasm`.
///
/// # Errors
/// [`CodeError`] when the prefix or dictionary byte is wrong, the stream is malformed or the
/// module is larger than `max_wasm`.
pub fn decode_code(code: &[u8], max_wasm: usize) -> Result<Vec<u8>, CodeError> {
    if !is_stylus(code) {
        return Err(CodeError::NotStylus);
    }
    let dict = *code.get(3).ok_or(CodeError::BadCompression)?;
    if dict != 0 {
        return Err(CodeError::UnsupportedDictionary(dict));
    }
    let mut reader = brotli::Decompressor::new(&code[4..], 4096);
    let mut out = Vec::new();
    // Read one byte past the cap to detect oversized modules without inflating them fully.
    let limit = u64::try_from(max_wasm).unwrap_or(u64::MAX).saturating_add(1);
    (&mut reader).take(limit).read_to_end(&mut out).map_err(|_| CodeError::BadCompression)?;
    if out.len() > max_wasm {
        return Err(CodeError::TooLarge { limit: max_wasm });
    }
    Ok(out)
}

/// The init code cargo-stylus deploys: a 43-byte prelude that returns the code after it.
///
/// `PUSH32 len, DUP1, PUSH1 43, PUSH1 0, CODECOPY, PUSH1 0, RETURN, 0x00 (version)`.
#[must_use]
pub fn deploy_prelude(code: &[u8]) -> Vec<u8> {
    let mut init = Vec::with_capacity(43 + code.len());
    init.push(0x7f);
    let mut len = [0u8; 32];
    let n = (code.len() as u64).to_be_bytes();
    len[24..].copy_from_slice(&n);
    init.extend_from_slice(&len);
    init.extend_from_slice(&[0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00]);
    init.extend_from_slice(code);
    init
}

/// Re-encodes a module without custom sections (names, producers, debug info), as cargo-stylus
/// strips them before compression, and without the `__heap_base` / `__data_end` global exports
/// that rustc always asks the wasm linker for (Nitro strips them at activation too).
/// Re-encoding also canonicalises LEB128 immediates.
///
/// # Errors
/// A message naming the section that failed to parse.
pub fn strip_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    use wasm_encoder::reencode::{Error, Reencode};

    /// Re-encodes every section but custom ones.
    struct Strip;
    impl Reencode for Strip {
        type Error = std::convert::Infallible;
        fn parse_custom_section(
            &mut self,
            _module: &mut wasm_encoder::Module,
            _section: wasmparser::CustomSectionReader<'_>,
        ) -> Result<(), Error<Self::Error>> {
            Ok(())
        }
        fn parse_export(
            &mut self,
            exports: &mut wasm_encoder::ExportSection,
            export: wasmparser::Export<'_>,
        ) -> Result<(), Error<Self::Error>> {
            let linker_symbol = export.kind == wasmparser::ExternalKind::Global
                && matches!(export.name, "__heap_base" | "__data_end");
            if !linker_symbol {
                wasm_encoder::reencode::utils::parse_export(self, exports, export)?;
            }
            Ok(())
        }
    }

    let mut module = wasm_encoder::Module::new();
    Strip
        .parse_core_module(&mut module, wasmparser::Parser::new(0), wasm)
        .map_err(|e| format!("cannot re-encode module: {e}"))?;
    Ok(module.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module() -> Vec<u8> {
        wat::parse_str(
            r#"(module
                (import "vm_hooks" "pay_for_memory_grow" (func (param i32)))
                (memory (export "memory") 1 1)
                (func (export "user_entrypoint") (param i32) (result i32) i32.const 0)
                (global (export "__heap_base") i32 (i32.const 0))
                (@custom "producers" "rustc"))"#,
        )
        .expect("valid wat")
    }

    #[test]
    fn encode_decode_round_trip() {
        let wasm = module();
        let code = encode_code(&wasm);
        assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
        assert_eq!(decode_code(&code, MAX_WASM_SIZE), Ok(wasm));
    }

    #[test]
    fn decode_rejects_bad_input() {
        assert_eq!(decode_code(&[0x60, 0x00], 10), Err(CodeError::NotStylus));
        assert_eq!(decode_code(&[0xEF, 0xF0, 0x00], 10), Err(CodeError::BadCompression));
        assert_eq!(
            decode_code(&[0xEF, 0xF0, 0x00, 0x01, 0x00], 10),
            Err(CodeError::UnsupportedDictionary(1))
        );
        assert_eq!(
            decode_code(&[0xEF, 0xF0, 0x00, 0x00, 0xff, 0xff, 0xff], 10),
            Err(CodeError::BadCompression)
        );
        let big = encode_code(&vec![0u8; 1000]);
        assert_eq!(decode_code(&big, 999), Err(CodeError::TooLarge { limit: 999 }));
        assert_eq!(decode_code(&big, 1000).map(|m| m.len()), Ok(1000));
    }

    #[test]
    fn prelude_is_43_bytes_and_returns_the_code() {
        let code = encode_code(&module());
        let init = deploy_prelude(&code);
        assert_eq!(init.len(), 43 + code.len());
        assert_eq!(init[0], 0x7f);
        assert_eq!(
            u64::from_be_bytes(init[25..33].try_into().expect("8 bytes")),
            code.len() as u64
        );
        assert_eq!(&init[43..], &code[..]);
    }

    #[test]
    fn strip_removes_custom_sections_only() {
        let wasm = module();
        let stripped = strip_custom_sections(&wasm).expect("strips");
        assert!(stripped.len() < wasm.len());
        let customs = wasmparser::Parser::new(0)
            .parse_all(&stripped)
            .filter(|p| matches!(p, Ok(wasmparser::Payload::CustomSection(_))))
            .count();
        assert_eq!(customs, 0);
        assert!(crate::validate(&stripped, &crate::Rules::build()).is_ok());
    }
}
