//! Prints the Solidity interface of the program:
//! `cargo run -p linked-token-replica --features export-abi`.

use crossnet_sdk::export::{interface, xdm_events};
use crossnet_sdk::ipc::export::print_flat_interface;
use crossnet_sdk::ipc::{export as e, IpcEnvelope};
use linked_token::linked::export as l;
use stylus_sdk::abi::export::internal::InnerTypes;

fn main() {
    let mut declarations = vec![
        linked_token::erc20::export::transfer(),
        linked_token::erc20::export::approval(),
        l::linked_tokens_sent(),
        l::linked_token_received(),
        l::linked_transfer_settled(),
        l::unconfirmed_transfer_removed(),
        l::linked_contract_set(),
        e::inflight_message_dropped(),
        xdm_events::ownership_transferred(),
    ];
    declarations.extend(l::errors());
    declarations.extend(e::exchange_errors());
    print_flat_interface::<linked_token_replica::LinkedTokenReplica>(
        &[<IpcEnvelope as InnerTypes>::inner_types()],
        &[
            interface::<linked_token_replica::IIpcExchangeStylusAbiStruct>(&[
                <IpcEnvelope as InnerTypes>::inner_types(),
            ]),
            interface::<linked_token_replica::IErc20StylusAbiStruct>(&[]),
        ],
        &declarations,
    );
}
