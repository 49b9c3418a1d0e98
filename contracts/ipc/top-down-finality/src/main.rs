//! Prints the Solidity interface of the program:
//! `cargo run -p top-down-finality --features export-abi`.

use crossnet_sdk::export::print_interface_with_events;
use crossnet_sdk::ipc::{export as e, SubnetPolicy};
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    let mut declarations = vec![e::parent_finality_committed(), e::configuration_applied()];
    declarations.extend(e::quorum_errors());
    print_interface_with_events::<top_down_finality::TopDownFinality>(
        &[<SubnetPolicy as InnerTypes>::inner_types()],
        &declarations,
    );
}
