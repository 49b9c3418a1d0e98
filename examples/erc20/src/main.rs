//! Prints the Solidity interface of the program: `cargo run -p erc20 --features export-abi`.

use crossnet_sdk::export::{interface, xdm_events};
use crossnet_sdk::ipc::export::print_flat_interface;
use linked_token::erc20::export as t;

fn main() {
    let declarations = vec![t::transfer(), t::approval(), xdm_events::ownership_transferred()];
    print_flat_interface::<erc20::Erc20>(
        &[],
        &[interface::<erc20::IErc20StylusAbiStruct>(&[])],
        &declarations,
    );
}
