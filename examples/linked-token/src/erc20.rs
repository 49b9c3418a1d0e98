//! A minimal ERC-20 component (OpenZeppelin names and errors), with `mint` and `burn` for the
//! programs that own the supply.

use alloc::{string::String, vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{StorageB256, StorageMap, StorageU256},
};

sol! {
    /// `value` tokens moved from `from` to `to` (mint: `from` 0; burn: `to` 0).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// `owner` allowed `spender` to move `value` of its tokens.
    event Approval(address indexed owner, address indexed spender, uint256 value);

    /// `sender` holds `balance`, less than `needed`.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
    /// `spender` may move `allowance`, less than `needed`.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
    /// Tokens cannot come from the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSender(address sender);
    /// Tokens cannot go to the zero address.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidReceiver(address receiver);
    /// The zero address cannot be a spender.
    #[derive(Debug, PartialEq, Eq)]
    error ERC20InvalidSpender(address spender);

    /// ERC-20 `transfer`, as called on another token.
    function transfer(address to, uint256 value) returns (bool);
    /// ERC-20 `transferFrom`, as called on another token.
    function transferFrom(address from, address to, uint256 value) returns (bool);
}

/// Why a token operation failed.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Erc20Error {
    /// See [`ERC20InsufficientBalance`].
    InsufficientBalance(ERC20InsufficientBalance),
    /// See [`ERC20InsufficientAllowance`].
    InsufficientAllowance(ERC20InsufficientAllowance),
    /// See [`ERC20InvalidSender`].
    InvalidSender(ERC20InvalidSender),
    /// See [`ERC20InvalidReceiver`].
    InvalidReceiver(ERC20InvalidReceiver),
    /// See [`ERC20InvalidSpender`].
    InvalidSpender(ERC20InvalidSpender),
}

/// Balances, allowances, supply, name and symbol.
#[storage]
pub struct Erc20 {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    total_supply: StorageU256,
    name: StorageB256,
    symbol: StorageB256,
}

/// A string of at most 31 bytes in one word (bytes, then the length in the last byte), like
/// Solidity's short strings: no `StorageString` (its byte-array code is large).
fn pack(text: &str) -> B256 {
    let mut len = text.len().min(31);
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    let bytes = &text.as_bytes()[..len];
    let mut word = B256::ZERO;
    word[..bytes.len()].copy_from_slice(bytes);
    word[31] = bytes.len() as u8;
    word
}

fn unpack(word: B256) -> String {
    let len = usize::from(word[31]).min(31);
    String::from_utf8(word[..len].to_vec()).unwrap_or_default()
}

/// The ERC-20 entries (implement with [`impl_erc20!`](crate::impl_erc20)).
#[allow(missing_docs)] // `#[public]` adds an undocumented marker method
#[public]
pub trait IErc20 {
    /// The token name.
    fn name(&self) -> String;
    /// The token symbol.
    fn symbol(&self) -> String;
    /// 18.
    fn decimals(&self) -> u8;
    /// All tokens in existence.
    fn total_supply(&self) -> U256;
    /// Tokens of `account`.
    fn balance_of(&self, account: Address) -> U256;
    /// What `spender` may move of `owner`'s tokens.
    fn allowance(&self, owner: Address, spender: Address) -> U256;
    /// Moves `value` of the caller's tokens to `to`.
    ///
    /// # Errors
    /// `ERC20InvalidReceiver`, `ERC20InsufficientBalance`.
    ///
    /// # Events
    /// `Transfer(caller, to, value)`.
    fn transfer(&mut self, to: Address, value: U256) -> Result<bool, Erc20Error>;
    /// Moves `value` of `from`'s tokens to `to` within the caller's allowance.
    ///
    /// # Errors
    /// `ERC20InsufficientAllowance`, `ERC20InvalidReceiver`, `ERC20InsufficientBalance`.
    ///
    /// # Events
    /// `Transfer(from, to, value)`.
    fn transfer_from(
        &mut self,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<bool, Erc20Error>;
    /// Lets `spender` move `value` of the caller's tokens.
    ///
    /// # Errors
    /// `ERC20InvalidSpender`.
    ///
    /// # Events
    /// `Approval(caller, spender, value)`.
    fn approve(&mut self, spender: Address, value: U256) -> Result<bool, Erc20Error>;
}

impl Erc20 {
    /// Sets name and symbol, each cut at 31 bytes (call from the constructor).
    pub fn init(&mut self, name: &str, symbol: &str) {
        self.name.set(pack(name));
        self.symbol.set(pack(symbol));
    }

    /// The token name.
    #[must_use]
    pub fn name(&self) -> String {
        unpack(self.name.get())
    }

    /// The token symbol.
    #[must_use]
    pub fn symbol(&self) -> String {
        unpack(self.symbol.get())
    }

    /// All tokens in existence.
    #[must_use]
    pub fn total_supply(&self) -> U256 {
        self.total_supply.get()
    }

    /// Tokens of `account`.
    #[must_use]
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// What `spender` may move of `owner`'s tokens.
    #[must_use]
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.get(owner).get(spender)
    }

    /// Moves `value` from `from` to `to` (zero `from`: mint; zero `to`: burn).
    fn update(&mut self, from: Address, to: Address, value: U256) -> Result<(), Erc20Error> {
        if from.is_zero() {
            let supply = self.total_supply.get();
            self.total_supply.set(supply + value);
        } else {
            let balance = self.balances.get(from);
            if balance < value {
                return Err(
                    ERC20InsufficientBalance { sender: from, balance, needed: value }.into()
                );
            }
            self.balances.setter(from).set(balance - value);
        }
        if to.is_zero() {
            let supply = self.total_supply.get();
            self.total_supply.set(supply - value);
        } else {
            let balance = self.balances.get(to);
            self.balances.setter(to).set(balance + value);
        }
        self.vm().log(Transfer { from, to, value });
        Ok(())
    }

    /// Moves `value` from `from` to `to`.
    ///
    /// # Errors
    /// `ERC20InvalidSender`, `ERC20InvalidReceiver`, `ERC20InsufficientBalance`.
    ///
    /// # Events
    /// `Transfer(from, to, value)`.
    pub fn transfer(&mut self, from: Address, to: Address, value: U256) -> Result<(), Erc20Error> {
        if from.is_zero() {
            return Err(ERC20InvalidSender { sender: from }.into());
        }
        if to.is_zero() {
            return Err(ERC20InvalidReceiver { receiver: to }.into());
        }
        self.update(from, to, value)
    }

    /// `spender` moves `value` from `from` to `to` within its allowance.
    ///
    /// # Errors
    /// `ERC20InsufficientAllowance` and those of [`Self::transfer`].
    ///
    /// # Events
    /// `Transfer(from, to, value)`.
    pub fn transfer_from(
        &mut self,
        spender: Address,
        from: Address,
        to: Address,
        value: U256,
    ) -> Result<(), Erc20Error> {
        let allowance = self.allowance(from, spender);
        if allowance < value {
            return Err(ERC20InsufficientAllowance { spender, allowance, needed: value }.into());
        }
        if allowance != U256::MAX {
            self.allowances.setter(from).setter(spender).set(allowance - value);
        }
        self.transfer(from, to, value)
    }

    /// `owner` lets `spender` move `value`.
    ///
    /// # Errors
    /// `ERC20InvalidSpender` for the zero address.
    ///
    /// # Events
    /// `Approval(owner, spender, value)`.
    pub fn approve(
        &mut self,
        owner: Address,
        spender: Address,
        value: U256,
    ) -> Result<(), Erc20Error> {
        if spender.is_zero() {
            return Err(ERC20InvalidSpender { spender }.into());
        }
        self.allowances.setter(owner).setter(spender).set(value);
        self.vm().log(Approval { owner, spender, value });
        Ok(())
    }

    /// Creates `value` tokens for `to`.
    ///
    /// # Errors
    /// `ERC20InvalidReceiver` for the zero address.
    ///
    /// # Events
    /// `Transfer(0, to, value)`.
    pub fn mint(&mut self, to: Address, value: U256) -> Result<(), Erc20Error> {
        if to.is_zero() {
            return Err(ERC20InvalidReceiver { receiver: to }.into());
        }
        self.update(Address::ZERO, to, value)
    }

    /// Destroys `value` tokens of `from`.
    ///
    /// # Errors
    /// `ERC20InvalidSender` for the zero address, `ERC20InsufficientBalance`.
    ///
    /// # Events
    /// `Transfer(from, 0, value)`.
    pub fn burn(&mut self, from: Address, value: U256) -> Result<(), Erc20Error> {
        if from.is_zero() {
            return Err(ERC20InvalidSender { sender: from }.into());
        }
        self.update(from, Address::ZERO, value)
    }
}

/// Implements [`IErc20`] for a contract with an [`Erc20`] field; route it with
/// `#[implements(IErc20)]`.
#[macro_export]
macro_rules! impl_erc20 {
    ($contract:ty, $field:ident) => {
        #[stylus_sdk::prelude::public]
        impl $crate::erc20::IErc20 for $contract {
            fn name(&self) -> alloc::string::String {
                self.$field.name()
            }
            fn symbol(&self) -> alloc::string::String {
                self.$field.symbol()
            }
            fn decimals(&self) -> u8 {
                18
            }
            fn total_supply(&self) -> stylus_sdk::alloy_primitives::U256 {
                self.$field.total_supply()
            }
            fn balance_of(
                &self,
                account: stylus_sdk::alloy_primitives::Address,
            ) -> stylus_sdk::alloy_primitives::U256 {
                self.$field.balance_of(account)
            }
            fn allowance(
                &self,
                owner: stylus_sdk::alloy_primitives::Address,
                spender: stylus_sdk::alloy_primitives::Address,
            ) -> stylus_sdk::alloy_primitives::U256 {
                self.$field.allowance(owner, spender)
            }
            fn transfer(
                &mut self,
                to: stylus_sdk::alloy_primitives::Address,
                value: stylus_sdk::alloy_primitives::U256,
            ) -> Result<bool, $crate::erc20::Erc20Error> {
                let from = self.vm().msg_sender();
                self.$field.transfer(from, to, value)?;
                Ok(true)
            }
            fn transfer_from(
                &mut self,
                from: stylus_sdk::alloy_primitives::Address,
                to: stylus_sdk::alloy_primitives::Address,
                value: stylus_sdk::alloy_primitives::U256,
            ) -> Result<bool, $crate::erc20::Erc20Error> {
                let spender = self.vm().msg_sender();
                self.$field.transfer_from(spender, from, to, value)?;
                Ok(true)
            }
            fn approve(
                &mut self,
                spender: stylus_sdk::alloy_primitives::Address,
                value: stylus_sdk::alloy_primitives::U256,
            ) -> Result<bool, $crate::erc20::Erc20Error> {
                let owner = self.vm().msg_sender();
                self.$field.approve(owner, spender, value)?;
                Ok(true)
            }
        }
    };
}

/// Event declarations for exported interfaces (feature `abi-events`).
#[cfg(feature = "abi-events")]
pub mod export {
    /// `Transfer`.
    #[must_use]
    pub fn transfer() -> &'static str {
        crossnet_sdk::export::event::<super::Transfer>(
            "event Transfer(address indexed from, address indexed to, uint256 value);",
        )
    }
    /// `Approval`.
    #[must_use]
    pub fn approval() -> &'static str {
        crossnet_sdk::export::event::<super::Approval>(
            "event Approval(address indexed owner, address indexed spender, uint256 value);",
        )
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use alloy_primitives::address;
    use stylus_sdk::testing::TestVM;

    use super::*;

    const ALICE: Address = address!("00000000000000000000000000000000000000d1");

    #[test]
    fn short_strings_round_trip_succeeds() {
        assert_eq!(unpack(pack("")), "");
        assert_eq!(unpack(pack("Linked")), "Linked");
        let long = "a".repeat(40);
        assert_eq!(unpack(pack(&long)), "a".repeat(31));
        // Cut at a character boundary.
        let accents = "é".repeat(16); // 32 bytes
        assert_eq!(unpack(pack(&accents)), "é".repeat(15));
    }

    #[test]
    fn burn_rules_reverts() {
        let vm = TestVM::new();
        let mut token = Erc20::from(&vm);
        token.mint(ALICE, U256::from(3)).unwrap();
        assert_eq!(
            token.burn(ALICE, U256::from(4)),
            Err(ERC20InsufficientBalance {
                sender: ALICE,
                balance: U256::from(3),
                needed: U256::from(4)
            }
            .into())
        );
        assert_eq!(
            token.burn(Address::ZERO, U256::from(1)),
            Err(ERC20InvalidSender { sender: Address::ZERO }.into())
        );
        token.burn(ALICE, U256::from(3)).unwrap();
        assert_eq!(token.total_supply(), U256::ZERO);
        assert_eq!(
            token.transfer(Address::ZERO, ALICE, U256::ZERO),
            Err(ERC20InvalidSender { sender: Address::ZERO }.into())
        );
    }
}
