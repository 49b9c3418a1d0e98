// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IErc20 {
    function mint(address to, uint256 value) external;

    function owner() external view returns (address);

    error OwnableUnauthorizedAccount(address);

    error OwnableInvalidOwner(address);

    error ERC20InsufficientBalance(address, uint256, uint256);

    error ERC20InsufficientAllowance(address, uint256, uint256);

    error ERC20InvalidSender(address);

    error ERC20InvalidReceiver(address);

    error ERC20InvalidSpender(address);

    function name() external view returns (string memory);

    function symbol() external view returns (string memory);

    function decimals() external view returns (uint8);

    function totalSupply() external view returns (uint256);

    function balanceOf(address account) external view returns (uint256);

    function allowance(address owner, address spender) external view returns (uint256);

    function transfer(address to, uint256 value) external returns (bool);

    function transferFrom(address from, address to, uint256 value) external returns (bool);

    function approve(address spender, uint256 value) external returns (bool);

    event Transfer(address indexed from, address indexed to, uint256 value);

    event Approval(address indexed owner, address indexed spender, uint256 value);

    event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
}
