//! Reading the signed statements as their verifiers receive them: the ABI encoding
//! (`abi.encode(BottomUpCheckpoint)` / `abi.encode(ParentFinality)`) that the validators
//! signed (see [`super::digest`]).
//!
//! The verifiers take these bytes rather than decoded structs: they hash exactly what was
//! signed, read the few header words they check, and hand the message batch to the gateway as
//! a slice of the same bytes, so a batch is decoded once (by the gateway) instead of decoded,
//! re-encoded for the digest and re-encoded for the call. Signatures cover the bytes, so an
//! odd encoding can only fail to verify; the gateway decodes the batch strictly.

use alloc::vec::Vec;

use alloy_primitives::{B256, U256};
use alloy_sol_types::{SolCall, SolValue};

use super::{applyCrossMessagesCall, commitCheckpointCall, SubnetConfig};

/// Word `index` of `bytes` (32 bytes at `32 * index` from `start`).
fn word(bytes: &[u8], start: usize, index: usize) -> Option<&[u8]> {
    let at = start.checked_add(index.checked_mul(32)?)?;
    bytes.get(at..at.checked_add(32)?)
}

/// A word holding a `u64` (higher bytes zero).
fn word_u64(word: &[u8]) -> Option<u64> {
    if word[..24].iter().any(|b| *b != 0) {
        return None;
    }
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&word[24..]);
    Some(u64::from_be_bytes(bytes))
}

/// The start of the tuple of `abi.encode(struct)` (after its leading offset word, which must be
/// `0x20`).
fn tuple_start(encoded: &[u8]) -> Option<usize> {
    (word_u64(word(encoded, 0, 0)?)? == 32).then_some(32)
}

/// An offset head word, as a position in `encoded`.
fn offset(encoded: &[u8], tuple: usize, index: usize) -> Option<usize> {
    let relative = usize::try_from(word_u64(word(encoded, tuple, index)?)?).ok()?;
    let at = tuple.checked_add(relative)?;
    (at <= encoded.len()).then_some(at)
}

/// The calldata `selector ‖ head words ‖ array` for a call whose last parameter is the array
/// encoded at `encoded[array..]` (its length word first) and whose other parameters are the
/// static `heads`.
fn call_with_array(selector: [u8; 4], heads: &[B256], encoded: &[u8], array: usize) -> Vec<u8> {
    let tail = &encoded[array..];
    let mut data = Vec::with_capacity(4 + 32 * (heads.len() + 1) + tail.len());
    data.extend_from_slice(&selector);
    for head in heads {
        data.extend_from_slice(head.as_slice());
    }
    data.extend_from_slice(&U256::from(32 * (heads.len() + 1)).to_be_bytes::<32>());
    data.extend_from_slice(tail);
    data
}

/// The header of an encoded `BottomUpCheckpoint`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointHeader {
    /// `blockHeight`.
    pub height: u64,
    /// `blockHash`.
    pub block_hash: B256,
    /// `nextConfigurationNumber`.
    pub configuration: u64,
    /// `msgs.length`.
    pub num_msgs: u64,
    msgs: usize,
}

impl CheckpointHeader {
    /// Reads the header of `abi.encode(checkpoint)` (`None` when malformed).
    #[must_use]
    pub fn parse(encoded: &[u8]) -> Option<Self> {
        let tuple = tuple_start(encoded)?;
        let height = word_u64(word(encoded, tuple, 1)?)?;
        let block_hash = B256::from_slice(word(encoded, tuple, 2)?);
        let configuration = word_u64(word(encoded, tuple, 3)?)?;
        let msgs = offset(encoded, tuple, 4)?;
        let num_msgs = word_u64(word(encoded, msgs, 0)?)?;
        Some(Self { height, block_hash, configuration, num_msgs, msgs })
    }

    /// The gateway call `commitCheckpoint(height, msgs)` for the checkpoint `encoded` (the bytes
    /// this header was parsed from).
    #[must_use]
    pub fn commit_calldata(&self, encoded: &[u8]) -> Vec<u8> {
        let height = B256::from(U256::from(self.height));
        call_with_array(commitCheckpointCall::SELECTOR, &[height], encoded, self.msgs)
    }
}

/// The parts of an encoded `ParentFinality`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinalityHeader {
    /// `height`.
    pub height: u64,
    /// `blockHash`.
    pub block_hash: B256,
    /// `msgs.length`.
    pub num_msgs: u64,
    configs: usize,
    msgs: usize,
}

impl FinalityHeader {
    /// Reads the header of `abi.encode(finality)` (`None` when malformed).
    #[must_use]
    pub fn parse(encoded: &[u8]) -> Option<Self> {
        let tuple = tuple_start(encoded)?;
        let height = word_u64(word(encoded, tuple, 0)?)?;
        let block_hash = B256::from_slice(word(encoded, tuple, 1)?);
        let configs = offset(encoded, tuple, 2)?;
        let msgs = offset(encoded, tuple, 3)?;
        if msgs < configs {
            return None;
        }
        let num_msgs = word_u64(word(encoded, msgs, 0)?)?;
        Some(Self { height, block_hash, num_msgs, configs, msgs })
    }

    /// The configuration changes (`None` when they do not decode).
    #[must_use]
    pub fn configs(&self, encoded: &[u8]) -> Option<Vec<SubnetConfig>> {
        let mut array = U256::from(32).to_be_bytes::<32>().to_vec();
        array.extend_from_slice(&encoded[self.configs..self.msgs]);
        <Vec<SubnetConfig> as SolValue>::abi_decode(&array).ok()
    }

    /// The gateway call `applyCrossMessages(msgs)` for the finality `encoded`.
    #[must_use]
    pub fn apply_calldata(&self, encoded: &[u8]) -> Vec<u8> {
        call_with_array(applyCrossMessagesCall::SELECTOR, &[], encoded, self.msgs)
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{address, U256};

    use super::*;
    use crate::ipc::{
        BottomUpCheckpoint, CallMsg, IPCAddress, IpcEnvelope, ParentFinality, SubnetID,
        SubnetPolicy,
    };

    fn messages(n: u64) -> Vec<IpcEnvelope> {
        let root = SubnetID::new_root(1);
        let child = root.child(address!("00000000000000000000000000000000000000a1"));
        (0..n)
            .map(|i| {
                let mut envelope = IpcEnvelope::new_call(
                    IPCAddress::new(
                        child.clone(),
                        address!("00000000000000000000000000000000000000d1"),
                    ),
                    IPCAddress::new(
                        root.clone(),
                        address!("00000000000000000000000000000000000000e1"),
                    ),
                    &CallMsg::new([1, 2, 3, 4], vec![i as u8; 40]),
                    U256::from(i),
                );
                envelope.localNonce = i;
                envelope.originalNonce = i;
                envelope
            })
            .collect()
    }

    #[test]
    fn checkpoint_header_and_calldata_succeeds() {
        for n in [0, 1, 3] {
            let checkpoint = BottomUpCheckpoint {
                subnetID: SubnetID::new_root(1)
                    .child(address!("00000000000000000000000000000000000000a1")),
                blockHeight: 20,
                blockHash: B256::repeat_byte(7),
                nextConfigurationNumber: 2,
                msgs: messages(n),
            };
            let encoded = checkpoint.abi_encode();
            let header = CheckpointHeader::parse(&encoded).expect("header");
            assert_eq!(
                (header.height, header.block_hash, header.configuration, header.num_msgs),
                (20, B256::repeat_byte(7), 2, n)
            );
            let expected = commitCheckpointCall { height: 20, msgs: checkpoint.msgs }.abi_encode();
            assert_eq!(header.commit_calldata(&encoded), expected);
        }
    }

    #[test]
    fn finality_header_configs_and_calldata_succeeds() {
        let config = SubnetConfig {
            configurationNumber: 1,
            validators: vec![address!("00000000000000000000000000000000000000b1")],
            weights: vec![U256::from(1)],
            policy: SubnetPolicy { paused: true, ..Default::default() },
        };
        for (configs, n) in
            [(vec![], 0), (vec![config.clone()], 2), (vec![config.clone(), config], 1)]
        {
            let finality = ParentFinality {
                height: 9,
                blockHash: B256::repeat_byte(3),
                configs: configs.clone(),
                msgs: messages(n),
            };
            let encoded = finality.abi_encode();
            let header = FinalityHeader::parse(&encoded).expect("header");
            assert_eq!(
                (header.height, header.block_hash, header.num_msgs),
                (9, B256::repeat_byte(3), n)
            );
            assert_eq!(header.configs(&encoded), Some(configs));
            let expected = applyCrossMessagesCall { messages: finality.msgs }.abi_encode();
            assert_eq!(header.apply_calldata(&encoded), expected);
        }
    }

    #[test]
    fn parse_malformed_reverts() {
        assert_eq!(CheckpointHeader::parse(&[]), None);
        assert_eq!(CheckpointHeader::parse(&[0u8; 64]), None);
        let mut encoded = BottomUpCheckpoint::default().abi_encode();
        encoded[32 + 32] = 1; // height above u64
        assert_eq!(CheckpointHeader::parse(&encoded), None);
        let mut encoded = BottomUpCheckpoint::default().abi_encode();
        let at = 32 + 4 * 32 + 24;
        encoded[at..at + 8].copy_from_slice(&u64::MAX.to_be_bytes()); // msgs offset out of range
        assert_eq!(CheckpointHeader::parse(&encoded), None);
        assert_eq!(FinalityHeader::parse(&[0u8; 10]), None);
        let mut encoded = ParentFinality::default().abi_encode();
        encoded.truncate(encoded.len() - 32);
        assert_eq!(FinalityHeader::parse(&encoded), None);
    }
}
