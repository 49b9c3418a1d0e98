//! The Stylus program format, as Nitro and cargo-stylus define it.
//!
//! * [`code`]: deployable code (`EF F0 00 <dict>` + brotli), its decoding with a size cap,
//!   and the 43-byte deploy prelude cargo-stylus puts in front of it.
//! * [`validate`]: the checks Nitro runs when a program is activated (`ArbWasm.activateProgram`),
//!   plus the stricter build-time checks our contracts must pass.
//! * [`hostio`]: the `vm_hooks` (and debug-only `console` / `debug`) imports Nitro links.
//! * [`report`]: the per-contract size report written by `script/build-wasm.sh`.
//! * [`stack`]: the static bound of a program's shadow stack.
//! * [`optimize`]: binaryen's `wasm-opt` as a size pass.
//!
//! This crate is shared by the WASM build (`crossnet-wasm pack`) and the devnode, so the
//! program that passes the build is validated by the same code at activation.

pub mod code;
pub mod hostio;
pub mod optimize;
pub mod report;
pub mod stack;
pub mod validate;

pub use code::{
    decode_code, deploy_prelude, encode_code, strip_custom_sections, CodeError, MAX_CODE_SIZE,
    MAX_WASM_SIZE, STYLUS_PREFIX,
};
pub use validate::{validate, ModuleInfo, Rules, ValidationError};
