//! The edge session cookie's format (issue 14), without the crypto: the JS side seals the session
//! with AES-GCM under a key version and this module frames, chunks and bounds the sealed bytes.
//!
//! A sealed value is `v<version>.<base64url of nonce || ciphertext>`. When it is longer than one
//! cookie can hold it is split into `<name>.0`, `<name>.1`, ... Reading is bounded before any
//! decryption: at most [`MAX_CHUNKS`] chunks and [`MAX_SEALED_LEN`] bytes, and anything malformed
//! counts as no session (a fresh sign-in), never an error.

use crate::protocol::codec::{b64, heap_sort};

/// The most chunks one session may use (a cookie header carrying more is refused unread).
pub const MAX_CHUNKS: usize = 8;
/// The most value bytes one chunk carries (a browser keeps 4096 bytes of name, value and
/// attributes per cookie).
pub const CHUNK_LEN: usize = 3800;
/// The longest sealed value read back.
pub const MAX_SEALED_LEN: usize = MAX_CHUNKS * CHUNK_LEN;

/// Frames sealed bytes under a key version.
pub fn frame(version: u32, sealed: &[u8]) -> String {
    format!("v{version}.{}", b64::encode(sealed))
}

/// Splits a framed value into `(cookie name, value)` chunks; `None` when it needs more than
/// [`MAX_CHUNKS`]. The value is ASCII (base64url and the prefix), so byte slicing is safe.
pub fn chunk(name: &str, framed: &str) -> Option<Vec<(String, String)>> {
    let parts: Vec<&[u8]> = framed.as_bytes().chunks(CHUNK_LEN).collect();
    if parts.is_empty() || parts.len() > MAX_CHUNKS || !framed.is_ascii() {
        return None;
    }
    Some(
        parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    format!("{name}.{i}"),
                    String::from_utf8_lossy(p).into_owned(),
                )
            })
            .collect(),
    )
}

/// The chunk index of the cookie `key` when it is a chunk of `name` (`name.0`, `name.1`, …): a
/// cookie `name.<anything but a chunk index>` (`name.sig`) is someone else's.
fn chunk_index(key: &str, name: &str) -> Option<usize> {
    let index = key.strip_prefix(name)?.strip_prefix('.')?;
    let i = index.parse::<usize>().ok()?;
    (index == i.to_string()).then_some(i)
}

/// The `(name, value)` cookies of a `Cookie` header (pairs without `=` are not cookies).
fn pairs(cookie_header: &str) -> impl Iterator<Item = (&str, &str)> {
    cookie_header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The chunk indexes of `name` a `Cookie` header carries, each once, in order (what a new
/// session must delete beyond its own chunks, or a sign-out all of).
pub fn chunk_indexes(cookie_header: &str, name: &str) -> Vec<usize> {
    let mut found: Vec<usize> = pairs(cookie_header)
        .filter_map(|(key, _)| chunk_index(key, name))
        .collect();
    heap_sort(&mut found, |a, b| a < b);
    found.dedup();
    found
}

/// The `Cookie` header without the chunks of any of `names` (what the origin behind the gateway
/// gets); empty when nothing else is left.
pub fn without_chunks(cookie_header: &str, names: &[&str]) -> String {
    let kept: Vec<String> = pairs(cookie_header)
        .filter(|(key, _)| names.iter().all(|name| chunk_index(key, name).is_none()))
        .map(|(key, value)| format!("{key}={value}"))
        .collect();
    kept.join("; ")
}

/// Reassembles the chunks of `name` from a `Cookie` header: the framed value, what
/// [`unframe`] reads (and what the edge memoises an opened session by, so that other cookies
/// changing do not miss it). Missing, out-of-order, duplicated or oversized chunks give `None`;
/// cookies that are not chunks of `name` are ignored.
pub fn framed(cookie_header: &str, name: &str) -> Option<String> {
    let mut chunks: [Option<&str>; MAX_CHUNKS] = [None; MAX_CHUNKS];
    let mut count = 0;
    for (key, value) in pairs(cookie_header) {
        let Some(index) = chunk_index(key, name) else {
            continue;
        };
        if index >= MAX_CHUNKS {
            return None;
        }
        if chunks[index].replace(value).is_some() || value.len() > CHUNK_LEN {
            return None;
        }
        count = count.max(index + 1);
    }
    let mut framed = String::new();
    for part in &chunks[..count] {
        framed.push_str((*part)?);
    }
    (!framed.is_empty()).then_some(framed)
}

/// The key version and the sealed bytes of a framed value; `None` when it is malformed.
pub fn unframe(framed: &str) -> Option<(u32, Vec<u8>)> {
    let rest = framed.strip_prefix('v')?;
    let (version, body) = rest.split_once('.')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version.parse().ok()?, b64::decode(body.as_bytes())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(cookie_header: &str, name: &str) -> Option<(u32, Vec<u8>)> {
        unframe(&framed(cookie_header, name)?)
    }

    #[test]
    fn finds_and_strips_only_the_chunks_of_a_name() {
        let header = "a=1; s.1=x; s.sig=y; s.0=z; t.0=w; s.01=v; s.1=again; flag; s=q";
        assert_eq!(chunk_indexes(header, "s"), [0, 1]);
        assert_eq!(chunk_indexes(header, "t"), [0]);
        assert_eq!(
            without_chunks(header, &["s", "t"]),
            "a=1; s.sig=y; s.01=v; s=q"
        );
        assert_eq!(without_chunks("s.0=z; t.3=w", &["s", "t"]), "");
    }

    fn header(chunks: &[(String, String)]) -> String {
        let pairs: Vec<String> = chunks.iter().map(|(k, v)| format!("{k}={v}")).collect();
        pairs.join("; ")
    }

    #[test]
    fn round_trips_one_and_many_chunks() {
        for len in [1, 100, CHUNK_LEN, 3 * CHUNK_LEN] {
            let sealed: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let chunks = chunk("s", &frame(7, &sealed)).unwrap();
            assert_eq!(chunks[0].0, "s.0");
            assert!(chunks.iter().all(|(_, v)| v.len() <= CHUNK_LEN));
            let cookies = format!("other=1; {}; s2.0=x", header(&chunks));
            assert_eq!(read(&cookies, "s"), Some((7, sealed)));
        }
    }

    #[test]
    fn refuses_too_many_chunks() {
        let sealed = vec![0u8; MAX_SEALED_LEN];
        assert_eq!(chunk("s", &frame(1, &sealed)), None);
        assert_eq!(read("s.8=AA", "s"), None);
    }

    #[test]
    fn malformed_cookies_are_no_session() {
        let chunks = chunk("s", &frame(2, &[1; 6000])).unwrap();
        assert_eq!(chunks.len(), 3);
        let missing = header(&[chunks[0].clone(), chunks[2].clone()]);
        assert_eq!(read(&missing, "s"), None);
        let dup = format!("{}; s.0={}", header(&chunks), chunks[0].1);
        assert_eq!(read(&dup, "s"), None);
        for bad in [
            "s.0=AQID",
            "s.0=v.AQID",
            "s.0=vx.AQID",
            "s.0=v1.A=",
            "s.00=v1.AQID",
            "s.+0=v1.AQID",
        ] {
            assert_eq!(read(bad, "s"), None, "{bad}");
        }
        assert_eq!(read("", "s"), None);
        assert_eq!(read("s.0=v1.AQID", "s"), Some((1, vec![1, 2, 3])));
    }

    #[test]
    fn other_cookies_under_the_same_prefix_are_ignored() {
        let got = read("s.sig=x; s.0=v1.AQID; s.00=y; s.legacy=z", "s");
        assert_eq!(got, Some((1, vec![1, 2, 3])));
    }

    #[test]
    fn the_framed_value_does_not_depend_on_other_cookies() {
        let chunks = chunk("s", &frame(3, &[9; 5000])).unwrap();
        let alone = framed(&header(&chunks), "s").unwrap();
        let among = format!("_ga=GA1.1.{}; {}; theme=dark", 12345, header(&chunks));
        assert_eq!(framed(&among, "s").as_deref(), Some(alone.as_str()));
        assert_eq!(alone, frame(3, &[9; 5000]));
        assert_eq!(framed("other=1; s.sig=x", "s"), None);
    }
}
