//! Limits checked before any JSON is decoded: token length and a cheap JSON scanner that bounds
//! nesting depth (no recursion, so 10,000-deep input cannot overflow the stack) and rejects
//! duplicate top-level keys (JS `JSON.parse` keeps the last one, serde the first: they must
//! never disagree).

use super::error::{ParseError, Part};
use super::json::Reader;
use std::borrow::Cow;

/// Default `maxTokenLength`: 64 KiB (a Cognito ID token may carry 50 custom attributes of
/// 2,048 characters).
pub const DEFAULT_MAX_TOKEN_LENGTH: usize = 65_536;
/// Default `maxJsonDepth`: containers nested in header or payload (`{}` is depth 1).
pub const DEFAULT_MAX_JSON_DEPTH: usize = 32;

/// Size limits applied before decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_token_length: usize,
    pub max_json_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_token_length: DEFAULT_MAX_TOKEN_LENGTH,
            max_json_depth: DEFAULT_MAX_JSON_DEPTH,
        }
    }
}

/// Scans `json` (which must be an object at the top level) for nesting deeper than `max_depth`
/// and for duplicate top-level keys. Syntax is left to the real parser.
pub fn scan_json(json: &[u8], max_depth: usize, part: Part) -> Result<(), ParseError> {
    let not_object = ParseError::Json { part };
    let start = json
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or(not_object.clone())?;
    if json[start] != b'{' {
        return Err(not_object);
    }
    let mut keys: Vec<Cow<'_, [u8]>> = Vec::new();
    let mut depth = 0usize;
    let mut expect_key = false;
    let mut i = start;
    while i < json.len() {
        match json[i] {
            b'"' => {
                let (end, escaped) = string_end(json, i).ok_or(not_object.clone())?;
                if depth == 1 && expect_key {
                    let raw = &json[i + 1..end];
                    keys.push(if escaped {
                        let key = std::str::from_utf8(&json[i..=end])
                            .ok()
                            .and_then(|k| Reader::document(k, Reader::str).ok())
                            .ok_or(not_object.clone())?;
                        Cow::Owned(key.into_owned().into_bytes())
                    } else {
                        Cow::Borrowed(raw)
                    });
                    expect_key = false;
                }
                i = end;
            }
            b'{' | b'[' => {
                depth += 1;
                if depth > max_depth {
                    return Err(ParseError::TooDeep { max: max_depth });
                }
                expect_key = depth == 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => expect_key = depth == 1,
            _ => {}
        }
        i += 1;
    }
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(ParseError::DuplicateKey { part });
    }
    Ok(())
}

/// Index of the closing quote of the string opening at `open`, and whether it has escapes.
fn string_end(json: &[u8], open: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    let mut i = open + 1;
    while i < json.len() {
        match json[i] {
            b'\\' => {
                escaped = true;
                i += 2;
                continue;
            }
            b'"' => return Some((i, escaped)),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(s: &str, depth: usize) -> Result<(), ParseError> {
        scan_json(s.as_bytes(), depth, Part::Payload)
    }

    #[test]
    fn depth_is_bounded_without_recursion() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(scan(&deep, 32), Err(ParseError::TooDeep { max: 32 }));
        assert_eq!(scan(r#"{"a":{"b":[1]}}"#, 3), Ok(()));
        assert_eq!(
            scan(r#"{"a":{"b":[1]}}"#, 2),
            Err(ParseError::TooDeep { max: 2 })
        );
        // brackets inside strings do not count
        assert_eq!(scan(r#"{"a":"[[[[{{{{\"]]"}"#, 1), Ok(()));
    }

    #[test]
    fn duplicate_top_level_keys_are_rejected_even_when_escaped() {
        let dup = Err(ParseError::DuplicateKey {
            part: Part::Payload,
        });
        assert_eq!(scan(r#"{"exp":1,"exp":2}"#, 8), dup);
        assert_eq!(scan(r#"{"iss":"a","\u0069ss":"b"}"#, 8), dup);
        assert_eq!(scan(r#"{"a":{"x":1},"b":{"x":1}}"#, 8), Ok(()));
        assert_eq!(scan(r#"{"a":["a","a"]}"#, 8), Ok(()));
    }

    #[test]
    fn top_level_must_be_an_object() {
        let not_object = Err(ParseError::Json {
            part: Part::Payload,
        });
        assert_eq!(scan("[1]", 8), not_object);
        assert_eq!(scan("  ", 8), not_object);
        assert_eq!(scan(r#"{"a":"unterminated}"#, 8), not_object);
    }
}
