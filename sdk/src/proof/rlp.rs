//! Zero-copy, canonical RLP decoding.
//!
//! Trie proofs are untrusted input, and two different byte strings must never
//! decode to the same node, so this decoder accepts only the canonical (shortest)
//! encoding of every item: a one-byte string below `0x80` must be the byte
//! itself, lengths of 55 bytes or less must use the short form, long lengths
//! carry no leading zero bytes, and integers carry no leading zero bytes.
//!
//! Every function works on borrowed slices, uses checked arithmetic, consumes at
//! least one byte per loop iteration and never panics.

use alloy_primitives::{B256, U256};

/// Offset of the string prefixes (`0x80` = empty string).
const STRING_OFFSET: u8 = 0x80;
/// Offset of the list prefixes (`0xc0` = empty list).
const LIST_OFFSET: u8 = 0xc0;
/// Longest payload that uses the one-byte (short) header.
const MAX_SHORT_LEN: usize = 55;

/// Why an RLP input was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RlpError {
    /// The input is empty, or ends inside an item's header or payload.
    InputTooShort,
    /// A length uses the long form although it fits the short form, or a long
    /// length starts with a zero byte.
    NonCanonicalSize,
    /// A single byte below `0x80` is wrapped in a one-byte string header
    /// (`0x81 0x00..=0x7f`) instead of standing for itself.
    NonCanonicalSingleByte,
    /// A declared length does not fit in the address space.
    LengthOverflow,
    /// Bytes follow an item where the input must be exactly one item.
    TrailingBytes,
    /// A list was found where a string was expected.
    UnexpectedList,
    /// A string was found where a list was expected.
    UnexpectedString,
    /// An integer is encoded with leading zero bytes.
    LeadingZero,
    /// An integer does not fit the requested type.
    IntegerOverflow,
    /// A fixed-size byte string (such as a 32-byte word) has another length.
    UnexpectedLength,
    /// A list holds more items than the caller accepts.
    TooManyItems,
}

/// One decoded RLP item, borrowing from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// Whether the item is a list.
    is_list: bool,
    /// The bytes after the header.
    payload: &'a [u8],
    /// Header and payload.
    encoded: &'a [u8],
}

impl<'a> Item<'a> {
    /// The empty string item (`0x80`), useful to initialise item buffers.
    pub const EMPTY: Item<'static> = Item { is_list: false, payload: &[], encoded: &[0x80] };

    /// Whether the item is a list (otherwise it is a byte string).
    #[must_use]
    pub const fn is_list(&self) -> bool {
        self.is_list
    }

    /// The payload: the string's bytes, or the concatenated encodings of the
    /// list's items.
    #[must_use]
    pub const fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The item's full encoding, header included.
    #[must_use]
    pub const fn encoded(&self) -> &'a [u8] {
        self.encoded
    }

    /// The bytes of a string item.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedList`] if the item is a list.
    pub const fn bytes(&self) -> Result<&'a [u8], RlpError> {
        if self.is_list {
            Err(RlpError::UnexpectedList)
        } else {
            Ok(self.payload)
        }
    }

    /// An iterator over the items of a list item.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedString`] if the item is a string. The iterator
    /// itself yields the error of a malformed item and then stops.
    pub const fn list(&self) -> Result<ListIter<'a>, RlpError> {
        if self.is_list {
            Ok(ListIter { rest: self.payload })
        } else {
            Err(RlpError::UnexpectedString)
        }
    }

    /// Decodes the items of a list item into `out`, returning how many there are.
    ///
    /// # Arguments
    /// * `out` - buffer receiving the items, in order; its length is the
    ///   largest number of items accepted.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedString`] if the item is a string,
    /// [`RlpError::TooManyItems`] if the list has more than `out.len()` items,
    /// and any error of [`decode`] for a malformed item.
    pub fn list_into(&self, out: &mut [Item<'a>]) -> Result<usize, RlpError> {
        let mut rest = self.list()?.rest;
        let mut count = 0usize;
        while !rest.is_empty() {
            let (item, next) = decode(rest)?;
            *out.get_mut(count).ok_or(RlpError::TooManyItems)? = item;
            // `count < out.len()` here, so this cannot overflow.
            count = count.saturating_add(1);
            rest = next;
        }
        Ok(count)
    }

    /// Decodes a string item as a canonical unsigned integer of at most 8 bytes.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedList`] for a list, [`RlpError::IntegerOverflow`] for
    /// more than 8 bytes, [`RlpError::LeadingZero`] for a leading zero byte
    /// (zero is the empty string).
    pub fn as_u64(&self) -> Result<u64, RlpError> {
        let bytes = self.integer_bytes(8)?;
        Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }

    /// Decodes a string item as a canonical unsigned 256-bit integer.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedList`] for a list, [`RlpError::IntegerOverflow`] for
    /// more than 32 bytes, [`RlpError::LeadingZero`] for a leading zero byte
    /// (zero is the empty string).
    pub fn as_u256(&self) -> Result<U256, RlpError> {
        let bytes = self.integer_bytes(32)?;
        U256::try_from_be_slice(bytes).ok_or(RlpError::IntegerOverflow)
    }

    /// Decodes a string item of exactly 32 bytes.
    ///
    /// # Errors
    /// [`RlpError::UnexpectedList`] for a list, [`RlpError::UnexpectedLength`]
    /// for a string that is not 32 bytes long.
    pub fn as_b256(&self) -> Result<B256, RlpError> {
        <[u8; 32]>::try_from(self.bytes()?).map(B256::from).map_err(|_| RlpError::UnexpectedLength)
    }

    /// The big-endian bytes of a canonical integer of at most `max_len` bytes.
    fn integer_bytes(&self, max_len: usize) -> Result<&'a [u8], RlpError> {
        let bytes = self.bytes()?;
        if bytes.len() > max_len {
            return Err(RlpError::IntegerOverflow);
        }
        if bytes.first() == Some(&0) {
            return Err(RlpError::LeadingZero);
        }
        Ok(bytes)
    }
}

/// Iterator over the items of a list, see [`Item::list`].
///
/// Yields `Err` once for a malformed item and then ends.
#[derive(Clone, Debug)]
pub struct ListIter<'a> {
    /// The encodings of the items not yet visited.
    rest: &'a [u8],
}

impl<'a> Iterator for ListIter<'a> {
    type Item = Result<Item<'a>, RlpError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        match decode(self.rest) {
            Ok((item, rest)) => {
                self.rest = rest;
                Some(Ok(item))
            }
            Err(e) => {
                self.rest = &[];
                Some(Err(e))
            }
        }
    }
}

/// Decodes the first item of `input`.
///
/// # Arguments
/// * `input` - bytes starting with an RLP item.
///
/// # Returns
/// The item and the bytes after it.
///
/// # Errors
/// [`RlpError::InputTooShort`] if the input is empty or shorter than the item,
/// [`RlpError::NonCanonicalSize`], [`RlpError::NonCanonicalSingleByte`] for a
/// non-minimal header, [`RlpError::LengthOverflow`] for a length beyond `usize`.
pub fn decode(input: &[u8]) -> Result<(Item<'_>, &[u8]), RlpError> {
    let (&prefix, after_prefix) = input.split_first().ok_or(RlpError::InputTooShort)?;
    // The subtractions below cannot underflow (each branch bounds `prefix`
    // from below) and `1 + extra` is at most 9.
    let (is_list, header_len, payload_len) = if prefix < STRING_OFFSET {
        // A single byte below 0x80 is its own encoding.
        (false, 0, 1)
    } else if prefix < LIST_OFFSET {
        let (extra, len) = payload_length(after_prefix, prefix - STRING_OFFSET)?;
        (false, 1 + extra, len)
    } else {
        let (extra, len) = payload_length(after_prefix, prefix - LIST_OFFSET)?;
        (true, 1 + extra, len)
    };
    let end = header_len.checked_add(payload_len).ok_or(RlpError::LengthOverflow)?;
    let encoded = input.get(..end).ok_or(RlpError::InputTooShort)?;
    let payload = encoded.get(header_len..).ok_or(RlpError::InputTooShort)?;
    if !is_list && header_len == 1 && matches!(payload, [b] if *b < STRING_OFFSET) {
        return Err(RlpError::NonCanonicalSingleByte);
    }
    let rest = input.get(end..).ok_or(RlpError::InputTooShort)?;
    Ok((Item { is_list, payload, encoded }, rest))
}

/// Decodes `input` as exactly one item.
///
/// # Errors
/// Every error of [`decode`], and [`RlpError::TrailingBytes`] if bytes follow
/// the item.
pub fn decode_exact(input: &[u8]) -> Result<Item<'_>, RlpError> {
    let (item, rest) = decode(input)?;
    if rest.is_empty() {
        Ok(item)
    } else {
        Err(RlpError::TrailingBytes)
    }
}

/// Reads a payload length given the header byte minus its offset (`0..=63`).
///
/// Returns the number of length bytes after the prefix and the payload length.
fn payload_length(after_prefix: &[u8], short: u8) -> Result<(usize, usize), RlpError> {
    let short = usize::from(short);
    if short <= MAX_SHORT_LEN {
        return Ok((0, short));
    }
    // Long form: 1..=8 big-endian length bytes follow the prefix (`short` is
    // 56..=63 here).
    let len_of_len = short - MAX_SHORT_LEN;
    let len_bytes = after_prefix.get(..len_of_len).ok_or(RlpError::InputTooShort)?;
    if len_bytes.first() == Some(&0) {
        return Err(RlpError::NonCanonicalSize);
    }
    let mut len = 0usize;
    for &b in len_bytes {
        len = len
            .checked_mul(256)
            .and_then(|l| l.checked_add(usize::from(b)))
            .ok_or(RlpError::LengthOverflow)?;
    }
    if len <= MAX_SHORT_LEN {
        return Err(RlpError::NonCanonicalSize);
    }
    Ok((len_of_len, len))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // Tests fail loudly on unexpected values.
mod tests {
    use super::*;
    use alloy_primitives::{b256, hex};

    fn item(input: &[u8]) -> Item<'_> {
        decode_exact(input).unwrap()
    }

    #[test]
    fn decode_single_byte_succeeds() {
        let it = item(&[0x00]);
        assert!(!it.is_list());
        assert_eq!(it.payload(), &[0x00]);
        assert_eq!(it.encoded(), &[0x00]);
        assert_eq!(item(&[0x7f]).payload(), &[0x7f]);
    }

    #[test]
    fn decode_short_and_long_strings_succeeds() {
        assert_eq!(item(&[0x80]).payload(), &[] as &[u8]);
        assert_eq!(item(&[0x81, 0x80]).payload(), &[0x80]);
        assert_eq!(item(&hex!("83646f67")).payload(), b"dog");
        let mut long = vec![0xb8, 56];
        long.extend([7u8; 56]);
        assert_eq!(item(&long).payload(), &[7u8; 56]);
        let mut longer = vec![0xb9, 0x01, 0x00];
        longer.extend([1u8; 256]);
        assert_eq!(item(&longer).payload().len(), 256);
    }

    #[test]
    fn decode_lists_succeeds() {
        let it = item(&hex!("c88363617483646f67"));
        assert!(it.is_list());
        let items: Vec<_> = it.list().unwrap().map(Result::unwrap).collect();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].bytes().unwrap(), b"cat");
        assert_eq!(items[1].encoded(), &hex!("83646f67"));
        assert_eq!(item(&[0xc0]).list().unwrap().count(), 0);
        let mut out = [Item::EMPTY; 2];
        assert_eq!(it.list_into(&mut out).unwrap(), 2);
        let mut small = [Item::EMPTY; 1];
        assert_eq!(it.list_into(&mut small), Err(RlpError::TooManyItems));
    }

    #[test]
    fn decode_non_canonical_reverts() {
        // 0x81 followed by a byte < 0x80.
        assert_eq!(decode(&[0x81, 0x7f]), Err(RlpError::NonCanonicalSingleByte));
        assert_eq!(decode(&[0x81, 0x00]), Err(RlpError::NonCanonicalSingleByte));
        // Long form for a short length.
        let mut s = vec![0xb8, 55];
        s.extend([1u8; 55]);
        assert_eq!(decode(&s), Err(RlpError::NonCanonicalSize));
        let mut l = vec![0xf8, 2, 0x80, 0x80];
        assert_eq!(decode(&l), Err(RlpError::NonCanonicalSize));
        // Leading zero in a long length.
        l = vec![0xb9, 0x00, 0x38];
        l.extend([1u8; 56]);
        assert_eq!(decode(&l), Err(RlpError::NonCanonicalSize));
    }

    #[test]
    fn decode_truncated_reverts() {
        assert_eq!(decode(&[]), Err(RlpError::InputTooShort));
        assert_eq!(decode(&[0x82, 0x01]), Err(RlpError::InputTooShort));
        assert_eq!(decode(&[0xb8]), Err(RlpError::InputTooShort));
        assert_eq!(decode(&[0xb9, 0x01]), Err(RlpError::InputTooShort));
        assert_eq!(decode(&[0xc2, 0x80]), Err(RlpError::InputTooShort));
        assert_eq!(decode(&[0xf8, 0x40]), Err(RlpError::InputTooShort));
        // Eight length bytes of 0xff: too long for the input (or for usize).
        let mut huge = vec![0xbf];
        huge.extend([0xff; 8]);
        assert!(matches!(decode(&huge), Err(RlpError::InputTooShort | RlpError::LengthOverflow)));
    }

    #[test]
    fn decode_exact_trailing_reverts() {
        assert_eq!(decode_exact(&[0x80, 0x80]), Err(RlpError::TrailingBytes));
        let (it, rest) = decode(&[0x01, 0x02]).unwrap();
        assert_eq!(it.payload(), &[0x01]);
        assert_eq!(rest, &[0x02]);
    }

    #[test]
    fn list_iter_malformed_item_reverts() {
        // A list whose payload holds a truncated item.
        let it = item(&[0xc2, 0x82, 0x01]);
        let mut iter = it.list().unwrap();
        assert_eq!(iter.next(), Some(Err(RlpError::InputTooShort)));
        assert_eq!(iter.next(), None);
        assert_eq!(item(&[0x80]).list().err(), Some(RlpError::UnexpectedString));
        assert_eq!(item(&[0xc0]).bytes(), Err(RlpError::UnexpectedList));
    }

    #[test]
    fn scalars_succeed() {
        assert_eq!(item(&[0x80]).as_u64(), Ok(0));
        assert_eq!(item(&[0x01]).as_u64(), Ok(1));
        assert_eq!(item(&[0x81, 0x80]).as_u64(), Ok(0x80));
        assert_eq!(item(&hex!("88ffffffffffffffff")).as_u64(), Ok(u64::MAX));
        assert_eq!(item(&hex!("820400")).as_u256(), Ok(U256::from(1024)));
        let mut max = vec![0xa0];
        max.extend([0xff; 32]);
        assert_eq!(item(&max).as_u256(), Ok(U256::MAX));
        let word = b256!("290decd9548b62a8d60345a988386fc84ba6bc95484008f6362f93160ef3e563");
        let mut enc = vec![0xa0];
        enc.extend(word.as_slice());
        assert_eq!(item(&enc).as_b256(), Ok(word));
    }

    #[test]
    fn scalars_reverts() {
        assert_eq!(item(&[0x00]).as_u64(), Err(RlpError::LeadingZero));
        assert_eq!(item(&hex!("820001")).as_u64(), Err(RlpError::LeadingZero));
        assert_eq!(item(&hex!("89010000000000000000")).as_u64(), Err(RlpError::IntegerOverflow));
        assert_eq!(item(&hex!("820001")).as_u256(), Err(RlpError::LeadingZero));
        let mut big = vec![0xa1];
        big.extend([0x01; 33]);
        assert_eq!(item(&big).as_u256(), Err(RlpError::IntegerOverflow));
        assert_eq!(item(&[0xc0]).as_u256(), Err(RlpError::UnexpectedList));
        assert_eq!(item(&hex!("820001")).as_b256(), Err(RlpError::UnexpectedLength));
        assert_eq!(item(&[0xc0]).as_b256(), Err(RlpError::UnexpectedList));
    }
}
