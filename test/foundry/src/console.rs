//! `console.log` (forge-std's `console` / `console2`): the calls the test makes to the console
//! address, decoded into the lines forge prints under `Logs:`.

use std::collections::HashMap;
use std::sync::OnceLock;

use alloy_dyn_abi::{DynSolValue, JsonAbiExt};
use alloy_json_abi::Function;

use crate::format;

/// Every `console.log` overload: `log()` and `log` of one to four `uint256`, `string`, `bool`,
/// `address` arguments; `log(int256)`, `log(bytes)`, `log(bytesN)` and the typed
/// `logInt` / `logUint` / `logString` / `logBool` / `logAddress` / `logBytes` / `logBytesN`.
fn signatures() -> Vec<String> {
    const TYPES: [&str; 4] = ["uint256", "string", "bool", "address"];
    let mut all = vec!["log()".to_string()];
    let mut combos: Vec<Vec<&str>> = vec![vec![]];
    for _ in 0..4 {
        combos = combos
            .iter()
            .flat_map(|c| TYPES.iter().map(move |t| [c.clone(), vec![*t]].concat()))
            .collect();
        all.extend(combos.iter().map(|c| format!("log({})", c.join(","))));
    }
    for ty in ["int256", "bytes"] {
        all.push(format!("log({ty})"));
    }
    for (name, ty) in [
        ("logInt", "int256"),
        ("logUint", "uint256"),
        ("logString", "string"),
        ("logBool", "bool"),
        ("logAddress", "address"),
        ("logBytes", "bytes"),
    ] {
        all.push(format!("{name}({ty})"));
    }
    for n in 1..=32 {
        all.push(format!("log(bytes{n})"));
        all.push(format!("logBytes{n}(bytes{n})"));
    }
    all
}

fn table() -> &'static HashMap<[u8; 4], Function> {
    static TABLE: OnceLock<HashMap<[u8; 4], Function>> = OnceLock::new();
    TABLE.get_or_init(|| {
        signatures()
            .iter()
            .filter_map(|s| Function::parse(s).ok())
            .map(|f| (f.selector().0, f))
            .collect()
    })
}

/// The line a `console.log` call prints: its arguments separated by spaces, or a format string
/// (`%s`, `%d`, `%i`, `%x`, `%e`, `%o`, `%%`) applied to the following ones. `None` for calldata
/// that is no `console.log` overload.
#[must_use]
pub fn decode(calldata: &[u8]) -> Option<String> {
    let selector: [u8; 4] = calldata.get(..4)?.try_into().ok()?;
    let function = table().get(&selector)?;
    let args = function.abi_decode_input(&calldata[4..]).ok()?;
    if let Some((DynSolValue::String(template), rest)) = args.split_first() {
        if template.contains('%') {
            return Some(apply_format(template, rest));
        }
    }
    Some(args.iter().map(format::value).collect::<Vec<_>>().join(" "))
}

fn apply_format(template: &str, args: &[DynSolValue]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('%') => {
                chars.next();
                out.push('%');
            }
            Some(spec @ ('s' | 'd' | 'i' | 'x' | 'e' | 'o')) => {
                chars.next();
                match (spec, args.next()) {
                    (_, None) => {
                        out.push('%');
                        out.push(spec);
                    }
                    ('x', Some(DynSolValue::Uint(u, _))) => out.push_str(&format!("{u:#x}")),
                    (_, Some(value)) => out.push_str(&format::value(value)),
                }
            }
            _ => out.push('%'),
        }
    }
    for rest in args {
        out.push(' ');
        out.push_str(&format::value(rest));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use alloy_primitives::{Address, U256};
    use alloy_sol_types::SolValue;

    use super::*;

    fn call(signature: &str, args: &[u8]) -> Vec<u8> {
        let mut data = Function::parse(signature).unwrap().selector().to_vec();
        data.extend_from_slice(args);
        data
    }

    #[test]
    fn console_calls_are_decoded_succeeds() {
        let data = call("log(string,uint256)", &("sent", U256::from(7)).abi_encode_params());
        assert_eq!(decode(&data).unwrap(), "sent 7");
        let data = call(
            "log(string,address,uint256)",
            &("to %s: %d wei", Address::repeat_byte(1), U256::from(5)).abi_encode_params(),
        );
        assert_eq!(decode(&data).unwrap(), "to 0x0101010101010101010101010101010101010101: 5 wei");
        assert_eq!(decode(&[0xde, 0xad, 0xbe, 0xef]), None);
    }
}
