//! `application/x-www-form-urlencoded` and percent-encoding (authorize URLs, token request bodies,
//! callback URLs, introspection request bodies).

/// Appends `b` as it is when it is an RFC 3986 unreserved character, else as `%XX`.
pub fn percent_encode_byte(out: &mut String, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
        out.push(b as char);
    } else {
        out.push('%');
        out.push(HEX[usize::from(b >> 4)] as char);
        out.push(HEX[usize::from(b & 15)] as char);
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters (valid in a query and in an
/// `application/x-www-form-urlencoded` body).
pub fn percent_encode_into(out: &mut String, value: &str) {
    for b in value.bytes() {
        percent_encode_byte(out, b);
    }
}

/// The byte of the `%XX` escape at `bytes[i]` (a `%`), if well formed.
fn escaped_byte(bytes: &[u8], i: usize) -> Option<u8> {
    let hex = bytes.get(i + 1..i + 3)?;
    let digit = |c: u8| char::from(c).to_digit(16);
    Some((digit(hex[0])? * 16 + digit(hex[1])?) as u8)
}

/// Decodes an `application/x-www-form-urlencoded` string (`+` is a space, `%XX` a byte); `None`
/// for a bad escape or bytes that are not UTF-8.
pub fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                out.push(escaped_byte(bytes, i)?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// True when the form-encoded `raw` decodes to `want`, compared while decoding (so a name that
/// is none of ours is never copied).
pub fn form_decodes_to(raw: &str, want: &str) -> bool {
    let (bytes, mut want) = (raw.as_bytes(), want.bytes());
    let mut i = 0;
    while i < bytes.len() {
        let c = match bytes[i] {
            b'+' => Some(b' '),
            b'%' => {
                i += 2;
                escaped_byte(bytes, i - 2)
            }
            b => Some(b),
        };
        if c.is_none() || c != want.next() {
            return false;
        }
        i += 1;
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_forms() {
        assert_eq!(form_decode("a+b%20c%2B%3d").as_deref(), Some("a b c+="));
        assert_eq!(form_decode("%C3%A9").as_deref(), Some("\u{e9}"));
        for bad in ["%", "%2", "%zz", "%+1", "%C3"] {
            assert_eq!(form_decode(bad), None, "{bad}");
        }
        assert!(form_decodes_to("to%6Ben", "token"));
        assert!(form_decodes_to("a+b", "a b"));
        for (raw, want) in [
            ("toke", "token"),
            ("tokens", "token"),
            ("%zzken", "token"),
            ("%7", "t"),
        ] {
            assert!(!form_decodes_to(raw, want), "{raw}");
        }
    }
}
