//! `FrameHook`: a test framework's view of every frame (what `crossnet-foundry` builds
//! Foundry's cheatcodes on): frames answered by the hook, depths, rewritten results, and the
//! transaction's environment.
#![allow(clippy::unwrap_used, clippy::panic)]

use alloy_primitives::{address, Address, Bytes, U256};
use crossnet_devnode::evm::Ctx;
use crossnet_devnode::{Chain, FrameHook, TxRequest, DEV_ADDRESS};
use revm::handler::FrameResult;
use revm::interpreter::interpreter_action::FrameInit;
use revm::interpreter::{CallOutcome, FrameInput, Gas, InstructionResult, InterpreterResult};

const MAGIC: Address = address!("0x000000000000000000000000000000000000cafe");
const CONTRACT: Address = address!("0x00000000000000000000000000000000c0ffee00");

/// Runtime: `CALL(gas, 0xcafe, 0, 0, 0, 0, 32)`, then `RETURN(0, 32)` (the callee's output).
const CALLER: &[u8] = &[
    0x60, 0x20, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x60, 0x00, 0x61, 0xca, 0xfe, 0x5a, 0xf1, 0x50,
    0x60, 0x20, 0x60, 0x00, 0xf3,
];

/// Runtime: `MSTORE(0, TIMESTAMP)`, `RETURN(0, 32)`.
const CLOCK: &[u8] = &[0x42, 0x60, 0x00, 0x52, 0x60, 0x20, 0x60, 0x00, 0xf3];

#[derive(Default)]
struct Recorder {
    /// `(start?, depth, target)` of every frame.
    seen: Vec<(bool, usize, Address)>,
    /// Answer calls to [`MAGIC`] with this word, or revert them when `None`.
    answer: Option<U256>,
    /// Rewrite a reverted depth-1 frame into a success returning this word.
    rescue: Option<U256>,
    timestamp: Option<U256>,
}

fn word(value: U256) -> Bytes {
    Bytes::from(value.to_be_bytes::<32>().to_vec())
}

impl FrameHook for Recorder {
    fn transaction_start(&mut self, ctx: &mut Ctx) {
        if let Some(timestamp) = self.timestamp {
            ctx.block.timestamp = timestamp;
        }
    }

    fn frame_start(
        &mut self,
        _ctx: &mut Ctx,
        depth: usize,
        frame: &mut FrameInit,
    ) -> Option<FrameResult> {
        let FrameInput::Call(inputs) = &frame.frame_input else { return None };
        self.seen.push((true, depth, inputs.target_address));
        if inputs.target_address != MAGIC {
            return None;
        }
        let (result, output) = match self.answer {
            Some(value) => (InstructionResult::Return, word(value)),
            None => (InstructionResult::Revert, Bytes::new()),
        };
        let gas = Gas::new(inputs.gas_limit);
        let outcome = CallOutcome::new(
            InterpreterResult { result, output, gas },
            inputs.return_memory_offset.clone(),
        );
        Some(FrameResult::Call(outcome))
    }

    fn frame_end(&mut self, _ctx: &mut Ctx, depth: usize, result: &mut FrameResult) {
        self.seen.push((false, depth, Address::ZERO));
        if let (1, Some(value)) = (depth, self.rescue) {
            let interpreter = result.interpreter_result_mut();
            if !interpreter.result.is_ok() {
                interpreter.result = InstructionResult::Return;
                interpreter.output = word(value);
            }
        }
    }
}

#[test]
fn hook_answers_frames_with_depths_succeeds() {
    let mut chain = Chain::dev();
    chain.set_code(CONTRACT, Bytes::from_static(CALLER));
    let mut hook = Recorder { answer: Some(U256::from(42)), ..Recorder::default() };
    let receipt =
        chain.send_with_hook(TxRequest::call(DEV_ADDRESS, CONTRACT, vec![]), &mut hook).unwrap();
    assert!(receipt.status);
    assert_eq!(receipt.output, word(U256::from(42)));
    assert_eq!(
        hook.seen,
        vec![
            (true, 0, CONTRACT),
            (true, 1, MAGIC),
            (false, 1, Address::ZERO),
            (false, 0, Address::ZERO),
        ]
    );
    // Without the hook the call reaches an empty account and returns nothing.
    let plain = chain.send(TxRequest::call(DEV_ADDRESS, CONTRACT, vec![])).unwrap();
    assert_eq!(plain.output, word(U256::ZERO));
}

#[test]
fn hook_rewrites_a_reverted_result_succeeds() {
    let mut chain = Chain::dev();
    chain.set_code(CONTRACT, Bytes::from_static(CALLER));
    let mut hook = Recorder { rescue: Some(U256::from(7)), ..Recorder::default() };
    let receipt =
        chain.send_with_hook(TxRequest::call(DEV_ADDRESS, CONTRACT, vec![]), &mut hook).unwrap();
    assert!(receipt.status);
    assert_eq!(receipt.output, word(U256::from(7)));
}

#[test]
fn hook_sets_the_block_environment_succeeds() {
    let mut chain = Chain::dev();
    chain.set_code(CONTRACT, Bytes::from_static(CLOCK));
    let mut hook = Recorder { timestamp: Some(U256::from(12_345)), ..Recorder::default() };
    let receipt =
        chain.send_with_hook(TxRequest::call(DEV_ADDRESS, CONTRACT, vec![]), &mut hook).unwrap();
    assert_eq!(receipt.output, word(U256::from(12_345)));
}
