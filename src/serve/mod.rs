//! `prepub serve`: the review desk, a local web page where a clerk reviews
//! a batch finding by finding (一事一审) and prints the form.
//!
//! Nothing leaves the machine and nothing is installed: the server is
//! `axum` on a `tokio` runtime inside the binary, the pages, style and
//! script are embedded, and the content security policy forbids loading
//! anything from elsewhere. The desk is a view on the same pipeline as
//! `prepub scan`: the batch is scanned with the usual options, decisions go
//! through [`crate::audit::decisions`] to the same `prepub-decisions.yaml`
//! (atomically, after every answer), and printing is the HTML report.
//!
//! Security, because the desk holds drafts that may be classified, is in
//! [`guard`]: loopback only unless `--bind` (then a password), a random
//! per-run token, `Host` and `Origin` checked. Pages address documents by
//! their number in the review, never by a file path, so no request can
//! reach a file outside the review.

mod desk;
mod guard;
mod pages;
mod words;

pub use desk::{Desk, Stage};
pub use guard::new_token;

use crate::batch::{self, BatchOptions, Inputs, interrupt};
use crate::report::{self, Lang, RenderOptions};
use crate::review::Review;
use crate::rules::RuleSet;
use axum::Router;
use axum::extract::{Form, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use guard::{Guard, RequestParts, TOKEN_COOKIE};
use pages::Filter;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

/// What the desk shows: a batch to scan, or a saved review. Made once per
/// run, so the size of its variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Source {
    Scan {
        inputs: Inputs,
        rules: RuleSet,
        options: BatchOptions,
    },
    Saved(Box<Review>),
}

/// How the desk is served.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The address to listen on: loopback unless `--bind`.
    pub address: IpAddr,
    /// The name given to `--bind` (accepted in `Host`).
    pub bind_host: Option<String>,
    /// 0 = any free port.
    pub port: u16,
    /// Required when `address` is not loopback.
    pub password: Option<String>,
    pub lang: Lang,
    /// Open the URL in the default browser.
    pub open: bool,
    /// The form's fields (reviewer, department, batch name).
    pub render: RenderOptions,
}

impl Default for ServeOptions {
    fn default() -> ServeOptions {
        ServeOptions {
            address: IpAddr::V4(Ipv4Addr::LOCALHOST),
            bind_host: None,
            port: 0,
            password: None,
            lang: Lang::Zh,
            open: false,
            render: RenderOptions::default(),
        }
    }
}

struct App {
    desk: Desk,
    guard: Guard,
    lang: Lang,
    render: RenderOptions,
}

/// Runs the desk until Ctrl-C. `announce` receives the URL to open once
/// the server listens (prepub prints it).
pub fn run(
    source: Source,
    desk: Desk,
    options: ServeOptions,
    announce: impl FnOnce(&str),
) -> Result<(), String> {
    if !options.address.is_loopback() && options.password.as_deref().is_none_or(str::is_empty) {
        return Err(format!(
            "--bind {} makes the desk reachable from other machines: give a password (--password-file FILE or PREPUB_SERVE_PASSWORD)",
            options.address
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the desk's server: {e}"))?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(SocketAddr::new(
            options.address,
            options.port,
        )))
        .map_err(|e| format!("cannot listen on {}:{}: {e}", options.address, options.port))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the desk's address: {e}"))?;
    let token = guard::new_token()?;
    let guard = Guard::new(
        token.clone(),
        address,
        options.bind_host.as_deref(),
        options.password.clone(),
    );
    let app = Arc::new(App {
        desk,
        guard,
        lang: options.lang,
        render: options.render.clone(),
    });
    let scanner = start(source, Arc::clone(&app));
    let host = match (&options.bind_host, address.ip()) {
        (Some(name), _) => name.clone(),
        (None, IpAddr::V6(ip)) => format!("[{ip}]"),
        (None, ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}/?token={token}", address.port());
    announce(&url);
    if options.open {
        open_browser(&url);
    }
    let router = router(Arc::clone(&app));
    let served = runtime.block_on(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stopped())
            .await
    });
    // The scan stops on the same Ctrl-C; its thread ends promptly.
    let _ = scanner.join();
    served.map_err(|e| format!("the desk's server failed: {e}"))
}

/// Scans the batch on its own thread (rayon inside), counting progress.
fn start(source: Source, app: Arc<App>) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || match source {
        Source::Saved(review) => app.desk.finish(Stage::Ready(review)),
        Source::Scan {
            inputs,
            rules,
            options,
        } => {
            app.desk
                .progress
                .total
                .store(inputs.files.len(), Ordering::Relaxed);
            let done = &app.desk.progress.done;
            let outcome = batch::run_spilled(&inputs, &rules, &options, &|_| {
                done.fetch_add(1, Ordering::Relaxed);
            })
            .and_then(|spilled| spilled.into_review());
            match outcome {
                Ok(review) => app.desk.finish(Stage::Ready(Box::new(review))),
                Err(error) => app.desk.finish(Stage::Failed(error.to_string())),
            }
        }
    })
}

/// Resolves when Ctrl-C was pressed (prepub's own handler records it).
async fn stopped() {
    while !interrupt::requested() {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("prepub: cannot open a browser ({opener}: {e}); open the URL above yourself");
    }
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(batch_page))
        .route("/events", get(events))
        .route("/doc/{index}", get(document_page))
        .route("/doc/{index}/decide", post(decide))
        .route("/doc/{index}/undo", post(undo))
        .route("/doc/{index}/print", get(print_document))
        .route("/doc/{index}/export/{format}", get(export_document))
        .route("/print", get(print_batch))
        .route("/export/{format}", get(export_batch))
        .route("/assets/desk.css", get(style))
        .route("/assets/desk.js", get(script))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(Arc::clone(&app), checked))
        .with_state(app)
}

/// The desk's pages may load only the desk's own style and script.
const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The printed form carries its style inline and runs no script.
const FORM_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Runs the [`guard`] on every request, keeps the token in a cookie after
/// the first load, and adds the security headers to every response.
async fn checked(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    let query: HashMap<String, String> = Query::try_from_uri(request.uri())
        .map(|Query(q)| q)
        .unwrap_or_default();
    let parts = RequestParts {
        host: text(header::HOST),
        origin: text(header::ORIGIN),
        query_token: query.get("token").map(String::as_str),
        cookie: text(header::COOKIE),
        authorization: text(header::AUTHORIZATION),
        is_change: request.method() != Method::GET && request.method() != Method::HEAD,
    };
    if let Err(refusal) = app.guard.check(&parts) {
        let mut response = (
            StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::FORBIDDEN),
            refusal.message(),
        )
            .into_response();
        if refusal == guard::Refusal::Password {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"prepub\", charset=\"UTF-8\""),
            );
        }
        return secure(response, PAGE_POLICY);
    }
    let token_in_query = app
        .guard
        .query_token_ok(query.get("token").map(String::as_str));
    let lang = query.get("lang").and_then(|l| Lang::parse(l));
    let printing = request.uri().path().ends_with("/print") || request.uri().path() == "/print";
    let mut response = if token_in_query && request.method() == Method::GET {
        // Keep the token in a cookie and take it out of the address bar
        // (and so out of the history and any copied link).
        let mut clean = request.uri().path().to_owned();
        let rest: Vec<String> = query
            .iter()
            .filter(|(k, _)| k.as_str() != "token")
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        if !rest.is_empty() {
            clean.push('?');
            clean.push_str(&rest.join("&"));
        }
        Redirect::to(&clean).into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    if token_in_query {
        let cookie = format!(
            "{TOKEN_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict",
            app.guard.token()
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            headers.append(header::SET_COOKIE, value);
        }
    }
    if let Some(lang) = lang
        && let Ok(value) = HeaderValue::from_str(&format!(
            "prepub_lang={}; Path=/; SameSite=Strict",
            lang_name(lang)
        ))
    {
        headers.append(header::SET_COOKIE, value);
    }
    secure(response, if printing { FORM_POLICY } else { PAGE_POLICY })
}

fn secure(mut response: Response, policy: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(policy),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Not `no-referrer`: with it a browser posts forms with `Origin: null`,
    // which the guard must refuse. Nothing leaves the desk's own origin.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The language of this request: `?lang=` (the switch), else the cookie
/// it set, else `--lang`.
fn lang_of(app: &App, headers: &HeaderMap, query: &HashMap<String, String>) -> Lang {
    query
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .or_else(|| {
            headers
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(|c| guard::cookie_value(c, "prepub_lang"))
                .and_then(Lang::parse)
        })
        .unwrap_or(app.lang)
}

fn html(body: String) -> Response {
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

async fn batch_page(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&app, &headers, &query);
    let stage = app.desk.applied();
    let filter = Filter::from_query(&query);
    html(pages::batch(
        &stage,
        app.desk.progress.snapshot(),
        &filter,
        &session(&app),
        lang,
    ))
}

/// Server-sent progress while the batch is scanned; `done` once ready.
async fn events(
    State(app): State<Arc<App>>,
) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let stream = futures_util::stream::unfold((app, false), |(app, finished)| async move {
        if finished {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (done, total) = app.desk.progress.snapshot();
        let ready = !app.desk.applied_stage_is_scanning();
        let event = if ready {
            Event::default().event("done").data("{}")
        } else {
            Event::default()
                .event("progress")
                .data(format!("{{\"done\":{done},\"total\":{total}}}"))
        };
        Some((Ok(event), (app, ready)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn session(app: &App) -> pages::Session<'_> {
    pages::Session {
        reviewer: app.desk.reviewer(),
        decisions_file: app.desk.decisions_path(),
    }
}

/// The review with decisions applied, or the page to show instead (a
/// response, once per request: its size does not matter).
#[allow(clippy::result_large_err)]
fn ready(app: &App, lang: Lang) -> Result<Box<Review>, Response> {
    match app.desk.applied() {
        Stage::Ready(review) => Ok(review),
        stage => Err(html(pages::batch(
            &stage,
            app.desk.progress.snapshot(),
            &Filter::default(),
            &session(app),
            lang,
        ))),
    }
}

async fn document_page(
    State(app): State<Arc<App>>,
    Path(index): Path<usize>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&app, &headers, &query);
    let review = match ready(&app, lang) {
        Ok(review) => review,
        Err(page) => return page,
    };
    match pages::document(&review, index, lang, app.guard.token(), None) {
        Some(page) => html(page),
        None => not_found().await.into_response(),
    }
}

/// A change whose form lacks the desk's token: refused (the cookie alone
/// never suffices, see [`guard`]).
fn without_form_token(app: &App, form: &HashMap<String, String>) -> Option<Response> {
    (!app
        .guard
        .form_token_ok(form.get("token").map(String::as_str)))
    .then(|| (StatusCode::FORBIDDEN, guard::Refusal::Token.message()).into_response())
}

async fn decide(
    State(app): State<Arc<App>>,
    Path(index): Path<usize>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = without_form_token(&app, &form) {
        return refused;
    }
    let lang = lang_of(&app, &headers, &HashMap::new());
    let Some(kind) = form.get("decision").and_then(|d| pages::parse_kind(d)) else {
        return (
            StatusCode::BAD_REQUEST,
            "no decision (remove, revise or keep)",
        )
            .into_response();
    };
    let finding = form.get("finding").cloned().unwrap_or_default();
    let asked = desk::Asked {
        document: index,
        finding: finding.clone(),
        kind,
        reason: form.get("reason").cloned(),
        expires: form.get("expires").cloned(),
        approver: form.get("approver").cloned(),
    };
    match app.desk.decide(&asked) {
        Ok(()) => after_decision(&app, index, &finding),
        Err(desk::NotRecorded(why)) => refused_decision(&app, index, lang, &why),
    }
}

async fn undo(
    State(app): State<Arc<App>>,
    Path(index): Path<usize>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    if let Some(refused) = without_form_token(&app, &form) {
        return refused;
    }
    let lang = lang_of(&app, &headers, &HashMap::new());
    let finding = form.get("finding").cloned().unwrap_or_default();
    match app.desk.undo(index, &finding) {
        Ok(()) => Redirect::to(&format!("/doc/{index}#f-{}", encode(&finding))).into_response(),
        Err(desk::NotRecorded(why)) => refused_decision(&app, index, lang, &why),
    }
}

/// After a decision: back to the document, at the next undecided finding.
fn after_decision(app: &App, index: usize, decided: &str) -> Response {
    let target = match app.desk.applied() {
        Stage::Ready(review) => review.documents.get(index).and_then(|document| {
            let position = document.findings.iter().position(|f| f.id == decided)?;
            let later = document.findings[position + 1..]
                .iter()
                .chain(&document.findings[..position])
                .find(|f| f.decision.as_ref().is_none_or(|d| d.expired))?;
            Some(later.id.clone())
        }),
        _ => None,
    };
    let anchor = target.as_deref().unwrap_or(decided);
    Redirect::to(&format!("/doc/{index}#f-{}", encode(anchor))).into_response()
}

fn refused_decision(app: &App, index: usize, lang: Lang, why: &str) -> Response {
    let page = match app.desk.applied() {
        Stage::Ready(review) => pages::document(&review, index, lang, app.guard.token(), Some(why)),
        _ => None,
    };
    match page {
        Some(page) => (StatusCode::BAD_REQUEST, html(page)).into_response(),
        None => (StatusCode::BAD_REQUEST, why.to_owned()).into_response(),
    }
}

fn only(review: &Review, index: usize) -> Option<Review> {
    let document = review.documents.get(index)?.clone();
    let mut one = review.clone();
    one.documents = vec![document];
    one.skipped.clear();
    one.summary = crate::review::Summary::of(&one.documents);
    Some(one)
}

async fn print_batch(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&app, &headers, &query);
    match ready(&app, lang) {
        Ok(review) => rendered(&app, &review, "html", lang, "prepub-review"),
        Err(page) => page,
    }
}

async fn print_document(
    State(app): State<Arc<App>>,
    Path(index): Path<usize>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let lang = lang_of(&app, &headers, &query);
    let review = match ready(&app, lang) {
        Ok(review) => review,
        Err(page) => return page,
    };
    match only(&review, index) {
        Some(one) => rendered(&app, &one, "html", lang, "prepub-review"),
        None => not_found().await.into_response(),
    }
}

async fn export_batch(
    State(app): State<Arc<App>>,
    Path(format): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&app, &headers, &HashMap::new());
    match ready(&app, lang) {
        Ok(review) => rendered(&app, &review, &format, lang, "prepub-review"),
        Err(page) => page,
    }
}

async fn export_document(
    State(app): State<Arc<App>>,
    Path((index, format)): Path<(usize, String)>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&app, &headers, &HashMap::new());
    let review = match ready(&app, lang) {
        Ok(review) => review,
        Err(page) => return page,
    };
    match only(&review, index) {
        Some(one) => rendered(
            &app,
            &one,
            &format,
            lang,
            &format!("prepub-review-{}", index + 1),
        ),
        None => not_found().await.into_response(),
    }
}

/// A report of `review` in `format`, by the report's own renderers.
fn rendered(app: &App, review: &Review, format: &str, lang: Lang, stem: &str) -> Response {
    let options = RenderOptions {
        lang,
        ..app.render.clone()
    };
    let (bytes, mime, extension) = match format {
        "html" => (
            report::html::render(review, &options),
            "text/html; charset=utf-8",
            None,
        ),
        "json" => (
            report::json::render(review),
            "application/json",
            Some("json"),
        ),
        "sarif" => (
            report::sarif::render(review, &options),
            "application/sarif+json",
            Some("sarif"),
        ),
        "csv" => (
            report::csv::render(review, &options),
            "text/csv; charset=utf-8",
            Some("csv"),
        ),
        "md" => (
            report::markdown::render(review, &options),
            "text/markdown; charset=utf-8",
            Some("md"),
        ),
        "docx" => (
            report::docx::render(review, &options),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Some("docx"),
        ),
        _ => return (StatusCode::NOT_FOUND, "no such report format").into_response(),
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(why) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the report could not be rendered: {why}"),
            )
                .into_response();
        }
    };
    let mut response = ([(header::CONTENT_TYPE, mime)], bytes).into_response();
    if let Some(extension) = extension
        && let Ok(value) =
            HeaderValue::from_str(&format!("attachment; filename=\"{stem}.{extension}\""))
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/desk.css"),
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/desk.js"),
    )
        .into_response()
}

async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "not found")
}
