//! Signature checks: `ecrecover` through the precompile, and the weighted quorum of a validator
//! set over sorted, unique signatories.
//!
//! A quorum is more than two thirds of the total weight (`3·signed > 2·total`). Signatories
//! must be strictly ascending, which makes a repeated signer impossible (IPC's duplicate-signer
//! bug, fixed upstream in #1338, cannot happen) and lets the check run without a set. Cheap
//! checks (order, membership) run before any recovery.
//!
//! Signatures are 65 bytes `r ‖ s ‖ v` with `v` 27 / 28 (or 0 / 1) and a low `s`, over the raw
//! 32-byte digest (see [`super::digest`]), no EIP-191 prefix.

use alloc::{vec, vec::Vec};

use alloy_primitives::{address, Address, Bytes, B256, U256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256, StorageVec},
};

use super::{
    DuplicateValidatorSignaturesFound, EmptySignatures, InvalidArrayLength, InvalidSignatory,
    InvalidSignature, InvalidValidatorSet, NotValidator, SignatureAddressesNotSorted,
    WeightsSumLessThanThreshold, MAX_VALIDATORS,
};

/// The `ecrecover` precompile.
pub const ECRECOVER: Address = address!("0000000000000000000000000000000000000001");

/// Gas for one `ecrecover` precompile call (it costs 3,000).
pub const ECRECOVER_GAS: u64 = 10_000;

/// Half the secp256k1 group order: signatures with a larger `s` are refused (malleability).
const HALF_ORDER: U256 = U256::from_be_bytes(alloy_primitives::hex!(
    "7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0"
));

/// Largest total weight of a validator set: `2^256 / 3` rounded down (`0x5555…55`), so that
/// three times any signed weight fits in 256 bits.
pub const MAX_TOTAL_WEIGHT: U256 = U256::from_be_bytes([0x55; 32]);

/// Why a quorum check failed.
#[derive(SolidityError, Debug, PartialEq, Eq)]
pub enum QuorumError {
    /// See [`EmptySignatures`].
    EmptySignatures(EmptySignatures),
    /// See [`InvalidArrayLength`].
    InvalidArrayLength(InvalidArrayLength),
    /// See [`SignatureAddressesNotSorted`].
    SignatureAddressesNotSorted(SignatureAddressesNotSorted),
    /// See [`DuplicateValidatorSignaturesFound`].
    DuplicateValidatorSignaturesFound(DuplicateValidatorSignaturesFound),
    /// See [`InvalidSignature`].
    InvalidSignature(InvalidSignature),
    /// See [`InvalidSignatory`].
    InvalidSignatory(InvalidSignatory),
    /// See [`NotValidator`].
    NotValidator(NotValidator),
    /// See [`WeightsSumLessThanThreshold`].
    WeightsSumLessThanThreshold(WeightsSumLessThanThreshold),
}

/// Splits a 65-byte signature into `(v, r, s)` with `v` 27 / 28; `None` when malformed or `s`
/// is high.
#[must_use]
pub fn split_signature(signature: &[u8]) -> Option<(u8, B256, B256)> {
    if signature.len() != 65 {
        return None;
    }
    let v = match signature[64] {
        0 | 1 => signature[64] + 27,
        27 | 28 => signature[64],
        _ => return None,
    };
    let r = B256::from_slice(&signature[..32]);
    let s = B256::from_slice(&signature[32..64]);
    if U256::from_be_bytes(s.0) > HALF_ORDER {
        return None;
    }
    Some((v, r, s))
}

/// The signer of `digest`, recovered by the `ecrecover` precompile (or natively with the
/// `native-ecrecover` feature, for host tests whose mocks cannot answer several precompile
/// calls differently). `None` for a malformed signature or a failed recovery.
#[must_use]
pub fn ecrecover<H: Host + ?Sized>(host: &H, digest: B256, signature: &[u8]) -> Option<Address> {
    let (v, r, s) = split_signature(signature)?;
    let recovered = recover(host, digest, v, r, s)?;
    (!recovered.is_zero()).then_some(recovered)
}

/// The input of the `ecrecover` precompile: `digest ‖ v ‖ r ‖ s`, 32 bytes each.
#[must_use]
pub fn ecrecover_input(digest: B256, v: u8, r: B256, s: B256) -> [u8; 128] {
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(digest.as_slice());
    input[63] = v;
    input[64..96].copy_from_slice(r.as_slice());
    input[96..].copy_from_slice(s.as_slice());
    input
}

#[cfg(not(any(test, feature = "native-ecrecover")))]
fn recover<H: Host + ?Sized>(host: &H, digest: B256, v: u8, r: B256, s: B256) -> Option<Address> {
    let input = ecrecover_input(digest, v, r, s);
    let out = super::call::bounded_static_call(host, ECRECOVER, ECRECOVER_GAS, &input).ok()?;
    (out.len() == 32).then(|| Address::from_slice(&out[12..]))
}

#[cfg(any(test, feature = "native-ecrecover"))]
fn recover<H: Host + ?Sized>(_host: &H, digest: B256, v: u8, r: B256, s: B256) -> Option<Address> {
    let signature = alloy_primitives::Signature::from_scalars_and_parity(r, s, v == 28);
    signature.recover_address_from_prehash(&digest).ok()
}

/// Checks that `signatures` of strictly ascending `signatories` over `digest` carry more than
/// two thirds of `total` weight, and returns the signed weight.
///
/// # Arguments
/// * `host` - the contract's host (for the precompile call).
/// * `digest` - what was signed.
/// * `signatories` - the signers, strictly ascending.
/// * `signatures` - one 65-byte signature per signatory.
/// * `weight_of` - a signer's weight (0 for a non-validator).
/// * `total` - the set's total weight.
///
/// # Errors
/// [`QuorumError`]: `EmptySignatures`, `InvalidArrayLength`, `SignatureAddressesNotSorted`,
/// `DuplicateValidatorSignaturesFound`, `NotValidator(signatory)`, `InvalidSignature`,
/// `InvalidSignatory(signatory)`, `WeightsSumLessThanThreshold(weight, total)`.
pub fn verify_quorum<H: Host + ?Sized>(
    host: &H,
    digest: B256,
    signatories: &[Address],
    signatures: &[Bytes],
    weight_of: impl Fn(Address) -> U256,
    total: U256,
) -> Result<U256, QuorumError> {
    if signatories.is_empty() {
        return Err(EmptySignatures {}.into());
    }
    if signatories.len() != signatures.len() {
        return Err(InvalidArrayLength {}.into());
    }
    let mut weights = Vec::with_capacity(signatories.len());
    for (i, &signatory) in signatories.iter().enumerate() {
        if i > 0 {
            let previous = signatories[i - 1];
            if signatory == previous {
                return Err(DuplicateValidatorSignaturesFound {}.into());
            }
            if signatory < previous {
                return Err(SignatureAddressesNotSorted {}.into());
            }
        }
        let weight = weight_of(signatory);
        if weight.is_zero() {
            return Err(NotValidator { signatory }.into());
        }
        weights.push(weight);
    }
    let mut signed = U256::ZERO;
    for ((&signatory, signature), weight) in signatories.iter().zip(signatures).zip(weights) {
        let recovered = ecrecover(host, digest, signature).ok_or(InvalidSignature {})?;
        if recovered != signatory {
            return Err(InvalidSignatory { signatory }.into());
        }
        signed = signed.saturating_add(weight);
        if signed > total {
            signed = total;
        }
    }
    // Totals are below 2^256 / 3 (see `validate_set`) and `signed <= total`, so neither side
    // overflows; additions avoid a 256-bit multiplication routine.
    if signed + signed + signed <= total + total {
        return Err(WeightsSumLessThanThreshold { weight: signed, total }.into());
    }
    Ok(signed)
}

/// Checks a validator set: 1 to [`MAX_VALIDATORS`] distinct non-zero addresses, one non-zero
/// weight each, a total below `2^256 / 3`. Returns the total weight.
///
/// # Errors
/// [`InvalidValidatorSet`] otherwise.
pub fn validate_set(validators: &[Address], weights: &[U256]) -> Result<U256, InvalidValidatorSet> {
    if validators.is_empty()
        || validators.len() > MAX_VALIDATORS
        || validators.len() != weights.len()
    {
        return Err(InvalidValidatorSet {});
    }
    let mut total = U256::ZERO;
    for (i, (&validator, &weight)) in validators.iter().zip(weights).enumerate() {
        if validator.is_zero() || weight.is_zero() || validators[..i].contains(&validator) {
            return Err(InvalidValidatorSet {});
        }
        total = total.checked_add(weight).ok_or(InvalidValidatorSet {})?;
    }
    if total > MAX_TOTAL_WEIGHT {
        return Err(InvalidValidatorSet {});
    }
    Ok(total)
}

/// A weighted validator set. Stored once per configuration number (a fresh set is never
/// overwritten, so nothing needs clearing).
#[storage]
pub struct ValidatorSet {
    members: StorageVec<StorageAddress>,
    weights: StorageMap<Address, StorageU256>,
    total: StorageU256,
}

impl ValidatorSet {
    /// Stores the set (the set must be fresh).
    ///
    /// # Errors
    /// [`InvalidValidatorSet`] (see [`validate_set`]).
    pub fn init(
        &mut self,
        validators: &[Address],
        weights: &[U256],
    ) -> Result<(), InvalidValidatorSet> {
        let total = validate_set(validators, weights)?;
        for (&validator, &weight) in validators.iter().zip(weights) {
            self.members.push(validator);
            self.weights.setter(validator).set(weight);
        }
        self.total.set(total);
        Ok(())
    }

    /// The weight of `account` (0 for a non-member).
    #[must_use]
    pub fn weight(&self, account: Address) -> U256 {
        self.weights.get(account)
    }

    /// The total weight (0 for an unset set).
    #[must_use]
    pub fn total_weight(&self) -> U256 {
        self.total.get()
    }

    /// The validators, in the order they were given.
    #[must_use]
    pub fn validators(&self) -> Vec<Address> {
        (0..self.members.len()).filter_map(|i| self.members.get(i)).collect()
    }

    /// The validators' weights, in the order of [`Self::validators`].
    #[must_use]
    pub fn weights(&self) -> Vec<U256> {
        self.validators().into_iter().map(|v| self.weights.get(v)).collect()
    }

    /// [`verify_quorum`] against this set.
    ///
    /// # Errors
    /// See [`verify_quorum`].
    pub fn verify(
        &self,
        digest: B256,
        signatories: &[Address],
        signatures: &[Bytes],
    ) -> Result<U256, QuorumError> {
        verify_quorum(
            self.vm(),
            digest,
            signatories,
            signatures,
            |account| self.weights.get(account),
            self.total.get(),
        )
    }
}

#[cfg(test)]
mod tests;
