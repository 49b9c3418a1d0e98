//! The programs' 32 KiB shadow stack (`-zstack-size=32768` in `script/build-wasm.sh`) holds
//! their worst cases on WASM. The build proves a static bound for every program
//! (`crossnet_wasm::stack`); this suite drives the inputs that are largest in each dimension
//! through the real programs on the devnode, as a second, dynamic check.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use crossnet_e2e::{
    bindings::IStateCommitmentChain as Scc,
    node::{node, NodeExt},
    xdm::{relay_calldata, CrossDomain, Options, Roles},
};
use crossnet_sdk::{
    client::{relay_proof, XdmMessage},
    testing::Trie,
    xdm::{ChainBatchHeader, RelayedMessage, StateBatchAppended, MAX_BATCH_SIZE},
};

/// `path` and, for every nibble position, a key that shares `path`'s nibbles up to that
/// position and differs there: the trie then has a branch node at each of the 64 levels on
/// the way to `path`, the deepest proof a 32-byte key allows.
fn deepest_trie(path: B256, value: Vec<u8>) -> Trie {
    let mut entries = BTreeMap::new();
    for level in 0..64 {
        let mut sibling = path;
        let byte = &mut sibling.0[level / 2];
        *byte ^= if level % 2 == 0 { 0x10 } else { 0x01 };
        entries.insert(sibling, rlp_string(&[0x42; 40]));
    }
    entries.insert(path, value);
    Trie::build(&entries)
}

/// The RLP encoding of a short byte string (2 to 55 bytes).
fn rlp_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = vec![0x80 + u8::try_from(bytes.len()).unwrap()];
    out.extend_from_slice(bytes);
    out
}

/// RLP of the account `[nonce 1, balance 0, storage_root, code_hash]`.
fn account_rlp(storage_root: B256) -> Vec<u8> {
    let mut payload = vec![0x01, 0x80, 0xa0];
    payload.extend_from_slice(storage_root.as_slice());
    payload.push(0xa0);
    payload.extend_from_slice(keccak256(b"passer code").as_slice());
    let mut out = vec![0xf8, u8::try_from(payload.len()).unwrap()];
    out.extend_from_slice(&payload);
    out
}

#[test]
fn deepest_proof_in_the_largest_batch_relays_succeeds() {
    let parent = node(412_346);
    let child = node(412_347);
    let a = parent.accounts();
    let roles = Roles { owner: a[0], proposer: a[1], challenger: a[2], sequencer: a[3] };
    let window = 60;
    let mut xdm =
        CrossDomain::deploy(parent, child, roles, Options { window, ..Options::default() })
            .expect("deploy system 1");

    // A message the passer "recorded" in a state we build: both tries 64 levels deep.
    let message = XdmMessage {
        target: Address::repeat_byte(0x77),
        sender: a[4],
        message: Bytes::from(vec![0xab; 4096]),
        nonce: U256::from(7),
    };
    let slot = message.passer_slot(xdm.l2_messenger);
    let storage = deepest_trie(keccak256(slot), vec![0x01]);
    let state = deepest_trie(keccak256(xdm.passer), account_rlp(storage.root));
    let account_proof = state.proof(keccak256(xdm.passer));
    let storage_proof = storage.proof(keccak256(slot));
    assert!(account_proof.len() >= 60 && storage_proof.len() >= 60, "tries are not deep");

    // The largest batch, with our root last (the longest inclusion proof).
    let mut roots: Vec<B256> =
        (0..MAX_BATCH_SIZE - 1).map(|i| keccak256(i.to_be_bytes())).collect();
    roots.push(state.root);
    let start = xdm.parent.call_sol(xdm.scc, &Scc::getTotalElementsCall {}).unwrap();
    let receipt = xdm
        .parent
        .send_sol(
            roles.proposer,
            xdm.scc,
            &Scc::appendStateBatchCall { batch: roots.clone(), should_start_at_element: start },
        )
        .expect("append the largest batch");
    let event = receipt.event::<StateBatchAppended>();
    let header = ChainBatchHeader {
        batchIndex: event.batchIndex,
        batchRoot: event.batchRoot,
        batchSize: event.batchSize,
        prevTotalElements: event.prevTotalElements,
        extraData: event.extraData,
    };
    let proof = relay_proof(header, &roots, roots.len() - 1, account_proof, storage_proof).unwrap();
    xdm.parent.advance_time(window + 1);

    let calldata = relay_calldata(&message, &proof);
    let receipt =
        xdm.parent.send(a[5], xdm.l1_messenger, calldata, U256::ZERO).expect("relay succeeds");
    let relayed = receipt.event::<RelayedMessage>();
    assert_eq!(relayed.msgHash, keccak256(message.bytes()));
}
