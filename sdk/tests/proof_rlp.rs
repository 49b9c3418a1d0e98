//! `proof::rlp` against the canonical RLP vectors and alloy-rlp.
//!
//! Fixed vectors from the Ethereum RLP tests, every rejection rule, and
//! property tests (fixed seeds) that decode alloy-rlp encodings of random
//! nested items and integers, and that accept exactly the headers alloy-rlp
//! accepts on random input.
#![allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.

mod proof_support;

use alloy_primitives::{hex, B256, U256};
use alloy_rlp::{Encodable, Header};
use crossnet_sdk::proof::rlp::{decode, decode_exact, Item, RlpError};
use proof_support::config;
use proptest::{collection::vec, prelude::*};

/// A nested RLP value, encoded with alloy-rlp.
#[derive(Clone, Debug, PartialEq)]
enum Tree {
    Bytes(Vec<u8>),
    List(Vec<Tree>),
}

impl Tree {
    fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Self::Bytes(b) => b.as_slice().encode(out),
            Self::List(items) => {
                let mut payload = Vec::new();
                for item in items {
                    item.encode(&mut payload);
                }
                Header { list: true, payload_length: payload.len() }.encode(out);
                out.extend(payload);
            }
        }
    }

    fn encoded(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode(&mut out);
        out
    }

    /// Decodes with the decoder under test.
    fn decode(item: Item<'_>) -> Result<Self, RlpError> {
        if item.is_list() {
            item.list()?.map(|i| i.and_then(Self::decode)).collect::<Result<_, _>>().map(Self::List)
        } else {
            Ok(Self::Bytes(item.bytes()?.to_vec()))
        }
    }
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop_oneof![
        vec(any::<u8>(), 0..=2).prop_map(Tree::Bytes),
        vec(any::<u8>(), 0..=70).prop_map(Tree::Bytes),
        vec(any::<u8>(), 250..=300).prop_map(Tree::Bytes),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| vec(inner, 0..8).prop_map(Tree::List))
}

fn item(input: &[u8]) -> Item<'_> {
    decode_exact(input).unwrap()
}

fn bytes_of(input: &[u8]) -> Vec<u8> {
    decode_exact(input).unwrap().bytes().unwrap().to_vec()
}

#[test]
fn decode_canonical_vectors_succeeds() {
    // Strings.
    assert_eq!(bytes_of(&hex!("80")), b"");
    assert_eq!(bytes_of(&hex!("83646f67")), b"dog");
    assert_eq!(bytes_of(&hex!("00")), [0x00]);
    assert_eq!(bytes_of(&hex!("0f")), [0x0f]);
    assert_eq!(bytes_of(&hex!("7f")), [0x7f]);
    assert_eq!(bytes_of(&hex!("8180")), [0x80]);
    let lorem = b"Lorem ipsum dolor sit amet, consectetur adipisicing elit";
    assert_eq!(lorem.len(), 56);
    let encoded = [&hex!("b838")[..], lorem].concat();
    assert_eq!(bytes_of(&encoded), lorem);
    // Lists.
    let cat_dog = decode_exact(&hex!("c88363617483646f67")).unwrap();
    assert_eq!(
        Tree::decode(cat_dog),
        Ok(Tree::List(vec![Tree::Bytes(b"cat".to_vec()), Tree::Bytes(b"dog".to_vec())]))
    );
    assert_eq!(Tree::decode(decode_exact(&hex!("c0")).unwrap()), Ok(Tree::List(vec![])));
    // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
    let empty = || Tree::List(vec![]);
    let three = Tree::List(vec![
        empty(),
        Tree::List(vec![empty()]),
        Tree::List(vec![empty(), Tree::List(vec![empty()])]),
    ]);
    assert_eq!(Tree::decode(decode_exact(&hex!("c7c0c1c0c3c0c1c0")).unwrap()), Ok(three));
    // A long list (payload of 60 bytes).
    let long = Tree::List(vec![Tree::Bytes(vec![0x41; 58])]);
    let encoded = long.encoded();
    assert_eq!(&encoded[..4], &hex!("f83cb83a"));
    assert_eq!(Tree::decode(decode_exact(&encoded).unwrap()), Ok(long));
    // Integers.
    assert_eq!(item(&hex!("80")).as_u64(), Ok(0));
    assert_eq!(item(&hex!("0f")).as_u64(), Ok(15));
    assert_eq!(item(&hex!("820400")).as_u64(), Ok(1024));
    assert_eq!(item(&hex!("8180")).as_u256(), Ok(U256::from(128)));
    let big = hex!("a1010000000000000000000000000000000000000000000000000000000000000000");
    assert_eq!(item(&big).as_u256(), Err(RlpError::IntegerOverflow));
    let max = hex!("a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
    assert_eq!(item(&max).as_u256(), Ok(U256::MAX));
    assert_eq!(item(&max).as_b256(), Ok(B256::repeat_byte(0xff)));
}

#[test]
fn decode_every_rejection_rule_reverts() {
    let cases: &[(&[u8], RlpError)] = &[
        // Empty input, truncated headers and payloads.
        (&[], RlpError::InputTooShort),
        (&hex!("83646f"), RlpError::InputTooShort),
        (&hex!("b8"), RlpError::InputTooShort),
        (&hex!("b90100"), RlpError::InputTooShort),
        (&hex!("c883636174"), RlpError::InputTooShort),
        (&hex!("f9"), RlpError::InputTooShort),
        // A single byte < 0x80 in a one-byte string.
        (&hex!("8100"), RlpError::NonCanonicalSingleByte),
        (&hex!("817f"), RlpError::NonCanonicalSingleByte),
        // Long form for a length <= 55, for strings and lists.
        (&hex!("b800"), RlpError::NonCanonicalSize),
        (&hex!("b83700"), RlpError::NonCanonicalSize),
        (&hex!("f800"), RlpError::NonCanonicalSize),
        (&hex!("f83700"), RlpError::NonCanonicalSize),
        // Leading zero byte in a long length.
        (&hex!("b90038"), RlpError::NonCanonicalSize),
        (&hex!("f9003800"), RlpError::NonCanonicalSize),
    ];
    for (input, error) in cases {
        assert_eq!(decode(input).map(|_| ()), Err(*error), "{}", hex::encode(input));
    }
    // Lengths past the input, including lengths beyond 32 bits.
    for input in [&hex!("bb7fffffff")[..], &hex!("bfffffffffffffffff"), &hex!("ff0100000000000000")]
    {
        let err = decode(input).map(|_| ()).unwrap_err();
        assert!(matches!(err, RlpError::InputTooShort | RlpError::LengthOverflow), "{err:?}");
    }
    // Trailing bytes where exactness is required.
    assert_eq!(decode_exact(&hex!("8080")).map(|_| ()), Err(RlpError::TrailingBytes));
    assert_eq!(decode_exact(&hex!("c0c0")).map(|_| ()), Err(RlpError::TrailingBytes));
    // Scalars.
    assert_eq!(item(&hex!("00")).as_u64(), Err(RlpError::LeadingZero));
    assert_eq!(item(&hex!("820001")).as_u256(), Err(RlpError::LeadingZero));
    assert_eq!(item(&hex!("89010000000000000000")).as_u64(), Err(RlpError::IntegerOverflow));
    assert_eq!(item(&hex!("c0")).as_u64(), Err(RlpError::UnexpectedList));
    assert_eq!(item(&hex!("83646f67")).as_b256(), Err(RlpError::UnexpectedLength));
    assert_eq!(item(&hex!("83646f67")).list().map(|_| ()), Err(RlpError::UnexpectedString));
}

proptest! {
    #![proptest_config(config(512, 0x0012_c0de, "proptest-regressions/proof_rlp.txt"))]

    /// Nested items encoded by alloy-rlp decode to the same structure.
    #[test]
    fn decode_alloy_rlp_round_trip(tree in tree(), tail in vec(any::<u8>(), 1..4)) {
        let encoded = tree.encoded();
        let item = decode_exact(&encoded).unwrap();
        prop_assert_eq!(item.encoded(), &encoded[..]);
        prop_assert_eq!(Tree::decode(item), Ok(tree));
        // With trailing bytes: `decode` returns them, `decode_exact` rejects.
        let longer = [&encoded[..], &tail].concat();
        let (again, rest) = decode(&longer).unwrap();
        prop_assert_eq!(again, item);
        prop_assert_eq!(rest, &tail[..]);
        prop_assert_eq!(decode_exact(&longer), Err(RlpError::TrailingBytes));
        // Every strict prefix is rejected.
        for cut in 0..encoded.len() {
            prop_assert!(decode_exact(&encoded[..cut]).is_err());
        }
    }

    /// Integers and words encoded by alloy-rlp decode to the same value.
    #[test]
    fn decode_alloy_rlp_scalars(n in any::<u64>(), limbs in any::<[u64; 4]>(), shift in 0usize..256) {
        let value = U256::from_limbs(limbs) >> shift;
        prop_assert_eq!(decode_exact(&alloy_rlp::encode(n)).unwrap().as_u64(), Ok(n));
        prop_assert_eq!(decode_exact(&alloy_rlp::encode(value)).unwrap().as_u256(), Ok(value));
        let word = B256::from(value);
        prop_assert_eq!(decode_exact(&alloy_rlp::encode(word)).unwrap().as_b256(), Ok(word));
    }

    /// On random input the decoder accepts exactly the items alloy-rlp
    /// accepts, with the same header and payload; scalar decoding agrees too.
    #[test]
    fn decode_matches_alloy_rlp(prefix in any::<u8>(), rest in vec(any::<u8>(), 0..80)) {
        let input = [&[prefix][..], &rest].concat();
        let mut buf = &input[..];
        let theirs = Header::decode(&mut buf);
        let ours = decode(&input);
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?} vs {:?}", ours, theirs);
        if let (Ok((item, after)), Ok(header)) = (ours, theirs) {
            prop_assert_eq!(item.is_list(), header.list);
            prop_assert_eq!(item.payload(), &buf[..header.payload_length]);
            prop_assert_eq!(after, &buf[header.payload_length..]);
        }
        let ours = decode_exact(&input).and_then(|i| i.as_u64());
        prop_assert_eq!(ours.ok(), alloy_rlp::decode_exact::<u64>(&input).ok());
        let ours = decode_exact(&input).and_then(|i| i.as_u256());
        prop_assert_eq!(ours.ok(), alloy_rlp::decode_exact::<U256>(&input).ok());
    }
}
