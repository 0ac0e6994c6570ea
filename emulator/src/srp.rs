//! Cognito's SRP-6a (`USER_SRP_AUTH` → `PASSWORD_VERIFIER`), the server side: the 3072-bit group
//! of RFC 5054 / RFC 3526 with g = 2, SHA-256, `k = H(N ‖ g)`, `x = H(salt ‖ H(poolName ‖ userId ‖
//! ":" ‖ password))`, an HKDF-SHA256 key ("Caldera Derived Key", 16 bytes) and the claim
//! signature `HMAC(key, poolName ‖ userId ‖ SECRET_BLOCK ‖ TIMESTAMP)`. Every hash input is the
//! byte string of a "padded hex" number (even length, a leading `00` when the top bit is set), as
//! the Cognito client SDKs compute it.

use std::sync::OnceLock;

use base64ct::{Base64, Encoding};
use hmac::{Hmac, Mac};
use rand::RngCore;
use rsa::BigUint;
use sha2::{Digest, Sha256};

const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

struct Group {
    n: BigUint,
    g: BigUint,
    k: BigUint,
}

fn group() -> &'static Group {
    static GROUP: OnceLock<Group> = OnceLock::new();
    GROUP.get_or_init(|| {
        let n = BigUint::parse_bytes(N_HEX.as_bytes(), 16).expect("N is hex");
        let g = BigUint::from(2u32);
        let k = hash_numbers(&[&n, &g]);
        Group { n, g, k }
    })
}

/// The bytes of `n`'s padded hex: big-endian, with a leading zero byte when the top bit is set.
fn padded_bytes(n: &BigUint) -> Vec<u8> {
    let mut bytes = n.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// `H(pad(a) ‖ pad(b) ‖ …)` as a number.
fn hash_numbers(numbers: &[&BigUint]) -> BigUint {
    let bytes: Vec<Vec<u8>> = numbers.iter().map(|n| padded_bytes(n)).collect();
    let parts: Vec<&[u8]> = bytes.iter().map(Vec::as_slice).collect();
    BigUint::from_bytes_be(&sha256(&parts))
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The password's private value `x` for this salt.
fn private_x(pool_name: &str, user_id: &str, password: &str, salt: &BigUint) -> BigUint {
    let inner = sha256(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    BigUint::from_bytes_be(&sha256(&[&padded_bytes(salt), &inner]))
}

fn parse_hex(text: &str) -> Option<BigUint> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    BigUint::parse_bytes(text.as_bytes(), 16)
}

/// The server's half of one sign-in, kept between `InitiateAuth` and `RespondToAuthChallenge`.
/// `Debug` shows who and until when, never the secret numbers.
#[derive(Clone)]
pub struct Challenge {
    pub client_id: String,
    /// The stored username (`USER_ID_FOR_SRP`).
    pub user_id: String,
    pub expires_at: i64,
    a: BigUint,
    b: BigUint,
    small_b: BigUint,
    verifier: BigUint,
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("client_id", &self.client_id)
            .field("user_id", &self.user_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The `PASSWORD_VERIFIER` challenge parameters, and the state to keep under `secret_block`.
pub struct Started {
    pub salt_hex: String,
    pub srp_b_hex: String,
    pub secret_block: String,
    pub challenge: Challenge,
}

/// Starts SRP for a known user: `srp_a_hex` is the client's `SRP_A`. `None` when `A % N == 0`.
pub fn start(
    pool_name: &str,
    user_id: &str,
    password: &str,
    srp_a_hex: &str,
    client_id: &str,
    expires_at: i64,
) -> Option<Started> {
    let Group { n, g, k } = group();
    let a = parse_hex(srp_a_hex)?;
    if (&a % n) == BigUint::from(0u32) {
        return None;
    }
    let mut random = [0u8; 128];
    rand::thread_rng().fill_bytes(&mut random);
    // A salt whose first byte is 0x01..=0x7f: its padded hex is exactly the hex sent.
    let mut salt_bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt_bytes);
    salt_bytes[0] = (salt_bytes[0] & 0x7f).max(1);
    let salt = BigUint::from_bytes_be(&salt_bytes);
    let verifier = g.modpow(&private_x(pool_name, user_id, password, &salt), n);
    let small_b = BigUint::from_bytes_be(&random) % n;
    let b = (k * &verifier + g.modpow(&small_b, n)) % n;
    let mut block = [0u8; 64];
    rand::thread_rng().fill_bytes(&mut block);
    Some(Started {
        salt_hex: hex(&salt_bytes),
        srp_b_hex: hex(&b.to_bytes_be()),
        secret_block: Base64::encode_string(&block),
        challenge: Challenge {
            client_id: client_id.to_owned(),
            user_id: user_id.to_owned(),
            expires_at,
            a,
            b,
            small_b,
            verifier,
        },
    })
}

/// Checks `PASSWORD_CLAIM_SIGNATURE` (base64) over the secret block and `TIMESTAMP`.
pub fn verify(
    challenge: &Challenge,
    pool_name: &str,
    secret_block: &str,
    timestamp: &str,
    signature: &str,
) -> bool {
    let Group { n, .. } = group();
    let Ok(block) = Base64::decode_vec(secret_block) else {
        return false;
    };
    let Ok(given) = Base64::decode_vec(signature) else {
        return false;
    };
    let u = hash_numbers(&[&challenge.a, &challenge.b]);
    if u == BigUint::from(0u32) {
        return false;
    }
    let s = (&challenge.a * challenge.verifier.modpow(&u, n)).modpow(&challenge.small_b, n);
    let key = derive_key(&s, &u);
    let expected = hmac_sha256(
        &key,
        &[
            pool_name.as_bytes(),
            challenge.user_id.as_bytes(),
            &block,
            timestamp.as_bytes(),
        ],
    );
    subtle::ConstantTimeEq::ct_eq(&expected[..], &given[..]).into()
}

/// HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key"), 16 bytes.
fn derive_key(s: &BigUint, u: &BigUint) -> [u8; 16] {
    let prk = hmac_sha256(&padded_bytes(u), &[&padded_bytes(s)]);
    let okm = hmac_sha256(&prk, &[b"Caldera Derived Key", &[1]]);
    let mut key = [0u8; 16];
    key.copy_from_slice(&okm[..16]);
    key
}

/// Whether `text` has the client SDKs' `TIMESTAMP` format, `Tue Dec 3 09:05:07 UTC 2026` (the day
/// of the month not zero-padded).
pub fn is_timestamp(text: &str) -> bool {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = text.split(' ').collect();
    let digits = |s: &str, min: usize, max: usize| {
        (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let time: Vec<&str> = parts.get(3).map_or(vec![], |t| t.split(':').collect());
    parts.len() == 6
        && DAYS.contains(&parts[0])
        && MONTHS.contains(&parts[1])
        && digits(parts[2], 1, 2)
        && !parts[2].starts_with('0')
        && time.len() == 3
        && time.iter().all(|t| digits(t, 2, 2))
        && parts[4] == "UTC"
        && digits(parts[5], 4, 4)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The client's side of the exchange, as the Cognito client SDKs compute it: for tests of the
/// emulator (its own, and the API's end to end).
pub mod client {
    use super::*;

    /// What the client reads from a `PASSWORD_VERIFIER` challenge's parameters.
    pub struct Params<'a> {
        pub salt_hex: &'a str,
        pub srp_b_hex: &'a str,
        pub secret_block: &'a str,
    }

    /// `SRP_A` (hex) for the client's private value (big-endian bytes).
    pub fn srp_a(small_a: &[u8]) -> String {
        let Group { n, g, .. } = group();
        hex(&g.modpow(&BigUint::from_bytes_be(small_a), n).to_bytes_be())
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for `password`, or `None` for parameters that are not hex or
    /// base64.
    pub fn signature(
        pool_name: &str,
        user_id: &str,
        password: &str,
        params: &Params<'_>,
        small_a: &[u8],
        timestamp: &str,
    ) -> Option<String> {
        let Group { n, g, k } = group();
        let small_a = BigUint::from_bytes_be(small_a);
        let a = g.modpow(&small_a, n);
        let b = parse_hex(params.srp_b_hex)?;
        let u = hash_numbers(&[&a, &b]);
        let salt = parse_hex(params.salt_hex)?;
        let x = private_x(pool_name, user_id, password, &salt);
        let kgx = (k * g.modpow(&x, n)) % n;
        let base = ((&b % n) + n - kgx) % n;
        let s = base.modpow(&(&small_a + &u * &x), n);
        let key = derive_key(&s, &u);
        let block = Base64::decode_vec(params.secret_block).ok()?;
        let parts: [&[u8]; 4] = [
            pool_name.as_bytes(),
            user_id.as_bytes(),
            &block,
            timestamp.as_bytes(),
        ];
        Some(Base64::encode_string(&hmac_sha256(&key, &parts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client_signature(
        pool_name: &str,
        user_id: &str,
        password: &str,
        started: &Started,
        small_a: &[u8],
        timestamp: &str,
    ) -> String {
        let params = client::Params {
            salt_hex: &started.salt_hex,
            srp_b_hex: &started.srp_b_hex,
            secret_block: &started.secret_block,
        };
        client::signature(pool_name, user_id, password, &params, small_a, timestamp).unwrap()
    }

    #[test]
    fn a_client_with_the_password_proves_it_and_one_without_does_not() {
        let small_a = [7u8; 128];
        let a_hex = client::srp_a(&small_a);
        let started = start("EmuPool01", "jdoe", "Passw0rd!", &a_hex, "c", 0).unwrap();
        let ts = "Tue Dec 3 09:05:07 UTC 2026";
        let good = client_signature("EmuPool01", "jdoe", "Passw0rd!", &started, &small_a, ts);
        assert!(verify(
            &started.challenge,
            "EmuPool01",
            &started.secret_block,
            ts,
            &good
        ));
        let wrong = client_signature("EmuPool01", "jdoe", "wrong", &started, &small_a, ts);
        assert!(!verify(
            &started.challenge,
            "EmuPool01",
            &started.secret_block,
            ts,
            &wrong
        ));
        assert!(!verify(
            &started.challenge,
            "EmuPool01",
            &started.secret_block,
            "Tue Dec 3 09:05:08 UTC 2026",
            &good
        ));
    }

    #[test]
    fn a_zero_a_and_bad_hex_are_refused() {
        assert!(start("p", "u", "pw", "0", "c", 0).is_none());
        assert!(start("p", "u", "pw", N_HEX, "c", 0).is_none());
        assert!(start("p", "u", "pw", "xyz", "c", 0).is_none());
    }

    #[test]
    fn timestamps_in_the_sdk_format() {
        assert!(is_timestamp("Tue Dec 3 09:05:07 UTC 2026"));
        assert!(is_timestamp("Sat Sep 25 23:59:59 UTC 2027"));
        assert!(!is_timestamp("Tue Dec 03 09:05:07 UTC 2026"));
        assert!(!is_timestamp("2026-12-03T09:05:07Z"));
        assert!(!is_timestamp("Tue Dec 3 9:05:07 UTC 2026"));
    }
}
