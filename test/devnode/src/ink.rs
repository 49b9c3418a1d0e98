//! Ink: Stylus's fine-grained gas (stylus-runtime.md sections 1.5 and 1.7).
//!
//! wasmi meters execution in *fuel*. Here one fuel is [`INK_PER_FUEL`] ink, so with Nitro's
//! default ink price of 10 000 ink per gas one gas is [`FUEL_PER_GAS`] fuel, and gas and fuel
//! convert without rounding. Nitro's per-opcode ink prices (`meter::pricing_v1`) are mapped
//! onto wasmi's per-operator table (one `u8` of fuel per operator, so the most expensive
//! operators are capped at 255 fuel = 12 750 ink). Nitro's 2 450-ink basic-block header is
//! folded into the control operators that open a new block.

use wasmi::{CustomFuelCosts, OperatorCost};

/// Ink per gas (`ArbWasm.inkPrice`, Nitro default).
pub const INK_PRICE: u64 = 10_000;
/// Ink per unit of wasmi fuel.
pub const INK_PER_FUEL: u64 = 50;
/// Fuel per unit of gas.
pub const FUEL_PER_GAS: u64 = INK_PRICE / INK_PER_FUEL;

/// Base ink of every host function (`HOSTIO_INK`).
pub const HOSTIO_INK: u64 = 8_400;
/// Extra ink per pointer argument.
pub const PTR_INK: u64 = 5_040;
/// Extra ink of host functions that reach the EVM (`EVM_API_INK`).
pub const EVM_API_INK: u64 = 59_673;
/// Base ink of `native_keccak256`.
pub const KECCAK_INK: u64 = 121_800;
/// Ink per 32-byte word hashed beyond the first two.
pub const KECCAK_WORD_INK: u64 = 21_000;
/// Base ink of reading more than 32 bytes from the host.
pub const READ_INK: u64 = 16_381;
/// Ink per byte read from the host beyond 32.
pub const READ_BYTE_INK: u64 = 55;
/// Base ink of writing more than 32 bytes to the host.
pub const WRITE_INK: u64 = 5_040;
/// Ink per byte written to the host beyond 32.
pub const WRITE_BYTE_INK: u64 = 30;
/// Base ink of `math_pow`.
pub const POW_INK: u64 = 3_000;
/// Ink per significant exponent byte of `math_pow` (plus one).
pub const POW_BYTE_INK: u64 = 17_500;

/// Free memory pages per transaction (`freePages`).
pub const FREE_PAGES: u16 = 2;
/// Gas per page beyond the free ones (`pageGas`).
pub const PAGE_GAS: u64 = 1_000;
/// Pages a transaction may have open at once (`pageLimit`).
pub const PAGE_LIMIT: u16 = 128;

/// Converts ink to fuel, rounding up.
#[must_use]
pub const fn ink_to_fuel(ink: u64) -> u64 {
    ink.div_ceil(INK_PER_FUEL)
}

/// Ink of reading `len` bytes from the guest (`read_args`-style hostios).
#[must_use]
pub const fn read_ink(len: u64) -> u64 {
    if len <= 32 {
        0
    } else {
        READ_INK + (len - 32) * READ_BYTE_INK
    }
}

/// Ink of writing `len` bytes into the guest.
#[must_use]
pub const fn write_ink(len: u64) -> u64 {
    if len <= 32 {
        0
    } else {
        WRITE_INK + (len - 32) * WRITE_BYTE_INK
    }
}

/// Ink of hashing `len` bytes.
#[must_use]
pub const fn keccak_ink(len: u64) -> u64 {
    let words = len.div_ceil(32);
    KECCAK_INK + words.saturating_sub(2) * KECCAK_WORD_INK
}

/// The exponential part of the memory model: gas of having had `pages` pages open at once.
///
/// Nitro uses a 129-entry table that grows exponentially to about 31.87 M gas at 128 pages;
/// this is the same curve computed in closed form (`exp(pages · ln(31 870 000) / 128) − 1`).
#[must_use]
pub fn memory_exp(pages: u16) -> u64 {
    let pages = f64::from(pages.min(PAGE_LIMIT));
    let top: f64 = 31_870_000.0;
    let value = (pages * top.ln() / f64::from(PAGE_LIMIT)).exp() - 1.0;
    // The curve is monotonic and below 2^25, so the conversion is exact enough.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let value = value.round() as u64;
    value
}

/// Gas of opening `new` pages when `open` are open and at most `ever` were open in this tx.
#[must_use]
pub fn memory_gas(new: u16, open: u16, ever: u16) -> u64 {
    let new_open = open.saturating_add(new);
    let new_ever = ever.max(new_open);
    if new_ever <= FREE_PAGES {
        return 0;
    }
    let adding = new_open.saturating_sub(ever.max(FREE_PAGES)).min(new);
    let linear = PAGE_GAS * u64::from(adding);
    linear + memory_exp(new_ever).saturating_sub(memory_exp(ever))
}

/// Fuel of `ink`, clamped to wasmi's one-byte operator cost.
const fn op(ink: u64) -> u8 {
    let fuel = ink.div_ceil(INK_PER_FUEL);
    if fuel > 255 {
        255
    } else {
        fuel as u8
    }
}

/// Nitro's basic-block header.
const BLOCK_INK: u64 = 2_450;

/// Nitro's per-operator ink prices as a wasmi fuel table.
///
/// Floats, tables, reference types and SIMD cost `u64::MAX` on Nitro (any executed block
/// containing one runs out of ink); wasmi's table tops out at 255 fuel, so here they are
/// merely expensive. The build profile rejects floats in our own contracts.
#[must_use]
pub fn operator_costs() -> OperatorCost {
    let mut c = OperatorCost::default();
    let int32 = op(70);
    let int64 = op(100);
    let max = 255;
    c.unreachable = op(1);
    c.nop = op(1);
    c.block = 0;
    c.loop_ = op(BLOCK_INK);
    c.if_ = op(765 + BLOCK_INK);
    c.else_ = op(BLOCK_INK);
    c.end = 0;
    c.br = op(765 + BLOCK_INK);
    c.br_if = op(765 + BLOCK_INK);
    c.br_table = op(2_400 + BLOCK_INK);
    c.return_ = op(BLOCK_INK);
    c.call = op(3_800 + BLOCK_INK);
    c.call_indirect = op(13_610 + BLOCK_INK);
    c.drop = op(9);
    c.select = op(1_250);
    c.local_get = op(75);
    c.local_set = op(210);
    c.local_tee = op(75);
    c.global_get = op(225);
    c.global_set = op(575);
    for load in [
        &mut c.i32_load,
        &mut c.i32_load8_s,
        &mut c.i32_load8_u,
        &mut c.i32_load16_s,
        &mut c.i32_load16_u,
    ] {
        *load = op(670);
    }
    for load in [
        &mut c.i64_load,
        &mut c.i64_load8_s,
        &mut c.i64_load8_u,
        &mut c.i64_load16_s,
        &mut c.i64_load16_u,
        &mut c.i64_load32_s,
        &mut c.i64_load32_u,
    ] {
        *load = op(680);
    }
    for store in [&mut c.i32_store, &mut c.i32_store8, &mut c.i32_store16] {
        *store = op(825);
    }
    for store in [&mut c.i64_store, &mut c.i64_store8, &mut c.i64_store16, &mut c.i64_store32] {
        *store = op(950);
    }
    c.memory_size = op(3_000);
    c.memory_grow = op(8_050);
    c.i32_const = op(1);
    c.i64_const = op(1);
    for o in [
        &mut c.i32_eqz,
        &mut c.i32_eq,
        &mut c.i32_ne,
        &mut c.i32_lt_s,
        &mut c.i32_lt_u,
        &mut c.i32_gt_s,
        &mut c.i32_gt_u,
        &mut c.i32_le_s,
        &mut c.i32_le_u,
        &mut c.i32_ge_s,
        &mut c.i32_ge_u,
        &mut c.i32_add,
        &mut c.i32_sub,
        &mut c.i32_and,
        &mut c.i32_or,
        &mut c.i32_xor,
        &mut c.i32_shl,
        &mut c.i32_shr_s,
        &mut c.i32_shr_u,
        &mut c.i32_rotl,
        &mut c.i32_rotr,
        &mut c.i32_extend8_s,
        &mut c.i32_extend16_s,
    ] {
        *o = int32;
    }
    for o in [
        &mut c.i64_eqz,
        &mut c.i64_eq,
        &mut c.i64_ne,
        &mut c.i64_lt_s,
        &mut c.i64_lt_u,
        &mut c.i64_gt_s,
        &mut c.i64_gt_u,
        &mut c.i64_le_s,
        &mut c.i64_le_u,
        &mut c.i64_ge_s,
        &mut c.i64_ge_u,
        &mut c.i64_add,
        &mut c.i64_sub,
        &mut c.i64_and,
        &mut c.i64_or,
        &mut c.i64_xor,
        &mut c.i64_shl,
        &mut c.i64_shr_s,
        &mut c.i64_shr_u,
        &mut c.i64_rotl,
        &mut c.i64_rotr,
        &mut c.i64_extend8_s,
        &mut c.i64_extend16_s,
        &mut c.i64_extend32_s,
        &mut c.i32_wrap_i64,
        &mut c.i64_extend_i32_s,
        &mut c.i64_extend_i32_u,
    ] {
        *o = int64;
    }
    c.i32_clz = op(210);
    c.i32_ctz = op(210);
    c.i64_clz = op(210);
    c.i64_ctz = op(210);
    c.i32_popcnt = op(2_650);
    c.i64_popcnt = op(6_000);
    c.i32_mul = op(160);
    c.i64_mul = op(160);
    c.i32_div_s = op(1_120);
    c.i32_div_u = op(1_120);
    c.i32_rem_s = op(1_120);
    c.i32_rem_u = op(1_120);
    c.i64_div_s = op(1_270);
    c.i64_div_u = op(1_270);
    c.i64_rem_s = op(1_270);
    c.i64_rem_u = op(1_270);
    c.memory_copy = op(950);
    c.memory_fill = op(950);
    c.memory_init = op(950);
    c.data_drop = op(950);
    // Unpriceable on Nitro (u64::MAX): as expensive as the table allows.
    for o in [
        &mut c.f32_load,
        &mut c.f64_load,
        &mut c.f32_store,
        &mut c.f64_store,
        &mut c.f32_const,
        &mut c.f64_const,
        &mut c.f32_add,
        &mut c.f64_add,
        &mut c.f32_sub,
        &mut c.f64_sub,
        &mut c.f32_mul,
        &mut c.f64_mul,
        &mut c.f32_div,
        &mut c.f64_div,
        &mut c.f32_sqrt,
        &mut c.f64_sqrt,
        &mut c.f32_eq,
        &mut c.f64_eq,
        &mut c.f32_lt,
        &mut c.f64_lt,
        &mut c.f32_convert_i32_s,
        &mut c.f64_convert_i64_s,
        &mut c.i32_trunc_f32_s,
        &mut c.i64_trunc_f64_s,
        &mut c.i32_trunc_sat_f32_s,
        &mut c.i64_trunc_sat_f64_s,
        &mut c.table_get,
        &mut c.table_set,
        &mut c.table_grow,
        &mut c.table_size,
        &mut c.table_fill,
        &mut c.table_copy,
        &mut c.table_init,
        &mut c.elem_drop,
        &mut c.ref_null,
        &mut c.ref_is_null,
        &mut c.ref_func,
        &mut c.typed_select,
        &mut c.return_call,
        &mut c.return_call_indirect,
    ] {
        *o = max;
    }
    c
}

/// Dynamic costs: Nitro charges 100 ink per byte copied or filled; wasmi charges whole fuel
/// per `bytes_copied_per_fuel` bytes, so the closest is one fuel (50 ink) per byte.
#[must_use]
pub fn dynamic_costs() -> CustomFuelCosts {
    CustomFuelCosts {
        bytes_copied_per_fuel: 1,
        fuel_per_bytes_translated: 0,
        fuel_per_bytes_validated: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_model_matches_nitro_shape() {
        assert_eq!(memory_gas(2, 0, 0), 0);
        assert_eq!(memory_gas(1, 2, 2), PAGE_GAS + memory_exp(3) - memory_exp(2));
        let full = memory_exp(128);
        assert!((31_000_000..32_500_000).contains(&full), "{full}");
        // Re-opening pages already paid for in this tx costs nothing exponential.
        assert_eq!(memory_gas(1, 0, 4), 0);
    }

    #[test]
    fn conversions() {
        assert_eq!(FUEL_PER_GAS, 200);
        assert_eq!(ink_to_fuel(51), 2);
        assert_eq!(read_ink(32), 0);
        assert_eq!(keccak_ink(64), KECCAK_INK);
    }
}
