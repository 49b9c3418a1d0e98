// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface ICrossDomainGreeter {
    function setRemote(address remote) external;

    function setLocked(bool locked) external;

    function sendGreeting(string calldata greeting, uint32 gas_limit) external;

    function setGreeting(string calldata greeting) external;

    function greeting() external view returns (string memory);

    function greetingsReceived() external view returns (uint256);

    function messenger() external view returns (address);

    function remote() external view returns (address);

    function locked() external view returns (bool);

    error OwnableUnauthorizedAccount(address);

    error OwnableInvalidOwner(address);

    error MessengerUnauthenticated(address);

    error WrongCrossDomainSender(address);

    error GreeterLocked();

    error RemoteNotSet();

    error SendFailed(bytes);

    event GreetingReceived(address indexed remote, string greeting, uint256 count);

    event GreetingSent(address indexed remote, string greeting);

    event RemoteSet(address remote);

    event LockSet(bool locked);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}
