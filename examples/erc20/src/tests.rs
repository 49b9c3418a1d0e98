//! Native unit tests (TestVM).
#![allow(clippy::unwrap_used)]

use alloy_primitives::address;
use alloy_sol_types::SolEvent;
use linked_token::erc20::{Approval, Transfer};
use stylus_sdk::testing::TestVM;

use super::*;

const OWNER: Address = address!("00000000000000000000000000000000000000a1");
const ALICE: Address = address!("00000000000000000000000000000000000000d1");
const BOB: Address = address!("00000000000000000000000000000000000000d2");

fn events<E: SolEvent>(vm: &TestVM) -> Vec<E> {
    vm.get_emitted_logs()
        .iter()
        .filter_map(|(topics, data)| E::decode_raw_log(topics.iter().copied(), data).ok())
        .collect()
}

fn token(vm: &TestVM) -> Erc20 {
    vm.set_sender(OWNER);
    let mut token = Erc20::from(vm);
    token.constructor(OWNER, "Test Token".into(), "TT".into()).expect("constructor");
    token
}

#[test]
fn mint_by_owner_succeeds() {
    let vm = TestVM::new();
    let mut token = token(&vm);
    token.mint(ALICE, U256::from(100)).expect("mint");
    assert_eq!(IErc20::balance_of(&token, ALICE), U256::from(100));
    assert_eq!(IErc20::total_supply(&token), U256::from(100));
    assert_eq!(IErc20::name(&token), "Test Token");
    assert_eq!(token.owner(), OWNER);
    let minted = events::<Transfer>(&vm);
    assert_eq!((minted[0].from, minted[0].to), (Address::ZERO, ALICE));
}

#[test]
fn mint_invalid_reverts() {
    let vm = TestVM::new();
    let mut token = token(&vm);
    assert_eq!(
        token.mint(Address::ZERO, U256::from(1)),
        Err(ERC20InvalidReceiver { receiver: Address::ZERO }.into())
    );
    vm.set_sender(ALICE);
    assert_eq!(
        token.mint(ALICE, U256::from(1)),
        Err(OwnableUnauthorizedAccount { account: ALICE }.into())
    );
}

#[test]
fn transfer_and_allowance_rules_reverts() {
    let vm = TestVM::new();
    let mut token = token(&vm);
    token.mint(ALICE, U256::from(10)).unwrap();
    vm.set_sender(ALICE);
    assert_eq!(
        IErc20::transfer(&mut token, BOB, U256::from(11)),
        Err(Erc20Error::InsufficientBalance(ERC20InsufficientBalance {
            sender: ALICE,
            balance: U256::from(10),
            needed: U256::from(11)
        }))
    );
    assert_eq!(
        IErc20::transfer(&mut token, Address::ZERO, U256::from(1)),
        Err(Erc20Error::InvalidReceiver(ERC20InvalidReceiver { receiver: Address::ZERO }))
    );
    assert_eq!(
        IErc20::approve(&mut token, Address::ZERO, U256::from(1)),
        Err(Erc20Error::InvalidSpender(ERC20InvalidSpender { spender: Address::ZERO }))
    );
    assert_eq!(IErc20::approve(&mut token, BOB, U256::MAX), Ok(true));
    assert_eq!(events::<Approval>(&vm)[0].spender, BOB);
    vm.set_sender(BOB);
    assert_eq!(IErc20::transfer_from(&mut token, ALICE, BOB, U256::from(4)), Ok(true));
    // An infinite allowance is not spent.
    assert_eq!(IErc20::allowance(&token, ALICE, BOB), U256::MAX);
    assert_eq!(IErc20::balance_of(&token, BOB), U256::from(4));
}
