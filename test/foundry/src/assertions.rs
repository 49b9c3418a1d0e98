//! forge-std's assertions: `assertEq(a, b)` and friends call the `vm.assert*` cheatcodes, whose
//! failure reverts with forge's message (`assertion failed: 1 != 2`, or `<err>: 1 != 2`).
//!
//! Served: `assertTrue` / `assertFalse`; `assertEq` / `assertNotEq` for `bool`, `uint256`,
//! `int256`, `address`, `bytes32`, `string`, `bytes` and arrays of each; `assertGt`, `assertGe`,
//! `assertLt`, `assertLe`, `assertApproxEqAbs`, `assertApproxEqRel` for `uint256` and `int256`;
//! the `*Decimal` variants; each with and without the trailing `string` message.

use alloy_dyn_abi::DynSolValue;
use alloy_primitives::{I256, U256};

use crate::format;

const SCALARS: [&str; 7] = ["bool", "uint256", "int256", "address", "bytes32", "string", "bytes"];
const NUMBERS: [&str; 2] = ["uint256", "int256"];

/// Every assertion signature served.
pub fn signatures() -> Vec<String> {
    let mut all = Vec::new();
    let mut both = |name: &str, params: &str| {
        all.push(format!("{name}({params})"));
        all.push(format!("{name}({params},string)"));
    };
    both("assertTrue", "bool");
    both("assertFalse", "bool");
    for ty in SCALARS {
        for t in [ty.to_string(), format!("{ty}[]")] {
            both("assertEq", &format!("{t},{t}"));
            both("assertNotEq", &format!("{t},{t}"));
        }
    }
    for t in NUMBERS {
        for op in ["Gt", "Ge", "Lt", "Le"] {
            both(&format!("assert{op}"), &format!("{t},{t}"));
            both(&format!("assert{op}Decimal"), &format!("{t},{t},uint256"));
        }
        both("assertEqDecimal", &format!("{t},{t},uint256"));
        both("assertNotEqDecimal", &format!("{t},{t},uint256"));
        both("assertApproxEqAbs", &format!("{t},{t},uint256"));
        both("assertApproxEqAbsDecimal", &format!("{t},{t},uint256,uint256"));
        both("assertApproxEqRel", &format!("{t},{t},uint256"));
        both("assertApproxEqRelDecimal", &format!("{t},{t},uint256,uint256"));
    }
    all
}

/// A number argument, signed or not.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Number {
    Unsigned(U256),
    Signed(I256),
}

impl Number {
    fn of(value: &DynSolValue) -> Option<Self> {
        match value {
            DynSolValue::Uint(u, _) => Some(Self::Unsigned(*u)),
            DynSolValue::Int(i, _) => Some(Self::Signed(*i)),
            _ => None,
        }
    }

    /// `|a - b|`.
    fn distance(self, other: Self) -> U256 {
        match (self, other) {
            (Self::Unsigned(a), Self::Unsigned(b)) => a.abs_diff(b),
            // The wrapping difference of the larger minus the smaller is the true distance.
            (Self::Signed(a), Self::Signed(b)) if a >= b => a.into_raw().wrapping_sub(b.into_raw()),
            (Self::Signed(a), Self::Signed(b)) => b.into_raw().wrapping_sub(a.into_raw()),
            _ => U256::MAX,
        }
    }

    fn magnitude(self) -> U256 {
        match self {
            Self::Unsigned(u) => u,
            Self::Signed(i) => i.unsigned_abs(),
        }
    }

    fn render(self, decimals: Option<usize>) -> String {
        let (negative, magnitude) = match self {
            Self::Unsigned(u) => (false, u),
            Self::Signed(i) => (i.is_negative(), i.unsigned_abs()),
        };
        let digits = magnitude.to_string();
        let body = match decimals {
            Some(d) if d > 0 => {
                let padded = format!("{digits:0>width$}", width = d + 1);
                let (int, frac) = padded.split_at(padded.len() - d);
                format!("{int}.{frac}")
            }
            _ => digits,
        };
        if negative {
            format!("-{body}")
        } else {
            body
        }
    }
}

fn number(args: &[DynSolValue], i: usize) -> Result<Number, String> {
    args.get(i).and_then(Number::of).ok_or_else(|| format!("argument {i}: not a number"))
}

fn uint(args: &[DynSolValue], i: usize) -> Result<U256, String> {
    args.get(i)
        .and_then(DynSolValue::as_uint)
        .map(|(u, _)| u)
        .ok_or_else(|| format!("argument {i}: not a uint"))
}

/// 100% in `assertApproxEqRel`'s unit.
fn one_hundred_percent() -> U256 {
    U256::from(10u64).pow(U256::from(18))
}

fn percent(value: U256) -> String {
    Number::Unsigned(value * U256::from(100)).render(Some(18))
}

/// Runs the assertion `signature` on `args`; the failure message when it does not hold.
///
/// # Errors
/// The forge-style message of a failed assertion.
pub fn check(signature: &str, args: &[DynSolValue]) -> Result<(), String> {
    let name = signature.split('(').next().unwrap_or_default();
    let arity_without_message = match name {
        "assertTrue" | "assertFalse" => 1,
        "assertEq" | "assertNotEq" | "assertGt" | "assertGe" | "assertLt" | "assertLe" => 2,
        "assertApproxEqAbsDecimal" | "assertApproxEqRelDecimal" => 4,
        _ => 3,
    };
    let has_message = args.len() > arity_without_message;
    let prefix = if has_message {
        args.last().and_then(DynSolValue::as_str).unwrap_or("assertion failed").to_string()
    } else {
        "assertion failed".to_string()
    };
    let fail = |detail: String| {
        Err(if detail.is_empty() { prefix.clone() } else { format!("{prefix}: {detail}") })
    };
    match name {
        "assertTrue" | "assertFalse" => {
            let value =
                args.first().and_then(DynSolValue::as_bool).ok_or("argument 0: not a bool")?;
            if value == (name == "assertTrue") {
                Ok(())
            } else {
                fail(String::new())
            }
        }
        "assertEq" | "assertNotEq" => {
            let (a, b) =
                (args.first().ok_or("missing argument")?, args.get(1).ok_or("missing argument")?);
            let equal = a == b;
            match (name == "assertEq", equal) {
                (true, true) | (false, false) => Ok(()),
                (true, false) => fail(format!("{} != {}", format::value(a), format::value(b))),
                (false, true) => fail(format!("{} == {}", format::value(a), format::value(b))),
            }
        }
        "assertEqDecimal" | "assertNotEqDecimal" => {
            let (a, b) = (number(args, 0)?, number(args, 1)?);
            let decimals = usize::try_from(uint(args, 2)?).unwrap_or(0);
            let (ra, rb) = (a.render(Some(decimals)), b.render(Some(decimals)));
            match (name == "assertEqDecimal", a == b) {
                (true, true) | (false, false) => Ok(()),
                (true, false) => fail(format!("{ra} != {rb}")),
                (false, true) => fail(format!("{ra} == {rb}")),
            }
        }
        _ if name.starts_with("assertApproxEq") => {
            let (a, b) = (number(args, 0)?, number(args, 1)?);
            let bound = uint(args, 2)?;
            let decimals = name
                .ends_with("Decimal")
                .then(|| uint(args, 3).map(|d| usize::try_from(d).unwrap_or(0)))
                .transpose()?;
            let delta = a.distance(b);
            let (ra, rb) = (a.render(decimals), b.render(decimals));
            if name.starts_with("assertApproxEqAbs") {
                if delta <= bound {
                    return Ok(());
                }
                let (max, real) = (
                    Number::Unsigned(bound).render(decimals),
                    Number::Unsigned(delta).render(decimals),
                );
                return fail(format!("{ra} !~= {rb} (max delta: {max}, real delta: {real})"));
            }
            // Relative: delta / |b| in 1e18 = 100%.
            if b.magnitude().is_zero() {
                return if a == b { Ok(()) } else { fail(format!("{ra} !~= {rb}")) };
            }
            let relative = delta.saturating_mul(one_hundred_percent()) / b.magnitude();
            if relative <= bound {
                return Ok(());
            }
            fail(format!(
                "{ra} !~= {rb} (max delta: {}%, real delta: {}%)",
                percent(bound),
                percent(relative)
            ))
        }
        _ => {
            let (a, b) = (number(args, 0)?, number(args, 1)?);
            let op = name.trim_start_matches("assert").trim_end_matches("Decimal");
            let decimals = name
                .ends_with("Decimal")
                .then(|| uint(args, 2).map(|d| usize::try_from(d).unwrap_or(0)))
                .transpose()?;
            let (holds, negation) = match op {
                "Gt" => (a > b, "<="),
                "Ge" => (a >= b, "<"),
                "Lt" => (a < b, ">="),
                "Le" => (a <= b, ">"),
                other => return Err(format!("unknown assertion {other}")),
            };
            if holds {
                Ok(())
            } else {
                fail(format!("{} {negation} {}", a.render(decimals), b.render(decimals)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn run(signature: &str, args: Vec<DynSolValue>) -> Result<(), String> {
        check(signature, &args)
    }

    fn u(v: u64) -> DynSolValue {
        DynSolValue::Uint(U256::from(v), 256)
    }

    #[test]
    fn assert_eq_messages_follow_forge_succeeds() {
        assert!(run("assertEq(uint256,uint256)", vec![u(1), u(1)]).is_ok());
        assert_eq!(
            run("assertEq(uint256,uint256)", vec![u(1), u(2)]).unwrap_err(),
            "assertion failed: 1 != 2"
        );
        assert_eq!(
            run(
                "assertEq(uint256,uint256,string)",
                vec![u(1), u(2), DynSolValue::String("sum".into())]
            )
            .unwrap_err(),
            "sum: 1 != 2"
        );
        assert_eq!(
            run("assertNotEq(uint256,uint256)", vec![u(3), u(3)]).unwrap_err(),
            "assertion failed: 3 == 3"
        );
        assert_eq!(
            run("assertTrue(bool)", vec![DynSolValue::Bool(false)]).unwrap_err(),
            "assertion failed"
        );
        assert_eq!(
            run(
                "assertFalse(bool,string)",
                vec![DynSolValue::Bool(true), DynSolValue::String("flag".into())]
            )
            .unwrap_err(),
            "flag"
        );
    }

    #[test]
    fn comparisons_and_approximations_succeed() {
        assert!(run("assertGt(uint256,uint256)", vec![u(2), u(1)]).is_ok());
        assert_eq!(
            run("assertGe(uint256,uint256)", vec![u(1), u(2)]).unwrap_err(),
            "assertion failed: 1 < 2"
        );
        let minus = DynSolValue::Int(I256::try_from(-5).unwrap(), 256);
        let plus = DynSolValue::Int(I256::try_from(5).unwrap(), 256);
        assert!(run("assertLt(int256,int256)", vec![minus.clone(), plus.clone()]).is_ok());
        assert!(run(
            "assertApproxEqAbs(int256,int256,uint256)",
            vec![minus.clone(), plus.clone(), u(10)]
        )
        .is_ok());
        assert_eq!(
            run("assertApproxEqAbs(int256,int256,uint256)", vec![minus, plus, u(9)]).unwrap_err(),
            "assertion failed: -5 !~= 5 (max delta: 9, real delta: 10)"
        );
        // 1% of 100 is 1.
        let one_percent = u(10_000_000_000_000_000);
        assert!(run(
            "assertApproxEqRel(uint256,uint256,uint256)",
            vec![u(101), u(100), one_percent.clone()]
        )
        .is_ok());
        assert!(run(
            "assertApproxEqRel(uint256,uint256,uint256)",
            vec![u(102), u(100), one_percent]
        )
        .is_err());
        assert_eq!(
            run("assertEqDecimal(uint256,uint256,uint256)", vec![u(1500), u(2000), u(3)])
                .unwrap_err(),
            "assertion failed: 1.500 != 2.000"
        );
    }

    #[test]
    fn every_signature_parses_succeeds() {
        for signature in signatures() {
            assert!(alloy_json_abi::Function::parse(&signature).is_ok(), "{signature}");
        }
    }
}
