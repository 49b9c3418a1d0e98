//! The tracing id and the envelopes of the three message kinds.
//!
//! The tracing id is the one id of a message everywhere: gateway events, `ResultMsg.id`, the
//! IpcExchange inflight map and the linked token's unconfirmed transfers. It leaves out
//! `localNonce`, which changes at every hop, and includes `originalNonce`, which the origin
//! gateway assigns to every message it creates (top-down ones too, unlike IPC), so two equal
//! sends never share an id.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolValue;

use super::{CallMsg, IPCAddress, IpcEnvelope, IpcMsgKind, OutcomeType, ResultMsg, MAX_RET_LEN};

/// The tracing id of a message:
/// `keccak256(abi.encode(kind, to, from, value, message, originalNonce))`.
#[must_use]
pub fn tracing_id(envelope: &IpcEnvelope) -> B256 {
    tracing_id_of_encoded(&envelope.abi_encode())
}

/// Byte length of the head of `abi.encode(envelope)`: the leading offset and 7 head words.
const ENVELOPE_HEAD: usize = 32 + 7 * 32;

/// The [`tracing_id`] of an envelope from its encoding `abi.encode(envelope)`.
///
/// Programs already hold that encoding (it is the event data, the `handleIpcMessage` calldata
/// after the selector, and the preimage of [`envelope_hash`]), so the id is derived from it
/// rather than from a second encoder: the tails of `to`, `from` and `message` are the same
/// bytes in both encodings, in the same order; only the head words differ (6 instead of 7,
/// so every tail offset is one word less).
#[must_use]
pub fn tracing_id_of_encoded(encoded: &[u8]) -> B256 {
    let Some(tails) = encoded.get(ENVELOPE_HEAD..) else {
        return keccak256(encoded);
    };
    // Head word `i` of the envelope tuple (after the leading offset word).
    let head = |i: usize| &encoded[32 + 32 * i..64 + 32 * i];
    let mut preimage = Vec::with_capacity(6 * 32 + tails.len());
    let push_offset = |preimage: &mut Vec<u8>, word: &[u8]| {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&word[24..]);
        let offset = u64::from_be_bytes(bytes).wrapping_sub(32);
        preimage.extend_from_slice(&[0u8; 24]);
        preimage.extend_from_slice(&offset.to_be_bytes());
    };
    preimage.extend_from_slice(head(0)); // kind
    push_offset(&mut preimage, head(4)); // to
    push_offset(&mut preimage, head(5)); // from
    preimage.extend_from_slice(head(3)); // value
    push_offset(&mut preimage, head(6)); // message
    preimage.extend_from_slice(head(2)); // originalNonce
    preimage.extend_from_slice(tails);
    keccak256(preimage)
}

/// Sets the `localNonce` word of an encoded envelope (`abi.encode(envelope)`).
pub fn set_encoded_local_nonce(encoded: &mut [u8], nonce: u64) {
    if let Some(word) = encoded.get_mut(88..96) {
        word.copy_from_slice(&nonce.to_be_bytes());
    }
}

/// Calldata of a single-envelope call (`handleIpcMessage`):
/// `selector ‖ abi.encode(envelope)`, from the envelope's encoding.
#[must_use]
pub fn envelope_call(selector: [u8; 4], encoded: &[u8]) -> Vec<u8> {
    let mut data = Vec::with_capacity(4 + encoded.len());
    data.extend_from_slice(&selector);
    data.extend_from_slice(encoded);
    data
}

/// The hash of the whole envelope, both nonces included: `keccak256(abi.encode(envelope))`.
#[must_use]
pub fn envelope_hash(envelope: &IpcEnvelope) -> B256 {
    keccak256(envelope.abi_encode())
}

impl IpcEnvelope {
    /// The [`tracing_id`] of this envelope.
    #[must_use]
    pub fn tracing_id(&self) -> B256 {
        tracing_id(self)
    }

    /// The kind, if valid.
    #[must_use]
    pub fn msg_kind(&self) -> Option<IpcMsgKind> {
        IpcMsgKind::from_u8(self.kind)
    }

    /// A Transfer of `value` (nonces are assigned by the gateway).
    #[must_use]
    pub fn new_transfer(from: IPCAddress, to: IPCAddress, value: U256) -> Self {
        Self {
            kind: IpcMsgKind::Transfer as u8,
            localNonce: 0,
            originalNonce: 0,
            value,
            to,
            from,
            message: Bytes::new(),
        }
    }

    /// A Call carrying `call` and `value` (nonces and `from` are assigned by the gateway).
    #[must_use]
    pub fn new_call(from: IPCAddress, to: IPCAddress, call: &CallMsg, value: U256) -> Self {
        Self {
            kind: IpcMsgKind::Call as u8,
            localNonce: 0,
            originalNonce: 0,
            value,
            to,
            from,
            message: call.abi_encode().into(),
        }
    }

    /// The Result answering `self` (whose tracing id is `id`): from its destination back to its
    /// sender, refunding `refund`, with `ret` cut at [`MAX_RET_LEN`] bytes.
    #[must_use]
    pub fn result(&self, id: B256, outcome: OutcomeType, ret: &[u8], refund: U256) -> Self {
        let ret = &ret[..ret.len().min(MAX_RET_LEN)];
        let message = ResultMsg { id, outcome: outcome as u8, ret: ret.to_vec().into() };
        Self {
            kind: IpcMsgKind::Result as u8,
            localNonce: 0,
            originalNonce: 0,
            value: refund,
            to: self.from.clone(),
            from: self.to.clone(),
            message: message.abi_encode().into(),
        }
    }

    /// The Call payload (`None` when `message` is not an encoded `CallMsg`).
    #[must_use]
    pub fn call_msg(&self) -> Option<CallMsg> {
        let encoded = &self.message;
        let tuple = struct_tuple(encoded)?;
        let method = dynamic_bytes(encoded, tuple, 0)?;
        let params = dynamic_bytes(encoded, tuple, 1)?;
        Some(CallMsg { method: method.to_vec().into(), params: params.to_vec().into() })
    }

    /// The Result payload (`None` when `message` is not an encoded `ResultMsg`).
    #[must_use]
    pub fn result_msg(&self) -> Option<ResultMsg> {
        let encoded = &self.message;
        let tuple = struct_tuple(encoded)?;
        let id = B256::from_slice(head_word(encoded, tuple, 0)?);
        let outcome = small(head_word(encoded, tuple, 1)?, 1)?;
        let ret = dynamic_bytes(encoded, tuple, 2)?;
        Some(ResultMsg { id, outcome: outcome as u8, ret: ret.to_vec().into() })
    }

    /// Whether the envelope is empty (a Transfer of 0, or a Call / Result without payload):
    /// IPC never executes nor answers those.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        if self.kind == IpcMsgKind::Transfer as u8 {
            self.value.is_zero()
        } else {
            self.message.is_empty()
        }
    }
}

// Small ABI readers for the two payloads (`abi.encode(CallMsg)`, `abi.encode(ResultMsg)`):
// far less code than the generic decoder, which every dApp would otherwise carry twice. They
// accept every canonical encoding and check the leading offset, bounds of offsets and lengths
// and the zero high bytes of integers; unlike the generic decoder they ignore the padding
// after `bytes` data, which carries nothing.

/// Word `index` of the head of the tuple starting at `tuple`.
fn head_word(encoded: &[u8], tuple: usize, index: usize) -> Option<&[u8]> {
    let at = tuple.checked_add(index.checked_mul(32)?)?;
    encoded.get(at..at.checked_add(32)?)
}

/// The value of a word holding an integer of `bytes` bytes (the rest zero).
fn small(word: &[u8], bytes: usize) -> Option<u64> {
    if word[..32 - bytes].iter().any(|b| *b != 0) {
        return None;
    }
    Some(word[32 - bytes..].iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// The tuple of `abi.encode(struct)`: its first word must be the offset `0x20`.
fn struct_tuple(encoded: &[u8]) -> Option<usize> {
    (small(encoded.get(..32)?, 8)? == 32).then_some(32)
}

/// The `bytes` field whose offset is head word `index` of the tuple at `tuple`.
fn dynamic_bytes(encoded: &[u8], tuple: usize, index: usize) -> Option<&[u8]> {
    let offset = usize::try_from(small(head_word(encoded, tuple, index)?, 8)?).ok()?;
    let start = tuple.checked_add(offset)?;
    let len = usize::try_from(small(encoded.get(start..start.checked_add(32)?)?, 8)?).ok()?;
    let data = start + 32;
    encoded.get(data..data.checked_add(len)?)
}

impl CallMsg {
    /// A call of `selector` with ABI-encoded `params`.
    #[must_use]
    pub fn new(selector: [u8; 4], params: Vec<u8>) -> Self {
        Self { method: selector.to_vec().into(), params: params.into() }
    }

    /// The 4-byte selector (`None` when `method` is not exactly 4 bytes).
    #[must_use]
    pub fn selector(&self) -> Option<[u8; 4]> {
        self.method.as_ref().try_into().ok()
    }
}

impl ResultMsg {
    /// The outcome, if valid.
    #[must_use]
    pub fn outcome_type(&self) -> Option<OutcomeType> {
        OutcomeType::from_u8(self.outcome)
    }

    /// Whether the original message failed (SystemErr or ActorErr): its value was refunded.
    #[must_use]
    pub fn is_err(&self) -> bool {
        self.outcome != OutcomeType::Ok as u8
    }
}

/// The EVM account of `address` or the zero address (for checks that compare accounts).
#[must_use]
pub fn evm_or_zero(address: &IPCAddress) -> Address {
    address.evm_address().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, hex};

    use super::*;
    use crate::ipc::SubnetID;

    const USER: Address = address!("00000000000000000000000000000000000000d1");
    const DAPP: Address = address!("00000000000000000000000000000000000000e1");

    fn call_envelope(nonce: u64) -> IpcEnvelope {
        let root = SubnetID::new_root(1);
        let child = root.child(address!("00000000000000000000000000000000000000a1"));
        let mut envelope = IpcEnvelope::new_call(
            IPCAddress::new(root, USER),
            IPCAddress::new(child, DAPP),
            &CallMsg::new(hex!("12345678"), vec![1, 2, 3]),
            U256::from(5),
        );
        envelope.originalNonce = nonce;
        envelope.localNonce = nonce;
        envelope
    }

    #[test]
    fn tracing_id_is_abi_encode_keccak_succeeds() {
        let envelope = call_envelope(3);
        // uint8 and uint256 share the word encoding.
        let preimage = (
            U256::from(envelope.kind),
            envelope.to.clone(),
            envelope.from.clone(),
            envelope.value,
            envelope.message.clone(),
            envelope.originalNonce,
        )
            .abi_encode_params();
        assert_eq!(tracing_id(&envelope), keccak256(preimage));
    }

    #[test]
    fn tracing_id_of_encoded_matches_reference_succeeds() {
        use alloy_sol_types::{sol_data, SolCall, SolType};
        type Preimage = (
            sol_data::Uint<8>,
            IPCAddress,
            IPCAddress,
            sol_data::Uint<256>,
            sol_data::Bytes,
            sol_data::Uint<64>,
        );
        for nonce in [0u64, 7, u64::MAX] {
            let mut envelope = call_envelope(nonce);
            envelope.to.subnetId = envelope.to.subnetId.child(USER).child(DAPP);
            let reference = keccak256(Preimage::abi_encode_params(&(
                envelope.kind,
                envelope.to.clone(),
                envelope.from.clone(),
                envelope.value,
                envelope.message.clone(),
                envelope.originalNonce,
            )));
            assert_eq!(tracing_id(&envelope), reference);
            let result = envelope.result(reference, OutcomeType::ActorErr, &[1; 40], U256::from(1));
            let reference = keccak256(Preimage::abi_encode_params(&(
                result.kind,
                result.to.clone(),
                result.from.clone(),
                result.value,
                result.message.clone(),
                result.originalNonce,
            )));
            assert_eq!(tracing_id(&result), reference);
        }
        assert_eq!(tracing_id_of_encoded(&[1, 2]), keccak256([1, 2]));
        let envelope = call_envelope(3);
        let mut encoded = envelope.abi_encode();
        set_encoded_local_nonce(&mut encoded, 42);
        let mut expected = envelope.clone();
        expected.localNonce = 42;
        assert_eq!(encoded, expected.abi_encode());
        let call = envelope_call(crate::ipc::handleIpcMessageCall::SELECTOR, &encoded);
        assert_eq!(call, crate::ipc::handleIpcMessageCall { envelope: expected }.abi_encode());
    }

    #[test]
    fn tracing_id_ignores_local_nonce_binds_original_nonce_succeeds() {
        let a = call_envelope(3);
        let mut hop = a.clone();
        hop.localNonce = 99;
        assert_eq!(a.tracing_id(), hop.tracing_id());
        assert_ne!(envelope_hash(&a), envelope_hash(&hop));
        assert_ne!(a.tracing_id(), call_envelope(4).tracing_id());
    }

    #[test]
    fn result_swaps_ends_and_bounds_ret_succeeds() {
        let call = call_envelope(1);
        let id = call.tracing_id();
        let long = vec![7u8; 1000];
        let result = call.result(id, OutcomeType::ActorErr, &long, call.value);
        assert_eq!(result.msg_kind(), Some(IpcMsgKind::Result));
        assert_eq!((result.to.clone(), result.from.clone()), (call.from.clone(), call.to.clone()));
        let msg = result.result_msg().expect("result payload");
        assert_eq!(msg.id, id);
        assert_eq!(msg.ret.len(), MAX_RET_LEN);
        assert!(msg.is_err());
        assert_eq!(msg.outcome_type(), Some(OutcomeType::ActorErr));
        assert_eq!(result.value, U256::from(5));
    }

    #[test]
    fn call_payload_round_trips_succeeds() {
        let call = call_envelope(0);
        let msg = call.call_msg().expect("call payload");
        assert_eq!(msg.selector(), Some(hex!("12345678")));
        assert_eq!(msg.params.to_vec(), vec![1, 2, 3]);
        assert!(!call.is_empty());
        assert_eq!(evm_or_zero(&call.to), DAPP);
    }

    #[test]
    fn payload_readers_match_generic_decoder_succeeds() {
        for params in [vec![], vec![1u8; 31], vec![2u8; 32], vec![3u8; 100]] {
            let call = CallMsg::new(hex!("a1b2c3d4"), params);
            let envelope = IpcEnvelope { message: call.abi_encode().into(), ..Default::default() };
            assert_eq!(envelope.call_msg(), Some(call.clone()));
            assert_eq!(
                <CallMsg as SolValue>::abi_decode(&envelope.message).ok(),
                envelope.call_msg()
            );
            let result =
                ResultMsg { id: B256::repeat_byte(4), outcome: 2, ret: call.params.clone() };
            let envelope =
                IpcEnvelope { message: result.abi_encode().into(), ..Default::default() };
            assert_eq!(envelope.result_msg(), Some(result));
        }
        // Truncated, wrong leading offset, out-of-range offset, dirty integer padding.
        let good = CallMsg::new(hex!("a1b2c3d4"), vec![7; 40]).abi_encode();
        let mut bad = vec![good[..good.len() - 40].to_vec(), good.clone(), good.clone()];
        bad[1][31] = 0x40;
        bad[2][63] = 0xff;
        for message in bad {
            let envelope = IpcEnvelope { message: message.into(), ..Default::default() };
            assert_eq!(envelope.call_msg(), None);
        }
        let mut result = ResultMsg { id: B256::ZERO, outcome: 1, ret: Bytes::new() }.abi_encode();
        result[32 + 32 + 30] = 1; // outcome above a byte
        let envelope = IpcEnvelope { message: result.into(), ..Default::default() };
        assert_eq!(envelope.result_msg(), None);
    }

    #[test]
    fn malformed_payloads_reverts() {
        let mut call = call_envelope(0);
        call.message = vec![1, 2, 3].into();
        assert_eq!(call.call_msg(), None);
        assert_eq!(call.result_msg(), None);
        assert_eq!(CallMsg { method: vec![1].into(), params: Bytes::new() }.selector(), None);
        assert_eq!(IpcMsgKind::from_u8(3), None);
        assert_eq!(OutcomeType::from_u8(3), None);
        let empty = IpcEnvelope::new_transfer(call.from.clone(), call.to.clone(), U256::ZERO);
        assert!(empty.is_empty());
    }
}
