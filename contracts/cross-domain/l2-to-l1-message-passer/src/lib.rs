//! `L2ToL1MessagePasser`: the child-chain record of child-to-parent messages.
//!
//! `passMessageToL1(bytes)` stores `sentMessages[keccak256(abi.encodePacked(bytes, msg.sender))]
//! = true`. The mapping is the first (and only) field, so it lives at slot 0 exactly as in the
//! OVM predeploy: the parent-chain messenger proves that slot with an EIP-1186 storage proof
//! against a child state root, and only accepts keys whose sender is the child-chain messenger.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{vec, vec::Vec};

use crossnet_sdk::xdm::{passer_key, MessagePassed};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::B256,
    prelude::*,
    storage::{StorageBool, StorageMap},
};

/// The message passer.
#[entrypoint]
#[storage]
pub struct L2ToL1MessagePasser {
    /// Slot 0: message key => sent. Relays prove this slot, so it must stay first.
    sent_messages: StorageMap<B256, StorageBool>,
}

#[public]
impl L2ToL1MessagePasser {
    /// Records `message` as sent by the caller.
    ///
    /// # Arguments
    /// * `message` - the message bytes (the child-chain messenger passes the OVM v0 encoding).
    ///
    /// # Events
    /// `MessagePassed(msg.sender, key, message)`.
    pub fn pass_message_to_l1(&mut self, message: Bytes) {
        let sender = self.vm().msg_sender();
        let key = passer_key(&message, sender);
        self.sent_messages.setter(key).set(true);
        self.vm().log(MessagePassed { sender, messageKey: key, message });
    }

    /// Whether a message with this key was passed.
    ///
    /// # Arguments
    /// * `key` - `keccak256(abi.encodePacked(bytes, sender))`.
    pub fn sent_messages(&self, key: B256) -> bool {
        self.sent_messages.get(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, Address, U256};
    use alloy_sol_types::SolEvent;
    use crossnet_sdk::xdm::sent_messages_slot;
    use stylus_sdk::testing::TestVM;

    const MESSENGER: Address = address!("4200000000000000000000000000000000000007");

    #[test]
    fn pass_message_to_l1_records_key_at_slot_zero_succeeds() {
        let vm = TestVM::new();
        vm.set_sender(MESSENGER);
        let mut passer = L2ToL1MessagePasser::from(&vm);
        let message = b"hello parent".to_vec();

        passer.pass_message_to_l1(message.clone().into());

        let key = passer_key(&message, MESSENGER);
        assert!(passer.sent_messages(key));
        // The proof on the parent chain reads exactly this slot and expects the value 1.
        let slot = U256::from_be_bytes(sent_messages_slot(key).0);
        assert_eq!(vm.get_storage(slot), B256::with_last_byte(1));

        let logs = vm.get_emitted_logs();
        assert_eq!(logs.len(), 1);
        let (topics, data) = &logs[0];
        let event = MessagePassed::decode_raw_log(topics.iter().copied(), data).expect("event");
        assert_eq!(event.sender, MESSENGER);
        assert_eq!(event.messageKey, key);
        assert_eq!(event.message.as_ref(), message.as_slice());
    }

    #[test]
    fn sent_messages_depends_on_sender_succeeds() {
        let vm = TestVM::new();
        vm.set_sender(address!("0000000000000000000000000000000000000abc"));
        let mut passer = L2ToL1MessagePasser::from(&vm);
        passer.pass_message_to_l1(vec![1, 2, 3].into());
        assert!(!passer.sent_messages(passer_key(&[1, 2, 3], MESSENGER)));
        assert!(passer.sent_messages(passer_key(&[1, 2, 3], vm.msg_sender())));
        assert!(!passer.sent_messages(B256::ZERO));
    }
}
