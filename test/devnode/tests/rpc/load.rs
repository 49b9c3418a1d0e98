//! A bounded load test on loopback: 8 concurrent clients, 10 000 requests in all (a fifth of
//! them signed transfers), no lost transaction.

use std::time::{Duration, Instant};

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::Encodable2718;
use alloy::network::TxSignerSync;
use alloy::primitives::{Address, TxKind, U256};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use crossnet_devnode::chain::DEFAULT_BASEFEE;
use crossnet_devnode::DEV_ADDRESS;

use super::common::start;

const CLIENTS: usize = 8;
const REQUESTS_PER_CLIENT: usize = 1_250;
const TX_EVERY: usize = 5;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_clients_ten_thousand_requests_no_lost_transactions() {
    let (chain, server) = start();
    let url: alloy::transports::http::reqwest::Url = server.url().parse().expect("url");
    let sink = Address::repeat_byte(0x5e);
    let funding = U256::from(10).pow(U256::from(18));
    let signers: Vec<PrivateKeySigner> = (1..=CLIENTS)
        .map(|i| {
            PrivateKeySigner::from_bytes(&alloy::primitives::B256::with_last_byte(i as u8))
                .expect("key")
        })
        .collect();
    {
        let mut chain = chain.lock().unwrap();
        for s in &signers {
            chain.set_balance(s.address(), funding);
        }
    }
    let start_block = chain.lock().unwrap().block_number();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (client, signer) in signers.iter().cloned().enumerate() {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let provider: alloy::providers::RootProvider =
                ProviderBuilder::default().connect_http(url);
            let mut nonce = 0u64;
            for i in 0..REQUESTS_PER_CLIENT {
                if i % TX_EVERY == 0 {
                    let mut tx = TxEip1559 {
                        chain_id: 412_346,
                        nonce,
                        gas_limit: 21_000,
                        max_fee_per_gas: u128::from(DEFAULT_BASEFEE) * 2,
                        max_priority_fee_per_gas: 0,
                        to: TxKind::Call(sink),
                        value: U256::from(1 + client as u64),
                        ..TxEip1559::default()
                    };
                    let signature = signer.sign_transaction_sync(&mut tx).expect("sign");
                    let raw = TxEnvelope::from(tx.into_signed(signature)).encoded_2718();
                    let _pending = provider.send_raw_transaction(&raw).await.expect("accepted");
                    nonce += 1;
                } else if i % 2 == 0 {
                    let call = TransactionRequest::default().to(DEV_ADDRESS).from(signer.address());
                    provider.call(call).await.expect("eth_call");
                } else {
                    provider.get_balance(signer.address()).await.expect("balance");
                }
            }
            nonce
        }));
    }
    let mut sent = 0;
    for task in tasks {
        sent += tokio::time::timeout(Duration::from_secs(120), task)
            .await
            .expect("load test within its time bound")
            .expect("client task");
    }
    let elapsed = started.elapsed();
    eprintln!(
        "load: {} requests from {CLIENTS} clients in {elapsed:.2?} ({:.0} req/s)",
        CLIENTS * REQUESTS_PER_CLIENT,
        (CLIENTS * REQUESTS_PER_CLIENT) as f64 / elapsed.as_secs_f64()
    );

    {
        let chain = chain.lock().unwrap();
        let per_client = (REQUESTS_PER_CLIENT / TX_EVERY) as u64;
        assert_eq!(sent, per_client * CLIENTS as u64);
        assert_eq!(chain.block_number(), start_block + sent, "one block per transaction");
        let mut expected_sink = U256::ZERO;
        for (client, signer) in signers.iter().enumerate() {
            let value = U256::from(1 + client as u64);
            assert_eq!(
                chain.nonce(signer.address()),
                per_client,
                "client {client}: every nonce mined"
            );
            let gas = U256::from(21_000u64 * DEFAULT_BASEFEE) * U256::from(per_client);
            assert_eq!(
                chain.balance(signer.address()),
                funding - gas - value * U256::from(per_client)
            );
            expected_sink += value * U256::from(per_client);
        }
        assert_eq!(chain.balance(sink), expected_sink);
    }
    server.shutdown().await;
}
