//! Prints the Solidity interface of the program: `cargo run -p gateway --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events};
use crossnet_sdk::ipc::{export as e, IpcEnvelope};
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    print_interface_with_events::<gateway::Gateway>(
        &[<IpcEnvelope as InnerTypes>::inner_types()],
        &[
            e::new_top_down_message(),
            e::new_bottom_up_message(),
            e::new_bottom_up_msg_batch(),
            e::subnet_registered(),
            e::subnet_killed(),
            e::refund_credited(),
            e::claimed(),
            e::gateway_initialized(),
            xdm_events::ownership_transferred(),
        ],
    );
}
