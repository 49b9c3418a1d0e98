//! `TopDownFinality`: the parent-finality program of a child chain, the child-side counterpart
//! of the subnet actor.
//!
//! The parent chain cannot be read from the child, so the child's validators certify what
//! happened there: a `ParentFinality{height, blockHash, configs, msgs}` names a final parent
//! block, the configurations the subnet actor published up to it, and the next top-down
//! messages of this subnet's queue. `commitParentFinality(finality, signatories, signatures)`
//! (anyone: a relayer only carries the bytes) checks that the height is above the last one and
//! that validators of the configuration in force, strictly ascending, with more than two
//! thirds of its weight, signed the EIP-712 digest of the encoding (chain id and this program
//! as verifying contract). Then it adopts the new configurations in order (validators, weights
//! and policy; a configuration already adopted is skipped, a gap is refused), and hands the
//! messages to the gateway (`applyCrossMessages`), whose errors (a nonce gap) revert the whole
//! submission so the relayer can resubmit in order.
//!
//! It also holds the subnet's adopted `SubnetPolicy`, which the gateway asks (`checkPolicy`)
//! when a Call or Transfer enters or leaves this subnet.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::SolEvent;
use crossnet_sdk::ipc::{
    call::bounded_call,
    digest::{typed_digest, FINALITY_TYPE},
    events::{emit, word},
    policy::{Direction, StoredPolicy},
    quorum::ValidatorSet,
    statement::FinalityHeader,
    ConfigurationApplied, InvalidConfigurationNumber, InvalidEncoding, InvalidIpcConfiguration,
    InvalidValidatorSet, ParentFinalityAlreadyCommitted, ParentFinalityCommitted, PolicyRefused,
    PolicyTooLarge, SubnetPolicy,
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256, U64},
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU64},
};

/// Every typed way a call can be refused. `commitParentFinality` also reverts with the quorum
/// errors (`EmptySignatures`, `InvalidArrayLength`, `SignatureAddressesNotSorted`,
/// `DuplicateValidatorSignaturesFound`, `NotValidator`, `InvalidSignature`, `InvalidSignatory`,
/// `WeightsSumLessThanThreshold`) and forwards the gateway's errors unchanged.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Invalid constructor argument.
    InvalidIpcConfiguration(InvalidIpcConfiguration),
    /// Invalid validator set.
    InvalidValidatorSet(InvalidValidatorSet),
    /// The finality does not parse.
    InvalidEncoding(InvalidEncoding),
    /// Height not above the last finality.
    ParentFinalityAlreadyCommitted(ParentFinalityAlreadyCommitted),
    /// A configuration skips a number.
    InvalidConfigurationNumber(InvalidConfigurationNumber),
    /// A policy list is too long.
    PolicyTooLarge(PolicyTooLarge),
    /// The policy refuses the message.
    PolicyRefused(PolicyRefused),
}

/// The parent-finality program.
#[entrypoint]
#[storage]
pub struct TopDownFinality {
    gateway: StorageAddress,
    subnet_actor: StorageAddress,
    configuration_number: StorageU64,
    last_height: StorageU64,
    last_block_hash: StorageB256,
    configs: StorageMap<U64, ValidatorSet>,
    policy: StoredPolicy,
}

fn get(slot: &StorageU64) -> u64 {
    slot.get().to()
}

#[public]
impl TopDownFinality {
    /// Deploys the program with the subnet's genesis validators (configuration 0, the same as
    /// the subnet actor's) and the permissive policy.
    ///
    /// # Arguments
    /// * `gateway` - this chain's gateway (whose `initialize` must name this program).
    /// * `subnet_actor` - the subnet's actor on the parent chain (the last element of this
    ///   subnet's id): accounts of this subnet are those whose subnet id ends with it.
    /// * `validators`, `weights` - the genesis validator set.
    ///
    /// # Errors
    /// `InvalidIpcConfiguration` (zero address), `InvalidValidatorSet`.
    #[constructor]
    pub fn constructor(
        &mut self,
        gateway: Address,
        subnet_actor: Address,
        validators: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<(), Error> {
        if gateway.is_zero() || subnet_actor.is_zero() {
            return Err(InvalidIpcConfiguration {}.into());
        }
        self.gateway.set(gateway);
        self.subnet_actor.set(subnet_actor);
        self.configs.setter(U64::ZERO).init(&validators, &weights)?;
        Ok(())
    }

    /// Verifies a parent finality, adopts its configurations and hands its messages to the
    /// gateway (anyone).
    ///
    /// # Arguments
    /// * `finality` - `abi.encode(ParentFinality)`: the bytes the validators signed.
    /// * `signatories` - validators of the configuration in force, strictly ascending.
    /// * `signatures` - their 65-byte signatures of the finality's digest.
    ///
    /// # Errors
    /// `InvalidEncoding`, `ParentFinalityAlreadyCommitted`, the quorum errors,
    /// `InvalidConfigurationNumber` (a configuration skips a number), `InvalidValidatorSet`,
    /// `PolicyTooLarge`, and the gateway's (`InvalidNonce`, `InvalidXnetMessage`,
    /// `InsufficientExecutionGas`) unchanged. Nothing is recorded on error.
    ///
    /// # Events
    /// `ParentFinalityCommitted(height, blockHash, numMsgs)`, `ConfigurationApplied(number)`
    /// per adopted configuration, and the gateway's.
    pub fn commit_parent_finality(
        &mut self,
        finality: Bytes,
        signatories: Vec<Address>,
        signatures: Vec<Bytes>,
    ) -> Result<(), Vec<u8>> {
        let header = FinalityHeader::parse(&finality).ok_or(Error::from(InvalidEncoding {}))?;
        let last = get(&self.last_height);
        if header.height <= last {
            return Err(Error::from(ParentFinalityAlreadyCommitted {
                height: header.height,
                last,
            })
            .into());
        }
        let configs = header.configs(&finality).ok_or(Error::from(InvalidEncoding {}))?;
        let this = self.vm().contract_address();
        let digest = typed_digest(FINALITY_TYPE, self.vm().chain_id(), this, &finality);
        let mut number = get(&self.configuration_number);
        self.configs.get(U64::from(number)).verify(digest, &signatories, &signatures)?;
        self.last_height.set(U64::from(header.height));
        self.last_block_hash.set(header.block_hash);
        for config in configs {
            let next = config.configurationNumber;
            if next <= number {
                continue;
            }
            if next != number + 1 {
                return Err(
                    Error::from(InvalidConfigurationNumber { configurationNumber: next }).into()
                );
            }
            self.configs
                .setter(U64::from(next))
                .init(&config.validators, &config.weights)
                .map_err(Error::from)?;
            self.policy.set(&config.policy).map_err(Error::from)?;
            number = next;
            emit(self.vm(), ConfigurationApplied::SIGNATURE_HASH, &[word(next)], &[]);
        }
        self.configuration_number.set(U64::from(number));
        emit(
            self.vm(),
            ParentFinalityCommitted::SIGNATURE_HASH,
            &[word(header.height)],
            &[header.block_hash, word(header.num_msgs)],
        );
        if header.num_msgs == 0 {
            return Ok(());
        }
        let data = header.apply_calldata(&finality);
        bounded_call(self.vm(), self.gateway.get(), U256::ZERO, u64::MAX, &data)?;
        Ok(())
    }

    /// Reverts `PolicyRefused` when this subnet's policy refuses a Call or Transfer of `value`
    /// crossing its boundary (`leaving` it, or entering) whose sender (leaving) or receiver
    /// (entering) is `account` of the subnet whose actor is `account_subnet`. The gateway asks
    /// it; Results are never checked.
    ///
    /// # Errors
    /// `PolicyRefused(subnetActor, rule)`.
    pub fn check_policy(
        &self,
        account_subnet: Address,
        account: Address,
        value: U256,
        leaving: bool,
    ) -> Result<(), Error> {
        let actor = self.subnet_actor.get();
        let direction = if leaving { Direction::Leaving } else { Direction::Entering };
        Ok(self.policy.check(actor, account_subnet, account, value, direction)?)
    }

    /// The adopted policy.
    pub fn policy(&self) -> SubnetPolicy {
        self.policy.get()
    }

    /// The validators and weights of configuration `number` (empty when not adopted).
    pub fn validators(&self, number: u64) -> (Vec<Address>, Vec<U256>) {
        let set = self.configs.get(U64::from(number));
        (set.validators(), set.weights())
    }

    /// The configuration in force.
    pub fn configuration_number(&self) -> u64 {
        get(&self.configuration_number)
    }

    /// The last committed parent finality: its height and block hash.
    pub fn last_finality(&self) -> (u64, B256) {
        (get(&self.last_height), self.last_block_hash.get())
    }

    /// Configuration: the gateway and the subnet actor.
    pub fn get_config(&self) -> (Address, Address) {
        (self.gateway.get(), self.subnet_actor.get())
    }
}

#[cfg(test)]
mod tests;
