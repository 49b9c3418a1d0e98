use alloy_primitives::{address, hex, U256};
use alloy_sol_types::{SolEvent, SolValue};

use crate::ipc::IpcSystemCallFailed;
use stylus_sdk::{storage::StorageBool, testing::TestVM};

use super::*;
use crate::ipc::{OutcomeType, SubnetID};

const GATEWAY: Address = address!("00000000000000000000000000000000000000a7");
const ADMIN: Address = address!("00000000000000000000000000000000000000ad");
const THIS: Address = address!("00000000000000000000000000000000000000e1");
const PEER: Address = address!("00000000000000000000000000000000000000e2");
const STRANGER: Address = address!("00000000000000000000000000000000000000ff");

/// A dApp: records what its hooks saw; `fail` makes them fail.
#[storage]
struct Dapp {
    exchange: IpcExchange,
    fail: StorageBool,
    calls: StorageU256Counter,
}

#[storage]
struct StorageU256Counter {
    calls: stylus_sdk::storage::StorageU256,
    results: stylus_sdk::storage::StorageU256,
}

impl IpcHandler for Dapp {
    fn ipc_exchange(&self) -> &IpcExchange {
        &self.exchange
    }
    fn ipc_exchange_mut(&mut self) -> &mut IpcExchange {
        &mut self.exchange
    }
    fn authorize_drop(&self) -> Result<(), Vec<u8>> {
        if self.vm().msg_sender() == ADMIN {
            Ok(())
        } else {
            Err(b"not admin".to_vec())
        }
    }
    fn handle_ipc_call(
        &mut self,
        _envelope: &IpcEnvelope,
        call: &CallMsg,
    ) -> Result<Vec<u8>, Vec<u8>> {
        if self.fail.get() {
            return Err(b"call failed".to_vec());
        }
        let n = self.calls.calls.get();
        self.calls.calls.set(n + U256::from(1));
        Ok(call.params.to_vec())
    }
    fn handle_ipc_result(
        &mut self,
        _envelope: &IpcEnvelope,
        _result: &ResultMsg,
    ) -> Result<(), Vec<u8>> {
        if self.fail.get() {
            return Err(b"result failed".to_vec());
        }
        let n = self.calls.results.get();
        self.calls.results.set(n + U256::from(1));
        Ok(())
    }
}

fn child() -> SubnetID {
    SubnetID::new_root(1).child(address!("00000000000000000000000000000000000000c1"))
}

fn deploy(vm: &TestVM) -> Dapp {
    vm.set_contract_address(THIS);
    let mut dapp = Dapp::from(vm);
    dapp.exchange.init(GATEWAY).expect("init");
    vm.set_sender(GATEWAY);
    dapp
}

/// The envelope the gateway commits for a Call from THIS to PEER.
fn committed_call(nonce: u64) -> IpcEnvelope {
    let mut envelope = IpcEnvelope::new_call(
        IPCAddress::new(SubnetID::new_root(1), THIS),
        IPCAddress::new(child(), PEER),
        &CallMsg::new(hex!("01020304"), vec![9]),
        U256::from(3),
    );
    envelope.originalNonce = nonce;
    envelope.localNonce = nonce;
    envelope
}

/// Sends a Call with the gateway mocked to commit `committed_call(nonce)`; returns the id.
fn send(vm: &TestVM, dapp: &mut Dapp, nonce: u64) -> B256 {
    let to = IPCAddress::new(child(), PEER);
    let call = CallMsg::new(hex!("01020304"), vec![9]);
    let request = IpcEnvelope::new_call(IPCAddress::default(), to.clone(), &call, U256::from(3));
    let data = sendContractXnetMessageCall { envelope: request }.abi_encode();
    let ret = sendContractXnetMessageCall::abi_encode_returns(&committed_call(nonce));
    vm.mock_call(GATEWAY, data, U256::from(3), Ok(ret));
    let context = MockContext(U256::from(3));
    let sent = dapp.exchange.perform_ipc_call(context, to, &call).expect("send");
    assert_eq!(sent.committed, committed_call(nonce).abi_encode());
    assert_eq!(sent.original_nonce, nonce);
    sent.id
}

/// A payable call context for tests (the contract is not a `TopLevelStorage`).
#[derive(Clone)]
struct MockContext(U256);
impl stylus_sdk::stylus_core::calls::CallContext for MockContext {
    fn gas(&self) -> u64 {
        u64::MAX
    }
}
// SAFETY: test-only context; the value is what the mock expects.
#[allow(unsafe_code)]
unsafe impl MutatingCallContext for MockContext {
    fn value(&self) -> U256 {
        self.0
    }
}

fn result_for(id: B256, outcome: OutcomeType) -> IpcEnvelope {
    committed_call(0).result(id, outcome, b"ret", U256::ZERO)
}

#[test]
fn init_zero_gateway_reverts() {
    let vm = TestVM::new();
    let mut dapp = Dapp::from(&vm);
    assert_eq!(dapp.exchange.init(Address::ZERO), Err(InvalidIpcConfiguration {}));
}

#[test]
fn perform_ipc_call_records_inflight_succeeds() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let id = send(&vm, &mut dapp, 7);
    assert_eq!(id, committed_call(7).tracing_id());
    assert!(dapp.exchange.is_inflight(id));
    assert_eq!(dapp.exchange.gateway(), GATEWAY);
}

#[test]
fn perform_ipc_call_gateway_error_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let to = IPCAddress::new(child(), PEER);
    let call = CallMsg::new(hex!("01020304"), vec![]);
    let request = IpcEnvelope::new_call(IPCAddress::default(), to.clone(), &call, U256::ZERO);
    let data = sendContractXnetMessageCall { envelope: request }.abi_encode();
    let error = crate::ipc::InvalidXnetMessage { reason: 3 }.abi_encode();
    vm.mock_call(GATEWAY, data, U256::ZERO, Err(error.clone()));
    assert_eq!(dapp.exchange.perform_ipc_call(MockContext(U256::ZERO), to, &call), Err(error));
}

#[test]
fn perform_ipc_call_garbage_answer_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let to = IPCAddress::new(child(), PEER);
    let call = CallMsg::new(hex!("01020304"), vec![]);
    let request = IpcEnvelope::new_call(IPCAddress::default(), to.clone(), &call, U256::ZERO);
    let data = sendContractXnetMessageCall { envelope: request }.abi_encode();
    vm.mock_call(GATEWAY, data, U256::ZERO, Ok(vec![1; 64]));
    assert_eq!(
        dapp.exchange.perform_ipc_call(MockContext(U256::ZERO), to, &call),
        Err(IpcSystemCallFailed { target: GATEWAY }.abi_encode())
    );
}

#[test]
fn address_key_distinguishes_accounts_succeeds() {
    let a = IPCAddress::new(child(), PEER);
    assert_eq!(address_key(&a), address_key(&a.clone()));
    assert_ne!(address_key(&a), address_key(&IPCAddress::new(child(), THIS)));
    assert_ne!(address_key(&a), address_key(&IPCAddress::new(child().child(PEER), PEER)));
    assert_ne!(address_key(&a), address_key(&IPCAddress::new(SubnetID::new_root(2), PEER)));
}

#[test]
fn handle_ipc_message_call_dispatches_succeeds() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let ret = handle_ipc_message(&mut dapp, committed_call(0)).expect("call");
    assert_eq!(ret.to_vec(), vec![9]);
    assert_eq!(dapp.calls.calls.get(), U256::from(1));
}

#[test]
fn handle_ipc_message_handler_error_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    dapp.fail.set(true);
    assert_eq!(handle_ipc_message(&mut dapp, committed_call(0)), Err(b"call failed".to_vec()));
}

#[test]
fn handle_ipc_message_not_gateway_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    vm.set_sender(STRANGER);
    assert_eq!(
        handle_ipc_message(&mut dapp, committed_call(0)),
        Err(CallerIsNotGateway {}.abi_encode())
    );
}

#[test]
fn handle_ipc_message_transfer_or_bad_payload_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let mut transfer = committed_call(0);
    transfer.kind = IpcMsgKind::Transfer as u8;
    assert_eq!(handle_ipc_message(&mut dapp, transfer), Err(UnsupportedMsgKind {}.abi_encode()));
    let mut garbage = committed_call(0);
    garbage.message = vec![1].into();
    assert_eq!(handle_ipc_message(&mut dapp, garbage), Err(UnsupportedMsgKind {}.abi_encode()));
    let mut unknown = committed_call(0);
    unknown.kind = 7;
    assert_eq!(handle_ipc_message(&mut dapp, unknown), Err(UnsupportedMsgKind {}.abi_encode()));
}

#[test]
fn handle_ipc_message_result_clears_inflight_succeeds() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let id = send(&vm, &mut dapp, 0);
    handle_ipc_message(&mut dapp, result_for(id, OutcomeType::Ok)).expect("result");
    assert!(!dapp.exchange.is_inflight(id));
    assert_eq!(dapp.calls.results.get(), U256::from(1));
    // A second Result for the same id is refused.
    assert_eq!(
        handle_ipc_message(&mut dapp, result_for(id, OutcomeType::Ok)),
        Err(UnrecognizedResult {}.abi_encode())
    );
}

#[test]
fn handle_ipc_message_unknown_or_forged_result_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    assert_eq!(
        handle_ipc_message(&mut dapp, result_for(B256::repeat_byte(1), OutcomeType::Ok)),
        Err(UnrecognizedResult {}.abi_encode())
    );
    let id = send(&vm, &mut dapp, 0);
    let mut forged = result_for(id, OutcomeType::Ok);
    forged.from = IPCAddress::new(child(), STRANGER);
    assert_eq!(handle_ipc_message(&mut dapp, forged), Err(UnrecognizedResult {}.abi_encode()));
    let mut garbage = result_for(id, OutcomeType::Ok);
    garbage.message = vec![].into();
    assert_eq!(handle_ipc_message(&mut dapp, garbage), Err(UnrecognizedResult {}.abi_encode()));
    assert!(dapp.exchange.is_inflight(id));
}

#[test]
fn drop_messages_by_admin_succeeds() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let id = send(&vm, &mut dapp, 0);
    vm.set_sender(ADMIN);
    drop_messages(&mut dapp, &[id]).expect("drop");
    assert!(!dapp.exchange.is_inflight(id));
    let dropped: Vec<_> = vm
        .get_emitted_logs()
        .iter()
        .filter_map(|(t, d)| InflightMessageDropped::decode_raw_log(t.iter().copied(), d).ok())
        .collect();
    assert_eq!(dropped[0].id, id);
}

#[test]
fn drop_messages_unauthorized_reverts() {
    let vm = TestVM::new();
    let mut dapp = deploy(&vm);
    let id = send(&vm, &mut dapp, 0);
    vm.set_sender(STRANGER);
    assert_eq!(drop_messages(&mut dapp, &[id]), Err(b"not admin".to_vec()));
    assert!(dapp.exchange.is_inflight(id));
}

#[test]
fn handle_ipc_message_selector_matches_gateway_call_succeeds() {
    use stylus_sdk::abi::AbiType;
    let signature =
        alloc::format!("handleIpcMessage({})", <IpcEnvelope as AbiType>::SELECTOR_ABI.as_str());
    let selector: [u8; 4] = keccak256(signature.as_bytes())[..4].try_into().expect("4 bytes");
    assert_eq!(selector, crate::ipc::handleIpcMessageCall::SELECTOR);
    let _ = SolValue::abi_encode(&U256::ZERO);
}
