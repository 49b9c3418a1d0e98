//! Test helpers (feature `test-utils`): validator keys that sign checkpoints and parent
//! finalities the way the off-chain signer does.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use k256::ecdsa::SigningKey;

/// A validator key.
#[derive(Clone, Debug)]
pub struct TestValidator {
    key: SigningKey,
    /// Its address.
    pub address: Address,
}

impl TestValidator {
    /// The validator whose secret key is `keccak256("crossnet validator" ‖ seed)`.
    ///
    /// # Panics
    /// Never for the seeds one uses in tests (a zero or out-of-range key is astronomically
    /// unlikely).
    #[must_use]
    pub fn from_seed(seed: u64) -> Self {
        let mut preimage = b"crossnet validator".to_vec();
        preimage.extend_from_slice(&seed.to_be_bytes());
        let secret = keccak256(preimage);
        let key = SigningKey::from_slice(secret.as_slice()).expect("valid secret key");
        let address = Address::from_public_key(key.verifying_key());
        Self { key, address }
    }

    /// A 65-byte `r ‖ s ‖ v` signature (`v` 27 / 28, low `s`) of the raw `digest`.
    ///
    /// # Panics
    /// Never for a valid key.
    #[must_use]
    pub fn sign(&self, digest: B256) -> Bytes {
        let (signature, recovery) =
            self.key.sign_prehash_recoverable(digest.as_slice()).expect("signing");
        let mut out = signature.to_bytes().to_vec();
        out.push(27 + recovery.to_byte());
        out.into()
    }
}

/// `n` validators (seeds `1..=n`) sorted by address, as signatories must be.
#[must_use]
pub fn validators(n: u64) -> Vec<TestValidator> {
    let mut set: Vec<_> = (1..=n).map(TestValidator::from_seed).collect();
    set.sort_by_key(|v| v.address);
    set
}

/// The addresses of `set`.
#[must_use]
pub fn addresses(set: &[TestValidator]) -> Vec<Address> {
    set.iter().map(|v| v.address).collect()
}

/// Equal weights of 1 for `set`.
#[must_use]
pub fn equal_weights(set: &[TestValidator]) -> Vec<U256> {
    vec![U256::from(1); set.len()]
}

/// Signatories (ascending) and their signatures of `digest` by `signers`.
#[must_use]
pub fn sign_quorum(signers: &[&TestValidator], digest: B256) -> (Vec<Address>, Vec<Bytes>) {
    let mut signers = signers.to_vec();
    signers.sort_by_key(|v| v.address);
    (signers.iter().map(|v| v.address).collect(), signers.iter().map(|v| v.sign(digest)).collect())
}
