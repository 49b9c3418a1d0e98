//! Gathering a quorum from what validators published, trusting none of it: every statement's
//! digest is recomputed from its bytes for the verifier the relayer expects, every signature
//! must recover to the validator that served it, and a statement is certified only when
//! signers holding more than 2/3 of the weight signed the same digest (the rule the contracts
//! apply). Anything else is a fault of the validator that served it: reported, never used.

use std::collections::BTreeMap;

use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::signers::Signature;

use crate::signatures::Collected;
use crate::statement::{Kind, Statement};

/// A statement with signatures of more than 2/3 of the weight, ready to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certified {
    /// The statement.
    pub statement: Statement,
    /// Its signers, sorted by address (as the contracts require).
    pub signatories: Vec<Address>,
    /// Their signatures, in the same order.
    pub signatures: Vec<Bytes>,
}

/// Why a validator's entry was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// The bytes are not a statement of the kind asked for, or of another verifier.
    Malformed(String),
    /// The signature does not recover to the validator.
    BadSignature,
    /// It signed another statement than the quorum at the same height.
    WrongStatement,
    /// It signed a statement at a height the quorum skipped (a height that is no slot of the
    /// canonical sequence).
    UnsupportedHeight,
}

impl std::fmt::Display for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "malformed statement ({why})"),
            Self::BadSignature => f.write_str("signature does not recover to the validator"),
            Self::WrongStatement => f.write_str("signed a statement the quorum did not"),
            Self::UnsupportedHeight => f.write_str("signed a height the quorum skipped"),
        }
    }
}

/// A validator's entry that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The validator.
    pub validator: Address,
    /// The height it claimed.
    pub height: u64,
    /// The digest of what it signed (zero when the bytes did not decode).
    pub digest: B256,
    /// Why.
    pub kind: FaultKind,
}

/// The certified statements, lowest height first, as long as consecutive slots have a quorum,
/// and the faults seen on the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Certified statements in height order (stopping at the first slot without a quorum).
    pub certified: Vec<Certified>,
    /// Entries not used, and why.
    pub faults: Vec<Fault>,
}

/// One checked signature.
struct Vote {
    validator: Address,
    statement: Statement,
    signature: Bytes,
}

/// Checks what the validators in `weights` served for `kind` at `verifier` on `chain_id` and
/// certifies the statements signed by more than 2/3 of the total weight.
///
/// Heights are taken in order; a height without a quorum ends the run unless a higher height
/// has one (then the lower height was no canonical slot: whoever signed it is at fault, since
/// an honest validator that signed the higher one signed every slot before it).
#[must_use]
pub fn certify(
    kind: Kind,
    chain_id: u64,
    verifier: Address,
    weights: &BTreeMap<Address, U256>,
    collected: &[Collected],
) -> Outcome {
    let total: U256 = weights.values().copied().sum();
    let mut outcome = Outcome::default();
    let mut by_height: BTreeMap<u64, Vec<Vote>> = BTreeMap::new();
    for c in collected {
        if !weights.contains_key(&c.validator) {
            continue;
        }
        for entry in &c.signatures {
            match check(kind, chain_id, verifier, c.validator, entry) {
                Ok(vote) => by_height.entry(vote.statement.slot.height).or_default().push(vote),
                Err((digest, fault)) => outcome.faults.push(Fault {
                    validator: c.validator,
                    height: entry.height,
                    digest,
                    kind: fault,
                }),
            }
        }
    }
    for votes in by_height.values_mut() {
        // A validator counts once per statement, however often it served it.
        let mut seen = std::collections::BTreeSet::new();
        votes.retain(|v| seen.insert((v.validator, v.statement.digest)));
    }
    let mut unsupported: Vec<&Vote> = Vec::new();
    for votes in by_height.values() {
        let mut by_digest: BTreeMap<B256, U256> = BTreeMap::new();
        for vote in votes {
            *by_digest.entry(vote.statement.digest).or_default() += weights[&vote.validator];
        }
        let quorum = by_digest
            .iter()
            .find(|(_, weight)| **weight * U256::from(3) > total * U256::from(2))
            .map(|(digest, _)| *digest);
        let Some(digest) = quorum else {
            if outcome.certified.is_empty() {
                unsupported.extend(votes.iter());
                continue;
            }
            break;
        };
        for vote in unsupported.drain(..) {
            outcome.faults.push(fault(vote, FaultKind::UnsupportedHeight));
        }
        let mut signers: Vec<&Vote> = Vec::new();
        for vote in votes {
            if vote.statement.digest == digest {
                signers.push(vote);
            } else {
                outcome.faults.push(fault(vote, FaultKind::WrongStatement));
            }
        }
        signers.sort_by_key(|v| v.validator);
        outcome.certified.push(Certified {
            statement: signers[0].statement.clone(),
            signatories: signers.iter().map(|v| v.validator).collect(),
            signatures: signers.iter().map(|v| v.signature.clone()).collect(),
        });
    }
    outcome
}

fn fault(vote: &Vote, kind: FaultKind) -> Fault {
    Fault {
        validator: vote.validator,
        height: vote.statement.slot.height,
        digest: vote.statement.digest,
        kind,
    }
}

fn check(
    kind: Kind,
    chain_id: u64,
    verifier: Address,
    validator: Address,
    entry: &crate::signatures::SignedStatement,
) -> Result<Vote, (B256, FaultKind)> {
    if entry.kind != kind.as_str() || entry.verifier != verifier || entry.chain_id != chain_id {
        let why = format!("{} for {} on chain {}", entry.kind, entry.verifier, entry.chain_id);
        return Err((B256::ZERO, FaultKind::Malformed(why)));
    }
    let statement = Statement::new(kind, chain_id, verifier, entry.statement.clone())
        .map_err(|e| (B256::ZERO, FaultKind::Malformed(e.to_string())))?;
    if statement.slot.height != entry.height {
        let why = format!("height {} served as {}", statement.slot.height, entry.height);
        return Err((statement.digest, FaultKind::Malformed(why)));
    }
    let recovered = Signature::try_from(entry.signature.as_ref())
        .ok()
        .and_then(|s| s.recover_address_from_prehash(&statement.digest).ok());
    if recovered != Some(validator) {
        return Err((statement.digest, FaultKind::BadSignature));
    }
    Ok(Vote { validator, statement, signature: entry.signature.clone() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use alloy::signers::local::PrivateKeySigner;
    use alloy::signers::SignerSync as _;
    use alloy::sol_types::SolValue as _;
    use crossnet_sdk::ipc::BottomUpCheckpoint;

    use super::*;
    use crate::signatures::SignedStatement;

    const VERIFIER: Address = Address::repeat_byte(0xac);

    fn keys() -> Vec<PrivateKeySigner> {
        (1..=4u8).map(|i| PrivateKeySigner::from_bytes(&B256::with_last_byte(i)).unwrap()).collect()
    }

    fn signed(key: &PrivateKeySigner, height: u64, hash: u8) -> SignedStatement {
        let checkpoint = BottomUpCheckpoint {
            blockHeight: height,
            blockHash: B256::repeat_byte(hash),
            ..Default::default()
        };
        let statement =
            Statement::new(Kind::Checkpoint, 7, VERIFIER, checkpoint.abi_encode().into()).unwrap();
        let signature = key.sign_hash_sync(&statement.digest).unwrap();
        SignedStatement {
            kind: "checkpoint".into(),
            chain_id: 7,
            verifier: VERIFIER,
            height,
            statement: statement.encoded,
            digest: statement.digest,
            signer: key.address(),
            signature: signature.as_bytes().to_vec().into(),
        }
    }

    fn weights(keys: &[PrivateKeySigner]) -> BTreeMap<Address, U256> {
        keys.iter().map(|k| (k.address(), U256::from(1))).collect()
    }

    fn served(key: &PrivateKeySigner, entries: Vec<SignedStatement>) -> Collected {
        Collected { validator: key.address(), signatures: entries }
    }

    #[test]
    fn three_of_four_certify_and_the_wrong_one_is_a_fault_succeeds() {
        let k = keys();
        let collected: Vec<Collected> = vec![
            served(&k[0], vec![signed(&k[0], 5, 1), signed(&k[0], 10, 2)]),
            served(&k[1], vec![signed(&k[1], 5, 1), signed(&k[1], 10, 2)]),
            served(&k[2], vec![signed(&k[2], 5, 1)]),
            served(&k[3], vec![signed(&k[3], 5, 9), signed(&k[3], 10, 2)]),
        ];
        let out = certify(Kind::Checkpoint, 7, VERIFIER, &weights(&k), &collected);
        assert_eq!(out.certified.len(), 2);
        let first = &out.certified[0];
        assert_eq!(first.statement.slot.height, 5);
        let mut expected: Vec<Address> = k[..3].iter().map(PrivateKeySigner::address).collect();
        expected.sort();
        assert_eq!(first.signatories, expected);
        assert_eq!(out.certified[1].signatories.len(), 3);
        assert_eq!(out.faults.len(), 1);
        assert_eq!(
            (out.faults[0].validator, out.faults[0].kind.clone()),
            (k[3].address(), FaultKind::WrongStatement)
        );
    }

    #[test]
    fn two_of_four_certify_nothing_succeeds() {
        let k = keys();
        let collected = vec![
            served(&k[0], vec![signed(&k[0], 5, 1)]),
            served(&k[1], vec![signed(&k[1], 5, 1)]),
        ];
        let out = certify(Kind::Checkpoint, 7, VERIFIER, &weights(&k), &collected);
        assert!(out.certified.is_empty() && out.faults.is_empty());
    }

    #[test]
    fn forged_signatures_odd_heights_and_strangers_are_refused_reverts() {
        let k = keys();
        let mut forged = signed(&k[0], 5, 1);
        forged.signature = signed(&k[1], 5, 1).signature; // k[1]'s signature served by k[0]
        let mut relabelled = signed(&k[3], 5, 1);
        relabelled.height = 6;
        let stranger = PrivateKeySigner::from_bytes(&B256::with_last_byte(99)).unwrap();
        let collected = vec![
            served(&k[0], vec![forged]),
            served(&k[1], vec![signed(&k[1], 3, 4), signed(&k[1], 5, 1)]),
            served(&k[2], vec![signed(&k[2], 5, 1)]),
            served(&k[3], vec![relabelled, signed(&k[3], 5, 1)]),
            served(&stranger, vec![signed(&stranger, 5, 1)]),
        ];
        let out = certify(Kind::Checkpoint, 7, VERIFIER, &weights(&k), &collected);
        assert_eq!(out.certified.len(), 1);
        assert_eq!(out.certified[0].signatories.len(), 3);
        let kinds: Vec<(Address, FaultKind)> =
            out.faults.iter().map(|f| (f.validator, f.kind.clone())).collect();
        assert!(kinds.contains(&(k[0].address(), FaultKind::BadSignature)), "{kinds:?}");
        assert!(kinds.contains(&(k[1].address(), FaultKind::UnsupportedHeight)), "{kinds:?}");
        assert!(
            kinds.iter().any(|(a, f)| *a == k[3].address() && matches!(f, FaultKind::Malformed(_))),
            "{kinds:?}"
        );
        assert_eq!(kinds.len(), 3, "the stranger is ignored: {kinds:?}");
    }

    #[test]
    fn weights_decide_succeeds() {
        let k = keys();
        let mut w = weights(&k);
        w.insert(k[0].address(), U256::from(6)); // 6 of 9: exactly 2/3
        let collected = vec![served(&k[0], vec![signed(&k[0], 5, 1)])];
        let out = certify(Kind::Checkpoint, 7, VERIFIER, &w, &collected);
        assert!(out.certified.is_empty(), "exactly 2/3 is not more than 2/3");
        w.insert(k[0].address(), U256::from(7)); // 7 of 10
        let out = certify(Kind::Checkpoint, 7, VERIFIER, &w, &collected);
        assert_eq!(out.certified.len(), 1);
    }
}
