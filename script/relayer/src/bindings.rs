//! Solidity bindings generated from the committed interfaces (the ones `export-abi` checks),
//! plus the Arbitrum precompiles and StylusDeployer the deploy script calls.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/cross-domain/l2-to-l1-message-passer/IL2ToL1MessagePasser.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/cross-domain/l2-cross-domain-messenger/IL2CrossDomainMessenger.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/cross-domain/l1-cross-domain-messenger/IL1CrossDomainMessenger.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/cross-domain/state-commitment-chain/IStateCommitmentChain.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/cross-domain/canonical-transaction-chain/ICanonicalTransactionChain.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/ipc/gateway/IGateway.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/ipc/gateway-executor/IGatewayExecutor.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/ipc/subnet-actor/ISubnetActor.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../contracts/ipc/top-down-finality/ITopDownFinality.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../examples/erc20/IErc20.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../examples/linked-token-controller/ILinkedTokenController.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../examples/linked-token-replica/ILinkedTokenReplica.sol"
);
alloy::sol!(
    #[sol(all_derives)]
    "../../examples/xdomain-receiver/ICrossDomainGreeter.sol"
);

alloy::sol! {
    #[sol(all_derives)]
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
        error ProgramNotActivated();
        error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion);
        error ProgramExpired(uint64 ageInSeconds);
        error ProgramUpToDate();
        error ProgramKeepaliveTooSoon(uint64 ageInSeconds);
        error ProgramInsufficientValue(uint256 have, uint256 want);
    }

    #[sol(all_derives)]
    interface IStylusDeployer {
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
        event ContractDeployed(address deployedContract);
        error ContractDeploymentError(bytes bytecode);
        error ContractInitializationError(address newContract, bytes data);
        error RefundExcessValueError(uint256 excessValue);
        error EmptyBytecode();
        error InitValueButNotInitData();
    }
}

/// Names a revert by the custom errors of every interface above; falls back to hex.
#[must_use]
pub fn describe_revert(data: &[u8]) -> String {
    use alloy::sol_types::{SolError as _, SolInterface};
    macro_rules! try_decode {
        ($($errors:ty),* $(,)?) => {
            $(
                if let Ok(e) = <$errors>::abi_decode(data) {
                    return format!("{e:?}");
                }
            )*
        };
    }
    try_decode!(
        IL1CrossDomainMessenger::IL1CrossDomainMessengerErrors,
        IL2CrossDomainMessenger::IL2CrossDomainMessengerErrors,
        IStateCommitmentChain::IStateCommitmentChainErrors,
        ICanonicalTransactionChain::ICanonicalTransactionChainErrors,
        IGateway::IGatewayErrors,
        ISubnetActor::ISubnetActorErrors,
        ITopDownFinality::ITopDownFinalityErrors,
        IArbWasm::IArbWasmErrors,
        IStylusDeployer::IStylusDeployerErrors,
    );
    if let Ok(reason) = alloy::sol_types::Revert::abi_decode(data) {
        return format!("revert: {}", reason.reason);
    }
    format!("revert data 0x{}", alloy::primitives::hex::encode(data))
}

/// A value converted through its ABI encoding (an sdk type to the binding type of the same
/// Solidity type, or back).
///
/// # Panics
/// When the encodings differ (a stale committed interface; the export-abi check catches it).
#[must_use]
#[allow(clippy::panic)]
pub fn convert<
    A: alloy::sol_types::SolValue,
    B: alloy::sol_types::SolValue + From<<B::SolType as alloy::sol_types::SolType>::RustType>,
>(
    value: &A,
) -> B {
    B::abi_decode(&value.abi_encode())
        .unwrap_or_else(|e| panic!("sdk type and committed interface differ: {e}"))
}

/// A subnet id as the gateway binding's type.
#[must_use]
pub fn to_binding(id: &crossnet_sdk::ipc::SubnetID) -> IGateway::SubnetID {
    convert(id)
}
