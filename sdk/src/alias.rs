//! Arbitrum address aliasing: a contract on the parent chain appears on the child chain as
//! `address + 0x1111000000000000000000000000000000001111` (wrapping at 2^160).

use alloy_primitives::{Address, U160};

/// The alias offset.
pub const ALIAS_OFFSET: U160 =
    U160::from_be_bytes(alloy_primitives::hex!("1111000000000000000000000000000000001111"));

/// The child-chain alias of a parent-chain contract address.
#[must_use]
pub fn apply_l1_to_l2_alias(l1_address: Address) -> Address {
    Address::from(U160::from_be_bytes(l1_address.0 .0).wrapping_add(ALIAS_OFFSET).to_be_bytes())
}

/// The parent-chain address behind a child-chain alias.
#[must_use]
pub fn undo_l1_to_l2_alias(l2_address: Address) -> Address {
    Address::from(U160::from_be_bytes(l2_address.0 .0).wrapping_sub(ALIAS_OFFSET).to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use proptest::prelude::*;

    #[test]
    fn alias_vectors() {
        assert_eq!(
            apply_l1_to_l2_alias(Address::ZERO),
            address!("1111000000000000000000000000000000001111")
        );
        assert_eq!(
            apply_l1_to_l2_alias(address!("ffffffffffffffffffffffffffffffffffffffff")),
            address!("1111000000000000000000000000000000001110")
        );
        assert_eq!(
            undo_l1_to_l2_alias(address!("1111000000000000000000000000000000001110")),
            address!("ffffffffffffffffffffffffffffffffffffffff")
        );
    }

    proptest! {
        #[test]
        fn undo_inverts_apply(bytes in any::<[u8; 20]>()) {
            let a = Address::from(bytes);
            prop_assert_eq!(undo_l1_to_l2_alias(apply_l1_to_l2_alias(a)), a);
            prop_assert_eq!(apply_l1_to_l2_alias(undo_l1_to_l2_alias(a)), a);
            prop_assert_ne!(apply_l1_to_l2_alias(a), a);
        }
    }
}
