//! An alloy provider (`ProviderBuilder::new().wallet(..).connect_http(..)`) against the
//! devnode: deploy, activate, send, call, receipts, logs, state overrides, fee history, and
//! `eth_getProof` verified against block state roots with alloy-trie.

use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::state::{AccountOverride, StateOverride};
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol;
use alloy::sol_types::SolEvent;
use alloy_trie::{proof::verify_proof, Nibbles, TrieAccount};
use crossnet_devnode::rpc::RpcOptions;
use crossnet_devnode::DEV_ADDRESS;

use super::common::{codehash, counter_code, init_code, start, start_with, DEV_KEY};

sol! {
    #[sol(rpc)]
    interface Counter {
        event NumberSet(address indexed by, uint256 value);
        error Failed(uint256 code);
        function number() external view returns (uint256);
        function setNumber(uint256 value) external;
        function increment() external;
        function fail(uint256 code) external view;
    }

    #[sol(rpc)]
    interface ArbWasm {
        error ProgramNotActivated();
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    }
}

const ARB_WASM: Address = address!("0x0000000000000000000000000000000000000071");

fn signer() -> PrivateKeySigner {
    DEV_KEY.parse().expect("dev key")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alloy_provider_deploys_activates_sends_calls_and_reads_logs() {
    let (chain, server) = start();
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer()))
        .connect_http(server.url().parse().expect("url"));
    assert_eq!(provider.get_chain_id().await.unwrap(), 412_346);

    // Deploy with the prelude.
    let code = counter_code();
    let deploy = TransactionRequest::default().with_deploy_code(init_code(&code));
    let receipt = provider.send_transaction(deploy).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    let program = receipt.contract_address.expect("contract address");
    assert_eq!(provider.get_code_at(program).await.unwrap(), Bytes::from(code.clone()));

    // Not activated: a code-3 error whose data decodes as ProgramNotActivated().
    let arb_wasm = ArbWasm::new(ARB_WASM, &provider);
    let err = arb_wasm.codehashVersion(codehash(&code)).call().await.expect_err("not activated");
    let alloy::contract::Error::TransportError(rpc_err) = &err else { panic!("{err}") };
    let payload = rpc_err.as_error_resp().expect("JSON-RPC error").clone();
    assert_eq!(payload.code, 3);
    assert!(payload.message.starts_with("execution reverted"), "{}", payload.message);
    assert!(err.as_decoded_error::<ArbWasm::ProgramNotActivated>().is_some(), "{err}");

    // The data fee, as cargo-stylus reads it: a call with a state override of the code at a
    // random address and a rich random sender.
    let probe = Address::repeat_byte(0x42);
    let sender = Address::repeat_byte(0x43);
    let mut overrides = StateOverride::default();
    overrides.insert(
        probe,
        AccountOverride { code: Some(Bytes::from(code.clone())), ..Default::default() },
    );
    overrides.insert(sender, AccountOverride { balance: Some(U256::MAX), ..Default::default() });
    let call =
        arb_wasm.activateProgram(probe).from(sender).value(U256::from(10).pow(U256::from(18)));
    let dry = call.call().overrides(overrides).await.unwrap();
    assert_eq!(dry.version, 2);
    assert!(dry.dataFee > U256::ZERO);
    assert_eq!(provider.get_code_at(probe).await.unwrap(), Bytes::new(), "overrides leak");

    // Activate, paying the fee.
    let receipt = arb_wasm
        .activateProgram(program)
        .value(dry.dataFee)
        .send()
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status());
    assert_eq!(arb_wasm.codehashVersion(codehash(&code)).call().await.unwrap(), 2);

    // Send, call, logs.
    let counter = Counter::new(program, &provider);
    let receipt =
        counter.setNumber(U256::from(7)).send().await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status());
    let set = receipt.decoded_log::<Counter::NumberSet>().expect("NumberSet");
    assert_eq!((set.by, set.value), (DEV_ADDRESS, U256::from(7)));
    assert_eq!(counter.number().call().await.unwrap(), U256::from(7));
    counter.increment().send().await.unwrap().get_receipt().await.unwrap();
    assert_eq!(counter.number().call().await.unwrap(), U256::from(8));

    let filter = Filter::new()
        .address(program)
        .event_signature(Counter::NumberSet::SIGNATURE_HASH)
        .from_block(0);
    let logs = provider.get_logs(&filter).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].transaction_hash, Some(receipt.transaction_hash));
    let none = provider.get_logs(&filter.clone().topic1(B256::repeat_byte(1))).await.unwrap();
    assert!(none.is_empty());

    // Reverts: decoded custom errors, and estimateGas refuses a reverting send.
    let Err(err) = counter.fail(U256::from(9)).call().await else { panic!("fail() returned") };
    let failed = err.as_decoded_error::<Counter::Failed>().expect("Failed");
    assert_eq!(failed.code, U256::from(9));
    let Err(alloy::contract::Error::TransportError(err)) = counter.fail(U256::from(9)).send().await
    else {
        panic!("a reverting send must fail at estimateGas")
    };
    assert_eq!(err.as_error_resp().map(|e| e.code), Some(3));

    // Getters.
    let latest = provider.get_block_number().await.unwrap();
    assert_eq!(latest, chain.lock().unwrap().block_number());
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .full()
        .await
        .unwrap()
        .expect("latest block");
    assert_eq!(block.header.number, latest);
    let tx = block.transactions.txns().next().expect("one transaction");
    let by_hash = provider.get_transaction_by_hash(tx.inner.tx_hash().to_owned()).await.unwrap();
    assert_eq!(by_hash.expect("tx").block_number, Some(latest));
    let nonce = provider.get_transaction_count(DEV_ADDRESS).pending().await.unwrap();
    assert_eq!(nonce, 4);
    let history =
        provider.get_fee_history(4, BlockNumberOrTag::Latest, &[25.0, 75.0]).await.unwrap();
    assert_eq!(history.base_fee_per_gas.len(), 5);
    assert_eq!(history.reward.as_ref().map(Vec::len), Some(4));
    assert_eq!(provider.get_gas_price().await.unwrap(), 100_000_000);
    assert_eq!(provider.get_accounts().await.unwrap(), vec![DEV_ADDRESS]);

    // eth_getProof against the state roots of two blocks.
    let slot = B256::ZERO;
    for number in [latest - 1, latest] {
        let proof = provider.get_proof(program, vec![slot]).number(number).await.unwrap();
        let block = provider.get_block_by_number(number.into()).await.unwrap().expect("block");
        let account = TrieAccount {
            nonce: proof.nonce,
            balance: proof.balance,
            storage_root: proof.storage_hash,
            code_hash: proof.code_hash,
        };
        verify_proof(
            block.header.state_root,
            Nibbles::unpack(keccak256(program)),
            Some(alloy_rlp::encode(account)),
            &proof.account_proof,
        )
        .expect("account proof verifies against the block's state root");
        let storage = &proof.storage_proof[0];
        let expected = if number == latest { 8 } else { 7 };
        assert_eq!(storage.value, U256::from(expected));
        verify_proof(
            proof.storage_hash,
            Nibbles::unpack(keccak256(slot)),
            Some(alloy_rlp::encode(storage.value)),
            &storage.proof,
        )
        .expect("storage proof verifies against the storage root");
    }
    // An absent account proves absence.
    let nobody = Address::repeat_byte(0x99);
    let proof = provider.get_proof(nobody, vec![]).await.unwrap();
    verify_proof(
        block.header.state_root,
        Nibbles::unpack(keccak256(nobody)),
        None,
        &proof.account_proof,
    )
    .expect("exclusion proof");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alloy_provider_with_interval_mining() {
    let options = RpcOptions {
        automine: false,
        block_time: Some(Duration::from_millis(300)),
        ..RpcOptions::default()
    };
    let (chain, server) = start_with(options);
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer()))
        .connect_http(server.url().parse().expect("url"));
    let to = Address::repeat_byte(0x77);
    let mut pending = Vec::new();
    for _ in 0..3 {
        let tx = TransactionRequest::default().with_to(to).with_value(U256::from(5));
        pending.push(provider.send_transaction(tx).await.unwrap());
    }
    // Pooled: the pending nonce counts them, the latest does not.
    assert_eq!(provider.get_transaction_count(DEV_ADDRESS).pending().await.unwrap(), 3);
    let hash = *pending[0].tx_hash();
    let seen = provider.get_transaction_by_hash(hash).await.unwrap().expect("pending tx");
    if seen.block_number.is_none() {
        assert_eq!(provider.get_balance(to).await.unwrap(), U256::ZERO);
    }
    for tx in pending {
        let receipt = tokio::time::timeout(Duration::from_secs(20), tx.get_receipt())
            .await
            .expect("mined within the block time")
            .unwrap();
        assert!(receipt.status());
    }
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::from(15));
    assert_eq!(chain.lock().unwrap().nonce(DEV_ADDRESS), 3);
    // Empty blocks keep coming.
    let n = provider.get_block_number().await.unwrap();
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert!(provider.get_block_number().await.unwrap() > n);
    server.shutdown().await;
}
