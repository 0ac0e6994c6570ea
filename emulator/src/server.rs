//! The HTTP server: binds 127.0.0.1, routes requests to the handlers, and the in-process
//! [`Emulator`] handle used by tests.

use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

use crate::authorize::{self, AuthorizeRequest};
use crate::config::{Config, IdentityProvider};
use crate::http::{preflight, Request, Response};
use crate::keys::KeySet;
use crate::state::Ctx;
use crate::{api, control, token, userinfo};

const WORKERS: usize = 8;
const MAX_BODY: u64 = 1 << 20;

/// Start-up options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// 0 picks a free port.
    pub port: u16,
    /// Disables `/_emulator/*` (404).
    pub strict: bool,
    /// Signing keys to start with (generated when absent).
    pub keys: Option<KeySet>,
    /// Serve HTTPS on `https://localhost:{port}` with a self-signed certificate generated at
    /// start-up (for `localhost` and `127.0.0.1`), written as PEM to this path so a client can
    /// trust exactly that certificate (clients such as Amplify build `https://{domain}` URLs).
    pub tls_certificate_out: Option<std::path::PathBuf>,
}

/// A fresh self-signed certificate for `localhost` / `127.0.0.1`: (certificate PEM, key PEM).
fn self_signed_certificate() -> std::io::Result<(String, String)> {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(std::io::Error::other)?;
    Ok((generated.cert.pem(), generated.signing_key.serialize_pem()))
}

/// A running emulator.
pub struct Emulator {
    /// `http://127.0.0.1:{port}` (`https://localhost:{port}` with TLS), no trailing slash.
    pub base_url: String,
    ctx: Ctx,
    server: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    workers: Vec<JoinHandle<()>>,
}

impl Emulator {
    /// Starts an emulator on `port` (0: any free port).
    pub fn start(config: Config, port: u16) -> std::io::Result<Emulator> {
        Emulator::start_with(
            config,
            Options {
                port,
                ..Options::default()
            },
        )
    }

    pub fn start_with(config: Config, options: Options) -> std::io::Result<Emulator> {
        let address = ("127.0.0.1", options.port);
        let server = match &options.tls_certificate_out {
            None => tiny_http::Server::http(address),
            Some(path) => {
                let (certificate, private_key) = self_signed_certificate()?;
                std::fs::write(path, &certificate)?;
                tiny_http::Server::https(
                    address,
                    tiny_http::SslConfig {
                        certificate: certificate.into_bytes(),
                        private_key: private_key.into_bytes(),
                    },
                )
            }
        }
        .map_err(std::io::Error::other)?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| std::io::Error::other("not bound to an IP address"))?;
        let base_url = match options.tls_certificate_out {
            None => format!("http://127.0.0.1:{port}"),
            Some(_) => format!("https://localhost:{port}"),
        };
        let keys = options.keys.unwrap_or_else(KeySet::generate);
        let ctx = Ctx::new(config, keys, base_url.clone(), options.strict);
        let server = Arc::new(server);
        let stop = Arc::new(AtomicBool::new(false));
        let workers = (0..WORKERS)
            .map(|_| {
                let (server, stop, ctx) = (server.clone(), stop.clone(), ctx.clone());
                std::thread::spawn(move || serve(&server, &stop, &ctx))
            })
            .collect();
        Ok(Emulator {
            base_url,
            ctx,
            server,
            stop,
            workers,
        })
    }

    /// The shared state (for in-process inspection by tests).
    pub fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    /// Stops the server and joins its threads.
    pub fn shutdown(mut self) {
        self.stop_workers();
    }

    fn stop_workers(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for _ in 0..self.workers.len() {
            self.server.unblock();
        }
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_workers();
    }
}

fn serve(server: &tiny_http::Server, stop: &AtomicBool, ctx: &Ctx) {
    while !stop.load(Ordering::SeqCst) {
        let Ok(mut incoming) = server.recv() else {
            continue;
        };
        let request = convert(&mut incoming);
        let response = match request {
            Some(request) => catch_unwind(AssertUnwindSafe(|| route(ctx, &request)))
                .unwrap_or_else(|_| {
                    Response::json(500, &serde_json::json!({"error": "server_error"}))
                }),
            None => Response::json(400, &serde_json::json!({"error": "invalid_request"})),
        };
        let mut out =
            tiny_http::Response::from_data(response.body).with_status_code(response.status);
        for (name, value) in &response.headers {
            if let Ok(header) = tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()) {
                out.add_header(header);
            }
        }
        let _ = incoming.respond(out);
    }
}

fn convert(incoming: &mut tiny_http::Request) -> Option<Request> {
    let mut request = Request::new(incoming.method().as_str(), incoming.url());
    for header in incoming.headers() {
        request = request.with_header(header.field.as_str().as_str(), header.value.as_str());
    }
    let mut body = Vec::new();
    incoming
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body)
        .ok()?;
    Some(request.with_body(body))
}

/// Routes one request; never panics on client input.
pub fn route(ctx: &Ctx, request: &Request) -> Response {
    let path = request.path.as_str();
    let method = request.method.as_str();
    if path.starts_with("/_emulator/") || path == "/_emulator" {
        if ctx.strict {
            return Response::not_found();
        }
        if path != "/_emulator/requests" {
            ctx.log_request(control::log_entry(ctx, request));
        }
        return control::handle(ctx, request);
    }
    ctx.log_request(control::log_entry(ctx, request));
    if method == "OPTIONS" {
        return preflight(request);
    }
    let well_known = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(ctx.pool_id()))
        .and_then(|p| p.strip_prefix("/.well-known/"));
    match (method, path, well_known) {
        ("GET", _, Some("jwks.json")) => userinfo::handle_jwks(ctx),
        ("GET", _, Some("openid-configuration")) => userinfo::handle_discovery(ctx),
        ("POST", "/", _) => api::handle_api(ctx, request),
        ("GET", "/oauth2/authorize", _) => authorize::handle_authorize(ctx, request),
        ("GET" | "POST", "/login", _) => authorize::handle_login(ctx, request),
        ("GET", "/logout", _) => authorize::handle_logout(ctx, request),
        ("GET", "/error", _) => authorize::handle_error_page(request),
        ("POST", "/oauth2/token", _) => token::handle_token(ctx, request),
        (_, "/oauth2/token", _) => Response::method_not_allowed().with_cors(),
        ("GET" | "POST", "/oauth2/userInfo", _) => userinfo::handle_userinfo(ctx, request),
        ("POST", "/oauth2/revoke", _) => token::handle_revoke(ctx, request),
        ("GET" | "POST", "/oauth2/idpresponse", _) => federation_response(ctx, request),
        (_, "/oauth2/authorize" | "/logout" | "/oauth2/revoke" | "/oauth2/userInfo", _) => {
            Response::method_not_allowed()
        }
        _ => Response::not_found(),
    }
}

/// Hands an IdP-named authorize to the federation module.
#[cfg(emulator_federation)]
pub fn federation_start(ctx: &Ctx, idp: &IdentityProvider, req: &AuthorizeRequest) -> Response {
    crate::federation::start(ctx, idp, req)
}

/// Without the federation module, an IdP-named authorize fails as docs/cognito.md#federation-errors
/// says.
#[cfg(not(emulator_federation))]
pub fn federation_start(_ctx: &Ctx, idp: &IdentityProvider, req: &AuthorizeRequest) -> Response {
    authorize::error_redirect(
        req,
        "invalid_request",
        Some(&format!(
            "{} Error - federation is not available in this build",
            idp.provider_name
        )),
    )
}

#[cfg(emulator_federation)]
fn federation_response(ctx: &Ctx, request: &Request) -> Response {
    crate::federation::handle_idpresponse(ctx, request)
}

#[cfg(not(emulator_federation))]
fn federation_response(ctx: &Ctx, request: &Request) -> Response {
    // Without the module no sign-in can be pending; an unknown state is Cognito's "Invalid state".
    let known = request
        .query
        .get("state")
        .and_then(|state| ctx.take_pending(state));
    match known {
        Some(pending) => {
            authorize::error_redirect(&pending.request, "invalid_request", Some("Invalid state"))
        }
        None => authorize::error_page_redirect("Invalid state", ""),
    }
}
