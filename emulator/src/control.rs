//! Test-only controls under `/_emulator/` (all 404 under `--strict`).

use serde::Deserialize;
use serde_json::{json, Value};

use crate::config::UserConfig;
use crate::http::{Params, Request, Response};
use crate::keys::{generate_pair, KeyUse};
use crate::state::{Ctx, LoggedRequest};
use crate::user::User;

/// Query parameters never written to the request log.
const SECRET_PARAMS: [&str; 9] = [
    "code",
    "code_verifier",
    "client_secret",
    "refresh_token",
    "token",
    "password",
    "access_token",
    "id_token",
    "_csrf",
];

/// The log entry of a request: method, path and query with secrets redacted.
pub fn log_entry(ctx: &Ctx, request: &Request) -> LoggedRequest {
    let redacted = Params(
        request
            .query
            .0
            .iter()
            .map(|(k, v)| {
                let value = if SECRET_PARAMS.contains(&k.as_str()) {
                    "REDACTED".to_owned()
                } else {
                    v.clone()
                };
                (k.clone(), value)
            })
            .collect(),
    );
    LoggedRequest {
        method: request.method.clone(),
        path: request.path.clone(),
        query: redacted.encode(),
        time: ctx.now(),
    }
}

fn body<T: for<'de> Deserialize<'de> + Default>(request: &Request) -> Result<T, Response> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&request.body).map_err(|e| {
        Response::json(
            400,
            &json!({"error": "invalid_body", "message": e.to_string()}),
        )
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct Rotate {
    keep_old: bool,
    #[serde(rename = "use")]
    key_use: String,
}

impl Default for Rotate {
    fn default() -> Self {
        Rotate {
            keep_old: true,
            key_use: "both".into(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct Clock {
    advance_seconds: i64,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
struct Login {
    authorize: String,
    username: String,
    password: String,
}

fn kids(ctx: &Ctx) -> Value {
    let keys = ctx.keys();
    json!({
        "idTokenKid": keys.current_kid(KeyUse::Id),
        "accessTokenKid": keys.current_kid(KeyUse::Access),
    })
}

fn clock(ctx: &Ctx, offset: i64) -> Response {
    Response::json(200, &json!({"now": ctx.now(), "offsetSeconds": offset}))
}

/// Routes `/_emulator/*`.
pub fn handle(ctx: &Ctx, request: &Request) -> Response {
    match handle_inner(ctx, request) {
        Ok(response) | Err(response) => response,
    }
}

fn handle_inner(ctx: &Ctx, request: &Request) -> Result<Response, Response> {
    let route = request.path.trim_start_matches("/_emulator");
    Ok(match (request.method.as_str(), route) {
        ("POST", "/keys/rotate") => {
            let rotate: Rotate = body(request)?;
            let uses: &[KeyUse] = match rotate.key_use.as_str() {
                "id" => &[KeyUse::Id],
                "access" => &[KeyUse::Access],
                "both" => &[KeyUse::Id, KeyUse::Access],
                _ => {
                    return Err(Response::json(
                        400,
                        &json!({"error": "use must be id, access or both"}),
                    ))
                }
            };
            let (first, second) = generate_pair();
            let mut keys = ctx.keys_mut();
            for (key_use, key) in uses.iter().zip([first, second]) {
                keys.rotate(*key_use, key, rotate.keep_old);
            }
            drop(keys);
            Response::json(200, &kids(ctx))
        }
        ("GET", "/keys") => Response::json(200, &kids(ctx)),
        ("GET", "/clock") => clock(ctx, ctx.shift_clock(0)),
        ("POST", "/clock") => {
            let shift: Clock = body(request)?;
            clock(ctx, ctx.shift_clock(shift.advance_seconds))
        }
        ("POST", "/users") => {
            let user: UserConfig = serde_json::from_slice(&request.body).map_err(|e| {
                Response::json(
                    400,
                    &json!({"error": "invalid_body", "message": e.to_string()}),
                )
            })?;
            ctx.config.check_user(&user).map_err(|e| {
                Response::json(400, &json!({"error": "invalid_user", "message": e.0}))
            })?;
            let user = User::from_config(&ctx.config, &user);
            let answer = json!({"Username": user.username, "sub": user.sub()});
            ctx.put_user(user);
            Response::json(201, &answer)
        }
        ("POST", "/login") => {
            let login: Login = body(request)?;
            crate::authorize::login_without_browser(
                ctx,
                &login.authorize,
                &login.username,
                &login.password,
            )
        }
        ("POST", "/introspect") => crate::userinfo::handle_introspect(ctx, request),
        ("GET", "/requests") => {
            let path = request.query.get("path");
            let store = ctx.store();
            let requests: Vec<&LoggedRequest> = store
                .requests
                .iter()
                .filter(|r| path.is_none_or(|p| r.path == p))
                .collect();
            Response::json(200, &json!({"count": requests.len(), "requests": requests}))
        }
        ("DELETE", "/requests") => {
            ctx.store().requests.clear();
            Response::new(204)
        }
        _ => Response::not_found(),
    })
}
