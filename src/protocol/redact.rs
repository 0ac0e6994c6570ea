//! `Debug` for values that hold tokens or secrets: the field names and whether they are set,
//! never the values, so that not even a stray `{:?}` puts a token into a log.

use std::fmt;

/// A secret field as `Debug` shows it.
pub(crate) struct Masked<'a, T>(pub &'a T);

/// What a masked field shows.
pub(crate) trait Mask {
    fn mask(&self) -> &'static str;
}

impl Mask for String {
    fn mask(&self) -> &'static str {
        "<redacted>"
    }
}

/// A decoded JWT's header and payload JSON.
impl Mask for (String, String) {
    fn mask(&self) -> &'static str {
        "<redacted>"
    }
}

impl<T: Mask> Mask for Option<T> {
    fn mask(&self) -> &'static str {
        match self {
            Some(_) => "Some(<redacted>)",
            None => "None",
        }
    }
}

impl Mask for &str {
    fn mask(&self) -> &'static str {
        "<redacted>"
    }
}

impl Mask for &[u8] {
    fn mask(&self) -> &'static str {
        "<redacted>"
    }
}

impl Mask for Vec<u8> {
    fn mask(&self) -> &'static str {
        "<redacted>"
    }
}

impl<T: Mask> fmt::Debug for Masked<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.mask())
    }
}

/// `impl Debug` for a struct: `redacted_debug!(Type { secret, ...; plain, ... })`.
#[cfg(any(feature = "sign-in", feature = "edge"))]
macro_rules! redacted_debug {
    ($ty:ident { $($secret:ident),* ; $($plain:ident),* }) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($ty))
                    $(.field(stringify!($secret), &$crate::protocol::redact::Masked(&self.$secret)))*
                    $(.field(stringify!($plain), &self.$plain))*
                    .finish()
            }
        }
    };
}
#[cfg(any(feature = "sign-in", feature = "edge"))]
pub(crate) use redacted_debug;

#[cfg(all(test, feature = "sign-in", feature = "edge"))]
mod tests {
    use crate::protocol::edge::introspect::{Caller, ClientCredentials, IntrospectionRequest};
    use crate::protocol::signin::authorize::Transaction;
    use crate::protocol::signin::idp_tokens::IdpToken;
    use crate::protocol::signin::session::Session;
    use crate::protocol::signin::token::TokenSet;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let secret = "eyJhbGciOiJSUzI1NiJ9.c2VjcmV0.c2ln";
        let s = || secret.to_owned();
        let shown = [
            format!(
                "{:?}",
                Session {
                    id_token: Some(s()),
                    access_token: s(),
                    refresh_token: None,
                    expires_at: 5.0
                }
            ),
            format!(
                "{:?}",
                TokenSet {
                    id_token: None,
                    access_token: s(),
                    refresh_token: Some(s()),
                    expires_in: 3600.0
                }
            ),
            format!(
                "{:?}",
                Transaction {
                    state: "st".into(),
                    nonce: "n".into(),
                    verifier: s()
                }
            ),
            format!(
                "{:?}",
                ClientCredentials {
                    client_id: "app".into(),
                    client_secret: s()
                }
            ),
            format!(
                "{:?}",
                IntrospectionRequest {
                    token: s(),
                    token_type_hint: Some("access_token".into()),
                    caller: Some(Caller::Client {
                        id: "app".into(),
                        secret: s()
                    }),
                }
            ),
            format!("{:?}", Caller::Bearer(s())),
            format!(
                "{:?}",
                IdpToken {
                    token: s(),
                    truncated: false,
                    jwt: Some((s(), s())),
                    expires_at: Some(5.0)
                }
            ),
        ];
        for text in &shown {
            assert!(!text.contains(secret) && !text.contains("c2Vj"), "{text}");
            assert!(text.contains("<redacted>"), "{text}");
        }
        assert!(shown[0].contains("refresh_token: None") && shown[0].contains("expires_at: 5.0"));
        assert!(shown[2].contains(r#"state: "st""#));
        assert!(shown[3].contains(r#"client_id: "app""#));
        assert!(shown[4].contains(r#"id: "app""#) && shown[4].contains("access_token"));
    }
}
