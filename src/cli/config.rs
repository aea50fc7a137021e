//! The project configuration: `prepub.toml` (or `.prepub.toml`,
//! `.prepub.yaml`, `.prepub.yml`) found in the scanned folder or one of its
//! parents, as `.gitleaks.toml` and `_typos.toml` are. It names the rule
//! packs, the include/exclude globs, the `--fail-on` level and the report
//! defaults a project wants on every run, so a clerk, a pre-commit hook and
//! CI all scan alike.
//!
//! Every option is resolved here, in one place, in this order: a flag given
//! on the command line wins; then the configuration file; then prepub's
//! default. Globs are the one exception: include and exclude globs of the
//! file and of the command line all apply (a flag can narrow a scan, never
//! widen the project's exclusions). `prepub config show` prints the result
//! with the source of each value, and a JSON review records the file used
//! (path and SHA-256).
//!
//! Paths in the file (packs, outputs) are relative to the file's folder, so
//! the same file works from wherever prepub is run.

use crate::cli::args::{FailOnArg, Failure, LangArg, OutputFormat, write_stdout};
use crate::cli::scan::ScanArgs;
use clap::{Args, ValueEnum};
use prepub::review::ConfigInfo;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The names looked for in each folder, in this order. Two of them in the
/// same folder is an error: which one is meant cannot be guessed.
pub const FILE_NAMES: [&str; 4] = ["prepub.toml", ".prepub.toml", ".prepub.yaml", ".prepub.yml"];

/// The largest configuration file read (a configuration is a few lines;
/// anything bigger is not one).
const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// `--config` and `--no-config`.
#[derive(Debug, Default, Args)]
pub struct ConfigArgs {
    /// Read the project configuration from FILE (TOML, or YAML for .yaml
    /// and .yml) instead of looking for prepub.toml in the scanned folder
    /// and its parents.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Do not read any project configuration file.
    #[arg(long)]
    pub no_config: bool,
}

/// The file's contents. Unknown keys are errors, so a misspelt `exlude`
/// does not silently scan what the project meant to leave out.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    #[serde(default)]
    pub rules: RulesSection,
    #[serde(default)]
    pub scan: ScanSection,
    #[serde(default)]
    pub report: ReportSection,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule packs (files or folders), as `--rules`.
    pub packs: Option<Vec<String>>,
    /// The built-in packs as well, as `--with-builtin`.
    pub with_builtin: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanSection {
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    /// `review`, `block` or `never`, as `--fail-on`.
    pub fail_on: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSection {
    /// As `--format`.
    pub format: Option<String>,
    /// As `--lang`.
    pub lang: Option<String>,
    /// Report files, as `-o` (repeatable there, a list here).
    #[serde(default)]
    pub output: Vec<String>,
}

/// A configuration file read.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// Where it is (as found).
    pub path: PathBuf,
    /// The path as reports show it: relative to the current folder when
    /// inside it, else absolute.
    pub shown: String,
    /// `sha256:<hex>` of its bytes.
    pub digest: String,
    pub config: FileConfig,
}

impl Loaded {
    /// The folder paths in the file are relative to.
    fn folder(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    fn resolve(&self, path: &str) -> PathBuf {
        let path = Path::new(path);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.folder().join(path)
        }
    }

    pub fn info(&self) -> ConfigInfo {
        ConfigInfo {
            file: self.shown.clone(),
            sha256: self.digest.clone(),
        }
    }
}

/// Where a value in force came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Given on the command line.
    Flag,
    /// The configuration file (its shown path).
    File(String),
    /// prepub's default.
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::File(path) => f.write_str(path),
            Source::Default => f.write_str("default"),
        }
    }
}

/// One value in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The file's key (`scan.fail_on`).
    pub key: &'static str,
    pub value: String,
    pub source: Source,
}

/// What a scan runs with, and why.
#[derive(Clone, Debug, Default)]
pub struct Resolution {
    pub file: Option<Loaded>,
    pub settings: Vec<Setting>,
}

impl Resolution {
    /// `prepub config show`: the file, then one line per value with its
    /// source.
    pub fn render(&self) -> String {
        let mut out = String::new();
        match &self.file {
            Some(file) => out.push_str(&format!("config file: {} ({})\n", file.shown, file.digest)),
            None => out.push_str("config file: none\n"),
        }
        let width = self.settings.iter().map(|s| s.key.len()).max().unwrap_or(0);
        for setting in &self.settings {
            out.push_str(&format!(
                "{:width$} = {}  # {}\n",
                setting.key, setting.value, setting.source
            ));
        }
        out
    }
}

/// Finds the configuration file for a scan of `paths` (none: the current
/// folder): the first folder, from each scanned path's folder up to the
/// root, that holds one of [`FILE_NAMES`]. Scanned paths that lead to
/// different files are an error rather than a guess.
pub fn discover(paths: &[PathBuf]) -> Result<Option<PathBuf>, String> {
    let starts: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let mut found: Option<PathBuf> = None;
    for start in &starts {
        let Some(file) = discover_from(start)? else {
            continue;
        };
        match &found {
            Some(earlier) if !same_file(earlier, &file) => {
                return Err(format!(
                    "the scanned paths have different configuration files ({} and {}): scan them separately, or name one with --config",
                    earlier.display(),
                    file.display()
                ));
            }
            Some(_) => {}
            None => found = Some(file),
        }
    }
    Ok(found)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The configuration file of one scanned path. A path that does not exist
/// is looked up from its parent (the scan reports it as missing itself).
fn discover_from(start: &Path) -> Result<Option<PathBuf>, String> {
    let absolute = if start.is_absolute() {
        start.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| format!("cannot read the current folder: {e}"))?
            .join(start)
    };
    // A folder is looked in itself; a file (or anything else) in its parent.
    let mut folder = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    while let Some(dir) = folder {
        let present: Vec<PathBuf> = FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .filter(|path| path.is_file())
            .collect();
        match present.as_slice() {
            [] => {}
            [one] => return Ok(Some(one.clone())),
            [first, second, ..] => {
                return Err(format!(
                    "{} and {} are both configuration files: keep one",
                    first.display(),
                    second.display()
                ));
            }
        }
        folder = dir.parent();
    }
    Ok(None)
}

/// Reads and parses a configuration file (TOML; YAML for `.yaml`/`.yml`).
pub fn load(path: &Path) -> Result<Loaded, String> {
    let metadata =
        std::fs::metadata(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    if !metadata.is_file() {
        return Err(format!("{}: not a file", path.display()));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{}: {} bytes is too large for a configuration file (at most {MAX_FILE_BYTES})",
            path.display(),
            metadata.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|e| format!("{}: not UTF-8 text: {e}", path.display()))?;
    let config = parse(path, text)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        shown: shown(path),
        digest: format!("sha256:{}", hex::encode(Sha256::digest(&bytes))),
        config,
    })
}

fn parse(path: &Path, text: &str) -> Result<FileConfig, String> {
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    let config: FileConfig = if yaml {
        if text.trim().is_empty() {
            FileConfig::default()
        } else {
            serde_saphyr::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?
        }
    } else {
        toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?
    };
    // Checked now, so a wrong value stops the run before anything is read,
    // naming the file.
    check_value::<FailOnArg>(path, "scan.fail_on", config.scan.fail_on.as_deref())?;
    check_value::<OutputFormat>(path, "report.format", config.report.format.as_deref())?;
    check_value::<LangArg>(path, "report.lang", config.report.lang.as_deref())?;
    Ok(config)
}

fn check_value<T: ValueEnum>(path: &Path, key: &str, value: Option<&str>) -> Result<(), String> {
    match value {
        Some(value) => value_of::<T>(value)
            .map(|_| ())
            .map_err(|allowed| format!("{}: {key} = {value:?}: {allowed}", path.display())),
        None => Ok(()),
    }
}

/// A value of the file as the flag would take it; else the allowed values.
fn value_of<T: ValueEnum>(value: &str) -> Result<T, String> {
    T::from_str(value, false).map_err(|_| {
        let names: Vec<String> = T::value_variants()
            .iter()
            .filter_map(|v| v.to_possible_value())
            .map(|v| v.get_name().to_owned())
            .collect();
        format!("expected one of {}", names.join(", "))
    })
}

fn value_name<T: ValueEnum>(value: &T) -> String {
    value
        .to_possible_value()
        .map_or_else(String::new, |v| v.get_name().to_owned())
}

/// The path relative to the current folder when inside it, else as it is.
fn shown(path: &Path) -> String {
    let display = |p: &Path| prepub::batch::display_of(p);
    match (std::env::current_dir(), std::fs::canonicalize(path)) {
        (Ok(cwd), Ok(full)) => match full.strip_prefix(&cwd) {
            Ok(inside) => display(inside),
            Err(_) => display(&full),
        },
        _ => display(path),
    }
}

fn list<T: AsRef<str>>(items: &[T]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{:?}", i.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

fn paths(items: &[PathBuf]) -> Vec<String> {
    items.iter().map(|p| prepub::batch::display_of(p)).collect()
}

/// Resolves a scan's options: finds and reads the configuration file
/// (unless `--no-config`), fills in every option the command line did not
/// give (`given(id)` says whether the flag of clap id `id` was on it), and
/// says where each value came from.
pub fn resolve(args: &mut ScanArgs, given: &dyn Fn(&str) -> bool) -> Result<Resolution, Failure> {
    let file = if args.config.no_config {
        None
    } else if let Some(path) = &args.config.config {
        Some(load(path).map_err(Failure::usage)?)
    } else {
        match discover(&args.paths).map_err(Failure::usage)? {
            Some(path) => Some(load(&path).map_err(Failure::usage)?),
            None => None,
        }
    };
    let settings = apply(args, file.as_ref(), given).map_err(Failure::usage)?;
    Ok(Resolution { file, settings })
}

/// Fills `args` from `file` where the command line gave nothing.
fn apply(
    args: &mut ScanArgs,
    file: Option<&Loaded>,
    given: &dyn Fn(&str) -> bool,
) -> Result<Vec<Setting>, String> {
    let from_file = || Source::File(file.map_or_else(String::new, |f| f.shown.clone()));
    let config = file.map(|f| &f.config);
    let mut settings = Vec::new();

    // Rule packs: --rules and --with-builtin go together; either flag
    // replaces the file's [rules] section whole.
    let rules_flag = given("rules") || given("with_builtin");
    let packs = config.and_then(|c| c.rules.packs.as_ref());
    let with_builtin = config.and_then(|c| c.rules.with_builtin);
    let (rules_source, rules_from_file) = if rules_flag {
        (Source::Flag, false)
    } else if packs.is_some() || with_builtin.is_some() {
        (from_file(), true)
    } else {
        (Source::Default, false)
    };
    if rules_from_file && let Some(file) = file {
        if let Some(packs) = packs {
            args.rules.rules = packs.iter().map(|p| file.resolve(p)).collect();
        }
        if let Some(with_builtin) = with_builtin {
            args.rules.with_builtin = with_builtin;
        }
    }
    let packs_shown = if args.rules.rules.is_empty() {
        "built-in".to_owned()
    } else {
        list(&paths(&args.rules.rules))
    };
    settings.push(Setting {
        key: "rules.packs",
        value: packs_shown,
        source: rules_source.clone(),
    });
    settings.push(Setting {
        key: "rules.with_builtin",
        value: (args.rules.rules.is_empty() || args.rules.with_builtin).to_string(),
        source: rules_source,
    });

    // Globs: the file's and the command line's all apply.
    for (key, id, from_config) in [
        (
            "scan.include",
            "include",
            config.map(|c| c.scan.include.clone()).unwrap_or_default(),
        ),
        (
            "scan.exclude",
            "exclude",
            config.map(|c| c.scan.exclude.clone()).unwrap_or_default(),
        ),
    ] {
        let flags = if id == "include" {
            &mut args.include
        } else {
            &mut args.exclude
        };
        let flagged = std::mem::take(flags);
        if !from_config.is_empty() {
            settings.push(Setting {
                key,
                value: list(&from_config),
                source: from_file(),
            });
        }
        if given(id) && !flagged.is_empty() {
            settings.push(Setting {
                key,
                value: list(&flagged),
                source: Source::Flag,
            });
        }
        if from_config.is_empty() && flagged.is_empty() {
            settings.push(Setting {
                key,
                value: "[]".into(),
                source: Source::Default,
            });
        }
        flags.extend(from_config);
        flags.extend(flagged);
    }

    // Single values: the flag, else the file, else the default.
    let fail_on_file = config.and_then(|c| c.scan.fail_on.as_deref());
    let source = pick(given("fail_on"), fail_on_file.is_some(), &from_file);
    if source != Source::Flag
        && let Some(value) = fail_on_file
    {
        args.fail_on = value_of(value).map_err(|e| format!("scan.fail_on: {e}"))?;
    }
    settings.push(Setting {
        key: "scan.fail_on",
        value: value_name(&args.fail_on),
        source,
    });

    let format_file = config.and_then(|c| c.report.format.as_deref());
    let source = pick(given("format"), format_file.is_some(), &from_file);
    if source != Source::Flag
        && let Some(value) = format_file
    {
        args.format = Some(value_of(value).map_err(|e| format!("report.format: {e}"))?);
    }
    settings.push(Setting {
        key: "report.format",
        value: args
            .format
            .as_ref()
            .map_or_else(|| "text".to_owned(), value_name),
        source,
    });

    let lang_file = config.and_then(|c| c.report.lang.as_deref());
    let source = pick(given("lang"), lang_file.is_some(), &from_file);
    if source != Source::Flag
        && let Some(value) = lang_file
    {
        args.form.lang = Some(value_of(value).map_err(|e| format!("report.lang: {e}"))?);
    }
    settings.push(Setting {
        key: "report.lang",
        value: args
            .form
            .lang
            .as_ref()
            .map_or_else(|| "zh".to_owned(), value_name),
        source,
    });

    let output_file = config.map(|c| c.report.output.as_slice()).unwrap_or(&[]);
    let source = pick(given("output"), !output_file.is_empty(), &from_file);
    if source != Source::Flag
        && let Some(file) = file
        && !output_file.is_empty()
    {
        args.output = output_file.iter().map(|o| file.resolve(o)).collect();
    }
    settings.push(Setting {
        key: "report.output",
        value: list(&paths(&args.output)),
        source,
    });
    Ok(settings)
}

/// `prepub config show [SCAN ARGS]`: the resolution a scan with these
/// arguments would use, and nothing scanned.
pub fn show(mut args: ScanArgs, given: &dyn Fn(&str) -> bool) -> Result<i32, Failure> {
    let resolution = resolve(&mut args, given)?;
    write_stdout(resolution.render().as_bytes())?;
    Ok(0)
}

fn pick(flag: bool, in_file: bool, from_file: &dyn Fn() -> Source) -> Source {
    if flag {
        Source::Flag
    } else if in_file {
        from_file()
    } else {
        Source::Default
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// `prepub scan ARGS`, and the ids of the flags given.
    fn scan(argv: &[&str]) -> (ScanArgs, Vec<String>) {
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            scan: ScanArgs,
        }
        let matches = <Wrapper as clap::CommandFactory>::command()
            .try_get_matches_from(std::iter::once("scan").chain(argv.iter().copied()))
            .expect("arguments parse");
        let given: Vec<String> = matches
            .ids()
            .filter(|id| {
                matches.value_source(id.as_str()) == Some(clap::parser::ValueSource::CommandLine)
            })
            .map(|id| id.as_str().to_owned())
            .collect();
        let wrapper = <Wrapper as clap::FromArgMatches>::from_arg_matches(&matches)
            .expect("arguments convert");
        (wrapper.scan, given)
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("write config");
        path
    }

    const PROJECT: &str = r#"
[rules]
packs = ["packs/office.yaml"]
with_builtin = true

[scan]
exclude = ["vendor/**"]
fail_on = "block"

[report]
lang = "en"
format = "json"
output = ["out/review.sarif"]
"#;

    fn resolved(argv: &[&str], file: &Loaded) -> (ScanArgs, Vec<Setting>) {
        let (mut args, given) = scan(argv);
        let settings =
            apply(&mut args, Some(file), &|id| given.iter().any(|g| g == id)).expect("resolves");
        (args, settings)
    }

    fn source_of<'a>(settings: &'a [Setting], key: &str) -> Vec<&'a Source> {
        settings
            .iter()
            .filter(|s| s.key == key)
            .map(|s| &s.source)
            .collect()
    }

    #[test]
    fn the_file_fills_what_the_command_line_does_not_give() {
        let dir = tempfile::tempdir().unwrap();
        let file = load(&write(dir.path(), "prepub.toml", PROJECT)).unwrap();
        let (args, settings) = resolved(&["drafts"], &file);
        assert_eq!(args.rules.rules, [dir.path().join("packs/office.yaml")]);
        assert!(args.rules.with_builtin);
        assert_eq!(args.exclude, ["vendor/**"]);
        assert_eq!(args.fail_on, FailOnArg::Block);
        assert_eq!(args.format, Some(OutputFormat::Json));
        assert_eq!(args.form.lang, Some(LangArg::En));
        assert_eq!(args.output, [dir.path().join("out/review.sarif")]);
        let shown = Source::File(file.shown.clone());
        for key in [
            "rules.packs",
            "scan.exclude",
            "scan.fail_on",
            "report.lang",
            "report.output",
        ] {
            assert_eq!(source_of(&settings, key), [&shown], "{key}");
        }
        assert_eq!(source_of(&settings, "scan.include"), [&Source::Default]);
        assert!(file.digest.starts_with("sha256:") && file.digest.len() == 7 + 64);
    }

    #[test]
    fn flags_win_and_globs_add_up() {
        let dir = tempfile::tempdir().unwrap();
        let file = load(&write(dir.path(), "prepub.toml", PROJECT)).unwrap();
        let (args, settings) = resolved(
            &[
                "--fail-on",
                "never",
                "--lang",
                "zh",
                "--rules",
                "mine.yaml",
                "--exclude",
                "*.bak",
                "-o",
                "r.json",
                "drafts",
            ],
            &file,
        );
        assert_eq!(args.fail_on, FailOnArg::Never);
        assert_eq!(args.form.lang, Some(LangArg::Zh));
        // --rules replaces the file's [rules] whole: no built-in packs.
        assert_eq!(args.rules.rules, [PathBuf::from("mine.yaml")]);
        assert!(!args.rules.with_builtin);
        assert_eq!(args.exclude, ["vendor/**", "*.bak"]);
        assert_eq!(args.output, [PathBuf::from("r.json")]);
        // The format was not given: the file's.
        assert_eq!(args.format, Some(OutputFormat::Json));
        for key in [
            "scan.fail_on",
            "report.lang",
            "rules.packs",
            "report.output",
        ] {
            assert_eq!(source_of(&settings, key), [&Source::Flag], "{key}");
        }
        assert_eq!(
            source_of(&settings, "scan.exclude"),
            [&Source::File(file.shown.clone()), &Source::Flag]
        );
    }

    #[test]
    fn without_a_file_everything_is_the_default() {
        let (mut args, given) = scan(&["drafts"]);
        let settings = apply(&mut args, None, &|id| given.iter().any(|g| g == id)).unwrap();
        assert!(
            settings.iter().all(|s| s.source == Source::Default),
            "{settings:?}"
        );
        assert_eq!(args.fail_on, FailOnArg::Review);
        let shown = Resolution {
            file: None,
            settings,
        }
        .render();
        assert!(shown.starts_with("config file: none\n"), "{shown}");
        assert!(
            shown.contains("scan.fail_on       = review  # default"),
            "{shown}"
        );
    }

    #[test]
    fn discovery_walks_up_from_the_scanned_path() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join("a/b/x.txt"), "x").unwrap();
        assert_eq!(discover(&[root.join("a/b/x.txt")]).unwrap(), None);
        let top = write(&root, ".prepub.yaml", "scan:\n  fail_on: never\n");
        assert_eq!(
            discover(&[root.join("a/b/x.txt")]).unwrap(),
            Some(top.clone())
        );
        assert_eq!(discover(&[root.join("a")]).unwrap(), Some(top.clone()));
        // A nearer file wins.
        let near = write(&root.join("a"), "prepub.toml", "");
        assert_eq!(discover(&[root.join("a/b")]).unwrap(), Some(near.clone()));
        // Two scanned paths with different files: refused, not guessed.
        let error = discover(&[root.join("a/b"), root.clone()]).unwrap_err();
        assert!(error.contains("different configuration files"), "{error}");
        // Two files in one folder: refused.
        write(&root.join("a"), ".prepub.toml", "");
        let error = discover(&[root.join("a")]).unwrap_err();
        assert!(error.contains("both configuration files"), "{error}");
        // YAML reads as TOML does.
        assert_eq!(
            load(&top).unwrap().config.scan.fail_on.as_deref(),
            Some("never")
        );
    }

    #[test]
    fn a_wrong_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        for (text, expected) in [
            ("[scan]\nexlude = [\"x\"]\n", "exlude"),
            (
                "[scan]\nfail_on = \"sometimes\"\n",
                "expected one of review, block, never",
            ),
            ("[report]\nformat = \"pdf\"\n", "report.format"),
            ("[report]\nlang = \"fr\"\n", "report.lang"),
            ("not toml at all = = =", "prepub.toml"),
        ] {
            let path = write(dir.path(), "prepub.toml", text);
            let error = load(&path).unwrap_err();
            assert!(error.contains(&path.display().to_string()), "{error}");
            assert!(error.contains(expected), "{text}: {error}");
        }
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; (MAX_FILE_BYTES + 1) as usize]).unwrap();
        assert!(load(&big).unwrap_err().contains("too large"));
        std::fs::write(&big, [0xff, 0xfe, b'a']).unwrap();
        assert!(load(&big).unwrap_err().contains("UTF-8"));
    }
}
