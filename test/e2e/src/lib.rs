//! crossnet end-to-end suites.
//!
//! The suites in `tests/` run the real WASM programs on the embedded devnode
//! ([`node::Embedded`], two chains in one process) by default. Their Solidity bindings come
//! from the committed interfaces (`contracts/**/I*.sol`), so the suites also check that those
//! interfaces describe the programs.
//!
//! * [`node`]: the [`node::Node`] trait the suites run on, and [`node::node`], the backend
//!   the environment selects (embedded, or JSON-RPC through [`rpc::Rpc`]).
//! * [`ipc`]: system 2 deployed on a tree of chains, with the validators and the relayer.
//! * [`xdm`]: system 1 deployed on a parent and a child chain, with the off-chain roles.

pub mod ipc;
pub mod node;
pub mod rpc;
pub mod xdm;

/// Bindings generated from the committed Solidity interfaces.
#[allow(missing_docs, clippy::all)]
pub mod bindings {
    alloy_sol_types::sol!(
        "../../contracts/cross-domain/l2-to-l1-message-passer/IL2ToL1MessagePasser.sol"
    );
    alloy_sol_types::sol!(
        "../../contracts/cross-domain/l2-cross-domain-messenger/IL2CrossDomainMessenger.sol"
    );
    alloy_sol_types::sol!(
        "../../contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol"
    );
    alloy_sol_types::sol!(
        "../../contracts/cross-domain/state-commitment-chain/IStateCommitmentChain.sol"
    );
    alloy_sol_types::sol!(
        "../../contracts/cross-domain/canonical-transaction-chain/ICanonicalTransactionChain.sol"
    );
    alloy_sol_types::sol!("../../examples/xdomain-receiver/ICrossDomainGreeter.sol");
}
