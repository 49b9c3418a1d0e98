// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

import {Test} from "forge-std/Test.sol";
import {Vm} from "forge-std/Vm.sol";

/// @notice arbos-forge's Stylus cheatcodes, served at the `vm` address (same signatures as
///         arbos-forge, so these tests run under it unchanged).
interface IStylusCheats {
    function deployStylusCode(string calldata artifactPath) external returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, bytes calldata constructorArgs)
        external
        returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, uint256 value) external returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, bytes calldata constructorArgs, uint256 value)
        external
        returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, bytes32 salt) external returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, bytes calldata constructorArgs, bytes32 salt)
        external
        returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, uint256 value, bytes32 salt)
        external
        returns (address deployedAddress);
    function deployStylusCode(string calldata artifactPath, bytes calldata constructorArgs, uint256 value, bytes32 salt)
        external
        returns (address deployedAddress);
    function getStylusCode(string calldata artifactPath) external returns (bytes memory);
}

/// @notice Base of the crossnet Solidity tests: deploys the Stylus programs built by
///         `bash script/build-wasm.sh` (`target/wasm/<name>.wasm`) with `vm.deployStylusCode`.
abstract contract StylusTest is Test {
    IStylusCheats internal constant stylus = IStylusCheats(VM_ADDRESS);

    /// @notice The artifact path of program `name`, relative to the project root.
    function artifact(string memory name) internal pure returns (string memory) {
        return string.concat("target/wasm/", name, ".wasm");
    }

    /// @notice Deploys (and activates) program `name` without constructor arguments.
    function deployProgram(string memory name) internal returns (address program) {
        program = stylus.deployStylusCode(artifact(name));
        vm.label(program, name);
    }

    /// @notice Deploys program `name` and runs its constructor with `args` (ABI-encoded).
    function deployProgram(string memory name, bytes memory args) internal returns (address program) {
        program = stylus.deployStylusCode(artifact(name), args);
        vm.label(program, name);
    }

    /// @notice The first recorded log of `emitter` whose topic 0 is `topic0` (fails when none).
    function findLog(Vm.Log[] memory logs, address emitter, bytes32 topic0) internal pure returns (Vm.Log memory) {
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == emitter && logs[i].topics.length > 0 && logs[i].topics[0] == topic0) {
                return logs[i];
            }
        }
        revert("no such log");
    }

    /// @notice How many recorded logs of `emitter` have topic 0 `topic0`.
    function countLogs(Vm.Log[] memory logs, address emitter, bytes32 topic0) internal pure returns (uint256 n) {
        for (uint256 i = 0; i < logs.length; i++) {
            if (logs[i].emitter == emitter && logs[i].topics.length > 0 && logs[i].topics[0] == topic0) {
                n++;
            }
        }
    }
}
