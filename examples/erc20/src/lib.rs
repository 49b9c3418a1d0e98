//! `Erc20`: an owner-mintable ERC-20, the underlying token of the linked-token example (the
//! controller locks it on the parent chain).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use crossnet_sdk::access::{Ownable, OwnableInvalidOwner, OwnableUnauthorizedAccount};
use linked_token::erc20::{
    ERC20InsufficientAllowance, ERC20InsufficientBalance, ERC20InvalidReceiver, ERC20InvalidSender,
    ERC20InvalidSpender, Erc20 as Erc20Component, Erc20Error, IErc20,
};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    prelude::*,
};

/// Every way a call can be refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Balance too low.
    InsufficientBalance(ERC20InsufficientBalance),
    /// Allowance too low.
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// Zero sender.
    InvalidSender(ERC20InvalidSender),
    /// Zero receiver.
    InvalidReceiver(ERC20InvalidReceiver),
    /// Zero spender.
    InvalidSpender(ERC20InvalidSpender),
}

impl From<Erc20Error> for Error {
    fn from(e: Erc20Error) -> Self {
        match e {
            Erc20Error::InsufficientBalance(e) => e.into(),
            Erc20Error::InsufficientAllowance(e) => e.into(),
            Erc20Error::InvalidSender(e) => e.into(),
            Erc20Error::InvalidReceiver(e) => e.into(),
            Erc20Error::InvalidSpender(e) => e.into(),
        }
    }
}

/// The token.
#[entrypoint]
#[storage]
pub struct Erc20 {
    ownable: Ownable,
    token: Erc20Component,
}

#[public]
#[implements(IErc20)]
impl Erc20 {
    /// Deploys the token.
    ///
    /// # Arguments
    /// * `owner` - may mint.
    /// * `name`, `symbol` - token metadata.
    ///
    /// # Errors
    /// `OwnableInvalidOwner`.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    #[constructor]
    pub fn constructor(
        &mut self,
        owner: Address,
        name: String,
        symbol: String,
    ) -> Result<(), Error> {
        self.ownable.set_owner(owner)?;
        self.token.init(&name, &symbol);
        Ok(())
    }

    /// Mints `value` tokens to `to` (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`, `ERC20InvalidReceiver`.
    ///
    /// # Events
    /// `Transfer(0, to, value)`.
    pub fn mint(&mut self, to: Address, value: U256) -> Result<(), Error> {
        self.ownable.check_owner()?;
        Ok(self.token.mint(to, value)?)
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.ownable.owner()
    }
}

linked_token::impl_erc20!(Erc20, token);

#[cfg(test)]
mod tests;
