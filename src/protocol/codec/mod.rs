//! Encodings the capabilities share: base64url ([`b64`]), the strict JSON reader and writer
//! ([`json`]), form and percent-encoding ([`form`]), `Basic` client credentials ([`basic`]), and a
//! constant-time comparison. Depends on nothing but
//! the shared [`error`](super::error) types.

pub mod b64;
pub mod basic;
pub mod form;
pub mod json;

/// Compares two strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_eq_compares_content_and_length() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!constant_time_eq("", "a"));
    }
}
