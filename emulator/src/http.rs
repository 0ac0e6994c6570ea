//! A small, server-independent HTTP model: handlers take a [`Request`] and return a [`Response`],
//! so they can be unit-tested without a socket.

use base64ct::{Base64UrlUnpadded, Encoding};
use rand::RngCore;
use serde_json::Value;

/// Query or form parameters in arrival order (duplicates kept).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(pub Vec<(String, String)>);

impl Params {
    /// Parses `a=b&c=d` (form-urlencoded, `+` as space).
    pub fn parse(text: &str) -> Params {
        Params(
            form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `name`, ignoring empty values.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// The first parameter name that appears more than once.
    pub fn duplicated(&self) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (k, _))| {
            self.0[..i]
                .iter()
                .any(|(other, _)| other == k)
                .then_some(k.as_str())
        })
    }

    pub fn encode(&self) -> String {
        encode_pairs(self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// `application/x-www-form-urlencoded` serialization of pairs.
pub fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    serializer.finish()
}

/// Appends `pairs` to `url`'s query (with `&` when it already has one).
pub fn append_query<'a>(url: &str, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let encoded = encode_pairs(pairs);
    if encoded.is_empty() {
        return url.to_owned();
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{encoded}")
}

/// The first value of header `name` (case-insensitive).
fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone, Default)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Params,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Builds a request from a raw URL (`/path?query`).
    pub fn new(method: &str, url: &str) -> Request {
        let (path, query) = url.split_once('?').unwrap_or((url, ""));
        Request {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            query: Params::parse(query),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = body.into();
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// The media type of `Content-Type`, lowercased, without parameters.
    pub fn media_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    pub fn is_form(&self) -> bool {
        self.media_type() == "application/x-www-form-urlencoded"
    }

    /// The body as form parameters (empty unless it is form-encoded).
    pub fn form(&self) -> Params {
        if self.is_form() {
            Params::parse(&String::from_utf8_lossy(&self.body))
        } else {
            Params::default()
        }
    }

    pub fn cookie(&self, name: &str) -> Option<String> {
        self.header("cookie")?.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty()).then(|| v.to_owned())
        })
    }

    /// `(client_id, client_secret)` from `Authorization: Basic`, if well-formed.
    pub fn basic_credentials(&self) -> Option<Result<(String, String), ()>> {
        let value = self.header("authorization")?;
        let (scheme, encoded) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64ct::Base64::decode_vec(encoded.trim()).map_err(|_| ());
        Some(decoded.and_then(|bytes| {
            let text = String::from_utf8(bytes).map_err(|_| ())?;
            let (id, secret) = text.split_once(':').ok_or(())?;
            Ok((id.to_owned(), secret.to_owned()))
        }))
    }

    /// The token of `Authorization: Bearer <token>`.
    pub fn bearer_token(&self) -> Option<&str> {
        let value = self.header("authorization")?.trim();
        let (scheme, token) = value.split_once(' ')?;
        (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16) -> Response {
        Response {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn json(status: u16, value: &Value) -> Response {
        Response::new(status)
            .with_header("Content-Type", "application/json;charset=UTF-8")
            .with_body(value.to_string())
    }

    pub fn html(status: u16, body: String) -> Response {
        Response::new(status)
            .with_header("Content-Type", "text/html;charset=UTF-8")
            .with_body(body)
    }

    pub fn text(status: u16, body: &str) -> Response {
        Response::new(status)
            .with_header("Content-Type", "text/plain;charset=UTF-8")
            .with_body(body)
    }

    pub fn redirect(location: &str) -> Response {
        Response::new(302).with_header("Location", location)
    }

    pub fn not_found() -> Response {
        Response::json(404, &serde_json::json!({"message": "Not Found"}))
    }

    pub fn method_not_allowed() -> Response {
        Response::json(405, &serde_json::json!({"message": "Method Not Allowed"}))
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn with_body(mut self, body: impl Into<Vec<u8>>) -> Response {
        self.body = body.into();
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Adds `Access-Control-Allow-Origin: *`.
    pub fn with_cors(self) -> Response {
        self.with_header("Access-Control-Allow-Origin", "*")
    }

    pub fn no_store(self) -> Response {
        self.with_header("Cache-Control", "no-store")
            .with_header("Pragma", "no-cache")
    }
}

/// The answer to a CORS preflight: every method the endpoints use, and the headers the browser
/// asks for (AWS SDKs send several `amz-sdk-*` ones).
pub fn preflight(request: &Request) -> Response {
    let headers = request
        .header("access-control-request-headers")
        .unwrap_or("Authorization, Content-Type, X-Amz-Target, X-Amz-User-Agent, Cache-Control");
    Response::new(204)
        .with_cors()
        .with_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        .with_header("Access-Control-Allow-Headers", headers)
        .with_header("Access-Control-Max-Age", "600")
}

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `n` random bytes, base64url without padding.
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

/// A random version-4 UUID.
pub fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format_uuid(bytes)
}

/// Formats 16 bytes as a version-4 UUID (version and variant bits forced).
pub fn format_uuid(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Constant-time string equality for secrets.
pub fn secret_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_and_query() {
        let params = Params::parse("a=1&b=x+y&a=2&c=");
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), Some("x y"));
        assert_eq!(params.get("c"), None);
        assert_eq!(params.duplicated(), Some("a"));
        assert_eq!(
            append_query("https://a/cb?x=1", [("code", "c d")]),
            "https://a/cb?x=1&code=c+d"
        );
        assert_eq!(
            append_query("https://a/cb", [("s", "&")]),
            "https://a/cb?s=%26"
        );
    }

    #[test]
    fn request_helpers() {
        let req = Request::new("post", "/oauth2/token?x=1")
            .with_header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .with_header(
                "Authorization",
                "Basic ZGpjOTh1M2ppZWRtaTI4M2V1OTI4OmFiY2RlZjAxMjM0NTY3ODkw",
            )
            .with_header("Cookie", "a=1; cognito=abc")
            .with_body("grant_type=x");
        assert_eq!(req.method, "POST");
        assert_eq!(req.query.get("x"), Some("1"));
        assert_eq!(req.form().get("grant_type"), Some("x"));
        assert_eq!(req.cookie("cognito").as_deref(), Some("abc"));
        assert_eq!(
            req.basic_credentials(),
            Some(Ok((
                "djc98u3jiedmi283eu928".into(),
                "abcdef01234567890".into()
            )))
        );
        assert_eq!(req.bearer_token(), None);
    }

    #[test]
    fn uuid_shape_and_escape() {
        let id = uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert_eq!(
            html_escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert!(secret_eq("abc", "abc"));
        assert!(!secret_eq("abc", "abd"));
        assert!(!secret_eq("abc", "ab"));
    }
}
