//! Prints the Solidity interface of the program:
//! `cargo run -p state-commitment-chain --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events as e};
use crossnet_sdk::xdm::{ChainBatchHeader, ChainInclusionProof};
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    print_interface_with_events::<state_commitment_chain::StateCommitmentChain>(
        &[
            <ChainBatchHeader as InnerTypes>::inner_types(),
            <ChainInclusionProof as InnerTypes>::inner_types(),
        ],
        &[e::state_batch_appended(), e::state_batch_deleted()],
    );
}
