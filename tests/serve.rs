//! `prepub serve`, the review desk, through the binary: the security
//! checks over plain HTTP, decisions kept across a restart, and a real
//! headless Chromium deciding findings by keyboard and printing the form.
//!
//! The browser test skips with a message where Debian's `chromium` and
//! `chromium-driver` are not installed (`.ci/run` installs them, and sets
//! `PREPUB_REQUIRE_BROWSER` so that there it fails instead of skipping).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DRAFT: &str = "机密★10年\n关于印发工作要点的通知\n内部资料\n联系人：张三，手机 13800138000\n身份证号 11010519491231002X\n";

/// A running desk: killed with Ctrl-C (SIGINT) when dropped.
struct Desk {
    child: Child,
    url: String,
    port: u16,
    token: String,
}

impl Desk {
    fn start(dir: &Path, args: &[&str]) -> Desk {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prepub"))
            .current_dir(dir)
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("prepub serve starts");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().expect("a line").expect("utf-8");
        let url = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {first:?}"))
            .to_owned();
        // Keep reading stdout so the desk never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let port = url
            .trim_start_matches("http://127.0.0.1:")
            .split('/')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let token = url.split("token=").nth(1).unwrap().to_owned();
        let desk = Desk {
            child,
            url,
            port,
            token,
        };
        desk.wait_ready();
        desk
    }

    fn cookie(&self) -> String {
        format!("prepub_token={}", self.token)
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Waits until the scan behind the desk has finished.
    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let page = self.get("/", &[("Cookie", &self.cookie())]);
            if page.status == 200 && !page.body.contains("id=\"progress\"") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the desk never finished: {page:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        request(self.port, "GET", path, &self.host(), headers, "")
    }

    fn post(&self, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        request(self.port, "POST", path, &self.host(), headers, body)
    }

    /// Ctrl-C, then the exit status.
    fn stop(mut self) -> std::process::ExitStatus {
        interrupt(&self.child);
        let status = wait(&mut self.child);
        std::mem::forget(self);
        status
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        interrupt(&self.child);
        let _ = wait(&mut self.child);
    }
}

fn interrupt(child: &Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
}

fn wait(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the desk did not stop on Ctrl-C within 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One HTTP/1.1 request over a fresh connection (the test's client side).
fn request(
    port: u16,
    method: &str,
    path: &str,
    host: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        text.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        text.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    text.push_str("\r\n");
    text.push_str(body);
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Reply {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn batch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    std::fs::write(dir.path().join("drafts/通知.txt"), DRAFT).unwrap();
    std::fs::write(dir.path().join("drafts/公开.txt"), "关于举办运动会的通知\n").unwrap();
    std::fs::write(
        dir.path().join("drafts/<img src=x onerror=alert(1)>.txt"),
        "内部资料 <script>alert(2)</script>\n",
    )
    .unwrap();
    dir
}

const ARGS: &[&str] = &["drafts", "--reviewer", "张三", "--no-ocr"];

fn finding_ids(page: &str) -> Vec<String> {
    page.split("data-id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

/// The number of the document whose path contains `name` on the batch page.
fn document_link(page: &str, name: &str) -> String {
    page.split("<a href=\"/doc/")
        .skip(1)
        .find(|rest| rest.split("</a>").next().unwrap().contains(name))
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .unwrap_or_else(|| panic!("no link to {name} in {page}"))
}

#[test]
fn requests_without_the_token_from_another_origin_or_host_are_refused() {
    let dir = batch();
    let desk = Desk::start(dir.path(), ARGS);
    // The printed URL sets the cookie and takes the token out of the address.
    let first = desk.get(&format!("/?token={}", desk.token), &[]);
    assert_eq!(first.status, 303, "{first:?}");
    assert!(first.head.contains("prepub_token="), "{first:?}");
    assert!(first.head.contains("SameSite=Strict") && first.head.contains("HttpOnly"));
    let cookie = desk.cookie();
    assert_eq!(desk.get("/", &[("Cookie", &cookie)]).status, 200);
    // No token, a wrong one.
    assert_eq!(desk.get("/", &[]).status, 403);
    assert_eq!(desk.get("/doc/0", &[]).status, 403);
    assert_eq!(desk.get("/export/json", &[]).status, 403);
    assert_eq!(desk.get("/?token=0000", &[]).status, 403);
    // DNS rebinding: the right token, but the attacker's host name.
    let rebound = request(
        desk.port,
        "GET",
        &format!("/?token={}", desk.token),
        &format!("evil.example:{}", desk.port),
        &[],
        "",
    );
    assert_eq!(rebound.status, 403, "{rebound:?}");
    // A form posted from another site, even with the cookie and token.
    let page = desk.get("/", &[("Cookie", &cookie)]);
    let doc = document_link(&page.body, "通知.txt");
    let ids = finding_ids(
        &desk
            .get(&format!("/doc/{doc}"), &[("Cookie", &cookie)])
            .body,
    );
    assert!(ids.len() >= 3, "{ids:?}");
    let form = format!("token={}&finding={}&decision=remove", desk.token, ids[0]);
    let foreign = desk.post(
        &format!("/doc/{doc}/decide"),
        &[("Cookie", &cookie), ("Origin", "http://evil.example")],
        &form,
    );
    assert_eq!(foreign.status, 403, "{foreign:?}");
    let no_origin = desk.post(&format!("/doc/{doc}/decide"), &[("Cookie", &cookie)], &form);
    assert_eq!(no_origin.status, 403, "{no_origin:?}");
    // The cookie alone does not make a change: the form must carry the token.
    let origin = format!("http://{}", desk.host());
    let no_form_token = desk.post(
        &format!("/doc/{doc}/decide"),
        &[("Cookie", &cookie), ("Origin", &origin)],
        &format!("finding={}&decision=remove", ids[0]),
    );
    assert_eq!(no_form_token.status, 403, "{no_form_token:?}");
    assert!(
        !dir.path().join("prepub-decisions.yaml").exists(),
        "a refused request changed nothing"
    );
    // Every response forbids loading anything from elsewhere.
    let page = desk.get("/", &[("Cookie", &cookie)]);
    assert!(
        page.head
            .to_lowercase()
            .contains("content-security-policy: default-src 'none'"),
        "{}",
        page.head
    );
    // Document text is escaped: the file named like an <img> tag, the script in it.
    assert!(!page.body.contains("<img src=x"), "{}", page.body);
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    let evil = document_link(&page.body, "onerror");
    let evil_page = desk.get(&format!("/doc/{evil}"), &[("Cookie", &cookie)]);
    assert!(
        !evil_page.body.contains("<script>alert"),
        "{}",
        evil_page.body
    );
    // Documents are addressed by number: nothing else can be asked for.
    assert_eq!(desk.get("/doc/99", &[("Cookie", &cookie)]).status, 404);
    assert_ne!(
        desk.get("/doc/..%2F..%2Fetc%2Fpasswd", &[("Cookie", &cookie)])
            .status,
        200
    );
    assert_eq!(desk.get("/etc/passwd", &[("Cookie", &cookie)]).status, 404);
}

#[test]
fn decisions_are_saved_after_every_answer_and_kept_across_a_restart() {
    let dir = batch();
    let desk = Desk::start(dir.path(), ARGS);
    let cookie = desk.cookie();
    let origin = format!("http://{}", desk.host());
    let page = desk.get("/", &[("Cookie", &cookie)]);
    let doc = document_link(&page.body, "通知.txt");
    let before = desk
        .get(&format!("/doc/{doc}"), &[("Cookie", &cookie)])
        .body;
    assert!(before.contains("class=\"verdict block\""), "{before}");
    let ids = finding_ids(&before);
    let decide = |id: &str, rest: &str| {
        desk.post(
            &format!("/doc/{doc}/decide"),
            &[("Cookie", &cookie), ("Origin", &origin)],
            &format!("token={}&finding={id}&{rest}", desk.token),
        )
    };
    // A keep needs its reason.
    let refused = decide(&ids[0], "decision=keep&reason=");
    assert_eq!(refused.status, 400, "{refused:?}");
    assert!(!dir.path().join("prepub-decisions.yaml").exists());
    for id in &ids {
        // A keep of a blocking finding waives only with a second person.
        let reply = decide(
            id,
            &format!(
                "decision=keep&reason={}&approver={}",
                encode("已解密，见解密通知"),
                encode("李四")
            ),
        );
        assert_eq!(reply.status, 303, "{reply:?}");
        let saved = std::fs::read_to_string(dir.path().join("prepub-decisions.yaml")).unwrap();
        assert!(saved.contains(id.as_str()), "saved at once: {saved}");
    }
    let after = desk
        .get(&format!("/doc/{doc}"), &[("Cookie", &cookie)])
        .body;
    assert!(
        after.contains("class=\"verdict pass\""),
        "every finding waived: {after}"
    );
    let saved = std::fs::read_to_string(dir.path().join("prepub-decisions.yaml")).unwrap();
    assert!(
        !saved.contains("13800138000") && !saved.contains("11010519491231002X"),
        "{saved}"
    );
    assert!(desk.stop().success());
    // A new desk over the same folder shows the decisions.
    let again = Desk::start(dir.path(), ARGS);
    let page = again
        .get(&format!("/doc/{doc}"), &[("Cookie", &again.cookie())])
        .body;
    assert!(page.contains("class=\"verdict pass\""), "{page}");
    assert_eq!(page.matches("class=\"decided\"").count(), ids.len());
    // And so does a scan with the decisions file.
    let scan = Command::new(env!("CARGO_BIN_EXE_prepub"))
        .current_dir(dir.path())
        .args([
            "scan",
            "drafts/通知.txt",
            "--no-ocr",
            "--no-progress",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let review: serde_json::Value = serde_json::from_slice(&scan.stdout).unwrap();
    assert_eq!(review["documents"][0]["verdict"], "pass", "{review:#}");
}

#[test]
fn a_saved_review_opens_and_exports() {
    let dir = batch();
    let scan = Command::new(env!("CARGO_BIN_EXE_prepub"))
        .current_dir(dir.path())
        .args([
            "scan",
            "drafts",
            "--no-ocr",
            "--no-progress",
            "--fail-on",
            "never",
            "-o",
            "review.json",
        ])
        .output()
        .unwrap();
    assert!(scan.status.success(), "{scan:?}");
    let desk = Desk::start(
        dir.path(),
        &["--review", "review.json", "--reviewer", "李四"],
    );
    let cookie = desk.cookie();
    let page = desk.get("/", &[("Cookie", &cookie)]);
    assert!(
        page.body.contains("通知.txt") && page.body.contains("李四"),
        "{}",
        page.body
    );
    let json = desk.get("/export/json", &[("Cookie", &cookie)]);
    assert_eq!(json.status, 200);
    assert!(
        json.head
            .contains("attachment; filename=\"prepub-review.json\""),
        "{}",
        json.head
    );
    let sarif = desk.get("/export/sarif", &[("Cookie", &cookie)]);
    assert!(sarif.body.contains("\"version\""), "{sarif:?}");
    let print = desk.get("/print", &[("Cookie", &cookie)]);
    assert!(print.body.contains("<html") && print.body.contains("通知.txt"));
    assert_eq!(desk.get("/export/exe", &[("Cookie", &cookie)]).status, 404);
}

#[test]
fn listening_beyond_this_machine_needs_a_password() {
    let dir = batch();
    let output = Command::new(env!("CARGO_BIN_EXE_prepub"))
        .current_dir(dir.path())
        .args(["serve", "drafts", "--reviewer", "张三", "--bind", "0.0.0.0"])
        .env_remove("PREPUB_SERVE_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("password"),
        "{output:?}"
    );
}

// ---- the browser ----

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|path| path.is_file())
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_clerk_decides_by_keyboard_in_chromium_and_prints_the_form() {
    let (Some(chromium), Some(driver)) = (which("chromium"), which("chromedriver")) else {
        // `.ci/run` installs Chromium and sets this, so that a CI pass
        // means the browser test ran rather than skipped.
        assert!(
            std::env::var_os("PREPUB_REQUIRE_BROWSER").is_none(),
            "PREPUB_REQUIRE_BROWSER is set but chromium or chromedriver is missing"
        );
        eprintln!(
            "skipped: chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        );
        return;
    };
    // Drafts as a clerk has them (the screenshots in docs/ are of this).
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("drafts")).unwrap();
    std::fs::write(
        dir.path().join("drafts/关于印发2026年工作要点的通知.txt"),
        DRAFT,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("drafts/运动会通知.txt"),
        "关于举办职工运动会的通知\n各科室：定于5月举行。\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("drafts/政务公开指南.txt"),
        "政府信息公开指南\n联系电话：010-12345678\n",
    )
    .unwrap();
    let desk = Desk::start(dir.path(), ARGS);
    let port = free_port();
    let _driver = Driver(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(browse(&desk, dir.path(), port, &chromium));
}

async fn browse(desk: &Desk, dir: &Path, port: u16, chromium: &Path) {
    use fantoccini::{ClientBuilder, Locator};
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800", "--lang=zh-CN"],
        }),
    );
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("a Chromium session");
    client.set_window_size(1280, 800).await.unwrap();
    client.goto(&desk.url).await.unwrap();
    // The batch, filtered to what blocks.
    let batch_page = client.source().await.unwrap();
    assert!(
        batch_page.contains("工作要点") && batch_page.contains("运动会通知.txt"),
        "{batch_page}"
    );
    shot(&client, "desk-batch.png").await;
    client
        .find(Locator::Css("select[name=verdict]"))
        .await
        .unwrap()
        .select_by_value("block")
        .await
        .unwrap();
    client
        .find(Locator::Css("form.filters button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The filtered page replaces the batch page: wait for it rather than
    // count the rows of the page being left.
    let deadline = Instant::now() + Duration::from_secs(10);
    let rows = loop {
        let url = client.current_url().await.unwrap();
        let rows = client
            .find_all(Locator::Css("table.documents tbody tr"))
            .await
            .unwrap();
        if url.as_str().contains("verdict=block") && rows.len() == 1 || Instant::now() > deadline {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(rows.len(), 1, "only the blocking draft");
    client
        .find(Locator::Css("table.documents tbody a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Likewise the document page replaces the batch page.
    let deadline = Instant::now() + Duration::from_secs(10);
    let findings = loop {
        let findings = client
            .find_all(Locator::Css("article.finding"))
            .await
            .unwrap();
        if findings.len() >= 3 || Instant::now() > deadline {
            break findings;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(findings.len() >= 3, "{} findings", findings.len());
    // The verdict's reasons are in the page's language too.
    let reasons = client
        .find(Locator::Css("ul.reasons"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(reasons.contains("处阻断级命中"), "{reasons}");
    assert!(!reasons.contains("finding(s)"), "{reasons}");
    shot(&client, "desk-document.png").await;
    // Three decisions by keyboard: remove, revise, keep with a reason.
    press(&client, "r").await;
    wait_decided(&client, 1).await;
    press(&client, "v").await;
    wait_decided(&client, 2).await;
    press(&client, "K").await;
    let reason = client.active_element().await.unwrap();
    reason
        .send_keys("已解密，见解密通知\u{E007}")
        .await
        .unwrap();
    wait_decided(&client, 3).await;
    // Reloaded, they are still there, and in the decisions file.
    client.refresh().await.unwrap();
    assert_eq!(
        client
            .find_all(Locator::Css("p.decided"))
            .await
            .unwrap()
            .len(),
        3
    );
    let saved = std::fs::read_to_string(dir.join("prepub-decisions.yaml")).unwrap();
    for kind in ["decision: remove", "decision: revise", "decision: keep"] {
        assert!(saved.contains(kind), "{kind} in {saved}");
    }
    // Readable at 200% zoom: at half the width (what a 1280 px window
    // shows at 200%), the document page and the batch page still fit the
    // width — nothing runs off to the side.
    client.set_window_size(640, 800).await.unwrap();
    for page in [None, Some(desk.url.clone())] {
        if let Some(url) = page {
            client.goto(&url).await.unwrap();
        }
        let fits = client
            .execute(
                "const e = document.documentElement; return [e.scrollWidth, e.clientWidth];",
                vec![],
            )
            .await
            .unwrap();
        let widths: Vec<u64> = serde_json::from_value(fits).unwrap();
        assert!(
            widths[0] <= widths[1] + 1,
            "{} is {} px wide in a {} px window",
            client.current_url().await.unwrap(),
            widths[0],
            widths[1]
        );
    }
    client.set_window_size(1280, 800).await.unwrap();
    // The printed form is the HTML report, with the decisions on it.
    client
        .goto(&format!("http://127.0.0.1:{}/print", desk.port))
        .await
        .unwrap();
    let pdf = client
        .print(fantoccini::wd::PrintConfiguration::default())
        .await
        .expect("print to PDF");
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    if let Some(pdftotext) = which("pdftotext") {
        let path = dir.join("form.pdf");
        std::fs::write(&path, &pdf).unwrap();
        let text = Command::new(pdftotext)
            .arg(&path)
            .arg("-")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("工作要点"), "{text}");
        assert!(
            text.contains("已解密"),
            "the keep's reason is on the form: {text}"
        );
    } else {
        eprintln!("note: pdftotext absent; the printed form's text was not checked");
    }
    client.close().await.unwrap();
}

async fn press(client: &fantoccini::Client, key: &str) {
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

async fn wait_decided(client: &fantoccini::Client, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let decided = client
            .find_all(fantoccini::Locator::Css("p.decided"))
            .await
            .map(|found| found.len())
            .unwrap_or(0);
        if decided >= count {
            return;
        }
        assert!(Instant::now() < deadline, "{count} decisions never showed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A screenshot at 1280×800 into target/desk-screenshots; with
/// UPDATE_SCREENSHOTS=1 also into docs/ (README shows them).
async fn shot(client: &fantoccini::Client, name: &str) {
    // The window's size includes the browser's own bars: grow it until
    // the page itself is 1280×800.
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .unwrap();
    let inner: Vec<u32> = serde_json::from_value(inner).unwrap();
    if inner != [1280, 800] {
        let (width, height) = (2560 - inner[0], 1600 - inner[1]);
        client.set_window_size(width, height).await.unwrap();
    }
    let png = client.screenshot().await.unwrap();
    let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/desk-screenshots");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join(name), &png).unwrap();
    if std::env::var_os("UPDATE_SCREENSHOTS").is_some() {
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs")
                .join(name),
            &png,
        )
        .unwrap();
    }
}
