//! Prints the Solidity interface of the program:
//! `cargo run -p l2-cross-domain-messenger --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events as e};

fn main() {
    print_interface_with_events::<l2_cross_domain_messenger::L2CrossDomainMessenger>(
        &[],
        &[
            e::sent_message(),
            e::relayed_message(),
            e::failed_relayed_message(),
            e::messenger_initialized(),
            e::whitelist_updated(),
            e::allow_all_senders_updated(),
            e::ownership_transferred(),
            e::paused(),
            e::unpaused(),
        ],
    );
}
