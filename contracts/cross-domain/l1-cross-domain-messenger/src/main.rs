//! Prints the Solidity interface of the program:
//! `cargo run -p l1-cross-domain-messenger --features export-abi`.

use crossnet_sdk::export::{print_interface_with_events, xdm_events as e};
use crossnet_sdk::xdm::L2MessageInclusionProof;
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    print_interface_with_events::<l1_cross_domain_messenger::L1CrossDomainMessenger>(
        &[<L2MessageInclusionProof as InnerTypes>::inner_types()],
        &[
            e::sent_message(),
            e::relayed_message(),
            e::failed_relayed_message(),
            e::messenger_initialized(),
            e::ownership_transferred(),
            e::paused(),
            e::unpaused(),
        ],
    );
}
