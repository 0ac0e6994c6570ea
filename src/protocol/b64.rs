//! Strict base64url (RFC 4648 §5) decoding without padding, as JWS compact serialization uses.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Value of each byte in [`ALPHABET`]; `0xff` (high bits set) marks bytes outside it.
const VALUE: [u8; 256] = {
    let mut table = [0xff; 256];
    let mut i = 0;
    while i < 64 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// Decodes unpadded base64url. Rejects padding, other alphabets and non-zero trailing bits, so
/// every byte string has exactly one accepted encoding.
pub fn decode(input: &[u8]) -> Option<Vec<u8>> {
    let tail_len = input.len() % 4;
    if tail_len == 1 {
        return None;
    }
    let (body, tail) = input.split_at(input.len() - tail_len);
    let mut out = Vec::with_capacity(input.len() / 4 * 3 + 2);
    let mut quad = [0u8; 4];
    let mut take = |chars: &[u8]| -> Option<u32> {
        let mut bad = 0;
        for (v, &c) in quad.iter_mut().zip(chars) {
            *v = VALUE[c as usize];
            bad |= *v;
        }
        let n = quad[..chars.len()]
            .iter()
            .fold(0u32, |n, &v| n << 6 | u32::from(v & 63));
        (bad & 0xc0 == 0).then_some(n << (6 * (4 - chars.len())))
    };
    for chars in body.chunks_exact(4) {
        let n = take(chars)?;
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
    if tail_len > 0 {
        let n = take(tail)?;
        // 2 chars carry 1 byte (+4 spare bits), 3 chars carry 2 bytes (+2 spare bits)
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = tail_len - 1;
        if bytes[keep..].iter().any(|b| *b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    Some(out)
}

/// Unpadded base64url encoding (PKCE verifier and challenge, state, nonce).
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |a, &x| a << 8 | u32::from(x)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn round_trips() {
        for len in 0..10 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 200) as u8).collect();
            assert_eq!(decode(encode(&bytes).as_bytes()), Some(bytes));
        }
    }

    #[test]
    fn decodes_rfc4648_vectors() {
        let cases: [(&str, &str); 7] = [
            ("", ""),
            ("Zg", "f"),
            ("Zm8", "fo"),
            ("Zm9v", "foo"),
            ("Zm9vYg", "foob"),
            ("Zm9vYmE", "fooba"),
            ("Zm9vYmFy", "foobar"),
        ];
        for (enc, dec) in cases {
            assert_eq!(
                decode(enc.as_bytes()).as_deref(),
                Some(dec.as_bytes()),
                "{enc}"
            );
        }
        assert_eq!(decode(b"-_8").unwrap(), vec![0xfb, 0xff]);
    }

    #[test]
    fn rejects_padding_alphabet_and_trailing_bits() {
        for bad in [
            "Zg==", "Zm9v+", "Zm9v/", "Z", "Zh", "Zm9", "Zm!v", "Zm9v YQ",
        ] {
            assert_eq!(decode(bad.as_bytes()), None, "{bad}");
        }
    }
}
