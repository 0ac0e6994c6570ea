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
    let body_len = input.len() - tail_len;
    let (body, tail) = (input.get(..body_len)?, input.get(body_len..)?);
    let mut out = vec![0u8; body_len / 4 * 3];
    let mut bad = 0u8;
    // The hot loop of every verify. Slice patterns instead of `chunks_exact`/`zip`, which at
    // opt-level "z" stay calls with run-time chunk sizes and bounds checks.
    let (mut src, mut dst) = (body, out.as_mut_slice());
    while let ([a, b, c, d, src_rest @ ..], [x, y, z, dst_rest @ ..]) = (src, dst) {
        let (a, b) = (VALUE[usize::from(*a)], VALUE[usize::from(*b)]);
        let (c, d) = (VALUE[usize::from(*c)], VALUE[usize::from(*d)]);
        bad |= a | b | c | d;
        let n = u32::from(a) << 18 | u32::from(b) << 12 | u32::from(c) << 6 | u32::from(d);
        *x = (n >> 16) as u8;
        *y = (n >> 8) as u8;
        *z = n as u8;
        (src, dst) = (src_rest, dst_rest);
    }
    if !tail.is_empty() {
        let mut n = 0u32;
        for &c in tail {
            let v = VALUE[c as usize];
            bad |= v;
            n = n << 6 | u32::from(v & 63);
        }
        n <<= 6 * (4 - tail.len());
        // 2 chars carry 1 byte (+4 spare bits), 3 chars carry 2 bytes (+2 spare bits)
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        let keep = tail_len - 1;
        if bad & 0xc0 != 0 || bytes[keep..].iter().any(|b| *b != 0) {
            return None;
        }
        out.extend_from_slice(&bytes[..keep]);
    }
    (bad & 0xc0 == 0).then_some(out)
}

/// Unpadded base64url encoding (PKCE verifier and challenge, state, nonce).
pub fn encode(bytes: &[u8]) -> String {
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
