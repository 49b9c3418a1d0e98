//! Subnet ids and addresses: the tree of subnets, routing, and EVM accounts as IPC addresses.
//!
//! A [`SubnetID`] is a root chain id plus the route of subnet-actor addresses from the root
//! down: the root is `{root, []}`, its child with actor `A` is `{root, [A]}`, and so on. A
//! gateway at subnet `N` routes a message for `to` by one comparison: `to == N` (deliver
//! here), `N` a strict prefix of `to` (down into the child `to.down(N)`), anything else (up to
//! the parent). That is IPC's bottom-up / top-down / LCA split seen from one gateway: a message
//! climbs until the lowest common ancestor, which is the first gateway whose subtree holds the
//! destination, then descends.

use alloc::{vec, vec::Vec};

use alloy_primitives::{keccak256, Address, B256, U64};
use alloy_sol_types::SolValue;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageU64, StorageVec},
};

use super::{FvmAddress, IPCAddress, SubnetID, DELEGATED_ADDR_TYPE, EAM_NAMESPACE};

/// Where a gateway sends a message next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// The destination is this subnet.
    Here,
    /// Down into the child subnet whose actor is this address.
    Down(Address),
    /// Up to the parent.
    Up,
}

impl SubnetID {
    /// The root subnet of the chain `chain_id`.
    #[must_use]
    pub fn new_root(chain_id: u64) -> Self {
        Self { root: chain_id, route: Vec::new() }
    }

    /// Whether this is a root (no route, non-zero chain id).
    #[must_use]
    pub fn is_root(&self) -> bool {
        self.route.is_empty() && self.root != 0
    }

    /// Whether this is the empty id (names no subnet).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.root == 0 && self.route.is_empty()
    }

    /// Number of actors in the route (0 for a root).
    #[must_use]
    pub fn depth(&self) -> usize {
        self.route.len()
    }

    /// The child subnet whose actor is `actor`.
    #[must_use]
    pub fn child(&self, actor: Address) -> Self {
        let mut route = self.route.clone();
        route.push(actor);
        Self { root: self.root, route }
    }

    /// The parent subnet (`None` for a root or the empty id).
    #[must_use]
    pub fn parent(&self) -> Option<Self> {
        let (_, rest) = self.route.split_last()?;
        Some(Self { root: self.root, route: rest.to_vec() })
    }

    /// The subnet actor (last route element; zero for a root).
    #[must_use]
    pub fn actor(&self) -> Address {
        self.route.last().copied().unwrap_or_default()
    }

    /// Whether `self` is `other` or one of its ancestors (same root, route a prefix).
    #[must_use]
    pub fn contains(&self, other: &Self) -> bool {
        self.root == other.root
            && self.route.len() <= other.route.len()
            && other.route.starts_with(&self.route)
    }

    /// Whether `self` is a strict ancestor of `other`.
    #[must_use]
    pub fn is_ancestor_of(&self, other: &Self) -> bool {
        self.route.len() < other.route.len() && self.contains(other)
    }

    /// Whether `self` is the parent of `child`.
    #[must_use]
    pub fn is_parent_of(&self, child: &Self) -> bool {
        self.route.len() + 1 == child.route.len() && self.contains(child)
    }

    /// The child of `from` on the way down to `self` (`None` unless `from` is a strict
    /// ancestor of `self`).
    #[must_use]
    pub fn down(&self, from: &Self) -> Option<Self> {
        if !from.is_ancestor_of(self) {
            return None;
        }
        Some(from.child(self.route[from.route.len()]))
    }

    /// The lowest common ancestor of `self` and `other` (`None` across roots).
    #[must_use]
    pub fn common_parent(&self, other: &Self) -> Option<Self> {
        if self.root != other.root || self.root == 0 {
            return None;
        }
        let common = self.route.iter().zip(&other.route).take_while(|(a, b)| a == b).count();
        Some(Self { root: self.root, route: self.route[..common].to_vec() })
    }

    /// Where the gateway of `self` sends a message for `to` next.
    #[must_use]
    pub fn next_hop(&self, to: &Self) -> Hop {
        if to == self {
            Hop::Here
        } else if self.is_ancestor_of(to) {
            Hop::Down(to.route[self.route.len()])
        } else {
            Hop::Up
        }
    }

    /// IPC's subnet key: `keccak256(abi.encode(subnet))`.
    #[must_use]
    pub fn to_hash(&self) -> B256 {
        keccak256(self.abi_encode())
    }
}

/// Head and length words of a delegated EVM address payload, before the 20-byte buffer:
/// `abi.encode(DelegatedAddress{namespace: 10, length: 20, buffer})` is
/// `0x20 ‖ 10 ‖ 20 ‖ 0x60 ‖ 20 ‖ buffer (padded)`.
const DELEGATED_PAYLOAD_LEN: usize = 192;

impl FvmAddress {
    /// The delegated (type 4, EAM namespace) address of an EVM account, as IPC's
    /// `FvmAddressHelper.from(address)` builds it.
    #[must_use]
    pub fn from_evm(account: Address) -> Self {
        let mut payload = [0u8; DELEGATED_PAYLOAD_LEN];
        payload[31] = 0x20;
        payload[63] = EAM_NAMESPACE as u8;
        payload[95] = 20;
        payload[127] = 0x60;
        payload[159] = 20;
        payload[160..180].copy_from_slice(account.as_slice());
        Self { addrType: DELEGATED_ADDR_TYPE, payload: payload.to_vec().into() }
    }

    /// The EVM account of a delegated address (`None` for any other address or encoding).
    #[must_use]
    pub fn to_evm(&self) -> Option<Address> {
        if self.addrType != DELEGATED_ADDR_TYPE || self.payload.len() != DELEGATED_PAYLOAD_LEN {
            return None;
        }
        let account = Address::from_slice(&self.payload[160..180]);
        (Self::from_evm(account).payload == self.payload).then_some(account)
    }
}

impl IPCAddress {
    /// The account `account` of subnet `subnet`.
    #[must_use]
    pub fn new(subnet: SubnetID, account: Address) -> Self {
        Self { subnetId: subnet, rawAddress: FvmAddress::from_evm(account) }
    }

    /// The EVM account (`None` for a non-EVM address).
    #[must_use]
    pub fn evm_address(&self) -> Option<Address> {
        self.rawAddress.to_evm()
    }
}

/// A [`SubnetID`] in storage.
#[storage]
pub struct StoredSubnetId {
    root: StorageU64,
    route: StorageVec<StorageAddress>,
}

impl StoredSubnetId {
    /// The stored id (the empty id when unset).
    #[must_use]
    pub fn get(&self) -> SubnetID {
        let route = (0..self.route.len()).filter_map(|i| self.route.get(i)).collect();
        SubnetID { root: self.root.get().to(), route }
    }

    /// Stores `id` (over an unset id; a stored route is not shortened).
    pub fn init(&mut self, id: &SubnetID) {
        self.root.set(U64::from(id.root));
        for &actor in &id.route {
            self.route.push(actor);
        }
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;
    use crate::ipc::DelegatedAddress;

    const A: Address = address!("00000000000000000000000000000000000000a1");
    const B: Address = address!("00000000000000000000000000000000000000b2");
    const C: Address = address!("00000000000000000000000000000000000000c3");

    fn root() -> SubnetID {
        SubnetID::new_root(412_346)
    }

    #[test]
    fn parent_child_and_actor_succeeds() {
        let child = root().child(A);
        let grandchild = child.child(B);
        assert_eq!(grandchild.parent(), Some(child.clone()));
        assert_eq!(child.parent(), Some(root()));
        assert_eq!(root().parent(), None);
        assert_eq!(grandchild.actor(), B);
        assert_eq!(root().actor(), Address::ZERO);
        assert!(root().is_root() && !child.is_root());
        assert!(SubnetID::default().is_empty() && !root().is_empty());
        assert_eq!(grandchild.depth(), 2);
    }

    #[test]
    fn down_and_ancestry_succeeds() {
        let child = root().child(A);
        let grandchild = child.child(B);
        assert_eq!(grandchild.down(&root()), Some(child.clone()));
        assert_eq!(grandchild.down(&child), Some(grandchild.clone()));
        assert_eq!(child.down(&child), None);
        assert_eq!(child.down(&grandchild), None);
        assert!(root().is_parent_of(&child) && !root().is_parent_of(&grandchild));
        assert!(root().contains(&root()) && !root().is_ancestor_of(&root()));
        let other_root = SubnetID::new_root(1).child(A);
        assert!(!root().contains(&other_root));
    }

    #[test]
    fn common_parent_succeeds() {
        let a = root().child(A).child(B);
        let b = root().child(A).child(C);
        assert_eq!(a.common_parent(&b), Some(root().child(A)));
        assert_eq!(a.common_parent(&root().child(C)), Some(root()));
        assert_eq!(a.common_parent(&a), Some(a.clone()));
        assert_eq!(a.common_parent(&SubnetID::new_root(1)), None);
        assert_eq!(SubnetID::default().common_parent(&SubnetID::default()), None);
    }

    #[test]
    fn next_hop_routes_through_lowest_common_ancestor_succeeds() {
        let child = root().child(A);
        let sibling = root().child(C);
        let grandchild = child.child(B);
        assert_eq!(child.next_hop(&child), Hop::Here);
        assert_eq!(root().next_hop(&grandchild), Hop::Down(A));
        assert_eq!(child.next_hop(&grandchild), Hop::Down(B));
        assert_eq!(grandchild.next_hop(&sibling), Hop::Up);
        assert_eq!(child.next_hop(&sibling), Hop::Up);
        assert_eq!(root().next_hop(&sibling), Hop::Down(C));
        assert_eq!(child.next_hop(&root()), Hop::Up);
    }

    #[test]
    fn subnet_hash_is_abi_keccak_succeeds() {
        let id = root().child(A);
        assert_eq!(id.to_hash(), keccak256(id.abi_encode()));
        assert_ne!(id.to_hash(), root().to_hash());
    }

    #[test]
    fn delegated_address_matches_ipc_encoding_succeeds() {
        let fvm = FvmAddress::from_evm(A);
        let expected =
            DelegatedAddress { namespace: EAM_NAMESPACE, length: 20, buffer: A.to_vec().into() }
                .abi_encode();
        assert_eq!(fvm.payload.to_vec(), expected);
        assert_eq!(fvm.addrType, 4);
        assert_eq!(fvm.to_evm(), Some(A));
        assert_eq!(IPCAddress::new(root(), B).evm_address(), Some(B));
    }

    #[test]
    fn stored_subnet_id_round_trips_succeeds() {
        let vm = stylus_sdk::testing::TestVM::new();
        let mut stored = StoredSubnetId::from(&vm);
        assert!(stored.get().is_empty());
        let id = root().child(A).child(B);
        stored.init(&id);
        assert_eq!(stored.get(), id);
    }

    #[test]
    fn to_evm_non_delegated_reverts() {
        let mut fvm = FvmAddress::from_evm(A);
        fvm.addrType = 1;
        assert_eq!(fvm.to_evm(), None);
        let mut fvm = FvmAddress::from_evm(A);
        let mut payload = fvm.payload.to_vec();
        payload[191] = 1; // dirty padding
        fvm.payload = payload.into();
        assert_eq!(fvm.to_evm(), None);
        assert_eq!(FvmAddress::default().to_evm(), None);
    }
}
