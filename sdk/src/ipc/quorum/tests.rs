use alloy_primitives::{address, b256};
use stylus_sdk::testing::TestVM;

use super::*;
use crate::ipc::testing::{validators, TestValidator};

const DIGEST: B256 = b256!("1111111111111111111111111111111111111111111111111111111111111111");

fn weight_of(set: &[TestValidator]) -> impl Fn(Address) -> U256 + '_ {
    move |account| {
        if set.iter().any(|v| v.address == account) {
            U256::from(1)
        } else {
            U256::ZERO
        }
    }
}

fn signed_by(signers: &[&TestValidator]) -> (Vec<Address>, Vec<Bytes>) {
    crate::ipc::testing::sign_quorum(signers, DIGEST)
}

#[test]
fn verify_quorum_three_of_four_succeeds() {
    let vm = TestVM::new();
    let set = validators(4);
    let (signatories, signatures) = signed_by(&[&set[0], &set[1], &set[3]]);
    let weight =
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4))
            .expect("quorum");
    assert_eq!(weight, U256::from(3));
}

#[test]
fn verify_quorum_two_of_four_reverts() {
    let vm = TestVM::new();
    let set = validators(4);
    let (signatories, signatures) = signed_by(&[&set[0], &set[2]]);
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(WeightsSumLessThanThreshold { weight: U256::from(2), total: U256::from(4) }.into())
    );
}

#[test]
fn verify_quorum_exactly_two_thirds_reverts() {
    let vm = TestVM::new();
    let set = validators(3);
    let (signatories, signatures) = signed_by(&[&set[0], &set[1]]);
    assert!(matches!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(3)),
        Err(QuorumError::WeightsSumLessThanThreshold(_))
    ));
}

#[test]
fn verify_quorum_duplicate_signer_reverts() {
    let vm = TestVM::new();
    let set = validators(4);
    let (mut signatories, mut signatures) = signed_by(&[&set[0], &set[1]]);
    signatories.push(signatories[1]);
    signatures.push(signatures[1].clone());
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(DuplicateValidatorSignaturesFound {}.into())
    );
}

#[test]
fn verify_quorum_unsorted_reverts() {
    let vm = TestVM::new();
    let set = validators(4);
    let (mut signatories, mut signatures) = signed_by(&[&set[0], &set[1], &set[2]]);
    signatories.swap(0, 2);
    signatures.swap(0, 2);
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(SignatureAddressesNotSorted {}.into())
    );
}

#[test]
fn verify_quorum_shape_errors_reverts() {
    let vm = TestVM::new();
    let set = validators(4);
    let w = weight_of(&set);
    assert_eq!(
        verify_quorum(&vm, DIGEST, &[], &[], &w, U256::from(4)),
        Err(EmptySignatures {}.into())
    );
    let (signatories, _) = signed_by(&[&set[0]]);
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &[], &w, U256::from(4)),
        Err(InvalidArrayLength {}.into())
    );
}

#[test]
fn verify_quorum_outsider_or_wrong_signature_reverts() {
    let vm = TestVM::new();
    let set = validators(4);
    let outsider = TestValidator::from_seed(99);
    let (signatories, signatures) = signed_by(&[&outsider]);
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(NotValidator { signatory: outsider.address }.into())
    );
    // set[0] claims set[1]'s signature.
    let signatories = vec![set[0].address];
    let signatures = vec![set[1].sign(DIGEST)];
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(InvalidSignatory { signatory: set[0].address }.into())
    );
    let signatures = vec![Bytes::from(vec![0u8; 64])];
    assert_eq!(
        verify_quorum(&vm, DIGEST, &signatories, &signatures, weight_of(&set), U256::from(4)),
        Err(InvalidSignature {}.into())
    );
}

#[test]
fn split_signature_rejects_high_s_and_bad_v_reverts() {
    let signer = TestValidator::from_seed(1);
    let good = signer.sign(DIGEST);
    assert!(split_signature(&good).is_some());
    let mut bad_v = good.to_vec();
    bad_v[64] = 29;
    assert_eq!(split_signature(&bad_v), None);
    let mut zero_based = good.to_vec();
    zero_based[64] -= 27;
    assert_eq!(split_signature(&zero_based).map(|s| s.0), Some(good[64]));
    let mut high_s = good.to_vec();
    high_s[32] = 0xff;
    assert_eq!(split_signature(&high_s), None);
}

#[test]
fn ecrecover_input_layout_succeeds() {
    let r = B256::repeat_byte(2);
    let s = B256::repeat_byte(3);
    let input = ecrecover_input(DIGEST, 28, r, s);
    assert_eq!(&input[..32], DIGEST.as_slice());
    assert_eq!(input[63], 28);
    assert!(input[32..63].iter().all(|b| *b == 0));
    assert_eq!(&input[64..96], r.as_slice());
    assert_eq!(&input[96..], s.as_slice());
}

#[test]
fn validate_set_rules_reverts() {
    let a = address!("00000000000000000000000000000000000000a1");
    let b = address!("00000000000000000000000000000000000000b2");
    let one = U256::from(1);
    assert_eq!(validate_set(&[a, b], &[one, U256::from(2)]), Ok(U256::from(3)));
    assert_eq!(validate_set(&[], &[]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[a], &[one, one]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[a, a], &[one, one]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[Address::ZERO], &[one]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[a], &[U256::ZERO]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[a, b], &[U256::MAX, one]), Err(InvalidValidatorSet {}));
    assert_eq!(validate_set(&[a], &[U256::MAX / U256::from(2)]), Err(InvalidValidatorSet {}));
    assert_eq!(MAX_TOTAL_WEIGHT, U256::MAX / U256::from(3));
    assert_eq!(validate_set(&[a], &[MAX_TOTAL_WEIGHT]), Ok(MAX_TOTAL_WEIGHT));
}

#[test]
fn validator_set_stores_and_verifies_succeeds() {
    let vm = TestVM::new();
    let mut stored = ValidatorSet::from(&vm);
    let set = validators(4);
    let addresses = crate::ipc::testing::addresses(&set);
    stored.init(&addresses, &crate::ipc::testing::equal_weights(&set)).expect("init");
    assert_eq!(stored.validators(), addresses);
    assert_eq!(stored.weights(), vec![U256::from(1); 4]);
    assert_eq!(stored.total_weight(), U256::from(4));
    assert_eq!(stored.weight(set[2].address), U256::from(1));
    let (signatories, signatures) = signed_by(&[&set[1], &set[2], &set[3]]);
    assert_eq!(stored.verify(DIGEST, &signatories, &signatures), Ok(U256::from(3)));
    let (signatories, signatures) = signed_by(&[&set[1], &set[2]]);
    assert!(stored.verify(DIGEST, &signatories, &signatures).is_err());
}
