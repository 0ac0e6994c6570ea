//! Fetching JWKS and discovery documents with `globalThis.fetch` or the caller's `fetch`
//! option, with a timeout (AbortController + a timer race, so even a fetch that ignores the
//! signal cannot hang a verification) and a body size cap enforced while streaming.

use crate::protocol::error::{Error, FetchError};
use crate::protocol::verify::verifier::FetchSettings;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use super::error::{fetch_failed, set, Caused};

#[wasm_bindgen]
extern "C" {
    type AbortController;
    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;
    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);

    #[wasm_bindgen(js_namespace = globalThis, js_name = setTimeout)]
    fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_namespace = globalThis, js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    /// A `Response`, or anything shaped like one (a custom fetch may return its own).
    type Response;
    #[wasm_bindgen(method, getter, structural)]
    fn status(this: &Response) -> JsValue;
    #[wasm_bindgen(method, getter, structural)]
    fn body(this: &Response) -> JsValue;
    #[wasm_bindgen(method, catch, structural, js_name = arrayBuffer)]
    fn array_buffer(this: &Response) -> Result<Promise, JsValue>;

    type Body;
    #[wasm_bindgen(method, catch, structural, js_name = getReader)]
    fn get_reader(this: &Body) -> Result<Reader, JsValue>;

    type Reader;
    #[wasm_bindgen(method, catch, structural)]
    fn read(this: &Reader) -> Result<Promise, JsValue>;
    #[wasm_bindgen(method, catch, structural)]
    fn cancel(this: &Reader) -> Result<Promise, JsValue>;
}

/// `globalThis.fetch`, looked up at call time.
pub(crate) fn global_fetch() -> Result<Function, Error> {
    Reflect::get(&js_sys::global(), &JsValue::from_str("fetch"))
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or(FetchError::Failed.into())
}

/// Where the fetch task leaves its result (empty while it runs).
type Slot = Rc<RefCell<Option<Result<Vec<u8>, Caused>>>>;

/// GETs `url` and returns the body, within `settings.timeout_ms` and `settings.max_bytes`.
pub(crate) async fn get(
    fetch: &Function,
    url: &str,
    settings: FetchSettings,
) -> Result<Vec<u8>, Caused> {
    let controller = AbortController::new().map_err(fetch_failed)?;
    let slot: Slot = Rc::default();
    let work = {
        let (slot, fetch, url, signal) = (
            slot.clone(),
            fetch.clone(),
            url.to_owned(),
            controller.signal(),
        );
        future_to_promise(async move {
            let result = fetch_and_read(&fetch, &url, &signal, settings.max_bytes).await;
            *slot.borrow_mut() = Some(result);
            Ok(JsValue::UNDEFINED)
        })
    };
    let mut timer = JsValue::UNDEFINED;
    let timeout =
        Promise::new(&mut |resolve, _| timer = set_timeout(&resolve, settings.timeout_ms));
    let _ = JsFuture::from(Promise::race(&Array::of2(&work, &timeout))).await;
    clear_timeout(&timer);
    let result = slot.borrow_mut().take();
    result.unwrap_or_else(|| {
        controller.abort();
        Err(FetchError::Timeout {
            ms: settings.timeout_ms,
        }
        .into())
    })
}

async fn fetch_and_read(
    fetch: &Function,
    url: &str,
    signal: &JsValue,
    max: usize,
) -> Result<Vec<u8>, Caused> {
    let init = Object::new();
    set(&init, "signal", signal);
    let response = fetch
        .call2(&JsValue::UNDEFINED, &JsValue::from_str(url), &init)
        .map_err(fetch_failed)?;
    let response: Response = JsFuture::from(Promise::resolve(&response))
        .await
        .map_err(fetch_failed)?
        .unchecked_into();
    let status = response.status().as_f64().unwrap_or(0.0);
    if status != 200.0 {
        return Err(FetchError::Status {
            status: status as u16,
        }
        .into());
    }
    let body = response.body();
    if body.is_object() {
        read_stream(&body.unchecked_into::<Body>(), max).await
    } else {
        let buffer = JsFuture::from(response.array_buffer().map_err(fetch_failed)?)
            .await
            .map_err(fetch_failed)?;
        let bytes = Uint8Array::new(&buffer);
        if bytes.length() as usize > max {
            return Err(FetchError::TooLarge { max }.into());
        }
        Ok(bytes.to_vec())
    }
}

async fn read_stream(body: &Body, max: usize) -> Result<Vec<u8>, Caused> {
    let reader = body.get_reader().map_err(fetch_failed)?;
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read().map_err(fetch_failed)?)
            .await
            .map_err(fetch_failed)?;
        let done = Reflect::get(&chunk, &JsValue::from_str("done")).map_err(fetch_failed)?;
        if done.is_truthy() {
            return Ok(out);
        }
        let value: Uint8Array = Reflect::get(&chunk, &JsValue::from_str("value"))
            .map_err(fetch_failed)?
            .dyn_into()
            .map_err(fetch_failed)?;
        let start = out.len();
        let len = value.length() as usize;
        if start + len > max {
            let _ = reader.cancel();
            return Err(FetchError::TooLarge { max }.into());
        }
        out.resize(start + len, 0);
        value.copy_to(&mut out[start..]);
    }
}
