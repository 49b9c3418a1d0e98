//! `SubnetActor`: the parent-chain program of one child subnet.
//!
//! * **Validators.** The child's validator set with weights, owner-managed. Every change
//!   (validators or policy) is a new *configuration* with the next number, published in a
//!   `SubnetConfigured(number, config)` event; the child adopts it through a parent finality
//!   (its parent-finality program), and its next checkpoints name the configuration in force
//!   (`nextConfigurationNumber`), which confirms it here. Configuration 0 is the genesis set.
//! * **Checkpoints.** `submitCheckpoint(checkpoint, signatories, signatures)` (anyone, a
//!   relayer; not while paused), `checkpoint` being `abi.encode(BottomUpCheckpoint)`, the bytes
//!   the validators signed: the batch holds at most `maxMsgsPerBatch` messages; the height
//!   is above the last one and at most the next period boundary, and is that boundary unless
//!   the batch is full (an early cut); the configuration is between the confirmed and the latest
//!   one; signatories are strictly ascending validators of that configuration whose weight is
//!   more than two thirds of its total, each signing the EIP-712 digest of the checkpoint
//!   (chain id and this program as verifying contract). Then the checkpoint is recorded, the
//!   configuration confirmed, and the batch handed to the gateway (`commitCheckpoint`), whose
//!   errors (a nonce gap, too little supply) revert the submission unchanged.
//! * **Policy.** The child's `SubnetPolicy`, owner-managed, applied at once here: the parent
//!   gateway asks `checkPolicy` when a Call or Transfer crosses the child's boundary.
//! * **Registry.** `register` locks collateral and genesis supply in the gateway, `kill`
//!   (supply back to zero) returns the collateral to the owner.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use alloy_sol_types::{SolCall, SolEvent};
use crossnet_sdk::{
    access::{
        EnforcedPause, ExpectedPause, Ownable, OwnableInvalidOwner, OwnableUnauthorizedAccount,
        Pausable,
    },
    ipc::{
        call::bounded_call,
        claimCall,
        digest::{typed_digest, CHECKPOINT_TYPE},
        events::{emit, word},
        killCall,
        policy::{Direction, StoredPolicy},
        quorum::ValidatorSet,
        registerCall,
        statement::CheckpointHeader,
        BottomUpCheckpointAlreadySubmitted, CannotSubmitFutureCheckpoint, CheckpointSubmitted,
        ConfigurationApplied, InvalidCheckpointEpoch, InvalidConfigurationNumber, InvalidEncoding,
        InvalidIpcConfiguration, InvalidValidatorSet, MaxMsgsPerBatchExceeded, PolicyRefused,
        PolicyTooLarge, SubnetConfig, SubnetConfigured, SubnetPolicy,
    },
};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256, U64},
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU64},
};

/// Every way a call can be refused. `submitCheckpoint` also reverts with the quorum errors
/// (`EmptySignatures`, `InvalidArrayLength`, `SignatureAddressesNotSorted`,
/// `DuplicateValidatorSignaturesFound`, `NotValidator`, `InvalidSignature`, `InvalidSignatory`,
/// `WeightsSumLessThanThreshold`); it, `register` and `kill` forward the gateway's errors
/// unchanged.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Paused.
    EnforcedPause(EnforcedPause),
    /// Not paused.
    ExpectedPause(ExpectedPause),
    /// Invalid constructor argument.
    InvalidIpcConfiguration(InvalidIpcConfiguration),
    /// The checkpoint does not parse.
    InvalidEncoding(InvalidEncoding),
    /// Invalid validator set.
    InvalidValidatorSet(InvalidValidatorSet),
    /// A policy list is too long.
    PolicyTooLarge(PolicyTooLarge),
    /// The policy refuses the message.
    PolicyRefused(PolicyRefused),
    /// Too many messages in the batch.
    MaxMsgsPerBatchExceeded(MaxMsgsPerBatchExceeded),
    /// Height not above the last checkpoint.
    BottomUpCheckpointAlreadySubmitted(BottomUpCheckpointAlreadySubmitted),
    /// Height beyond the next boundary.
    CannotSubmitFutureCheckpoint(CannotSubmitFutureCheckpoint),
    /// Height below the boundary without a full batch.
    InvalidCheckpointEpoch(InvalidCheckpointEpoch),
    /// Configuration not between the confirmed and the latest.
    InvalidConfigurationNumber(InvalidConfigurationNumber),
}

/// The subnet actor.
#[entrypoint]
#[storage]
pub struct SubnetActor {
    ownable: Ownable,
    pausable: Pausable,
    gateway: StorageAddress,
    checkpoint_period: StorageU64,
    max_msgs_per_batch: StorageU64,
    last_height: StorageU64,
    configuration_number: StorageU64,
    confirmed_configuration: StorageU64,
    last_block_hash: StorageB256,
    configs: StorageMap<U64, ValidatorSet>,
    policy: StoredPolicy,
}

fn get(slot: &StorageU64) -> u64 {
    slot.get().to()
}

impl SubnetActor {
    /// Stores `validators` as configuration `number` and publishes it with the current policy.
    fn configure(
        &mut self,
        number: u64,
        validators: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<(), Error> {
        self.configs.setter(U64::from(number)).init(&validators, &weights)?;
        self.configuration_number.set(U64::from(number));
        let config = SubnetConfig {
            configurationNumber: number,
            validators,
            weights,
            policy: self.policy.get(),
        };
        self.vm().log(SubnetConfigured { configurationNumber: number, config });
        Ok(())
    }

    /// Calls the gateway with `data` (and `value`), forwarding its errors.
    fn call_gateway(&mut self, value: U256, data: &[u8]) -> Result<(), Vec<u8>> {
        bounded_call(self.vm(), self.gateway.get(), value, u64::MAX, data)?;
        Ok(())
    }

    /// The checks of a checkpoint that need no signature; returns its configuration.
    fn check_checkpoint(&self, checkpoint: &CheckpointHeader) -> Result<u64, Error> {
        let max = get(&self.max_msgs_per_batch);
        let len = checkpoint.num_msgs;
        if len > max {
            return Err(
                MaxMsgsPerBatchExceeded { numMsgs: U256::from(len), max: U256::from(max) }.into()
            );
        }
        let height = checkpoint.height;
        let last = get(&self.last_height);
        if height <= last {
            return Err(BottomUpCheckpointAlreadySubmitted { height, last }.into());
        }
        let period = get(&self.checkpoint_period);
        let next_boundary = (last / period + 1) * period;
        if height > next_boundary {
            return Err(CannotSubmitFutureCheckpoint { height, nextBoundary: next_boundary }.into());
        }
        if height != next_boundary && len != max {
            return Err(InvalidCheckpointEpoch { height }.into());
        }
        let number = checkpoint.configuration;
        if number < get(&self.confirmed_configuration) || number > get(&self.configuration_number) {
            return Err(InvalidConfigurationNumber { configurationNumber: number }.into());
        }
        Ok(number)
    }
}

#[public]
impl SubnetActor {
    /// Deploys the actor of a child subnet with its genesis validators (configuration 0) and
    /// the permissive policy.
    ///
    /// # Arguments
    /// * `owner` - manages validators, policy, pause, registration.
    /// * `gateway` - the parent chain's gateway.
    /// * `checkpoint_period` - child blocks between checkpoints (as the child gateway).
    /// * `max_msgs_per_batch` - messages per checkpoint (as the child gateway).
    /// * `validators`, `weights` - the genesis validator set.
    ///
    /// # Errors
    /// `OwnableInvalidOwner`, `InvalidIpcConfiguration` (zero gateway, period or batch size),
    /// `InvalidValidatorSet`.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`, `SubnetConfigured(0, config)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        gateway: Address,
        checkpoint_period: u64,
        max_msgs_per_batch: u64,
        validators: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<(), Error> {
        self.ownable.set_owner(owner)?;
        if gateway.is_zero() || checkpoint_period == 0 || max_msgs_per_batch == 0 {
            return Err(InvalidIpcConfiguration {}.into());
        }
        self.gateway.set(gateway);
        self.checkpoint_period.set(U64::from(checkpoint_period));
        self.max_msgs_per_batch.set(U64::from(max_msgs_per_batch));
        self.configure(0, validators, weights)
    }

    /// Registers the subnet in the gateway (owner only): `msg.value` is the collateral plus
    /// `genesis_circ_supply`.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`; the gateway's `InvalidXnetMessage(Value)` (no collateral),
    /// `AlreadyRegisteredSubnet`.
    ///
    /// # Events
    /// The gateway's `SubnetRegistered(this, collateral, genesis_circ_supply)`.
    #[payable]
    pub fn register(&mut self, genesis_circ_supply: U256) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(Error::from)?;
        let value = self.vm().msg_value();
        let data = registerCall { genesisCircSupply: genesis_circ_supply }.abi_encode();
        self.call_gateway(value, &data)
    }

    /// Kills the subnet in the gateway (its supply must be back to zero) and pays the
    /// collateral to the owner (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`; the gateway's `NotRegisteredSubnet`,
    /// `NotEmptySubnetCircSupply`, `TransferFailed`.
    ///
    /// # Events
    /// The gateway's `SubnetKilled`, `RefundCredited` and `Claimed`.
    pub fn kill(&mut self) -> Result<(), Vec<u8>> {
        self.ownable.check_owner().map_err(Error::from)?;
        self.call_gateway(U256::ZERO, &killCall {}.abi_encode())?;
        let owner = self.ownable.owner();
        self.call_gateway(U256::ZERO, &claimCall { recipient: owner }.abi_encode())
    }

    /// Replaces the validator set (owner only): a new configuration, adopted by the child
    /// through its parent finality and confirmed by its next checkpoint.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `InvalidValidatorSet`.
    ///
    /// # Events
    /// `SubnetConfigured(number, config)`.
    pub fn set_validators(
        &mut self,
        validators: Vec<Address>,
        weights: Vec<U256>,
    ) -> Result<(), Error> {
        self.ownable.check_owner()?;
        let number = get(&self.configuration_number) + 1;
        self.configure(number, validators, weights)
    }

    /// Replaces the policy (owner only): in force here at once, and a new configuration (same
    /// validators) for the child.
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `PolicyTooLarge`.
    ///
    /// # Events
    /// `SubnetConfigured(number, config)`.
    pub fn set_policy(&mut self, policy: SubnetPolicy) -> Result<(), Error> {
        self.ownable.check_owner()?;
        self.policy.set(&policy)?;
        let current = get(&self.configuration_number);
        let set = self.configs.get(U64::from(current));
        let (validators, weights) = (set.validators(), set.weights());
        self.configure(current + 1, validators, weights)
    }

    /// Verifies a checkpoint of the child and hands its batch to the gateway (anyone; not
    /// while paused).
    ///
    /// # Arguments
    /// * `checkpoint` - `abi.encode(BottomUpCheckpoint)`: the bytes the validators signed (the
    ///   digest is over them; the batch is forwarded to the gateway as a slice of them, decoded
    ///   once, there).
    /// * `signatories` - validators of the checkpoint's `nextConfigurationNumber`, strictly
    ///   ascending.
    /// * `signatures` - their 65-byte signatures of the checkpoint's digest.
    ///
    /// # Errors
    /// `EnforcedPause`, `InvalidEncoding`, `MaxMsgsPerBatchExceeded`,
    /// `BottomUpCheckpointAlreadySubmitted`, `CannotSubmitFutureCheckpoint`,
    /// `InvalidCheckpointEpoch`, `InvalidConfigurationNumber`, the quorum errors
    /// (`EmptySignatures`, `InvalidArrayLength`, `SignatureAddressesNotSorted`,
    /// `DuplicateValidatorSignaturesFound`, `NotValidator`, `InvalidSignature`,
    /// `InvalidSignatory`, `WeightsSumLessThanThreshold`), and the gateway's (`InvalidNonce`,
    /// `NotEnoughSubnetCircSupply`, `InvalidXnetMessage`, `InsufficientExecutionGas`)
    /// unchanged. Nothing is recorded on error.
    ///
    /// # Events
    /// `CheckpointSubmitted(height, blockHash, configuration, numMsgs)`,
    /// `ConfigurationApplied(number)` when it confirms a newer configuration, and the
    /// gateway's.
    pub fn submit_checkpoint(
        &mut self,
        checkpoint: Bytes,
        signatories: Vec<Address>,
        signatures: Vec<Bytes>,
    ) -> Result<(), Vec<u8>> {
        self.pausable.when_not_paused().map_err(Error::from)?;
        let header = CheckpointHeader::parse(&checkpoint).ok_or(Error::from(InvalidEncoding {}))?;
        let number = self.check_checkpoint(&header)?;
        let this = self.vm().contract_address();
        let digest = typed_digest(CHECKPOINT_TYPE, self.vm().chain_id(), this, &checkpoint);
        self.configs.get(U64::from(number)).verify(digest, &signatories, &signatures)?;
        self.last_height.set(U64::from(header.height));
        self.last_block_hash.set(header.block_hash);
        if number > get(&self.confirmed_configuration) {
            self.confirmed_configuration.set(U64::from(number));
            emit(self.vm(), ConfigurationApplied::SIGNATURE_HASH, &[word(number)], &[]);
        }
        emit(
            self.vm(),
            CheckpointSubmitted::SIGNATURE_HASH,
            &[word(header.height)],
            &[header.block_hash, word(number), word(header.num_msgs)],
        );
        self.call_gateway(U256::ZERO, &header.commit_calldata(&checkpoint))
    }

    /// Reverts `PolicyRefused` when the child's policy refuses a Call or Transfer of `value`
    /// crossing the child's boundary (`leaving` it, or entering) whose sender (leaving) or
    /// receiver (entering) is `account` of the subnet whose actor is `account_subnet`. The
    /// gateway asks it; Results are never checked.
    ///
    /// # Errors
    /// `PolicyRefused(this, rule)`.
    pub fn check_policy(
        &self,
        account_subnet: Address,
        account: Address,
        value: U256,
        leaving: bool,
    ) -> Result<(), Error> {
        let actor = self.vm().contract_address();
        let direction = if leaving { Direction::Leaving } else { Direction::Entering };
        Ok(self.policy.check(actor, account_subnet, account, value, direction)?)
    }

    /// Pauses checkpoint submission (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `EnforcedPause`.
    ///
    /// # Events
    /// `Paused(msg.sender)`.
    pub fn pause(&mut self) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.pausable.pause()?)
    }

    /// Unpauses (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `ExpectedPause`.
    ///
    /// # Events
    /// `Unpaused(msg.sender)`.
    pub fn unpause(&mut self) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.pausable.unpause()?)
    }

    /// Hands ownership to `new_owner` (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `OwnableInvalidOwner`.
    ///
    /// # Events
    /// `OwnershipTransferred(owner, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.ownable.set_owner(new_owner)?)
    }

    /// The current policy.
    pub fn policy(&self) -> SubnetPolicy {
        self.policy.get()
    }

    /// The validators and weights of configuration `number` (empty when unknown).
    pub fn validators(&self, number: u64) -> (Vec<Address>, Vec<U256>) {
        let set = self.configs.get(U64::from(number));
        (set.validators(), set.weights())
    }

    /// Configurations: the latest number, the confirmed number (in force at the child).
    pub fn configuration_numbers(&self) -> (u64, u64) {
        (get(&self.configuration_number), get(&self.confirmed_configuration))
    }

    /// The last checkpoint: its height and block hash.
    pub fn last_checkpoint(&self) -> (u64, B256) {
        (get(&self.last_height), self.last_block_hash.get())
    }

    /// Configuration: the gateway, checkpoint period, max messages per batch, the owner,
    /// whether paused.
    pub fn get_config(&self) -> (Address, u64, u64, Address, bool) {
        (
            self.gateway.get(),
            get(&self.checkpoint_period),
            get(&self.max_msgs_per_batch),
            self.ownable.owner(),
            self.pausable.paused(),
        )
    }
}

#[cfg(test)]
mod tests;
