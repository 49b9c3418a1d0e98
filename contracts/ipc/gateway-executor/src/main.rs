//! Prints the Solidity interface of the program:
//! `cargo run -p gateway-executor --features export-abi`.

use crossnet_sdk::export::print_interface_with_events;
use crossnet_sdk::ipc::{export as e, IpcEnvelope};
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    print_interface_with_events::<gateway_executor::GatewayExecutor>(
        &[<IpcEnvelope as InnerTypes>::inner_types()],
        &[
            e::checkpoint_committed(),
            e::top_down_messages_applied(),
            e::message_executed(),
            e::result_executed(),
            e::message_dropped(),
            e::message_stored_in_postbox(),
            e::message_propagated_from_postbox(),
            e::new_top_down_message(),
            e::new_bottom_up_message(),
            e::new_bottom_up_msg_batch(),
            e::refund_credited(),
        ],
    );
}
