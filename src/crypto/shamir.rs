//! sops-compatible Shamir secret sharing over GF(2^8) (AES polynomial x^8+x^4+x^3+x+1).
//!
//! Share layout (as sops writes it): the y-values, one per secret byte, followed by a single
//! x-coordinate byte. Share `i` (0-based) gets x = `i + 1`, so key group `i` in metadata order
//! receives share `i`.

use rand::RngCore;
use zeroize::{Zeroize, Zeroizing};

/// Errors from [`split`] and [`combine`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShamirError {
    #[error("secret to split must not be empty")]
    EmptySecret,
    #[error(
        "invalid Shamir parameters: need 2 <= threshold ({threshold}) <= parts ({parts}) <= 255"
    )]
    InvalidParameters { parts: usize, threshold: usize },
    #[error("need at least 2 Shamir shares to combine, got {0}")]
    TooFewShares(usize),
    #[error("Shamir shares must be at least 2 bytes long")]
    ShareTooShort,
    #[error("Shamir shares have different lengths")]
    LengthMismatch,
    #[error("duplicate Shamir share x-coordinate {0}")]
    DuplicateX(u8),
    #[error("Shamir share has x-coordinate 0")]
    ZeroX,
}

/// Multiplication in GF(2^8) modulo 0x11B, without secret-dependent branches or tables.
fn gf_mul(mut a: u8, mut b: u8) -> u8 {
    let mut p = 0u8;
    for _ in 0..8 {
        p ^= a & 0u8.wrapping_sub(b & 1);
        let hi = a >> 7;
        a = (a << 1) ^ (0x1B & 0u8.wrapping_sub(hi));
        b >>= 1;
    }
    p
}

/// Multiplicative inverse (a^254); the inverse of 0 is defined as 0.
fn gf_inv(a: u8) -> u8 {
    // a^254 = a^(2+4+8+16+32+64+128)
    let mut result = 1u8;
    let mut sq = a;
    for _ in 0..7 {
        sq = gf_mul(sq, sq);
        result = gf_mul(result, sq);
    }
    result
}

/// Evaluates the polynomial with the given coefficients (constant term first) at `x` (Horner).
fn eval(coeffs: &[u8], x: u8) -> u8 {
    coeffs.iter().rev().fold(0u8, |acc, &c| gf_mul(acc, x) ^ c)
}

/// Splits `secret` into `parts` shares, any `threshold` of which reconstruct it.
///
/// Each share is `secret.len() + 1` bytes: the y-values followed by the x-coordinate
/// (`index + 1`).
pub fn split(
    secret: &[u8],
    parts: usize,
    threshold: usize,
) -> Result<Vec<Zeroizing<Vec<u8>>>, ShamirError> {
    if secret.is_empty() {
        return Err(ShamirError::EmptySecret);
    }
    if threshold < 2 || threshold > parts || parts > 255 {
        return Err(ShamirError::InvalidParameters { parts, threshold });
    }
    let mut shares: Vec<Zeroizing<Vec<u8>>> = (0..parts)
        .map(|i| {
            let mut s = Zeroizing::new(vec![0u8; secret.len() + 1]);
            s[secret.len()] = (i + 1) as u8;
            s
        })
        .collect();
    let mut coeffs = Zeroizing::new(vec![0u8; threshold]);
    let mut rng = rand::rngs::OsRng;
    for (idx, &byte) in secret.iter().enumerate() {
        coeffs[0] = byte;
        rng.fill_bytes(&mut coeffs[1..]);
        for (i, share) in shares.iter_mut().enumerate() {
            share[idx] = eval(&coeffs, (i + 1) as u8);
        }
    }
    coeffs.zeroize();
    Ok(shares)
}

/// Reconstructs the secret from shares by Lagrange interpolation at x = 0.
///
/// Any number of shares >= 2 is accepted (more than the threshold is fine); with fewer
/// than the threshold the result is simply wrong, which the caller detects by the MAC.
pub fn combine<S: AsRef<[u8]>>(shares: &[S]) -> Result<Zeroizing<Vec<u8>>, ShamirError> {
    if shares.len() < 2 {
        return Err(ShamirError::TooFewShares(shares.len()));
    }
    let len = shares[0].as_ref().len();
    if len < 2 {
        return Err(ShamirError::ShareTooShort);
    }
    if shares.iter().any(|s| s.as_ref().len() != len) {
        return Err(ShamirError::LengthMismatch);
    }
    let xs: Vec<u8> = shares.iter().map(|s| s.as_ref()[len - 1]).collect();
    for (i, &x) in xs.iter().enumerate() {
        if x == 0 {
            return Err(ShamirError::ZeroX);
        }
        if xs[..i].contains(&x) {
            return Err(ShamirError::DuplicateX(x));
        }
    }
    // Lagrange basis polynomials evaluated at 0: l_i = prod_{j != i} x_j / (x_j - x_i).
    let basis: Vec<u8> = (0..xs.len())
        .map(|i| {
            xs.iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .fold(1u8, |acc, (_, &xj)| {
                    gf_mul(acc, gf_mul(xj, gf_inv(xj ^ xs[i])))
                })
        })
        .collect();
    let mut secret = Zeroizing::new(vec![0u8; len - 1]);
    for (idx, out) in secret.iter_mut().enumerate() {
        *out = shares
            .iter()
            .zip(&basis)
            .fold(0u8, |acc, (s, &l)| acc ^ gf_mul(s.as_ref()[idx], l));
    }
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_arithmetic() {
        // Known AES-field products (FIPS-197 section 4.2).
        assert_eq!(gf_mul(0x57, 0x83), 0xC1);
        assert_eq!(gf_mul(0x57, 0x13), 0xFE);
        for a in 1..=255u8 {
            assert_eq!(gf_mul(a, gf_inv(a)), 1, "inverse of {a}");
        }
        assert_eq!(gf_inv(0), 0);
    }

    #[test]
    fn roundtrip_all_subsets() {
        let secret: Vec<u8> = (0..32u8).map(|b| b.wrapping_mul(37) ^ 0x5A).collect();
        for n in 2..=5usize {
            for t in 2..=n {
                let shares = split(&secret, n, t).unwrap();
                assert_eq!(shares.len(), n);
                for (i, s) in shares.iter().enumerate() {
                    assert_eq!(s.len(), 33);
                    assert_eq!(s[32] as usize, i + 1);
                }
                // every subset of size >= t recovers the secret
                for mask in 0u32..(1 << n) {
                    let subset: Vec<&[u8]> = (0..n)
                        .filter(|i| mask & (1 << i) != 0)
                        .map(|i| shares[i].as_slice())
                        .collect();
                    if subset.len() >= t {
                        assert_eq!(
                            combine(&subset).unwrap().as_slice(),
                            &secret[..],
                            "n={n} t={t} mask={mask:b}"
                        );
                    } else if subset.len() >= 2 {
                        // too few shares: almost surely a different value, never an error
                        assert!(combine(&subset).is_ok());
                    }
                }
            }
        }
    }

    #[test]
    fn parameter_and_share_errors() {
        assert_eq!(split(&[], 3, 2).unwrap_err(), ShamirError::EmptySecret);
        assert!(matches!(
            split(b"x", 3, 1),
            Err(ShamirError::InvalidParameters { .. })
        ));
        assert!(matches!(
            split(b"x", 2, 3),
            Err(ShamirError::InvalidParameters { .. })
        ));
        assert!(matches!(
            split(b"x", 256, 2),
            Err(ShamirError::InvalidParameters { .. })
        ));
        let shares = split(b"secret", 3, 2).unwrap();
        assert_eq!(
            combine(&shares[..1]).unwrap_err(),
            ShamirError::TooFewShares(1)
        );
        assert_eq!(
            combine(&[shares[0].as_slice(), shares[0].as_slice()]).unwrap_err(),
            ShamirError::DuplicateX(1)
        );
        assert_eq!(
            combine(&[&shares[0][..], &shares[1][1..]]).unwrap_err(),
            ShamirError::LengthMismatch
        );
        assert_eq!(
            combine(&[&[1u8][..], &[2u8][..]]).unwrap_err(),
            ShamirError::ShareTooShort
        );
    }
}
