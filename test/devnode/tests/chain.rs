//! Chain-level conformance: genesis, signed and impersonated transactions, receipts, time,
//! snapshots, state roots and EIP-1186 proofs, several chains.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_consensus::{SignableTransaction, TxEip1559, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{address, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_rlp::Encodable;
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_trie::{proof::verify_proof, Nibbles, TrieAccount};
use crossnet_devnode::{
    BlockId, Chain, ChainConfig, Devnode, TxRequest, CACHE_MANAGER, CREATE2_FACTORY, DEV_ADDRESS,
    DEV_PRIVATE_KEY, STYLUS_DEPLOYER,
};

fn dev_signer() -> PrivateKeySigner {
    PrivateKeySigner::from_bytes(&DEV_PRIVATE_KEY).expect("dev key")
}

/// EVM init code that stores CALLVALUE... returns runtime `PUSH1 1 PUSH1 0 SSTORE`-style code:
/// runtime = `60 2a 60 00 55 00` (SSTORE(0, 42)).
fn store42_init() -> Bytes {
    // runtime: PUSH1 0x2a PUSH1 0x00 SSTORE STOP
    let runtime = [0x60, 0x2a, 0x60, 0x00, 0x55, 0x00];
    let mut init = vec![
        0x60,
        runtime.len() as u8,
        0x60,
        0x0c,
        0x60,
        0x00,
        0x39,
        0x60,
        runtime.len() as u8,
        0x60,
        0x00,
        0xf3,
    ];
    init.extend_from_slice(&runtime);
    init.into()
}

#[test]
fn genesis_has_nitro_devnode_contracts_succeeds() {
    let chain = Chain::dev();
    assert_eq!(chain.chain_id(), 412_346);
    assert_eq!(dev_signer().address(), DEV_ADDRESS);
    assert!(!chain.balance(DEV_ADDRESS).is_zero());
    assert_eq!(chain.nonce(DEV_ADDRESS), 0);
    assert_eq!(chain.code(CACHE_MANAGER).len(), 7452);
    assert_eq!(chain.code(STYLUS_DEPLOYER).len(), 2269);
    assert!(!chain.code(CREATE2_FACTORY).is_empty());
    assert_eq!(chain.block_number(), 0);
    assert_eq!(chain.state_root(0).expect("genesis"), chain.state().state_root());
}

#[test]
fn signed_transactions_legacy_eip155_and_1559_succeed() {
    let mut chain = Chain::dev();
    let signer = dev_signer();
    let to = address!("0x00000000000000000000000000000000000000aa");
    let legacy = TxLegacy {
        chain_id: Some(chain.chain_id()),
        nonce: 0,
        gas_price: 1_000_000_000,
        gas_limit: 21_000,
        to: TxKind::Call(to),
        value: U256::from(7),
        input: Bytes::new(),
    };
    let sig = signer.sign_hash_sync(&legacy.signature_hash()).expect("sign");
    let raw = legacy.into_signed(sig).encoded_2718();
    let receipt = chain.send_raw(&raw).expect("legacy");
    assert!(receipt.status);
    assert_eq!(receipt.gas_used, 21_000);
    // Arbitrum charges the basefee only.
    assert_eq!(receipt.effective_gas_price, 100_000_000);

    let tx = TxEip1559 {
        chain_id: chain.chain_id(),
        nonce: 1,
        gas_limit: 21_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(to),
        value: U256::from(5),
        access_list: Default::default(),
        input: Bytes::new(),
    };
    let sig = signer.sign_hash_sync(&tx.signature_hash()).expect("sign");
    let raw = tx.into_signed(sig).encoded_2718();
    let receipt = chain.send_raw(&raw).expect("1559");
    assert!(receipt.status);
    assert_eq!(chain.balance(to), U256::from(12));
    assert_eq!(chain.block_number(), 2);
    assert!(chain.send_raw(&raw).is_err(), "replay is rejected");

    let wrong_chain = TxEip1559 { chain_id: 1, nonce: 2, ..tx_template(to) };
    let sig = signer.sign_hash_sync(&wrong_chain.signature_hash()).expect("sign");
    assert!(chain.send_raw(&wrong_chain.into_signed(sig).encoded_2718()).is_err());
}

fn tx_template(to: Address) -> TxEip1559 {
    TxEip1559 {
        chain_id: 412_346,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 0,
        to: TxKind::Call(to),
        value: U256::from(1),
        access_list: Default::default(),
        input: Bytes::new(),
    }
}

#[test]
fn impersonated_send_and_bad_nonce_reverts() {
    let mut chain = Chain::dev();
    let whale = address!("0x1111111111111111111111111111111111111111");
    chain.set_balance(whale, U256::from(10u64).pow(U256::from(18)));
    let receipt = chain
        .send(TxRequest::call(whale, DEV_ADDRESS, Bytes::new()).value(U256::from(1)))
        .expect("impersonated");
    assert!(receipt.status);
    assert_eq!(receipt.from, whale);
    let bad = TxRequest { nonce: Some(9), ..TxRequest::call(whale, DEV_ADDRESS, Bytes::new()) };
    assert!(chain.send(bad).is_err());
}

#[test]
fn time_and_blocks_are_controllable_succeeds() {
    let mut chain =
        Chain::new(ChainConfig { genesis_timestamp: Some(1_000), ..ChainConfig::default() });
    chain.set_next_timestamp(2_000_000_000);
    chain.mine(1);
    assert_eq!(chain.timestamp(), 2_000_000_000);
    chain.warp(3_600);
    chain.mine(3);
    assert_eq!(chain.block_number(), 4);
    assert!(chain.timestamp() >= 2_000_003_600);
    let parent = chain.block(3).expect("block 3").hash;
    assert_eq!(chain.block(4).expect("block 4").header.parent_hash, parent);
}

#[test]
fn snapshot_revert_restores_state_succeeds() {
    let mut chain = Chain::dev();
    let id = chain.snapshot();
    let address = chain.deploy_evm(DEV_ADDRESS, store42_init()).expect("deploy");
    chain.send_ok(TxRequest::call(DEV_ADDRESS, address, Bytes::new())).expect("store");
    assert_eq!(chain.storage(address, U256::ZERO), U256::from(42));
    assert!(chain.revert(id));
    assert!(chain.code(address).is_empty());
    assert_eq!(chain.block_number(), 0);
    assert!(!chain.revert(id), "a snapshot is used once");
}

fn verify_account(proof: &alloy_rpc_types_eth::EIP1186AccountProofResponse, root: B256) {
    let account = TrieAccount {
        nonce: proof.nonce,
        balance: proof.balance,
        storage_root: proof.storage_hash,
        code_hash: proof.code_hash,
    };
    let mut encoded = Vec::new();
    account.encode(&mut encoded);
    let key = Nibbles::unpack(keccak256(proof.address));
    verify_proof(root, key, Some(encoded), &proof.account_proof).expect("account proof");
    for slot in &proof.storage_proof {
        let key = Nibbles::unpack(keccak256(slot.key.as_b256()));
        let value = (!slot.value.is_zero()).then(|| alloy_rlp::encode(slot.value));
        verify_proof(proof.storage_hash, key, value, &slot.proof).expect("storage proof");
    }
}

#[test]
fn proofs_verify_against_block_state_roots_succeeds() {
    let mut chain = Chain::dev();
    let address = chain.deploy_evm(DEV_ADDRESS, store42_init()).expect("deploy");
    chain.send_ok(TxRequest::call(DEV_ADDRESS, address, Bytes::new())).expect("store");
    let block = chain.block_number();
    let root = chain.state_root(block).expect("root");
    let slot = B256::ZERO;
    let absent_slot = B256::with_last_byte(9);
    let proof = chain.proof(address, &[slot, absent_slot], BlockId::Latest).expect("proof");
    assert_eq!(proof.storage_proof[0].value, U256::from(42));
    verify_account(&proof, root);
    // An older block: the slot was still empty there.
    let old = chain.proof(address, &[slot], BlockId::Number(block - 1)).expect("old proof");
    assert_eq!(old.storage_proof[0].value, U256::ZERO);
    verify_account(&old, chain.state_root(block - 1).expect("old root"));
    // An absent account proves absence.
    let nobody = chain.proof(Address::repeat_byte(0x77), &[], BlockId::Latest).expect("absent");
    let key = Nibbles::unpack(keccak256(nobody.address));
    verify_proof(root, key, None, &nobody.account_proof).expect("exclusion proof");
    // The dev account and the Stylus deployer verify too.
    verify_account(&chain.proof(DEV_ADDRESS, &[], BlockId::Latest).expect("dev"), root);
    verify_account(
        &chain.proof(STYLUS_DEPLOYER, &[], BlockId::Number(0)).expect("deployer"),
        chain.state_root(0).expect("genesis root"),
    );
}

#[test]
fn several_chains_run_side_by_side_succeeds() {
    let mut devnode = Devnode::new();
    let a = devnode.start(ChainConfig::with_chain_id(412_346));
    let b = devnode.start(ChainConfig::with_chain_id(333_333));
    assert_eq!(devnode.chain_ids(), vec![333_333, 412_346]);
    let mut a = a.lock().expect("lock");
    a.mine(2);
    let b = b.lock().expect("lock");
    assert_eq!(b.block_number(), 0);
    assert_eq!(b.chain_id(), 333_333);
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&*a);
}
