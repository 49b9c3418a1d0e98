//! `SubnetPolicy`: the per-subnet rules a subnet actor publishes and both gateways of the
//! route enforce, at origin (a send reverts) and at destination (a refused message gets a
//! SystemErr Result that refunds its value).
//!
//! A policy belongs to a subnet `S` and governs the two routes across `S`'s boundary with its
//! parent: messages entering `S` and messages leaving `S`. It is held on each side by the
//! program that speaks for `S`: the subnet actor on the parent chain (which publishes it) and
//! the parent-finality program on the child chain (which adopts it with the actor's
//! configuration); both gateways ask them (`checkPolicy`). An account "of
//! `S`" is one whose subnet id ends with `S`'s actor.
//!
//! | rule | entering `S` | leaving `S` |
//! |---|---|---|
//! | `paused` | refused | refused |
//! | `maxValue` (0: none) | `value ≤ maxValue` | `value ≤ maxValue` |
//! | `targets` (empty: any) | receiver in the list, when it is an account of `S` itself | — |
//! | `senders` (empty: any) | — | sender in the list, when it is an account of `S` itself |
//!
//! Results are never refused: they carry refunds, and blocking them would strand value.

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use stylus_sdk::{
    prelude::*,
    storage::{Erase, StorageAddress, StorageBool, StorageU256, StorageVec},
};

use super::{
    IpcEnvelope, IpcMsgKind, PolicyRefused, PolicyRule, PolicyTooLarge, SubnetPolicy,
    MAX_POLICY_LIST,
};

/// Which way a message crosses the boundary of the policy's subnet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Into the subnet (top-down across its boundary).
    Entering,
    /// Out of the subnet (bottom-up across its boundary).
    Leaving,
}

/// Checks a Call or Transfer of `value` crossing the boundary of the subnet whose actor is
/// `actor` (`direction`) against its `policy`. `account` is the message's sender (leaving) or
/// receiver (entering) and `account_subnet` the actor of that account's subnet (the last element
/// of its route); the lists apply only to accounts of the policy's own subnet.
///
/// # Errors
/// [`PolicyRefused`] (naming `actor`) with the [`PolicyRule`] that refused it.
pub fn check(
    policy: &SubnetPolicy,
    actor: Address,
    account_subnet: Address,
    account: Address,
    value: U256,
    direction: Direction,
) -> Result<(), PolicyRefused> {
    let refuse = |rule: PolicyRule| Err(PolicyRefused { subnet: actor, rule: rule as u8 });
    if policy.paused {
        return refuse(PolicyRule::Paused);
    }
    if !policy.maxValue.is_zero() && value > policy.maxValue {
        return refuse(PolicyRule::MaxValue);
    }
    let (list, rule) = match direction {
        Direction::Entering => (&policy.targets, PolicyRule::Target),
        Direction::Leaving => (&policy.senders, PolicyRule::Sender),
    };
    if !list.is_empty() && account_subnet == actor && !list.contains(&account) {
        return refuse(rule);
    }
    Ok(())
}

/// The arguments of [`check`] (and of `checkPolicy`) for `envelope`: the account whose subnet
/// the lists look at (the sender when leaving, the receiver when entering), the actor of that
/// account's subnet, and the value. A non-EVM account is the zero address (refused by a
/// non-empty list).
#[must_use]
pub fn policy_subject(envelope: &IpcEnvelope, direction: Direction) -> (Address, Address, U256) {
    let account = match direction {
        Direction::Entering => &envelope.to,
        Direction::Leaving => &envelope.from,
    };
    (account.subnetId.actor(), account.evm_address().unwrap_or_default(), envelope.value)
}

/// [`check`] for a whole envelope; Results always pass.
///
/// # Errors
/// [`PolicyRefused`].
pub fn check_envelope(
    policy: &SubnetPolicy,
    actor: Address,
    envelope: &IpcEnvelope,
    direction: Direction,
) -> Result<(), PolicyRefused> {
    if envelope.kind == IpcMsgKind::Result as u8 {
        return Ok(());
    }
    let (account_subnet, account, value) = policy_subject(envelope, direction);
    check(policy, actor, account_subnet, account, value, direction)
}

/// A [`SubnetPolicy`] in storage (the zero value is the permissive policy).
#[storage]
pub struct StoredPolicy {
    paused: StorageBool,
    max_value: StorageU256,
    senders: StorageVec<StorageAddress>,
    targets: StorageVec<StorageAddress>,
}

impl StoredPolicy {
    /// Replaces the stored policy.
    ///
    /// # Errors
    /// [`PolicyTooLarge`] when a list is longer than [`MAX_POLICY_LIST`].
    pub fn set(&mut self, policy: &SubnetPolicy) -> Result<(), PolicyTooLarge> {
        for list in [&policy.senders, &policy.targets] {
            if list.len() > MAX_POLICY_LIST {
                return Err(PolicyTooLarge {
                    length: U256::from(list.len()),
                    max: U256::from(MAX_POLICY_LIST),
                });
            }
        }
        self.paused.set(policy.paused);
        self.max_value.set(policy.maxValue);
        self.senders.erase();
        self.targets.erase();
        for &sender in &policy.senders {
            self.senders.push(sender);
        }
        for &target in &policy.targets {
            self.targets.push(target);
        }
        Ok(())
    }

    /// The stored policy.
    #[must_use]
    pub fn get(&self) -> SubnetPolicy {
        let list = |v: &StorageVec<StorageAddress>| (0..v.len()).filter_map(|i| v.get(i)).collect();
        SubnetPolicy {
            paused: self.paused.get(),
            maxValue: self.max_value.get(),
            senders: list(&self.senders),
            targets: list(&self.targets),
        }
    }

    /// [`check`] against the stored policy.
    ///
    /// # Errors
    /// [`PolicyRefused`].
    pub fn check(
        &self,
        actor: Address,
        account_subnet: Address,
        account: Address,
        value: U256,
        direction: Direction,
    ) -> Result<(), PolicyRefused> {
        check(&self.get(), actor, account_subnet, account, value, direction)
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;
    use stylus_sdk::testing::TestVM;

    use super::*;
    use crate::ipc::{IPCAddress, OutcomeType, SubnetID};

    const ACTOR: Address = address!("00000000000000000000000000000000000000a1");
    const ALICE: Address = address!("00000000000000000000000000000000000000d1");
    const BOB: Address = address!("00000000000000000000000000000000000000d2");

    fn subnet() -> SubnetID {
        SubnetID::new_root(1).child(ACTOR)
    }

    /// A Transfer from `from` in the parent to `to` in the subnet.
    fn entering(to: Address, value: u64) -> IpcEnvelope {
        IpcEnvelope::new_transfer(
            IPCAddress::new(SubnetID::new_root(1), ALICE),
            IPCAddress::new(subnet(), to),
            U256::from(value),
        )
    }

    fn refused(rule: PolicyRule) -> Result<(), PolicyRefused> {
        Err(PolicyRefused { subnet: ACTOR, rule: rule as u8 })
    }

    #[test]
    fn default_policy_allows_everything_succeeds() {
        let policy = SubnetPolicy::default();
        let envelope = entering(BOB, 1_000);
        assert_eq!(check_envelope(&policy, ACTOR, &envelope, Direction::Entering), Ok(()));
        assert_eq!(check_envelope(&policy, ACTOR, &envelope, Direction::Leaving), Ok(()));
    }

    #[test]
    fn paused_and_max_value_reverts() {
        let paused = SubnetPolicy { paused: true, ..Default::default() };
        let envelope = entering(BOB, 10);
        assert_eq!(
            check_envelope(&paused, ACTOR, &envelope, Direction::Entering),
            refused(PolicyRule::Paused)
        );
        let capped = SubnetPolicy { maxValue: U256::from(9), ..Default::default() };
        assert_eq!(
            check_envelope(&capped, ACTOR, &envelope, Direction::Leaving),
            refused(PolicyRule::MaxValue)
        );
        assert_eq!(check_envelope(&capped, ACTOR, &entering(BOB, 9), Direction::Entering), Ok(()));
    }

    #[test]
    fn targets_and_senders_lists_reverts() {
        let policy =
            SubnetPolicy { targets: vec![BOB], senders: vec![ALICE], ..Default::default() };
        assert_eq!(check_envelope(&policy, ACTOR, &entering(BOB, 1), Direction::Entering), Ok(()));
        assert_eq!(
            check_envelope(&policy, ACTOR, &entering(ALICE, 1), Direction::Entering),
            refused(PolicyRule::Target)
        );
        // Leaving: `from` is the parent account ALICE, not an account of the subnet: the list
        // does not apply.
        assert_eq!(check_envelope(&policy, ACTOR, &entering(BOB, 1), Direction::Leaving), Ok(()));
        let mut out = entering(BOB, 1);
        core::mem::swap(&mut out.from, &mut out.to);
        assert_eq!(
            check_envelope(&policy, ACTOR, &out, Direction::Leaving),
            refused(PolicyRule::Sender)
        );
        // A deeper destination is governed by its own subnet's policy.
        let mut deeper = entering(ALICE, 1);
        deeper.to = IPCAddress::new(subnet().child(BOB), ALICE);
        assert_eq!(check_envelope(&policy, ACTOR, &deeper, Direction::Entering), Ok(()));
    }

    #[test]
    fn results_always_pass_succeeds() {
        let paused = SubnetPolicy { paused: true, maxValue: U256::from(1), ..Default::default() };
        let transfer = entering(BOB, 10);
        let result =
            transfer.result(transfer.tracing_id(), OutcomeType::ActorErr, &[], U256::from(10));
        assert_eq!(check_envelope(&paused, ACTOR, &result, Direction::Leaving), Ok(()));
    }

    #[test]
    fn stored_policy_round_trips_and_checks_succeeds() {
        let vm = TestVM::new();
        let mut stored = StoredPolicy::from(&vm);
        assert_eq!(stored.get(), SubnetPolicy::default());
        let policy = SubnetPolicy {
            paused: false,
            maxValue: U256::from(5),
            senders: vec![ALICE, BOB],
            targets: vec![BOB],
        };
        stored.set(&policy).expect("set");
        assert_eq!(stored.get(), policy);
        assert_eq!(
            stored.check(ACTOR, ACTOR, ALICE, U256::from(1), Direction::Entering),
            refused(PolicyRule::Target)
        );
        assert_eq!(stored.check(ACTOR, ACTOR, BOB, U256::from(5), Direction::Entering), Ok(()));
        let shorter = SubnetPolicy { senders: vec![BOB], ..Default::default() };
        stored.set(&shorter).expect("set");
        assert_eq!(stored.get(), shorter);
    }

    #[test]
    fn policy_subject_picks_account_by_direction_succeeds() {
        let envelope = entering(BOB, 7);
        assert_eq!(policy_subject(&envelope, Direction::Entering), (ACTOR, BOB, U256::from(7)));
        assert_eq!(
            policy_subject(&envelope, Direction::Leaving),
            (Address::ZERO, ALICE, U256::from(7))
        );
    }

    #[test]
    fn stored_policy_too_large_reverts() {
        let vm = TestVM::new();
        let mut stored = StoredPolicy::from(&vm);
        let policy = SubnetPolicy { targets: vec![BOB; MAX_POLICY_LIST + 1], ..Default::default() };
        assert_eq!(
            stored.set(&policy),
            Err(PolicyTooLarge {
                length: U256::from(MAX_POLICY_LIST + 1),
                max: U256::from(MAX_POLICY_LIST)
            })
        );
    }
}
