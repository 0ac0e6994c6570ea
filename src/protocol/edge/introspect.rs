//! RFC 7662 token introspection for Cognito access tokens
//! (docs/cognito.md#introspection-and-revocation): reading the request (form POST,
//! `token_type_hint`, caller credentials), authenticating `client_secret_basic` and
//! `client_secret_post` callers, and mapping a verified access token onto the response
//! (docs/cognito.md#introspection-response-mapping).
//!
//! Bearer callers and the token itself are verified by the caller of this module (they need
//! crypto); everything here is pure.

use crate::protocol::codec::form::{form_decode, form_decodes_to};
use crate::protocol::codec::json::{JsonError, ObjectWriter, Reader, Res};
use crate::protocol::codec::{basic, constant_time_eq};
use crate::protocol::redact::{redacted_debug, Masked};

/// The answer for any token that is not active: no other member (RFC 7662 §2.2).
pub const INACTIVE: &str = r#"{"active":false}"#;

/// How the caller of the introspection endpoint authenticated.
#[derive(Clone, PartialEq, Eq)]
pub enum Caller {
    /// `client_secret_basic` (header) or `client_secret_post` (body): id and secret.
    Client { id: String, secret: String },
    /// `Authorization: Bearer <token>`: the caller's own access token.
    Bearer(String),
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::Client { id, secret } => f
                .debug_struct("Client")
                .field("id", id)
                .field("secret", &Masked(secret))
                .finish(),
            Caller::Bearer(token) => f.debug_tuple("Bearer").field(&Masked(token)).finish(),
        }
    }
}

/// A well-formed introspection request.
#[derive(Clone, PartialEq, Eq)]
pub struct IntrospectionRequest {
    pub token: String,
    /// `access_token`, `refresh_token` or anything else; only a hint (RFC 7662 §2.1).
    pub token_type_hint: Option<String>,
    pub caller: Option<Caller>,
}
redacted_debug!(IntrospectionRequest { token; token_type_hint, caller });

/// A request refused before the token is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestError {
    /// Not a `POST` (405, `Allow: POST`).
    MethodNotAllowed,
    /// Not a form body, a repeated or missing `token`, several authentication methods,
    /// undecodable form encoding (400 `invalid_request`).
    InvalidRequest,
    /// Missing, unknown or wrong caller credentials (401 `invalid_client`).
    InvalidClient,
}

impl RequestError {
    /// The HTTP status.
    pub fn status(self) -> u16 {
        match self {
            RequestError::MethodNotAllowed => 405,
            RequestError::InvalidRequest => 400,
            RequestError::InvalidClient => 401,
        }
    }

    /// The JSON body (RFC 6749 §5.2 shape).
    pub fn body(self) -> &'static str {
        match self {
            RequestError::MethodNotAllowed | RequestError::InvalidRequest => {
                r#"{"error":"invalid_request"}"#
            }
            RequestError::InvalidClient => r#"{"error":"invalid_client"}"#,
        }
    }
}

/// Most `name=value` pairs an introspection request may have: it needs at most four, and
/// extension parameters are ignored, so more is `invalid_request` (a body of thousands of pairs
/// is refused at the 33rd).
pub const MAX_FORM_PAIRS: usize = 32;

/// The parameters of an introspection request, in the order of [`parse_request`]'s slots.
const NAMES: [&str; 4] = ["token", "token_type_hint", "client_id", "client_secret"];

/// Reads `Basic` credentials ([`basic::credentials`]). `Ok(None)` for another scheme.
fn parse_basic(header: &str) -> Result<Option<Caller>, RequestError> {
    match basic::credentials(header) {
        Ok(Some((id, secret))) => Ok(Some(Caller::Client { id, secret })),
        Ok(None) => Ok(None),
        Err(basic::Malformed) => Err(RequestError::InvalidClient),
    }
}

/// True for `application/x-www-form-urlencoded`, with any parameters (e.g. `charset`).
fn is_form(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|ct| ct.split(';').next())
        .is_some_and(|t| {
            t.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Reads an introspection request (RFC 7662 §2.1). Parameters may not repeat (RFC 6749 §3.1);
/// more than one client authentication method is `invalid_request` (RFC 6749 §2.3).
pub fn parse_request(
    method: &str,
    content_type: Option<&str>,
    authorization: Option<&str>,
    body: &str,
) -> Result<IntrospectionRequest, RequestError> {
    if method != "POST" {
        return Err(RequestError::MethodNotAllowed);
    }
    if !is_form(content_type) {
        return Err(RequestError::InvalidRequest);
    }
    let mut slots: [Option<String>; NAMES.len()] = Default::default();
    for (n, pair) in body.split('&').filter(|p| !p.is_empty()).enumerate() {
        if n == MAX_FORM_PAIRS {
            return Err(RequestError::InvalidRequest);
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let Some(slot) = NAMES.iter().position(|known| form_decodes_to(name, known)) else {
            continue; // an extension parameter: ignored
        };
        let value = form_decode(value).ok_or(RequestError::InvalidRequest)?;
        if slots[slot].replace(value).is_some() {
            return Err(RequestError::InvalidRequest);
        }
    }
    let [token, hint, post_id, post_secret] = slots;
    let header_caller = match authorization {
        None => None,
        Some(h) => match parse_basic(h)? {
            Some(c) => Some(c),
            None => match super::bearer::parse_authorization(Some(h)) {
                Ok(t) => Some(Caller::Bearer(t.to_owned())),
                Err(_) => return Err(RequestError::InvalidClient),
            },
        },
    };
    let post_caller = match (post_id, post_secret) {
        (Some(id), Some(secret)) => Some(Caller::Client { id, secret }),
        (None, None) => None,
        // a client_id alone is a public client: it cannot authenticate
        _ => return Err(RequestError::InvalidClient),
    };
    let caller = match (header_caller, post_caller) {
        (Some(_), Some(_)) => return Err(RequestError::InvalidRequest),
        (h, p) => h.or(p),
    };
    Ok(IntrospectionRequest {
        token: token
            .filter(|t| !t.is_empty())
            .ok_or(RequestError::InvalidRequest)?,
        token_type_hint: hint,
        caller,
    })
}

/// What the headers alone decide, before the body is read: the method, the content type, and an
/// `Authorization` caller (a `Basic` client is authenticated against `clients` here; a bearer
/// caller, when `bearer_allowed`, is returned for the caller of this module to verify). So a
/// request that cannot succeed is refused without its body being read. Without an
/// `Authorization` header the credentials can only be in the body: [`parse_request`] and
/// [`authorize_caller`] decide then.
pub fn check_headers<'h>(
    method: &str,
    content_type: Option<&str>,
    authorization: Option<&'h str>,
    clients: &[ClientCredentials],
    bearer_allowed: bool,
) -> Result<Option<&'h str>, RequestError> {
    if method != "POST" {
        return Err(RequestError::MethodNotAllowed);
    }
    if !is_form(content_type) {
        return Err(RequestError::InvalidRequest);
    }
    let Some(header) = authorization else {
        return Ok(None);
    };
    match parse_basic(header)? {
        Some(Caller::Client { id, secret }) if authenticate(clients, &id, &secret) => Ok(None),
        Some(_) => Err(RequestError::InvalidClient),
        None => match super::bearer::parse_authorization(Some(header)) {
            Ok(token) if bearer_allowed => Ok(Some(token)),
            _ => Err(RequestError::InvalidClient),
        },
    }
}

/// Decides whether the caller may introspect: a client must match `clients`; a bearer caller is
/// allowed only when `bearer_allowed`, and its token (returned) must then verify. No credentials
/// at all is `invalid_client`.
pub fn authorize_caller<'a>(
    caller: Option<&'a Caller>,
    clients: &[ClientCredentials],
    bearer_allowed: bool,
) -> Result<Option<&'a str>, RequestError> {
    match caller {
        Some(Caller::Client { id, secret }) if authenticate(clients, id, secret) => Ok(None),
        Some(Caller::Bearer(token)) if bearer_allowed => Ok(Some(token)),
        _ => Err(RequestError::InvalidClient),
    }
}

/// A client allowed to call the endpoint with its id and secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    pub client_id: String,
    pub client_secret: String,
}
redacted_debug!(ClientCredentials { client_secret; client_id });

/// Reads `[{"clientId": "...", "clientSecret": "..."}, ...]`: both non-empty strings required (an
/// empty secret would let anyone who knows the id authenticate), no other member; `None` for
/// anything else.
pub fn parse_clients(json: &str) -> Option<Vec<ClientCredentials>> {
    let mut clients = Vec::new();
    Reader::document(json, |r| {
        r.array(|r| {
            let (mut id, mut secret) = (None, None);
            r.object(|r, key| {
                let slot = match &*key {
                    "clientId" => &mut id,
                    "clientSecret" => &mut secret,
                    _ => return Err(JsonError::Type),
                };
                let value = r.str()?;
                if value.is_empty() {
                    return Err(JsonError::Type);
                }
                match slot.replace(value.into_owned()) {
                    Some(_) => Err(JsonError::Type),
                    None => Ok(()),
                }
            })?;
            clients.push(ClientCredentials {
                client_id: id.ok_or(JsonError::Type)?,
                client_secret: secret.ok_or(JsonError::Type)?,
            });
            Ok(())
        })
    })
    .ok()?;
    Some(clients)
}

/// True when `id`/`secret` match one of `clients`.
pub fn authenticate(clients: &[ClientCredentials], id: &str, secret: &str) -> bool {
    clients
        .iter()
        .filter(|c| c.client_id == id)
        .fold(false, |ok, c| {
            constant_time_eq(&c.client_secret, secret) | ok
        })
}

/// `aud`: a string or an array of strings, written back as it came.
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// The access-token claims read for the response; numbers keep their JSON text.
#[derive(Default)]
struct AccessToken<'a> {
    token_use: Option<String>,
    sub: Option<String>,
    iss: Option<String>,
    client_id: Option<String>,
    scope: Option<String>,
    exp: Option<(&'a str, f64)>,
    iat: Option<&'a str>,
    auth_time: Option<&'a str>,
    jti: Option<String>,
    username: Option<String>,
    aud: Option<Audience>,
    origin_jti: Option<String>,
    event_id: Option<String>,
    version: Option<&'a str>,
    groups: Option<Vec<String>>,
}

impl<'a> AccessToken<'a> {
    /// Reads the claims above (`null` counts as absent; other members are skipped). A claim of
    /// the wrong type fails the read.
    fn parse(payload_json: &'a str) -> Res<AccessToken<'a>> {
        let mut t = AccessToken::default();
        let num = |r: &mut Reader<'a>| -> Res<Option<(&'a str, f64)>> {
            if r.null()? {
                return Ok(None);
            }
            r.num_text().map(Some)
        };
        let text = |r: &mut Reader<'a>| Ok(num(r)?.map(|(text, _)| text));
        Reader::document(payload_json, |r| {
            r.object(|r, key| {
                match &*key {
                    "token_use" => t.token_use = r.opt_str()?,
                    "sub" => t.sub = r.opt_str()?,
                    "iss" => t.iss = r.opt_str()?,
                    "client_id" => t.client_id = r.opt_str()?,
                    "scope" => t.scope = r.opt_str()?,
                    "exp" => t.exp = num(r)?,
                    "iat" => t.iat = text(r)?,
                    "auth_time" => t.auth_time = text(r)?,
                    "jti" => t.jti = r.opt_str()?,
                    "username" => t.username = r.opt_str()?,
                    "aud" => {
                        t.aud = match r.peek() {
                            Some(b'[') => Some(Audience::Many(r.strings()?)),
                            _ => r.opt_str()?.map(Audience::One),
                        }
                    }
                    "origin_jti" => t.origin_jti = r.opt_str()?,
                    "event_id" => t.event_id = r.opt_str()?,
                    "version" => t.version = text(r)?,
                    "cognito:groups" => match r.peek() {
                        Some(b'[') => t.groups = Some(r.strings()?),
                        _ if r.null()? => t.groups = None,
                        _ => return r.skip().and(Err(JsonError::Type)),
                    },
                    _ => r.skip()?,
                }
                Ok(())
            })
        })?;
        Ok(t)
    }
}

/// Maps the payload of a token **that already verified** onto the response of
/// docs/cognito.md#introspection-response-mapping. `None` (answer [`INACTIVE`]) unless it is an
/// access token (`token_use` = `access`) with `exp` > `now` and every member an active answer must
/// carry: `sub`, `exp`, `iss`, `client_id`, `scope`. `aud` is passed through only when the token
/// has one (resource binding); it is never made up from `client_id`. Members follow RFC 7662's,
/// then Cognito's extension members.
pub fn active_response(payload_json: &str, now: f64) -> Option<String> {
    let t = AccessToken::parse(payload_json).ok()?;
    let (exp, exp_value) = t.exp?;
    if t.token_use.as_deref() != Some("access") || exp_value <= now {
        return None;
    }
    let (scope, client_id) = (t.scope?, t.client_id?);
    let (sub, iss) = (t.sub?, t.iss?);
    let mut w = ObjectWriter::default();
    let opt_str = |w: &mut ObjectWriter, key: &str, v: &Option<String>| {
        if let Some(v) = v {
            w.str(key, v);
        }
    };
    let opt_raw = |w: &mut ObjectWriter, key: &str, v: Option<&str>| {
        if let Some(v) = v {
            w.raw(key, v);
        }
    };
    w.raw("active", "true");
    w.str("scope", &scope);
    w.str("client_id", &client_id);
    opt_str(&mut w, "username", &t.username);
    w.str("token_type", "Bearer");
    w.raw("exp", exp);
    opt_raw(&mut w, "iat", t.iat);
    w.str("sub", &sub);
    match &t.aud {
        Some(Audience::One(a)) => w.str("aud", a),
        Some(Audience::Many(a)) => w.strs("aud", a),
        None => {}
    }
    w.str("iss", &iss);
    opt_str(&mut w, "jti", &t.jti);
    w.str("token_use", "access");
    opt_raw(&mut w, "auth_time", t.auth_time);
    opt_str(&mut w, "origin_jti", &t.origin_jti);
    if let Some(groups) = &t.groups {
        w.strs("cognito:groups", groups);
    }
    opt_str(&mut w, "event_id", &t.event_id);
    opt_raw(&mut w, "version", t.version);
    Some(w.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use RequestError::{InvalidClient, InvalidRequest, MethodNotAllowed};

    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

    fn basic(id: &str, secret: &str) -> String {
        let pair = format!("{id}:{secret}");
        let url = crate::protocol::codec::b64::encode(pair.as_bytes())
            .replace('-', "+")
            .replace('_', "/");
        let pad = "=".repeat((4 - url.len() % 4) % 4);
        format!("Basic {url}{pad}")
    }

    #[test]
    fn extension_parameters_are_ignored_and_pairs_are_capped() {
        let auth = basic("rs", "pw");
        let ok = |body: &str| parse_request("POST", FORM, Some(&auth), body).map(|r| r.token);
        // an encoded known name is that name; empty pieces do not count
        assert_eq!(ok("to%6Ben=abc&&x=%zz&resource=r"), Ok("abc".into()));
        assert_eq!(ok("token=a&to%6Ben=b"), Err(InvalidRequest));
        let pairs = |n: usize| format!("token=t{}", "&a=b".repeat(n - 1));
        assert_eq!(ok(&pairs(MAX_FORM_PAIRS)), Ok("t".into()));
        assert_eq!(ok(&pairs(MAX_FORM_PAIRS + 1)), Err(InvalidRequest));
    }

    #[test]
    fn headers_are_checked_before_the_body() {
        let clients = [ClientCredentials {
            client_id: "rs".into(),
            client_secret: "pw".into(),
        }];
        let c = &clients;
        let (good, wrong) = (basic("rs", "pw"), basic("rs", "nope"));
        assert_eq!(check_headers("POST", FORM, Some(&good), c, false), Ok(None));
        assert_eq!(
            check_headers("POST", FORM, None, c, false),
            Ok(None),
            "body credentials: later"
        );
        assert_eq!(
            check_headers("POST", FORM, Some(&wrong), c, true),
            Err(InvalidClient)
        );
        assert_eq!(
            check_headers("POST", FORM, Some("Bearer t0k"), c, true),
            Ok(Some("t0k"))
        );
        assert_eq!(
            check_headers("POST", FORM, Some("Bearer t0k"), c, false),
            Err(InvalidClient)
        );
        assert_eq!(
            check_headers("POST", FORM, Some("Digest x"), c, true),
            Err(InvalidClient)
        );
        assert_eq!(
            check_headers("GET", FORM, Some(&good), c, false),
            Err(MethodNotAllowed)
        );
        assert_eq!(
            check_headers("POST", Some("text/plain"), Some(&good), c, false),
            Err(InvalidRequest)
        );
    }

    #[test]
    fn reads_basic_credentials_form_encoded_inside() {
        // RFC 6749 §2.3.1: id and secret are form-encoded before base64
        let header = basic("my%3Aclient", "p%40ss+word%25");
        let req = parse_request("POST", FORM, Some(&header), "token=abc").unwrap();
        assert_eq!(
            req.caller,
            Some(Caller::Client {
                id: "my:client".into(),
                secret: "p@ss word%".into()
            })
        );
        // RFC 7617 example credentials
        let req = parse_request(
            "POST",
            FORM,
            Some("basic   QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            "token=a",
        );
        assert_eq!(
            req.unwrap().caller,
            Some(Caller::Client {
                id: "Aladdin".into(),
                secret: "open sesame".into()
            })
        );
        for bad in [
            "Basic !!!",
            "Basic QWxhZGRpbg==",
            "Basic OnNlY3JldA==",
            "Basic QQ",
            "Basic QQ=A",
        ] {
            assert_eq!(
                parse_request("POST", FORM, Some(bad), "token=a"),
                Err(RequestError::InvalidClient),
                "{bad}"
            );
        }
        assert_eq!(
            parse_request("POST", FORM, Some("Digest x"), "token=a"),
            Err(RequestError::InvalidClient)
        );
    }

    #[test]
    fn reads_the_request() {
        let req = parse_request(
            "POST",
            Some("Application/X-WWW-Form-Urlencoded; charset=UTF-8"),
            Some("Bearer caller.token.x"),
            "token=a.b.c&token_type_hint=access_token&extra=1",
        )
        .unwrap();
        assert_eq!(
            req,
            IntrospectionRequest {
                token: "a.b.c".into(),
                token_type_hint: Some("access_token".into()),
                caller: Some(Caller::Bearer("caller.token.x".into())),
            }
        );
        let post =
            parse_request("POST", FORM, None, "token=t&client_id=c&client_secret=s").unwrap();
        assert_eq!(
            post.caller,
            Some(Caller::Client {
                id: "c".into(),
                secret: "s".into()
            })
        );
        assert_eq!(
            parse_request("POST", FORM, None, "token=t").unwrap().caller,
            None
        );
        use RequestError::*;
        type Case<'a> = (
            &'a str,
            Option<&'a str>,
            Option<&'a str>,
            &'a str,
            RequestError,
        );
        let cases: [Case; 8] = [
            ("GET", FORM, None, "token=t", MethodNotAllowed),
            (
                "POST",
                Some("application/json"),
                None,
                "token=t",
                InvalidRequest,
            ),
            ("POST", None, None, "token=t", InvalidRequest),
            ("POST", FORM, None, "token=t&token=u", InvalidRequest),
            ("POST", FORM, None, "token=", InvalidRequest),
            ("POST", FORM, None, "token=%zz", InvalidRequest),
            ("POST", FORM, None, "token=t&client_id=c", InvalidClient),
            (
                "POST",
                FORM,
                Some("Bearer x"),
                "token=t&client_id=c&client_secret=s",
                InvalidRequest,
            ),
        ];
        for (method, ct, auth, body, want) in cases {
            assert_eq!(parse_request(method, ct, auth, body), Err(want), "{body}");
        }
        assert_eq!(MethodNotAllowed.status(), 405);
        assert_eq!(InvalidClient.status(), 401);
        assert_eq!(InvalidClient.body(), r#"{"error":"invalid_client"}"#);
        assert_eq!(InvalidRequest.body(), r#"{"error":"invalid_request"}"#);
    }

    #[test]
    fn authenticates_clients() {
        let clients = parse_clients(
            r#"[{"clientId":"a","clientSecret":"s1"},{"clientId":"b","clientSecret":"s2"}]"#,
        )
        .unwrap();
        for bad in [
            "{}",
            r#"[{"clientId":"a"}]"#,
            r#"[{"clientId":"a","clientSecret":1}]"#,
            r#"[{"clientId":"a","clientSecret":"s","x":1}]"#,
            r#"[{"clientId":"a","clientSecret":"s","clientId":"b"}]"#,
            r#"[{"clientId":"a","clientSecret":""}]"#,
            r#"[{"clientId":"","clientSecret":"s"}]"#,
        ] {
            assert_eq!(parse_clients(bad), None, "{bad}");
        }
        assert_eq!(parse_clients("[]"), Some(Vec::new()));
        assert!(authenticate(&clients, "a", "s1"));
        assert!(authenticate(&clients, "b", "s2"));
        assert!(!authenticate(&clients, "a", "s2"));
        assert!(!authenticate(&clients, "a", "s1x"));
        assert!(!authenticate(&clients, "a", ""));
        assert!(!authenticate(&clients, "c", "s1"));
        assert!(!authenticate(&clients, "a", "s1\0"));
        let client = |id: &str, secret: &str| Caller::Client {
            id: id.into(),
            secret: secret.into(),
        };
        let bearer = Caller::Bearer("t".into());
        assert_eq!(
            authorize_caller(Some(&client("a", "s1")), &clients, false),
            Ok(None)
        );
        assert_eq!(
            authorize_caller(Some(&bearer), &clients, true),
            Ok(Some("t"))
        );
        for (caller, bearer_allowed) in [
            (Some(&bearer), false),
            (Some(&client("a", "nope")), true),
            (None, true),
        ] {
            assert_eq!(
                authorize_caller(caller, &clients, bearer_allowed),
                Err(RequestError::InvalidClient)
            );
        }
    }

    const ACCESS: &str = r#"{"sub":"u-1","cognito:groups":["admins"],"iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X","version":2,"client_id":"c1","origin_jti":"o-1","event_id":"e-1","token_use":"access","scope":"openid email","auth_time":1000,"exp":5000,"iat":1000,"jti":"j-1","username":"jdoe"}"#;

    #[test]
    fn maps_an_access_token() {
        let got = active_response(ACCESS, 4999.0).unwrap();
        assert_eq!(
            got,
            r#"{"active":true,"scope":"openid email","client_id":"c1","username":"jdoe","token_type":"Bearer","exp":5000,"iat":1000,"sub":"u-1","iss":"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X","jti":"j-1","token_use":"access","auth_time":1000,"origin_jti":"o-1","cognito:groups":["admins"],"event_id":"e-1","version":2}"#
        );
        // M2M: no username, groups or origin_jti; resource-bound aud passes through
        let m2m = r#"{"sub":"c2","token_use":"access","scope":"https://api/read","iss":"i","exp":5000,"iat":1,"client_id":"c2","aud":"https://api"}"#;
        assert_eq!(
            active_response(m2m, 0.0).unwrap(),
            r#"{"active":true,"scope":"https://api/read","client_id":"c2","token_type":"Bearer","exp":5000,"iat":1,"sub":"c2","aud":"https://api","iss":"i","token_use":"access"}"#
        );
    }

    #[test]
    fn inactive_unless_a_live_complete_access_token() {
        assert_eq!(active_response(ACCESS, 5000.0), None);
        let id = ACCESS.replace(r#""token_use":"access""#, r#""token_use":"id""#);
        assert_eq!(active_response(&id, 0.0), None);
        for claim in ["sub", "iss", "client_id", "scope", "exp"] {
            let without = ACCESS.replace(&format!(r#""{claim}":"#), r#""x-gone":"#);
            assert_eq!(active_response(&without, 0.0), None, "{claim}");
        }
        assert_eq!(active_response("[]", 0.0), None);
        // escaped strings (Cognito writes `\/`) are read, and written back unescaped
        let escaped = ACCESS.replace("https://", r"https:\/\/");
        assert!(active_response(&escaped, 0.0).is_some());
        assert_eq!(active_response(&escaped, 0.0), active_response(ACCESS, 0.0));
        assert_eq!(INACTIVE, r#"{"active":false}"#);
        // a claim of the wrong type: inactive (groups must be an array)
        for (good, bad) in [
            (r#""scope":"openid email""#, r#""scope":1"#),
            (r#""exp":5000"#, r#""exp":"5000""#),
            (
                r#""cognito:groups":["admins"]"#,
                r#""cognito:groups":"admins""#,
            ),
            (r#""sub":"u-1""#, r#""sub":"u-1","aud":5"#),
        ] {
            let typed = ACCESS.replace(good, bad);
            assert_ne!(typed, ACCESS);
            assert_eq!(active_response(&typed, 0.0), None, "{typed}");
        }
    }

    #[test]
    fn writes_members_as_json() {
        // array aud, escapes, nulls as absent, numbers as written
        let t = r#"{"token_use":"access","scope":"a\"b","client_id":"c\u0001","sub":"s","iss":"i","exp":1.5e3,"iat":null,"aud":["x","y"],"username":null}"#;
        assert_eq!(
            active_response(t, 0.0).unwrap(),
            r#"{"active":true,"scope":"a\"b","client_id":"c\u0001","token_type":"Bearer","exp":1.5e3,"sub":"s","aud":["x","y"],"iss":"i","token_use":"access"}"#
        );
        assert_eq!(active_response(t, 1500.0), None);
    }
}
