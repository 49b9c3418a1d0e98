//! `CrossDomainGreeter`: the smallest useful cross-domain dApp, and the pattern to copy.
//!
//! Deploy one greeter on each domain, each pointing at its domain's messenger, then tell each
//! about the other (`setRemote`). `sendGreeting` on one side sends a message through the
//! messenger; when it is relayed on the other side, `setGreeting` checks with
//! [`crossnet_sdk::receiver::only_from_cross_domain_account`] that the call comes from the
//! messenger *and* that the message was sent by the remote greeter — the two checks every
//! receiver needs:
//!
//! ```text
//! pub fn set_greeting(&mut self, greeting: String) -> Result<(), Error> {
//!     only_from_cross_domain_account(self.vm(), self.messenger.get(), self.remote.get())?;
//!     // ... the message is authentic: act on it
//! }
//! ```
//!
//! The owner can lock the greeter, which makes deliveries fail: the messenger then records the
//! message as failed and anyone can retry it once the greeter is unlocked.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_std)]
extern crate alloc;

use alloc::{string::String, vec, vec::Vec};

use alloy_sol_types::{sol, SolCall};
use crossnet_sdk::{
    access::{Ownable, OwnableInvalidOwner, OwnableUnauthorizedAccount},
    receiver::{only_from_cross_domain_account, ReceiverError},
};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    call::call,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageString, StorageU256},
};

sol! {
    /// The greeting the messenger delivers on the other domain.
    function setGreeting(string greeting);
    /// The messenger's send entry (same on both domains).
    function sendMessage(address target, bytes message, uint32 gasLimit);

    /// A greeting arrived from the remote greeter.
    event GreetingReceived(address indexed remote, string greeting, uint256 count);
    /// A greeting was sent to the remote greeter.
    event GreetingSent(address indexed remote, string greeting);
    /// The remote greeter changed.
    event RemoteSet(address remote);
    /// The lock changed.
    event LockSet(bool locked);

    /// The greeter is locked: deliveries fail (and stay retryable).
    #[derive(Debug, PartialEq, Eq)]
    error GreeterLocked();
    /// No remote greeter configured.
    #[derive(Debug, PartialEq, Eq)]
    error RemoteNotSet();
    /// The messenger refused the message.
    #[derive(Debug, PartialEq, Eq)]
    error SendFailed(bytes reason);
}

/// Every way a call can be refused.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum Error {
    /// Caller is not the owner.
    OwnableUnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Zero owner.
    OwnableInvalidOwner(OwnableInvalidOwner),
    /// Not called by the messenger.
    MessengerUnauthenticated(crossnet_sdk::receiver::MessengerUnauthenticated),
    /// Sent by someone else than the remote greeter.
    WrongCrossDomainSender(crossnet_sdk::receiver::WrongCrossDomainSender),
    /// Locked.
    GreeterLocked(GreeterLocked),
    /// No remote yet.
    RemoteNotSet(RemoteNotSet),
    /// The messenger refused the message.
    SendFailed(SendFailed),
}

impl From<ReceiverError> for Error {
    fn from(e: ReceiverError) -> Self {
        match e {
            ReceiverError::MessengerUnauthenticated(e) => e.into(),
            ReceiverError::WrongCrossDomainSender(e) => e.into(),
        }
    }
}

/// A greeter on one domain.
#[entrypoint]
#[storage]
pub struct CrossDomainGreeter {
    ownable: Ownable,
    messenger: StorageAddress,
    remote: StorageAddress,
    greeting: StorageString,
    count: StorageU256,
    locked: StorageBool,
}

#[public]
impl CrossDomainGreeter {
    /// Sets the owner and this domain's messenger.
    ///
    /// # Errors
    /// `OwnableInvalidOwner` for the zero owner.
    #[constructor]
    pub fn constructor(&mut self, owner: Address, messenger: Address) -> Result<(), Error> {
        self.ownable.set_owner(owner)?;
        self.messenger.set(messenger);
        Ok(())
    }

    /// Sets the greeter on the other domain (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`.
    ///
    /// # Events
    /// `RemoteSet(remote)`.
    pub fn set_remote(&mut self, remote: Address) -> Result<(), Error> {
        self.ownable.check_owner()?;
        self.remote.set(remote);
        self.vm().log(RemoteSet { remote });
        Ok(())
    }

    /// Locks or unlocks deliveries (owner only).
    ///
    /// # Errors
    /// `OwnableUnauthorizedAccount`.
    ///
    /// # Events
    /// `LockSet(locked)`.
    pub fn set_locked(&mut self, locked: bool) -> Result<(), Error> {
        self.ownable.check_owner()?;
        self.locked.set(locked);
        self.vm().log(LockSet { locked });
        Ok(())
    }

    /// Sends `greeting` to the remote greeter through this domain's messenger.
    ///
    /// # Errors
    /// `RemoteNotSet`, `SendFailed` (with the messenger's revert data).
    ///
    /// # Events
    /// `GreetingSent(remote, greeting)` (and the messenger's `SentMessage`).
    pub fn send_greeting(&mut self, greeting: String, gas_limit: u32) -> Result<(), Error> {
        let remote = self.remote.get();
        if remote.is_zero() {
            return Err(RemoteNotSet {}.into());
        }
        let message = setGreetingCall { greeting: greeting.clone() }.abi_encode();
        let data = sendMessageCall { target: remote, message: message.into(), gasLimit: gas_limit }
            .abi_encode();
        let messenger = self.messenger.get();
        let context = Call::new_mutating(self);
        call(self.vm(), context, messenger, &data)
            .map_err(|e| SendFailed { reason: Vec::<u8>::from(e).into() })?;
        self.vm().log(GreetingSent { remote, greeting });
        Ok(())
    }

    /// Receives a greeting: only from the messenger, only sent by the remote greeter.
    ///
    /// # Errors
    /// `MessengerUnauthenticated`, `WrongCrossDomainSender`, `GreeterLocked`.
    ///
    /// # Events
    /// `GreetingReceived(remote, greeting, count)`.
    pub fn set_greeting(&mut self, greeting: String) -> Result<(), Error> {
        let remote = self.remote.get();
        only_from_cross_domain_account(self.vm(), self.messenger.get(), remote)?;
        if self.locked.get() {
            return Err(GreeterLocked {}.into());
        }
        let count = self.count.get() + U256::from(1);
        self.count.set(count);
        self.greeting.set_str(&greeting);
        self.vm().log(GreetingReceived { remote, greeting, count });
        Ok(())
    }

    /// The last greeting received.
    pub fn greeting(&self) -> String {
        self.greeting.get_string()
    }

    /// How many greetings were received.
    pub fn greetings_received(&self) -> U256 {
        self.count.get()
    }

    /// This domain's messenger.
    pub fn messenger(&self) -> Address {
        self.messenger.get()
    }

    /// The greeter on the other domain.
    pub fn remote(&self) -> Address {
        self.remote.get()
    }

    /// Whether deliveries fail.
    pub fn locked(&self) -> bool {
        self.locked.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;
    use alloy_sol_types::{SolEvent, SolValue};
    use crossnet_sdk::{
        receiver::{MessengerUnauthenticated, WrongCrossDomainSender},
        xdm::xDomainMessageSenderCall,
    };
    use stylus_sdk::testing::TestVM;

    const OWNER: Address = address!("00000000000000000000000000000000000000a1");
    const MESSENGER: Address = address!("00000000000000000000000000000000000000b1");
    const REMOTE: Address = address!("00000000000000000000000000000000000000c1");
    const STRANGER: Address = address!("00000000000000000000000000000000000000d1");

    fn deploy(vm: &TestVM) -> CrossDomainGreeter {
        vm.set_sender(OWNER);
        let mut greeter = CrossDomainGreeter::from(vm);
        greeter.constructor(OWNER, MESSENGER).expect("constructor");
        greeter.set_remote(REMOTE).expect("remote");
        greeter
    }

    fn relayed_by(vm: &TestVM, sender: Address) {
        vm.set_sender(MESSENGER);
        vm.mock_static_call(
            MESSENGER,
            xDomainMessageSenderCall {}.abi_encode(),
            Ok(sender.abi_encode()),
        );
    }

    #[test]
    fn set_greeting_from_remote_succeeds() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        relayed_by(&vm, REMOTE);
        greeter.set_greeting("hello".into()).expect("accepted");
        assert_eq!(greeter.greeting(), "hello");
        assert_eq!(greeter.greetings_received(), U256::from(1));
        let (topics, data) = vm.get_emitted_logs().last().cloned().expect("log");
        let event = GreetingReceived::decode_raw_log(topics, &data).expect("event");
        assert_eq!((event.remote, event.greeting.as_str()), (REMOTE, "hello"));
    }

    #[test]
    fn set_greeting_not_from_messenger_reverts() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        vm.set_sender(STRANGER);
        assert_eq!(
            greeter.set_greeting("x".into()),
            Err(MessengerUnauthenticated { caller: STRANGER }.into())
        );
    }

    #[test]
    fn set_greeting_from_other_sender_reverts() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        relayed_by(&vm, STRANGER);
        assert_eq!(
            greeter.set_greeting("x".into()),
            Err(WrongCrossDomainSender { sender: STRANGER }.into())
        );
    }

    #[test]
    fn set_greeting_outside_relay_reverts() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        vm.set_sender(MESSENGER);
        vm.mock_static_call(MESSENGER, xDomainMessageSenderCall {}.abi_encode(), Err(vec![]));
        assert_eq!(
            greeter.set_greeting("x".into()),
            Err(MessengerUnauthenticated { caller: MESSENGER }.into())
        );
    }

    #[test]
    fn set_greeting_when_locked_reverts() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        greeter.set_locked(true).expect("lock");
        relayed_by(&vm, REMOTE);
        assert_eq!(greeter.set_greeting("x".into()), Err(GreeterLocked {}.into()));
        vm.set_sender(STRANGER);
        assert_eq!(
            greeter.set_locked(false),
            Err(OwnableUnauthorizedAccount { account: STRANGER }.into())
        );
    }

    #[test]
    fn send_greeting_calls_messenger_succeeds() {
        let vm = TestVM::new();
        let mut greeter = deploy(&vm);
        let message = setGreetingCall { greeting: "hi".into() }.abi_encode();
        let data = sendMessageCall { target: REMOTE, message: message.into(), gasLimit: 500_000 }
            .abi_encode();
        vm.mock_call(MESSENGER, data, U256::ZERO, Err(b"refused".to_vec()));
        assert_eq!(
            greeter.send_greeting("hi".into(), 500_000),
            Err(SendFailed { reason: b"refused".to_vec().into() }.into())
        );
        vm.clear_mocks();
        greeter.send_greeting("hi".into(), 500_000).expect("sent");
        let (topics, data) = vm.get_emitted_logs().last().cloned().expect("log");
        assert_eq!(GreetingSent::decode_raw_log(topics, &data).expect("event").remote, REMOTE);
    }

    #[test]
    fn send_greeting_without_remote_reverts() {
        let vm = TestVM::new();
        let mut greeter = CrossDomainGreeter::from(&vm);
        greeter.constructor(OWNER, MESSENGER).expect("constructor");
        assert_eq!(greeter.send_greeting("hi".into(), 1), Err(RemoteNotSet {}.into()));
        assert_eq!(
            (greeter.messenger(), greeter.remote(), greeter.locked()),
            (MESSENGER, Address::ZERO, false)
        );
    }
}
