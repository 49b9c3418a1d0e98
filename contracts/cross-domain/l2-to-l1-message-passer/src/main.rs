//! Prints the Solidity interface of the program:
//! `cargo run -p l2-to-l1-message-passer --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events as e};

fn main() {
    print_interface_with_events::<l2_to_l1_message_passer::L2ToL1MessagePasser>(
        &[],
        &[e::message_passed()],
    );
}
