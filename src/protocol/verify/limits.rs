//! Size limits: the token length, checked before anything is decoded, and the JSON nesting
//! depth, which the reader enforces on the way down (so 10,000-deep input never recurses past
//! the limit). Duplicate member names in header and payload are refused too
//! ([`crate::protocol::codec::json::Reader::unique_object`]).

/// Default `maxTokenLength`: 64 KiB (a Cognito ID token may carry 50 custom attributes of
/// 2,048 characters).
pub const DEFAULT_MAX_TOKEN_LENGTH: usize = 65_536;
/// Default `maxJsonDepth`: containers nested in header or payload (`{}` is depth 1). Generous
/// (pre-token-generation V3 claims are arbitrary JSON); the reader's cost stays linear.
pub const DEFAULT_MAX_JSON_DEPTH: usize = 128;

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
