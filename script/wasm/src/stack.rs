//! A static bound on the shadow stack a program can use.
//!
//! Rust on `wasm32` keeps its stack in linear memory below the `__stack_pointer` global; the
//! linker puts it first (`--stack-first`), so the stack is `[0, stack top)` and a frame that
//! goes below zero traps instead of overwriting data. Our build gives it 32 KiB
//! (`-zstack-size=32768`) instead of Rust's default 1 MiB, so every program declares one
//! initial page instead of 17 (each page costs gas on every call).
//!
//! [`stack_bound`] proves that 32 KiB is enough: every function reserves its frame with
//! `global.get $sp; i32.const N; i32.sub`, so the deepest use of the stack is the largest sum
//! of frames along a call path from `user_entrypoint`. Direct calls are followed exactly; an
//! indirect call may reach any function of the table with the same type. A call cycle makes
//! the bound unknown (reported as [`StackBound::Recursive`]).

use std::collections::HashMap;

use wasmparser::{ElementItems, ExternalKind, Operator, Parser, Payload, TypeRef};

/// The static stack bound of a module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StackBound {
    /// The module keeps no stack pointer (no Rust shadow stack).
    NoStack,
    /// At most this many bytes below the stack top, along the given call path.
    Bytes {
        /// Deepest stack use in bytes.
        bytes: u32,
        /// The stack top (initial `__stack_pointer`).
        top: u32,
    },
    /// A call cycle reachable from the entrypoint: no static bound.
    Recursive {
        /// The functions on the cycle (module function indices), in call order.
        cycle: Vec<u32>,
        /// The stack top (initial `__stack_pointer`).
        top: u32,
    },
}

/// One defined function: its frame and whom it may call.
#[derive(Debug, Default)]
struct Function {
    frame: u32,
    calls: Vec<u32>,
    indirect_types: Vec<u32>,
}

/// What the analysis needs of a module.
#[derive(Debug, Default)]
struct Module {
    imported: u32,
    func_types: Vec<u32>,
    stack_global: Option<(u32, u32)>,
    table: Vec<u32>,
    entry: Option<u32>,
    bodies: Vec<Function>,
}

/// Computes the stack bound of `wasm` (a valid module).
///
/// # Errors
/// When `wasm` cannot be parsed.
pub fn stack_bound(wasm: &[u8]) -> Result<StackBound, wasmparser::BinaryReaderError> {
    let module = read_module(wasm)?;
    let Some((_, top)) = module.stack_global else { return Ok(StackBound::NoStack) };
    let Some(entry) = module.entry else { return Ok(StackBound::NoStack) };
    let mut walk = Walk { module: &module, memo: HashMap::new(), on_path: Vec::new() };
    Ok(match walk.depth(entry) {
        Ok(bytes) => StackBound::Bytes { bytes, top },
        Err(cycle) => StackBound::Recursive { cycle, top },
    })
}

fn read_module(wasm: &[u8]) -> Result<Module, wasmparser::BinaryReaderError> {
    let mut module = Module::default();
    let mut first_global = 0u32;
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    match import?.ty {
                        TypeRef::Func(ty) => {
                            module.func_types.push(ty);
                            module.imported += 1;
                        }
                        TypeRef::Global(_) => first_global += 1,
                        _ => {}
                    }
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    module.func_types.push(ty?);
                }
            }
            Payload::GlobalSection(reader) => {
                module.stack_global = find_stack_global(reader, first_global)?;
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.name == "user_entrypoint" && export.kind == ExternalKind::Func {
                        module.entry = Some(export.index);
                    }
                }
            }
            Payload::ElementSection(reader) => {
                for element in reader {
                    if let ElementItems::Functions(functions) = element?.items {
                        for f in functions {
                            module.table.push(f?);
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                let function = read_body(&body, module.stack_global.map(|g| g.0))?;
                module.bodies.push(function);
            }
            _ => {}
        }
    }
    Ok(module)
}

/// The first mutable `i32` global with a constant initial value: `__stack_pointer` in every
/// module rustc and lld produce.
fn find_stack_global(
    reader: wasmparser::GlobalSectionReader<'_>,
    first_index: u32,
) -> Result<Option<(u32, u32)>, wasmparser::BinaryReaderError> {
    for (i, global) in reader.into_iter().enumerate() {
        let global = global?;
        if !global.ty.mutable || global.ty.content_type != wasmparser::ValType::I32 {
            continue;
        }
        let mut ops = global.init_expr.get_operators_reader();
        if let Operator::I32Const { value } = ops.read()? {
            let index = first_index + u32::try_from(i).unwrap_or(u32::MAX);
            return Ok(Some((index, u32::try_from(value).unwrap_or(0))));
        }
    }
    Ok(None)
}

/// A function's frame (the largest `i32.const N; i32.sub` applied right after reading the
/// stack pointer) and its calls.
fn read_body(
    body: &wasmparser::FunctionBody<'_>,
    stack_global: Option<u32>,
) -> Result<Function, wasmparser::BinaryReaderError> {
    let mut function = Function::default();
    let mut ops = body.get_operators_reader()?;
    // 0: nothing, 1: saw `global.get $sp`, 2: saw `i32.const N` after it.
    let (mut state, mut pending) = (0u8, 0u32);
    while !ops.eof() {
        let op = ops.read()?;
        match op {
            Operator::GlobalGet { global_index } if Some(global_index) == stack_global => {
                state = 1;
                continue;
            }
            Operator::I32Const { value } if state == 1 => {
                (state, pending) = (2, u32::try_from(value).unwrap_or(0));
                continue;
            }
            Operator::I32Sub if state == 2 => function.frame = function.frame.max(pending),
            Operator::Call { function_index } => function.calls.push(function_index),
            Operator::CallIndirect { type_index, .. } => function.indirect_types.push(type_index),
            _ => {}
        }
        state = 0;
    }
    Ok(function)
}

/// Depth-first search with memoised depths; `on_path` detects cycles.
struct Walk<'a> {
    module: &'a Module,
    memo: HashMap<u32, u32>,
    on_path: Vec<u32>,
}

impl Walk<'_> {
    /// Deepest stack use from `index` down, or the functions of a cycle.
    fn depth(&mut self, index: u32) -> Result<u32, Vec<u32>> {
        if let Some(&d) = self.memo.get(&index) {
            return Ok(d);
        }
        if let Some(start) = self.on_path.iter().position(|f| *f == index) {
            return Err(self.on_path[start..].to_vec());
        }
        let Some(function) = index
            .checked_sub(self.module.imported)
            .and_then(|i| self.module.bodies.get(i as usize))
        else {
            return Ok(0); // a host import uses no guest stack
        };
        self.on_path.push(index);
        let mut deepest = 0u32;
        for callee in self.callees(function) {
            deepest = deepest.max(self.depth(callee)?);
        }
        self.on_path.pop();
        let total = function.frame.saturating_add(deepest);
        self.memo.insert(index, total);
        Ok(total)
    }

    fn callees(&self, function: &Function) -> Vec<u32> {
        let mut out = function.calls.clone();
        for ty in &function.indirect_types {
            let same_type = self
                .module
                .table
                .iter()
                .copied()
                .filter(|f| self.module.func_types.get(*f as usize).is_some_and(|t| t == ty));
            out.extend(same_type);
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(wat: &str) -> StackBound {
        stack_bound(&wat::parse_str(wat).expect("valid wat")).expect("parses")
    }

    const PRELUDE: &str = r#"
        (memory (export "memory") 1)
        (global $sp (mut i32) (i32.const 32768))"#;

    fn frame(name: &str, size: u32, body: &str) -> String {
        format!(
            "(func {name} (local i32)
                global.get $sp i32.const {size} i32.sub local.tee 0 global.set $sp
                {body}
                local.get 0 i32.const {size} i32.add global.set $sp)"
        )
    }

    #[test]
    fn deepest_path_is_summed_succeeds() {
        let wat = format!(
            r#"(module {PRELUDE}
                {a} {b} {c}
                (func (export "user_entrypoint") (param i32) (result i32)
                    call $a i32.const 0))"#,
            a = frame("$a", 100, "call $b call $c"),
            b = frame("$b", 1000, ""),
            c = frame("$c", 40, "call $b"),
        );
        assert_eq!(bound(&wat), StackBound::Bytes { bytes: 1140, top: 32768 });
    }

    #[test]
    fn indirect_calls_reach_every_function_of_their_type_succeeds() {
        let wat = format!(
            r#"(module {PRELUDE}
                (type $t (func))
                (table 2 funcref)
                (elem (i32.const 0) $small $big)
                {small} {big}
                (func (export "user_entrypoint") (param i32) (result i32)
                    local.get 0 call_indirect (type $t) i32.const 0))"#,
            small = frame("$small", 16, ""),
            big = frame("$big", 4096, ""),
        );
        assert_eq!(bound(&wat), StackBound::Bytes { bytes: 4096, top: 32768 });
    }

    #[test]
    fn recursion_has_no_bound_reverts() {
        let wat = format!(
            r#"(module {PRELUDE}
                {r}
                (func (export "user_entrypoint") (param i32) (result i32)
                    call $r i32.const 0))"#,
            r = frame("$r", 32, "call $r"),
        );
        assert!(matches!(bound(&wat), StackBound::Recursive { top: 32768, .. }));
    }

    #[test]
    fn module_without_stack_pointer_succeeds() {
        let wat = r#"(module (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
        assert_eq!(bound(wat), StackBound::NoStack);
    }
}
