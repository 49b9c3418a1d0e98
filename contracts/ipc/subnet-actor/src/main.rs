//! Prints the Solidity interface of the program:
//! `cargo run -p subnet-actor --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events};
use crossnet_sdk::ipc::{export as e, SubnetConfig};
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    let mut declarations = vec![
        e::subnet_configured(),
        e::checkpoint_submitted(),
        e::configuration_applied(),
        xdm_events::ownership_transferred(),
        xdm_events::paused(),
        xdm_events::unpaused(),
    ];
    declarations.extend(e::quorum_errors());
    print_interface_with_events::<subnet_actor::SubnetActor>(
        &[<SubnetConfig as InnerTypes>::inner_types()],
        &declarations,
    );
}
