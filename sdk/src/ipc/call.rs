//! Calls from a gateway into user code, with a fixed gas budget and bounded return data.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use stylus_sdk::{call::RawCall, prelude::*};

use super::MAX_RET_LEN;

/// Calls `to` with `value` and `data`, giving it exactly `gas`, and reads back at most
/// [`MAX_RET_LEN`] bytes of return (or revert) data, so a receiver cannot make the caller pay
/// for a huge copy (a "return bomb").
///
/// The storage cache is flushed and cleared first, as [`stylus_sdk::call::call`] does, so a
/// reentrant callee sees (and may change) the current state.
///
/// # Errors
/// The (bounded) revert data when the call fails.
pub fn bounded_call<H: Host + ?Sized>(
    host: &H,
    to: Address,
    value: U256,
    gas: u64,
    data: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    // SAFETY: `RawCall::call` is unsafe only because the callee may reenter and change storage
    // behind the cache; `clear_storage_cache` flushes and invalidates the cache before the
    // call, exactly like the SDK's safe `call`.
    #[allow(unsafe_code)]
    unsafe {
        RawCall::new_with_value(host, value)
            .gas(gas)
            .limit_return_data(0, MAX_RET_LEN)
            .clear_storage_cache()
            .call(to, data)
    }
}

/// Calls `to` with `value` and `data` (all gas), reading all return data: `call` without the
/// SDK's error type (whose conversion code is large), for calls between crossnet programs.
///
/// # Errors
/// The revert data when the call fails.
pub fn call_contract<H: Host + ?Sized>(
    host: &H,
    to: Address,
    value: U256,
    data: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    // SAFETY: as for `bounded_call`: the cache is flushed and invalidated before the call.
    #[allow(unsafe_code)]
    unsafe {
        RawCall::new_with_value(host, value).clear_storage_cache().call(to, data)
    }
}

/// A static call of `to` with at most `gas`, reading back at most [`MAX_RET_LEN`] bytes.
///
/// # Errors
/// The (bounded) revert data when the call fails.
pub fn bounded_static_call<H: Host + ?Sized>(
    host: &H,
    to: Address,
    gas: u64,
    data: &[u8],
) -> Result<Vec<u8>, Vec<u8>> {
    // SAFETY: a static call cannot change storage; the cache is flushed first so the callee
    // reads the current state.
    #[allow(unsafe_code)]
    unsafe {
        RawCall::new_static(host)
            .gas(gas)
            .limit_return_data(0, MAX_RET_LEN)
            .flush_storage_cache()
            .call(to, data)
    }
}

/// The checkpoint height of the open bottom-up batch for a message committed at `block`: the
/// first multiple of `period` at or after `block` that is above `last_cut` (the height of the
/// last early cut of a full batch). A checkpoint at a boundary holds every bottom-up message
/// committed up to it since the previous checkpoint; a batch that reaches the maximum is cut at
/// once at the current block.
#[must_use]
pub fn batch_epoch(block: u64, last_cut: u64, period: u64) -> u64 {
    let period = period.max(1);
    let mut epoch = block.div_ceil(period).saturating_mul(period);
    if epoch <= last_cut {
        epoch = last_cut.saturating_add(period);
    }
    epoch
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use stylus_sdk::testing::TestVM;

    use super::*;

    #[test]
    fn batch_epoch_rounds_up_past_last_cut_succeeds() {
        assert_eq!(batch_epoch(1, 0, 10), 10);
        assert_eq!(batch_epoch(10, 0, 10), 10);
        assert_eq!(batch_epoch(11, 0, 10), 20);
        // Early cut at 13: later messages of that period go to the boundary 20.
        assert_eq!(batch_epoch(13, 13, 10), 20);
        // Early cut exactly at a boundary: later messages of the block go to the next one.
        assert_eq!(batch_epoch(20, 20, 10), 30);
        assert_eq!(batch_epoch(5, 0, 0), 5);
    }

    #[test]
    fn bounded_call_cuts_return_data_succeeds() {
        let vm = TestVM::new();
        let to = address!("00000000000000000000000000000000000000e1");
        vm.mock_call(to, vec![1], U256::from(2), Ok(vec![7u8; 1000]));
        let ret = bounded_call(&vm, to, U256::from(2), 100_000, &[1]).expect("call");
        assert_eq!(ret.len(), MAX_RET_LEN);
    }

    #[test]
    fn bounded_call_revert_cut_reverts() {
        let vm = TestVM::new();
        let to = address!("00000000000000000000000000000000000000e1");
        vm.mock_call(to, vec![1], U256::ZERO, Err(vec![9u8; 300]));
        assert_eq!(bounded_call(&vm, to, U256::ZERO, 100_000, &[1]), Err(vec![9u8; MAX_RET_LEN]));
    }
}
