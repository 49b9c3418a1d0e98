// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

// Generated from the Rust program by `bash script/export-abi.sh`; do not edit.
interface IStateCommitmentChain {
    function appendStateBatch(bytes32[] memory batch, uint256 should_start_at_element) external;

    function deleteStateBatch(ChainBatchHeader calldata batch_header) external;

    function verifyStateCommitment(bytes32 element, ChainBatchHeader calldata batch_header, ChainInclusionProof calldata proof) external view returns (bool);

    function verifyFinalizedStateCommitment(bytes32 element, ChainBatchHeader calldata batch_header, ChainInclusionProof calldata proof) external view returns (bool);

    function insideFraudProofWindow(ChainBatchHeader calldata batch_header) external view returns (bool);

    function getTotalElements() external view returns (uint256);

    function getTotalBatches() external view returns (uint256);

    function getBatchHash(uint256 index) external view returns (bytes32);

    function fraudProofWindow() external view returns (uint256);

    function proposer() external view returns (address);

    function challenger() external view returns (address);

    error InvalidConfiguration();

    error NotProposer(address);

    error NotChallenger(address);

    error InvalidBatchStart(uint256, uint256);

    error EmptyBatch();

    error BatchTooLarge(uint256, uint256);

    error InvalidBatchHeader();

    error OutsideFraudProofWindow(uint256);

    error InsideFraudProofWindow(uint256);

    struct ChainBatchHeader {uint256 batchIndex;bytes32 batchRoot;uint256 batchSize;uint256 prevTotalElements;bytes extraData;}

    struct ChainInclusionProof {uint256 index;bytes32[] siblings;}

    event StateBatchAppended(uint256 indexed batchIndex, bytes32 batchRoot, uint256 batchSize, uint256 prevTotalElements, bytes extraData);

    event StateBatchDeleted(uint256 indexed batchIndex, bytes32 batchRoot);
}
