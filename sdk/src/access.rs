//! Access components: owner, pause switch, reentrancy guard and one-shot initialisation.
//!
//! Each check returns a single typed error so contracts can use `?` into their own
//! `#[derive(SolidityError)]` enum (which has a `From` for every variant type).

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U8};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageU8},
};

sol! {
    /// Ownership moved from `previousOwner` to `newOwner`.
    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
    /// `account` paused the contract.
    event Paused(address account);
    /// `account` unpaused the contract.
    event Unpaused(address account);

    /// The caller is not the owner.
    #[derive(Debug, PartialEq, Eq)]
    error OwnableUnauthorizedAccount(address account);
    /// The zero address cannot own the contract.
    #[derive(Debug, PartialEq, Eq)]
    error OwnableInvalidOwner(address owner);
    /// The contract is paused.
    #[derive(Debug, PartialEq, Eq)]
    error EnforcedPause();
    /// The contract is not paused.
    #[derive(Debug, PartialEq, Eq)]
    error ExpectedPause();
    /// A guarded function was entered again before it returned.
    #[derive(Debug, PartialEq, Eq)]
    error ReentrancyGuardReentrantCall();
    /// `initialize` was already called.
    #[derive(Debug, PartialEq, Eq)]
    error AlreadyInitialized();
    /// The contract must be initialised first.
    #[derive(Debug, PartialEq, Eq)]
    error NotInitialized();
}

/// Single owner.
#[storage]
pub struct Ownable {
    owner: StorageAddress,
}

impl Ownable {
    /// The current owner.
    #[must_use]
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// Requires the caller to be the owner.
    ///
    /// # Errors
    /// [`OwnableUnauthorizedAccount`] when `msg.sender` is not the owner.
    pub fn check_owner(&self) -> Result<(), OwnableUnauthorizedAccount> {
        let sender = self.vm().msg_sender();
        if sender == self.owner.get() {
            Ok(())
        } else {
            Err(OwnableUnauthorizedAccount { account: sender })
        }
    }

    /// Sets the owner without checking the caller (constructors, or after [`Self::check_owner`]).
    ///
    /// # Errors
    /// [`OwnableInvalidOwner`] for the zero address.
    ///
    /// # Events
    /// `OwnershipTransferred(previous, new_owner)`.
    pub fn set_owner(&mut self, new_owner: Address) -> Result<(), OwnableInvalidOwner> {
        if new_owner.is_zero() {
            return Err(OwnableInvalidOwner { owner: new_owner });
        }
        let previous = self.owner.get();
        self.owner.set(new_owner);
        self.vm().log(OwnershipTransferred { previousOwner: previous, newOwner: new_owner });
        Ok(())
    }
}

/// Owner-controlled pause switch.
#[storage]
pub struct Pausable {
    paused: StorageBool,
}

impl Pausable {
    /// Whether the contract is paused.
    #[must_use]
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Requires the contract not to be paused.
    ///
    /// # Errors
    /// [`EnforcedPause`] when paused.
    pub fn when_not_paused(&self) -> Result<(), EnforcedPause> {
        if self.paused.get() {
            Err(EnforcedPause {})
        } else {
            Ok(())
        }
    }

    /// Pauses (the caller must already be authorised).
    ///
    /// # Errors
    /// [`EnforcedPause`] when already paused.
    ///
    /// # Events
    /// `Paused(msg.sender)`.
    pub fn pause(&mut self) -> Result<(), EnforcedPause> {
        self.when_not_paused()?;
        self.paused.set(true);
        let account = self.vm().msg_sender();
        self.vm().log(Paused { account });
        Ok(())
    }

    /// Unpauses (the caller must already be authorised).
    ///
    /// # Errors
    /// [`ExpectedPause`] when not paused.
    ///
    /// # Events
    /// `Unpaused(msg.sender)`.
    pub fn unpause(&mut self) -> Result<(), ExpectedPause> {
        if !self.paused.get() {
            return Err(ExpectedPause {});
        }
        self.paused.set(false);
        let account = self.vm().msg_sender();
        self.vm().log(Unpaused { account });
        Ok(())
    }
}

const NOT_ENTERED: u8 = 1;
const ENTERED: u8 = 2;

/// Reentrancy guard. Uses 1 / 2 rather than 0 / 1 so entering and leaving are warm
/// non-zero writes once [`ReentrancyGuard::init`] ran.
///
/// The Stylus SDK flushes the storage cache before every external call it makes, so a
/// reentrant invocation sees the `ENTERED` mark.
#[storage]
pub struct ReentrancyGuard {
    status: StorageU8,
}

impl ReentrancyGuard {
    /// Stores the "not entered" mark (call from the constructor).
    pub fn init(&mut self) {
        self.status.set(U8::from(NOT_ENTERED));
    }

    /// Marks the guarded section entered.
    ///
    /// # Errors
    /// [`ReentrancyGuardReentrantCall`] when it already is.
    pub fn enter(&mut self) -> Result<(), ReentrancyGuardReentrantCall> {
        if self.status.get() == U8::from(ENTERED) {
            return Err(ReentrancyGuardReentrantCall {});
        }
        self.status.set(U8::from(ENTERED));
        Ok(())
    }

    /// Marks the guarded section left.
    pub fn exit(&mut self) {
        self.status.set(U8::from(NOT_ENTERED));
    }

    /// Whether a guarded section is running.
    #[must_use]
    pub fn entered(&self) -> bool {
        self.status.get() == U8::from(ENTERED)
    }
}

/// One-shot initialisation flag.
#[storage]
pub struct Initializable {
    initialized: StorageBool,
}

impl Initializable {
    /// Marks the contract initialised.
    ///
    /// # Errors
    /// [`AlreadyInitialized`] on the second call.
    pub fn initialize_once(&mut self) -> Result<(), AlreadyInitialized> {
        if self.initialized.get() {
            return Err(AlreadyInitialized {});
        }
        self.initialized.set(true);
        Ok(())
    }

    /// Requires the contract to be initialised.
    ///
    /// # Errors
    /// [`NotInitialized`] before `initialize`.
    pub fn check_initialized(&self) -> Result<(), NotInitialized> {
        if self.initialized.get() {
            Ok(())
        } else {
            Err(NotInitialized {})
        }
    }

    /// Whether `initialize` ran.
    #[must_use]
    pub fn initialized(&self) -> bool {
        self.initialized.get()
    }
}
