//! Compact emission of events whose parameters are all one word (addresses, integers,
//! `bytes32`, `bool`).
//!
//! `alloy`'s `SolEvent` encoding is generated per event type; a program emitting a dozen
//! one-word events pays for a dozen encoders. [`emit`] writes the same log (topic 0 is the
//! event's `SIGNATURE_HASH`, indexed words become topics, the rest is the data, word after
//! word) from one shared function. The events stay declared in `sol!`, so clients and tests
//! decode them with the generated types.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

/// An integer as an event word (`u64`, `U256`, ...; a `bool` as `u64::from(b)`).
#[must_use]
pub fn word<T>(value: T) -> B256
where
    U256: alloy_primitives::ruint::UintTryFrom<T>,
{
    B256::from(U256::from(value))
}

/// An address as an event word.
#[must_use]
pub fn address_word(account: Address) -> B256 {
    account.into_word()
}

/// Emits an event whose parameters are all one word: `signature_hash` is the event's
/// `SolEvent::SIGNATURE_HASH`, `indexed` its indexed parameters in order, `data` the others.
pub fn emit<H: Host + ?Sized>(host: &H, signature_hash: B256, indexed: &[B256], data: &[B256]) {
    let mut bytes = Vec::with_capacity(data.len() * 32);
    for w in data {
        bytes.extend_from_slice(w.as_slice());
    }
    emit_raw(host, signature_hash, indexed, &bytes);
}

/// Emits an event with ABI-encoded `data` (the encoding of its non-indexed parameters; for
/// one `IpcEnvelope`, `abi.encode(envelope)`).
pub fn emit_raw<H: Host + ?Sized>(host: &H, signature_hash: B256, indexed: &[B256], data: &[u8]) {
    let mut topics = Vec::with_capacity(indexed.len() + 1);
    topics.push(signature_hash);
    topics.extend_from_slice(indexed);
    // A log can only fail in a static context, where the call reverts anyway.
    let _ = host.raw_log(&topics, data);
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use alloy_sol_types::SolEvent;
    use stylus_sdk::testing::TestVM;

    use super::*;
    use crate::ipc::{Claimed, IpcEnvelope, NewTopDownMessage, ResultExecuted};

    #[test]
    fn emit_matches_sol_event_encoding_succeeds() {
        let vm = TestVM::new();
        let account = address!("00000000000000000000000000000000000000d1");
        let recipient = address!("00000000000000000000000000000000000000d2");
        emit(
            &vm,
            Claimed::SIGNATURE_HASH,
            &[address_word(account)],
            &[address_word(recipient), word(U256::from(5))],
        );
        emit(&vm, ResultExecuted::SIGNATURE_HASH, &[B256::repeat_byte(1)], &[word(1u64)]);
        let logs = vm.get_emitted_logs();
        let claimed = Claimed::decode_raw_log(logs[0].0.iter().copied(), &logs[0].1).expect("log");
        assert_eq!(
            (claimed.account, claimed.recipient, claimed.amount),
            (account, recipient, U256::from(5))
        );
        let executed =
            ResultExecuted::decode_raw_log(logs[1].0.iter().copied(), &logs[1].1).expect("log");
        assert_eq!(executed.id, B256::repeat_byte(1));
        let envelope = IpcEnvelope { localNonce: 3, ..Default::default() };
        emit_raw(
            &vm,
            NewTopDownMessage::SIGNATURE_HASH,
            &[address_word(account), B256::repeat_byte(9)],
            &alloy_sol_types::SolValue::abi_encode(&envelope),
        );
        let logs = vm.get_emitted_logs();
        let top_down =
            NewTopDownMessage::decode_raw_log(logs[2].0.iter().copied(), &logs[2].1).expect("log");
        assert_eq!(
            (top_down.subnet, top_down.message, top_down.id),
            (account, envelope, B256::repeat_byte(9))
        );
        let _ = B256::repeat_byte(2);
        assert!(executed.delivered);
    }
}
