//! HTTP `Basic` client credentials as OAuth 2.0 uses them (RFC 6749 §2.3.1 over RFC 7617):
//! `Basic base64(form(id) ":" form(secret))`, both parts form-encoded first. Written by the
//! sign-in gateway for its token requests, read by the introspection endpoint.

use super::b64;
use super::form::form_decode;

/// Standard base64 with padding, through the strict base64url decoder.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let body = s
        .strip_suffix("==")
        .or_else(|| s.strip_suffix('='))
        .unwrap_or(s);
    if s.len() % 4 != 0 || body.contains('=') || body.contains(['-', '_']) {
        return None;
    }
    let url: String = body
        .chars()
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    b64::decode(url.as_bytes())
}

/// Standard base64 with padding.
fn encode_base64(bytes: &[u8]) -> String {
    let mut out: String = b64::encode(bytes)
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while out.len() % 4 != 0 {
        out.push('=');
    }
    out
}

/// `application/x-www-form-urlencoded` encoding: RFC 3986 unreserved characters as they are,
/// a space as `+`, every other byte as `%XX`.
fn form_encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        match b {
            b' ' => out.push('+'),
            _ => super::form::percent_encode_byte(&mut out, b),
        }
    }
    out
}

/// The `Authorization` header value for client `id` with `secret`.
pub fn authorization(id: &str, secret: &str) -> String {
    let credentials = format!("{}:{}", form_encode(id), form_encode(secret));
    format!("Basic {}", encode_base64(credentials.as_bytes()))
}

/// `Basic` credentials that do not decode, or with an empty id.
#[derive(Debug, PartialEq, Eq)]
pub struct Malformed;

/// Reads an `Authorization` header: `Ok(Some((id, secret)))` for `Basic` credentials with a
/// non-empty id, `Ok(None)` for another scheme.
pub fn credentials(header: &str) -> Result<Option<(String, String)>, Malformed> {
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    if !scheme.eq_ignore_ascii_case("Basic") {
        return Ok(None);
    }
    let decoded = decode_base64(rest.trim_start_matches(' ')).ok_or(Malformed)?;
    let text = String::from_utf8(decoded).map_err(|_| Malformed)?;
    let (id, secret) = text.split_once(':').ok_or(Malformed)?;
    match (form_decode(id), form_decode(secret)) {
        (Some(id), Some(secret)) if !id.is_empty() => Ok(Some((id, secret))),
        _ => Err(Malformed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_it_reads_with_both_parts_form_encoded() {
        // RFC 6749 §2.3.1: a ':' in the id must not split it; a space is '+' inside
        let header = authorization("app:1", "s3 cr/t+=é");
        assert!(header.starts_with("Basic "));
        assert_eq!(
            credentials(&header),
            Ok(Some(("app:1".to_owned(), "s3 cr/t+=é".to_owned())))
        );
        // the form encoding is inside the base64: "a%3Ab:c+d"
        assert_eq!(authorization("a:b", "c d"), "Basic YSUzQWI6Yytk");
        assert_eq!(credentials("Bearer x"), Ok(None));
        assert_eq!(credentials("Basic !!!!"), Err(Malformed));
        assert_eq!(
            credentials(&format!("Basic {}", encode_base64(b":x"))),
            Err(Malformed)
        );
    }
}
