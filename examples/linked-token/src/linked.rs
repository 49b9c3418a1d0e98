//! The linked-transfer logic shared by the controller and the replica.
//!
//! A linked transfer captures tokens on one side (the controller locks the underlying token,
//! the replica burns), sends a Call `receiveLinked(recipient, amount)` to the linked contract
//! through [`IpcExchange::perform_ipc_call`], and records the transfer as unconfirmed under the
//! message's tracing id, the same id the Result carries. The other side checks the Call's
//! origin (subnet and contract) and selector, then releases the tokens (transfer of the
//! underlying, or mint). The Result settles the transfer: Ok forgets it; SystemErr or ActorErr
//! refunds the sender (unlock, or re-mint).

use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use crossnet_sdk::ipc::{
    exchange::IpcExchange, subnet::StoredSubnetId, CallMsg, IPCAddress, IpcEnvelope, ResultMsg,
    SubnetID,
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
    stylus_core::calls::MutatingCallContext,
};

sol! {
    /// The Call a linked transfer sends to the other side.
    function receiveLinked(address recipient, uint256 amount);

    /// A linked transfer left: `value` tokens of `sender` for `recipient` on the other side.
    event LinkedTokensSent(address indexed sender, address indexed recipient, bytes32 indexed id, uint64 nonce, uint256 value);
    /// A linked transfer arrived: `value` tokens released to `recipient`.
    event LinkedTokenReceived(address indexed recipient, bytes32 indexed id, uint256 value);
    /// The Result of a linked transfer arrived (`outcome`: Ok 0, SystemErr 1, ActorErr 2); on
    /// an error the sender was refunded.
    event LinkedTransferSettled(bytes32 indexed id, uint8 outcome, bool refunded);
    /// The owner forgot an unconfirmed transfer without refund.
    event UnconfirmedTransferRemoved(bytes32 indexed id);
    /// The link to the other side was set (once).
    event LinkedContractSet(address indexed linkedContract, uint64 root, address[] route);

    /// The link to the other side is not set.
    #[derive(Debug, PartialEq, Eq)]
    error LinkedTokenNotInitialized();
    /// The link is already set, or is invalid.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidLink();
    /// A transfer needs a recipient and an amount.
    #[derive(Debug, PartialEq, Eq)]
    error TransferRejected(address recipient, uint256 amount);
    /// The Call does not come from the linked subnet.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidOriginSubnet();
    /// The Call does not come from the linked contract.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidOriginContract(address origin);
    /// The Call is not `receiveLinked(address,uint256)`, or its parameters do not decode.
    #[derive(Debug, PartialEq, Eq)]
    error InvalidEnvelope();
    /// No unconfirmed transfer has this id.
    #[derive(Debug, PartialEq, Eq)]
    error NoSuchUnconfirmedTransfer(bytes32 id);
}

/// Why a linked-token operation failed.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum LinkedError {
    /// See [`LinkedTokenNotInitialized`].
    LinkedTokenNotInitialized(LinkedTokenNotInitialized),
    /// See [`InvalidLink`].
    InvalidLink(InvalidLink),
    /// See [`TransferRejected`].
    TransferRejected(TransferRejected),
    /// See [`InvalidOriginSubnet`].
    InvalidOriginSubnet(InvalidOriginSubnet),
    /// See [`InvalidOriginContract`].
    InvalidOriginContract(InvalidOriginContract),
    /// See [`InvalidEnvelope`].
    InvalidEnvelope(InvalidEnvelope),
    /// See [`NoSuchUnconfirmedTransfer`].
    NoSuchUnconfirmedTransfer(NoSuchUnconfirmedTransfer),
}

/// A transfer waiting for its Result.
#[storage]
pub struct Unconfirmed {
    sender: StorageAddress,
    value: StorageU256,
}

/// The link to the other side and the unconfirmed transfers.
#[storage]
pub struct LinkedToken {
    linked_contract: StorageAddress,
    linked_subnet: StoredSubnetId,
    unconfirmed: StorageMap<B256, Unconfirmed>,
}

impl LinkedToken {
    /// Links to `contract` in `subnet` (once).
    ///
    /// # Errors
    /// [`InvalidLink`] when already linked, or for a zero contract or an empty subnet.
    ///
    /// # Events
    /// `LinkedContractSet(contract, root, route)`.
    pub fn set_link(&mut self, subnet: SubnetID, contract: Address) -> Result<(), LinkedError> {
        if !self.linked_contract.get().is_zero() || contract.is_zero() || subnet.is_empty() {
            return Err(InvalidLink {}.into());
        }
        self.linked_contract.set(contract);
        self.linked_subnet.init(&subnet);
        self.vm().log(LinkedContractSet {
            linkedContract: contract,
            root: subnet.root,
            route: subnet.route,
        });
        Ok(())
    }

    /// The linked subnet and contract (zero contract when unlinked).
    #[must_use]
    pub fn link(&self) -> (SubnetID, Address) {
        (self.linked_subnet.get(), self.linked_contract.get())
    }

    /// Checks a transfer before tokens are captured.
    ///
    /// # Errors
    /// [`LinkedTokenNotInitialized`], [`TransferRejected`] (zero recipient or amount).
    pub fn validate(&self, recipient: Address, amount: U256) -> Result<(), LinkedError> {
        if self.linked_contract.get().is_zero() {
            return Err(LinkedTokenNotInitialized {}.into());
        }
        if recipient.is_zero() || amount.is_zero() {
            return Err(TransferRejected { recipient, amount }.into());
        }
        Ok(())
    }

    /// Sends the Call of a linked transfer (tokens already captured from `sender`) and records
    /// it as unconfirmed; returns its tracing id.
    ///
    /// # Errors
    /// The gateway's (through the exchange).
    ///
    /// # Events
    /// `LinkedTokensSent(sender, recipient, id, nonce, amount)`.
    pub fn send(
        &mut self,
        exchange: &mut IpcExchange,
        context: impl MutatingCallContext,
        sender: Address,
        recipient: Address,
        amount: U256,
    ) -> Result<B256, Vec<u8>> {
        let (subnet, contract) = self.link();
        let params = receiveLinkedCall { recipient, amount }.abi_encode();
        let call =
            CallMsg { method: params[..4].to_vec().into(), params: params[4..].to_vec().into() };
        let to = IPCAddress::new(subnet, contract);
        let sent = exchange.perform_ipc_call(context, to, &call)?;
        let id = sent.id;
        let mut entry = self.unconfirmed.setter(id);
        entry.sender.set(sender);
        entry.value.set(amount);
        self.vm().log(LinkedTokensSent {
            sender,
            recipient,
            id,
            nonce: sent.original_nonce,
            value: amount,
        });
        Ok(id)
    }

    /// Records an arrived transfer.
    ///
    /// # Events
    /// `LinkedTokenReceived(recipient, id, amount)`.
    pub fn received(&self, recipient: Address, id: B256, amount: U256) {
        self.vm().log(LinkedTokenReceived { recipient, id, value: amount });
    }

    /// Checks an incoming Call (origin subnet and contract, selector) and returns its
    /// recipient and amount.
    ///
    /// # Errors
    /// [`InvalidOriginSubnet`], [`InvalidOriginContract`], [`InvalidEnvelope`].
    pub fn receive(
        &self,
        envelope: &IpcEnvelope,
        call: &CallMsg,
    ) -> Result<(Address, U256), LinkedError> {
        let (subnet, contract) = self.link();
        if envelope.from.subnetId != subnet {
            return Err(InvalidOriginSubnet {}.into());
        }
        let origin = envelope.from.evm_address().unwrap_or_default();
        if origin != contract || contract.is_zero() {
            return Err(InvalidOriginContract { origin }.into());
        }
        if call.selector() != Some(receiveLinkedCall::SELECTOR) {
            return Err(InvalidEnvelope {}.into());
        }
        let (recipient, amount) = <(Address, U256)>::abi_decode_params(&call.params)
            .map_err(|_| LinkedError::from(InvalidEnvelope {}))?;
        Ok((recipient, amount))
    }

    /// Settles the transfer a Result answers: forgets it and returns the sender and amount to
    /// refund when the transfer failed.
    ///
    /// # Errors
    /// [`NoSuchUnconfirmedTransfer`].
    ///
    /// # Events
    /// `LinkedTransferSettled(id, outcome, refunded)`.
    pub fn settle(&mut self, result: &ResultMsg) -> Result<Option<(Address, U256)>, LinkedError> {
        let (sender, value) = self.take(result.id)?;
        let refund = result.is_err();
        self.vm().log(LinkedTransferSettled {
            id: result.id,
            outcome: result.outcome,
            refunded: refund,
        });
        Ok(refund.then_some((sender, value)))
    }

    /// Forgets an unconfirmed transfer without refund (the caller must be authorised).
    ///
    /// # Errors
    /// [`NoSuchUnconfirmedTransfer`].
    ///
    /// # Events
    /// `UnconfirmedTransferRemoved(id)`.
    pub fn remove(&mut self, id: B256) -> Result<(), LinkedError> {
        self.take(id)?;
        self.vm().log(UnconfirmedTransferRemoved { id });
        Ok(())
    }

    /// The sender and amount of unconfirmed transfer `id` (zero when none).
    #[must_use]
    pub fn unconfirmed(&self, id: B256) -> (Address, U256) {
        let entry = self.unconfirmed.get(id);
        (entry.sender.get(), entry.value.get())
    }

    fn take(&mut self, id: B256) -> Result<(Address, U256), LinkedError> {
        let (sender, value) = self.unconfirmed(id);
        if sender.is_zero() {
            return Err(NoSuchUnconfirmedTransfer { id }.into());
        }
        let mut entry = self.unconfirmed.setter(id);
        entry.sender.set(Address::ZERO);
        entry.value.set(U256::ZERO);
        Ok((sender, value))
    }
}

/// Event declarations for exported interfaces (feature `abi-events`).
#[cfg(feature = "abi-events")]
pub mod export {
    use crossnet_sdk::export::event;

    /// `LinkedTokensSent`.
    #[must_use]
    pub fn linked_tokens_sent() -> &'static str {
        event::<super::LinkedTokensSent>("event LinkedTokensSent(address indexed sender, address indexed recipient, bytes32 indexed id, uint64 nonce, uint256 value);")
    }
    /// `LinkedTokenReceived`.
    #[must_use]
    pub fn linked_token_received() -> &'static str {
        event::<super::LinkedTokenReceived>("event LinkedTokenReceived(address indexed recipient, bytes32 indexed id, uint256 value);")
    }
    /// `LinkedTransferSettled`.
    #[must_use]
    pub fn linked_transfer_settled() -> &'static str {
        event::<super::LinkedTransferSettled>(
            "event LinkedTransferSettled(bytes32 indexed id, uint8 outcome, bool refunded);",
        )
    }
    /// `UnconfirmedTransferRemoved`.
    #[must_use]
    pub fn unconfirmed_transfer_removed() -> &'static str {
        event::<super::UnconfirmedTransferRemoved>(
            "event UnconfirmedTransferRemoved(bytes32 indexed id);",
        )
    }
    /// `LinkedContractSet`.
    #[must_use]
    pub fn linked_contract_set() -> &'static str {
        event::<super::LinkedContractSet>("event LinkedContractSet(address indexed linkedContract, uint64 root, address[] route);")
    }

    /// The linked-transfer errors.
    #[must_use]
    pub fn errors() -> [&'static str; 7] {
        use crossnet_sdk::ipc::export::error;
        [
            error::<super::LinkedTokenNotInitialized>("error LinkedTokenNotInitialized();"),
            error::<super::InvalidLink>("error InvalidLink();"),
            error::<super::TransferRejected>(
                "error TransferRejected(address recipient, uint256 amount);",
            ),
            error::<super::InvalidOriginSubnet>("error InvalidOriginSubnet();"),
            error::<super::InvalidOriginContract>("error InvalidOriginContract(address origin);"),
            error::<super::InvalidEnvelope>("error InvalidEnvelope();"),
            error::<super::NoSuchUnconfirmedTransfer>(
                "error NoSuchUnconfirmedTransfer(bytes32 id);",
            ),
        ]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use alloy_primitives::address;
    use stylus_sdk::testing::TestVM;

    use super::*;

    const PEER: Address = address!("00000000000000000000000000000000000000c2");

    fn subnet() -> SubnetID {
        SubnetID::new_root(1).child(address!("00000000000000000000000000000000000000c1"))
    }

    #[test]
    fn set_link_invalid_reverts() {
        let vm = TestVM::new();
        let mut linked = LinkedToken::from(&vm);
        assert_eq!(linked.set_link(subnet(), Address::ZERO), Err(InvalidLink {}.into()));
        assert_eq!(linked.set_link(SubnetID::default(), PEER), Err(InvalidLink {}.into()));
        linked.set_link(subnet(), PEER).unwrap();
        assert_eq!(linked.link(), (subnet(), PEER));
    }

    #[test]
    fn receive_bad_params_reverts() {
        let vm = TestVM::new();
        let mut linked = LinkedToken::from(&vm);
        linked.set_link(subnet(), PEER).unwrap();
        let call = CallMsg::new(receiveLinkedCall::SELECTOR, vec![1, 2, 3]);
        let envelope = IpcEnvelope::new_call(
            IPCAddress::new(subnet(), PEER),
            IPCAddress::new(SubnetID::new_root(1), PEER),
            &call,
            U256::ZERO,
        );
        assert_eq!(linked.receive(&envelope, &call), Err(InvalidEnvelope {}.into()));
    }

    #[test]
    fn settle_unknown_reverts() {
        let vm = TestVM::new();
        let mut linked = LinkedToken::from(&vm);
        let result = ResultMsg { id: B256::repeat_byte(1), outcome: 0, ret: Default::default() };
        assert_eq!(
            linked.settle(&result),
            Err(NoSuchUnconfirmedTransfer { id: B256::repeat_byte(1) }.into())
        );
        assert_eq!(linked.validate(PEER, U256::from(1)), Err(LinkedTokenNotInitialized {}.into()));
    }
}
