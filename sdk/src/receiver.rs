//! The cross-domain receiver helper: a contract that accepts messages from a messenger checks
//! that the call comes from the messenger and that the messenger is relaying a message sent by
//! the expected account on the other domain (OVM `onlyFromCrossDomainAccount`).

use alloy_primitives::Address;
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::{call::static_call, prelude::*};

use crate::xdm::xDomainMessageSenderCall;

sol! {
    /// The caller is not the configured messenger.
    #[derive(Debug, PartialEq, Eq)]
    error MessengerUnauthenticated(address caller);
    /// The message was sent by another account on the other domain.
    #[derive(Debug, PartialEq, Eq)]
    error WrongCrossDomainSender(address sender);
}

/// Why a cross-domain call was refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum ReceiverError {
    /// See [`MessengerUnauthenticated`].
    MessengerUnauthenticated(MessengerUnauthenticated),
    /// See [`WrongCrossDomainSender`].
    WrongCrossDomainSender(WrongCrossDomainSender),
}

/// Requires `msg.sender == messenger` and `messenger.xDomainMessageSender() == expected_sender`.
///
/// # Arguments
/// * `host` - the contract's host (`self.vm()`).
/// * `messenger` - the messenger of this domain.
/// * `expected_sender` - the account on the other domain allowed to send.
///
/// # Errors
/// [`ReceiverError::MessengerUnauthenticated`] when the caller is not the messenger (or it is
/// not relaying), [`ReceiverError::WrongCrossDomainSender`] when another account sent it.
pub fn only_from_cross_domain_account<H: Host + ?Sized>(
    host: &H,
    messenger: Address,
    expected_sender: Address,
) -> Result<(), ReceiverError> {
    let caller = host.msg_sender();
    if caller != messenger {
        return Err(MessengerUnauthenticated { caller }.into());
    }
    let data = xDomainMessageSenderCall {}.abi_encode();
    let sender = static_call(host, Call::new(), messenger, &data)
        .ok()
        .and_then(|ret| xDomainMessageSenderCall::abi_decode_returns(&ret).ok())
        .ok_or(MessengerUnauthenticated { caller })?;
    if sender == expected_sender {
        Ok(())
    } else {
        Err(WrongCrossDomainSender { sender }.into())
    }
}
