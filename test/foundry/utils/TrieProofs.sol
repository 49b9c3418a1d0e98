// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity ^0.8.23;

/// @notice Minimal RLP encoding (what a Merkle-Patricia trie node needs).
library Rlp {
    /// @notice RLP of a byte string.
    function encodeBytes(bytes memory value) internal pure returns (bytes memory) {
        if (value.length == 1 && uint8(value[0]) < 0x80) {
            return value;
        }
        return bytes.concat(header(0x80, value.length), value);
    }

    /// @notice RLP of an unsigned integer (minimal big-endian bytes; 0 is the empty string).
    function encodeUint(uint256 value) internal pure returns (bytes memory) {
        return encodeBytes(minimal(value));
    }

    /// @notice RLP list of already encoded items.
    function encodeList(bytes memory payload) internal pure returns (bytes memory) {
        return bytes.concat(header(0xc0, payload.length), payload);
    }

    function minimal(uint256 value) private pure returns (bytes memory out) {
        uint256 length = 0;
        for (uint256 v = value; v != 0; v >>= 8) {
            length++;
        }
        out = new bytes(length);
        for (uint256 i = 0; i < length; i++) {
            out[length - 1 - i] = bytes1(uint8(value >> (8 * i)));
        }
    }

    function header(uint8 offset, uint256 length) private pure returns (bytes memory) {
        if (length < 56) {
            return abi.encodePacked(uint8(offset + length));
        }
        bytes memory len = minimal(length);
        return bytes.concat(abi.encodePacked(uint8(offset + 55 + len.length)), len);
    }
}

/// @notice Builds secure Merkle-Patricia tries of one or two entries in Solidity, with the
///         EIP-1186 proof (root node first) of an entry: enough to prove a storage slot and an
///         account the way `eth_getProof` does, for roots a test commits itself.
library TrieProofs {
    /// @notice A leaf node holding `value` under the nibbles of `path` from nibble `from` on.
    function leaf(bytes32 path, uint256 from, bytes memory value) internal pure returns (bytes memory) {
        bytes memory compact;
        if (from % 2 == 0) {
            // Even number of nibbles left: flag 0x20, then whole bytes.
            compact = new bytes(1 + (64 - from) / 2);
            compact[0] = 0x20;
            for (uint256 i = 0; i < (64 - from) / 2; i++) {
                compact[1 + i] = path[from / 2 + i];
            }
        } else {
            // Odd: flag 0x3 with the first nibble, then whole bytes.
            compact = new bytes(1 + (63 - from) / 2);
            compact[0] = bytes1(0x30 | (uint8(path[from / 2]) & 0x0f));
            for (uint256 i = 0; i < (63 - from) / 2; i++) {
                compact[1 + i] = path[from / 2 + 1 + i];
            }
        }
        return Rlp.encodeList(bytes.concat(Rlp.encodeBytes(compact), Rlp.encodeBytes(value)));
    }

    /// @notice The trie holding only `value` at `path`: its root and the proof of `path`.
    function single(bytes32 path, bytes memory value) internal pure returns (bytes32 root, bytes[] memory proof) {
        proof = new bytes[](1);
        proof[0] = leaf(path, 0, value);
        root = keccak256(proof[0]);
    }

    /// @notice The trie holding `value` at `path` and `otherValue` at `otherPath` (paths whose
    ///         first nibbles differ): a branch over two leaves. Returns the root and the proof
    ///         of `path`.
    function pair(bytes32 path, bytes memory value, bytes32 otherPath, bytes memory otherValue)
        internal
        pure
        returns (bytes32 root, bytes[] memory proof)
    {
        uint8 nibble = uint8(path[0]) >> 4;
        uint8 otherNibble = uint8(otherPath[0]) >> 4;
        require(nibble != otherNibble, "TrieProofs: paths share their first nibble");
        bytes memory mine = leaf(path, 1, value);
        bytes memory other = leaf(otherPath, 1, otherValue);
        bytes memory payload;
        for (uint8 i = 0; i < 16; i++) {
            if (i == nibble) {
                payload = bytes.concat(payload, Rlp.encodeBytes(abi.encodePacked(keccak256(mine))));
            } else if (i == otherNibble) {
                payload = bytes.concat(payload, Rlp.encodeBytes(abi.encodePacked(keccak256(other))));
            } else {
                payload = bytes.concat(payload, hex"80");
            }
        }
        bytes memory branch = Rlp.encodeList(bytes.concat(payload, hex"80"));
        proof = new bytes[](2);
        proof[0] = branch;
        proof[1] = mine;
        root = keccak256(branch);
    }

    /// @notice A path whose first nibble differs from `path`'s (a neighbour for `pair`).
    function neighbour(bytes32 path, string memory seed) internal pure returns (bytes32 other) {
        for (uint256 i = 0;; i++) {
            other = keccak256(abi.encode(seed, i));
            if (uint8(other[0]) >> 4 != uint8(path[0]) >> 4) {
                return other;
            }
        }
    }

    /// @notice The RLP account value `[nonce, balance, storageRoot, codeHash]`.
    function account(uint256 nonce, uint256 balance, bytes32 storageRoot, bytes32 codeHash)
        internal
        pure
        returns (bytes memory)
    {
        return Rlp.encodeList(
            bytes.concat(
                Rlp.encodeUint(nonce),
                Rlp.encodeUint(balance),
                Rlp.encodeBytes(abi.encodePacked(storageRoot)),
                Rlp.encodeBytes(abi.encodePacked(codeHash))
            )
        );
    }
}
