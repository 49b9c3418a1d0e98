//! `CanonicalTransactionChain`: the parent-to-child transaction queue.
//!
//! `enqueue(target, gasLimit, data)` appends an element
//! `{keccak256(abi.encode(origin, target, gasLimit, data)), timestamp, blockNumber}` and emits
//! `TransactionEnqueued`; the sequencer (or native delivery) executes queue entries on the
//! child chain in order. `origin` is the caller if it is the transaction's origin (an EOA),
//! otherwise its child-chain alias, so a contract can never impersonate an account.
//! The queue index is the nonce of a parent-to-child message.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{sol_data, SolType};
use crossnet_sdk::{
    alias::apply_l1_to_l2_alias,
    xdm::{
        InvalidConfiguration, QueueIndexOutOfBounds, TransactionDataTooLarge, TransactionEnqueued,
        TransactionGasLimitTooHigh, TransactionGasLimitTooLow, MAX_ROLLUP_TX_SIZE,
        MIN_ROLLUP_TX_GAS,
    },
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{aliases::U40, keccak256, Address, B256, U256},
    prelude::*,
    storage::{StorageB256, StorageU256, StorageUint, StorageVec},
};

/// Every way a call can be refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Maximum gas limit below the minimum.
    InvalidConfiguration(InvalidConfiguration),
    /// Payload too large.
    TransactionDataTooLarge(TransactionDataTooLarge),
    /// Gas limit above the maximum.
    TransactionGasLimitTooHigh(TransactionGasLimitTooHigh),
    /// Gas limit below the minimum.
    TransactionGasLimitTooLow(TransactionGasLimitTooLow),
    /// No such element.
    QueueIndexOutOfBounds(QueueIndexOutOfBounds),
}

/// One queue element (two slots, as in OVM).
#[storage]
pub struct QueueElement {
    transaction_hash: StorageB256,
    timestamp: StorageUint<40, 1>,
    block_number: StorageUint<40, 1>,
}

/// The transaction queue.
#[entrypoint]
#[storage]
pub struct CanonicalTransactionChain {
    max_transaction_gas_limit: StorageU256,
    queue: StorageVec<QueueElement>,
}

type ElementFields = (sol_data::Address, sol_data::Address, sol_data::Uint<256>, sol_data::Bytes);

fn u40(value: u64) -> U40 {
    U40::saturating_from(value)
}

#[public]
impl CanonicalTransactionChain {
    /// Fixes the largest child gas limit a transaction may ask for.
    ///
    /// # Errors
    /// `InvalidConfiguration` when it is below the 100,000 minimum.
    #[constructor]
    pub fn constructor(&mut self, max_transaction_gas_limit: U256) -> Result<(), Error> {
        if max_transaction_gas_limit < U256::from(MIN_ROLLUP_TX_GAS) {
            return Err(InvalidConfiguration {}.into());
        }
        self.max_transaction_gas_limit.set(max_transaction_gas_limit);
        Ok(())
    }

    /// Appends a transaction for the child chain.
    ///
    /// # Arguments
    /// * `target` - the child-chain contract to call.
    /// * `gas_limit` - child gas for the call (100,000 up to the configured maximum).
    /// * `data` - calldata, at most 50,000 bytes.
    ///
    /// # Errors
    /// `TransactionDataTooLarge`, `TransactionGasLimitTooHigh`, `TransactionGasLimitTooLow`.
    ///
    /// # Events
    /// `TransactionEnqueued(origin, target, gasLimit, data, queueIndex, timestamp)`.
    pub fn enqueue(&mut self, target: Address, gas_limit: U256, data: Bytes) -> Result<(), Error> {
        if data.len() > MAX_ROLLUP_TX_SIZE {
            return Err(TransactionDataTooLarge {
                size: U256::from(data.len()),
                max: U256::from(MAX_ROLLUP_TX_SIZE),
            }
            .into());
        }
        let max = self.max_transaction_gas_limit.get();
        if gas_limit > max {
            return Err(TransactionGasLimitTooHigh { gasLimit: gas_limit, max }.into());
        }
        if gas_limit < U256::from(MIN_ROLLUP_TX_GAS) {
            return Err(TransactionGasLimitTooLow {
                gasLimit: gas_limit,
                min: U256::from(MIN_ROLLUP_TX_GAS),
            }
            .into());
        }
        let vm = self.vm();
        let sender = vm.msg_sender();
        let origin = if sender == vm.tx_origin() { sender } else { apply_l1_to_l2_alias(sender) };
        let timestamp = vm.block_timestamp();
        let block_number = vm.block_number();
        let hash =
            keccak256(ElementFields::abi_encode_params(&(origin, target, gas_limit, data.clone())));

        let index = self.queue.len();
        let mut element = self.queue.grow();
        element.transaction_hash.set(hash);
        element.timestamp.set(u40(timestamp));
        element.block_number.set(u40(block_number));
        self.vm().log(TransactionEnqueued {
            l1TxOrigin: origin,
            target,
            gasLimit: gas_limit,
            data,
            queueIndex: U256::from(index),
            timestamp: U256::from(timestamp),
        });
        Ok(())
    }

    /// Number of queued transactions (the next parent-to-child nonce).
    pub fn get_queue_length(&self) -> U40 {
        u40(self.queue.len() as u64)
    }

    /// A queue element: transaction hash, timestamp and block number.
    ///
    /// # Errors
    /// `QueueIndexOutOfBounds` when there is no element `index`.
    pub fn get_queue_element(&self, index: U256) -> Result<(B256, U40, U40), Error> {
        let element = usize::try_from(index)
            .ok()
            .and_then(|i| self.queue.getter(i))
            .ok_or(QueueIndexOutOfBounds { index })?;
        Ok((element.transaction_hash.get(), element.timestamp.get(), element.block_number.get()))
    }

    /// The largest child gas limit accepted.
    pub fn max_transaction_gas_limit(&self) -> U256 {
        self.max_transaction_gas_limit.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use alloy_sol_types::SolEvent;
    use stylus_sdk::testing::TestVM;

    const USER: Address = address!("00000000000000000000000000000000000000a1");
    const CONTRACT: Address = address!("00000000000000000000000000000000000000b1");
    const TARGET: Address = address!("00000000000000000000000000000000000000c1");
    const MAX: u64 = 15_000_000;

    fn deploy(vm: &TestVM) -> CanonicalTransactionChain {
        let mut ctc = CanonicalTransactionChain::from(vm);
        ctc.constructor(U256::from(MAX)).expect("constructor");
        ctc
    }

    fn enqueued(vm: &TestVM) -> Vec<TransactionEnqueued> {
        vm.get_emitted_logs()
            .iter()
            .filter_map(|(t, d)| TransactionEnqueued::decode_raw_log(t.iter().copied(), d).ok())
            .collect()
    }

    #[test]
    fn constructor_below_minimum_reverts() {
        let vm = TestVM::new();
        let mut ctc = CanonicalTransactionChain::from(&vm);
        assert_eq!(ctc.constructor(U256::from(99_999)), Err(InvalidConfiguration {}.into()));
    }

    #[test]
    fn enqueue_from_eoa_records_element_succeeds() {
        let vm = TestVM::new();
        let mut ctc = deploy(&vm);
        vm.set_sender(USER);
        vm.set_block_timestamp(1234);
        vm.set_block_number(77);
        let data: Bytes = vec![1, 2, 3].into();

        ctc.enqueue(TARGET, U256::from(200_000), data.clone()).expect("enqueue");

        assert_eq!(ctc.get_queue_length(), U40::from(1));
        let (hash, timestamp, block) = ctc.get_queue_element(U256::ZERO).expect("element");
        let expected = keccak256(ElementFields::abi_encode_params(&(
            USER,
            TARGET,
            U256::from(200_000),
            data.clone(),
        )));
        assert_eq!((hash, timestamp, block), (expected, U40::from(1234), U40::from(77)));
        let events = enqueued(&vm);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].l1TxOrigin, USER);
        assert_eq!(events[0].target, TARGET);
        assert_eq!(events[0].queueIndex, U256::ZERO);
        assert_eq!(events[0].data, data);
        assert_eq!(events[0].timestamp, U256::from(1234));
    }

    #[test]
    fn enqueue_from_contract_uses_alias_succeeds() {
        let vm = TestVM::new();
        let mut ctc = deploy(&vm);
        vm.set_sender(CONTRACT);
        vm.set_tx_origin(USER);
        ctc.enqueue(TARGET, U256::from(100_000), Bytes::new()).expect("first");
        ctc.enqueue(TARGET, U256::from(100_000), Bytes::new()).expect("second");
        let events = enqueued(&vm);
        assert_eq!(events[0].l1TxOrigin, apply_l1_to_l2_alias(CONTRACT));
        assert_eq!(events[1].queueIndex, U256::from(1));
        assert_eq!(ctc.get_queue_length(), U40::from(2));
    }

    #[test]
    fn enqueue_bounds_revert() {
        let vm = TestVM::new();
        let mut ctc = deploy(&vm);
        assert_eq!(
            ctc.enqueue(TARGET, U256::from(99_999), Bytes::new()),
            Err(TransactionGasLimitTooLow {
                gasLimit: U256::from(99_999),
                min: U256::from(100_000)
            }
            .into())
        );
        assert_eq!(
            ctc.enqueue(TARGET, U256::from(MAX + 1), Bytes::new()),
            Err(TransactionGasLimitTooHigh { gasLimit: U256::from(MAX + 1), max: U256::from(MAX) }
                .into())
        );
        assert_eq!(
            ctc.enqueue(TARGET, U256::from(MAX), vec![0; MAX_ROLLUP_TX_SIZE + 1].into()),
            Err(TransactionDataTooLarge { size: U256::from(50_001), max: U256::from(50_000) }
                .into())
        );
        ctc.enqueue(TARGET, U256::from(MAX), vec![0; MAX_ROLLUP_TX_SIZE].into())
            .expect("exactly at the bounds");
        assert!(enqueued(&vm).len() == 1);
    }

    #[test]
    fn get_queue_element_out_of_bounds_reverts() {
        let vm = TestVM::new();
        let ctc = deploy(&vm);
        assert_eq!(
            ctc.get_queue_element(U256::ZERO),
            Err(QueueIndexOutOfBounds { index: U256::ZERO }.into())
        );
        assert_eq!(ctc.max_transaction_gas_limit(), U256::from(MAX));
    }
}
