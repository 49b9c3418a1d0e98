//! Prints the Solidity interface of the program:
//! `cargo run -p canonical-transaction-chain --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events as e};

fn main() {
    print_interface_with_events::<canonical_transaction_chain::CanonicalTransactionChain>(
        &[],
        &[e::transaction_enqueued()],
    );
}
