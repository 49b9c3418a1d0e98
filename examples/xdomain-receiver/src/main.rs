//! Prints the Solidity interface of the program:
//! `cargo run -p xdomain-receiver --features export-abi`.

use crossnet_sdk::export::{event, print_interface_with_events, xdm_events::ownership_transferred};
use xdomain_receiver::{GreetingReceived, GreetingSent, LockSet, RemoteSet};

fn main() {
    print_interface_with_events::<xdomain_receiver::CrossDomainGreeter>(
        &[],
        &[
            event::<GreetingReceived>(
                "event GreetingReceived(address indexed remote, string greeting, uint256 count);",
            ),
            event::<GreetingSent>("event GreetingSent(address indexed remote, string greeting);"),
            event::<RemoteSet>("event RemoteSet(address remote);"),
            event::<LockSet>("event LockSet(bool locked);"),
            ownership_transferred(),
        ],
    );
}
