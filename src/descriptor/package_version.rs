//! A package's version suffix (`v1`, `v1beta1`, `v1p1alpha2`, `v1test`), parsed as buf 1.75.0
//! reads it: the one parser behind lint's PACKAGE_VERSION_SUFFIX and
//! STABLE_PACKAGE_NO_IMPORT_UNSTABLE and breaking's `ignore_unstable_packages`.

/// How stable a well-formed version suffix says the package is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    /// `vN`.
    Stable,
    /// `vNalpha[M]`, `vNbeta[M]`, `vNpKalpha[M]`, `vNpKbeta[M]`, `vNtest...`.
    Unstable,
}

/// The stability of `package`'s version suffix, or `None` when it has none (a package of one
/// component has none either: `v1` alone is not versioned).
pub fn package_version(package: &str) -> Option<Stability> {
    let (_, last) = package.rsplit_once('.')?;
    parse_version(last)
}

/// Parses one package component as a version, as buf 1.75.0 accepts them.
fn parse_version(component: &str) -> Option<Stability> {
    let rest = component.strip_prefix('v')?;
    let (_, rest) = positive(rest)?;
    if rest.is_empty() {
        return Some(Stability::Stable);
    }
    // buf parity: anything may follow `test` (`v1testfoo`, `v1test_x`), but `test` cannot follow
    // a patch number (`v1p1test` is rejected).
    if rest.starts_with("test") {
        return Some(Stability::Unstable);
    }
    let rest = match rest.strip_prefix('p') {
        Some(patch) => positive(patch)?.1,
        None => rest,
    };
    let rest = rest
        .strip_prefix("alpha")
        .or_else(|| rest.strip_prefix("beta"))?;
    // The number after alpha/beta is optional (`v1beta`), but must be positive when present.
    if rest.is_empty() || positive(rest)?.1.is_empty() {
        Some(Stability::Unstable)
    } else {
        None
    }
}

/// Splits leading ASCII digits off `s`; they must form a positive 32-bit signed integer (leading
/// zeros allowed: buf parity, `v01` is accepted, `v0` and `v2147483648` are not).
fn positive(s: &str) -> Option<(i32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: i32 = s[..end].parse().ok()?;
    (n > 0).then_some((n, &s[end..]))
}

#[cfg(test)]
mod tests {
    use super::{package_version, Stability::*};

    #[test]
    fn versions_as_buf_reads_them() {
        for (package, expected) in [
            ("a.v1", Some(Stable)),
            ("a.v01", Some(Stable)),
            ("a.v2147483647", Some(Stable)),
            ("a.v1beta1", Some(Unstable)),
            ("a.v1alpha", Some(Unstable)),
            ("a.v1p1beta1", Some(Unstable)),
            ("a.v1p1beta", Some(Unstable)),
            ("a.v1test", Some(Unstable)),
            ("a.v1testFoo", Some(Unstable)),
            ("a.v1beta01", Some(Unstable)),
            ("v1", None),
            ("a.v0", None),
            ("a.v2147483648", None),
            ("a.V1", None),
            ("a.v1beta0", None),
            ("a.v1p0beta1", None),
            ("a.v1p1", None),
            ("a.v1p1test", None),
            ("a.v1tes", None),
            ("a.v1alpha1test", None),
            ("a.v1alpha1beta1", None),
            ("a.v1_", None),
            ("a.v", None),
            ("a.vv1", None),
        ] {
            assert_eq!(package_version(package), expected, "{package}");
        }
    }
}
