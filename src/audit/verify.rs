//! `prepub verify`: would the same review come out today?
//!
//! A JSON review carries what is needed to rerun it — the tool version,
//! each rule pack's name, version and digest (and with `scan --embed-rules`
//! the full text of every pack and term file), the options
//! that change findings, the inputs it was given, each document's SHA-256
//! and the decisions applied. Verifying re-hashes every document, reruns
//! the review with the embedded packs when it has them (`--rules NEW` then
//! shows what a new rule set would change on a past batch), else with the
//! packs given with `--rules`, else with the built-in ones — either checked
//! pack by pack against the recorded digests, a mismatch an error naming
//! the pack, never a rerun with other rules — re-applies the recorded
//! decisions as of the recorded day, and compares document by document and
//! finding by finding.
//!
//! The review is a claim to check, not a record to trust: everything that
//! can be recomputed is, and any disagreement is a difference (exit 1). So
//! an edited summary, verdict or reason, a document deleted from the JSON
//! (the recorded inputs are walked again, [`crate::audit::rewalk`]), an
//! embedded pack whose text no longer gives its digest, or a weakened pack
//! relabelled `builtin:` never read "reproduced".

use crate::audit::decisions;
use crate::audit::rewalk;
use crate::batch::file::ScanOptions;
use crate::batch::{InputFile, Scanned, scan_input};
use crate::review::{DocumentReview, Finding, Review, RunOptions, Summary};
use crate::rules::{PackSource, RuleSet, load_sources};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How to verify.
#[derive(Clone, Debug, Default)]
pub struct VerifyOptions {
    /// The directory the review's document paths are relative to.
    pub root: PathBuf,
    /// `--rules`: the packs a review that names them without their text
    /// used (checked against the recorded digests), or — for a review that
    /// embeds its packs, or with [`compare`](Self::compare) — new rules to
    /// compare with.
    pub rules: Option<Vec<PackSource>>,
    /// `--compare`: `rules` are new rules to compare with, whatever the
    /// review records.
    pub compare: bool,
    /// Passwords for encrypted documents (reviews record only how many).
    pub passwords: Vec<String>,
    /// Worker threads; `None` = all cores.
    pub jobs: Option<usize>,
    /// The list of paths a review read from standard input
    /// (`scan --files-from -`), given again so its inputs can be walked.
    pub files_from: Option<PathBuf>,
    /// The review's own file, when it lies among its inputs (`scan . -o
    /// review.json`): written after the scan, so never one of its
    /// documents, and not taken for one the review lacks.
    pub review_file: Option<PathBuf>,
}

/// One way the rerun differs from the review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The document, or `(rules)` for the rule set itself.
    pub path: String,
    /// The finding concerned, if any.
    pub finding: Option<String>,
    pub what: String,
}

/// The result of verifying a review.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Things worth knowing that are not differences (tool version, …).
    pub notes: Vec<String>,
    pub differences: Vec<Difference>,
    /// The review's documents, and those the rerun found that it lacks.
    pub documents: usize,
    /// Recorded findings reproduced identically.
    pub identical_findings: usize,
    /// Documents with at least one difference.
    pub differing_documents: usize,
}

impl Outcome {
    pub fn reproduced(&self) -> bool {
        self.differences.is_empty()
    }

    /// The terminal report.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for note in &self.notes {
            let _ = writeln!(out, "note: {note}");
        }
        // Paths, matched text and context come from the documents: printed
        // through `clean` so they cannot send escape sequences.
        for difference in &self.differences {
            let line = match &difference.finding {
                Some(id) => format!("{}: finding {id}: {}", difference.path, difference.what),
                None => format!("{}: {}", difference.path, difference.what),
            };
            out.push_str(&crate::audit::interactive::clean(&line));
            out.push('\n');
        }
        if self.reproduced() {
            let _ = writeln!(
                out,
                "reproduced: {}, {} identical",
                crate::report::terminal::documents(crate::report::Lang::En, self.documents),
                crate::report::terminal::findings(crate::report::Lang::En, self.identical_findings)
            );
        } else {
            let _ = writeln!(
                out,
                "not reproduced: {} of {} documents differ ({} difference(s)); {} findings identical",
                self.differing_documents,
                self.documents,
                self.differences.len(),
                self.identical_findings
            );
        }
        out
    }
}

/// The rule packs embedded in a review, ready to load again.
pub fn embedded_sources(review: &Review) -> Result<Vec<PackSource>, String> {
    review
        .rules
        .packs
        .iter()
        .map(|pack| {
            let yaml = pack.source.clone().ok_or_else(|| {
                format!(
                    "the review does not embed the text of rule pack `{}` (it was written by an older prepub): give the packs with --rules",
                    pack.name
                )
            })?;
            Ok(PackSource {
                origin: pack
                    .origin
                    .clone()
                    .unwrap_or_else(|| format!("review:{}", pack.name)),
                yaml,
                base_dir: None,
                embedded_terms_files: pack.terms_files.clone(),
            })
        })
        .collect()
}

/// Loads `sources` to compare a review with (`verify --rules NEW`).
fn compare_with_new(
    recorded: &Review,
    sources: &[PackSource],
    outcome: &mut Outcome,
) -> Result<RuleSet, String> {
    let rules = load_sources(sources).map_err(rule_error_text)?;
    let digest = rules.info().digest;
    if digest == recorded.rules.digest {
        outcome.notes.push(format!(
            "the new rules are the ones the review used ({digest})"
        ));
    } else {
        outcome.notes.push(format!(
            "comparing with new rules {digest} (the review used {})",
            recorded.rules.digest
        ));
    }
    outcome.differences.extend(pack_differences(recorded, None));
    Ok(rules)
}

/// The packs a review names, found among `sources` (`from` says where
/// those came from): for each pack recorded, in the recorded order, the
/// source with its name and SHA-256. A review that names its packs
/// without their text can only be rerun with the very same packs, so a
/// pack missing from `sources`, or there with other contents, is an error
/// naming it — never a rerun with rules the review did not use.
fn recorded_packs_among(
    recorded: &Review,
    sources: &[PackSource],
    from: &str,
) -> Result<Vec<PackSource>, String> {
    let loaded = load_sources(sources).map_err(|errors| {
        format!(
            "{from}: the rule packs do not load:\n{}",
            rule_error_text(errors)
        )
    })?;
    // One pack per source, in order, when they load.
    let packs = loaded.info().packs;
    let mut chosen = Vec::new();
    for pack in &recorded.rules.packs {
        let named: Vec<usize> = (0..packs.len())
            .filter(|&k| packs[k].name == pack.name)
            .collect();
        if let Some(&k) = named.iter().find(|&&k| packs[k].sha256 == pack.sha256) {
            chosen.push(sources[k].clone());
            continue;
        }
        let what = format!(
            "rule pack `{}` {} (sha256 {})",
            pack.name, pack.version, pack.sha256
        );
        let hint = "give the packs the review used with --rules PATH, or verify a review written with `scan --embed-rules`";
        return Err(match named.first() {
            Some(&k) => format!(
                "{what}: {from} give `{}` {} with sha256 {} ({}) — not the pack the review used; {hint}",
                packs[k].name,
                packs[k].version,
                packs[k].sha256,
                packs[k].origin.as_deref().unwrap_or("?")
            ),
            None => format!("{what}: not among {from}; {hint}"),
        });
    }
    Ok(chosen)
}

fn rule_error_text(errors: Vec<crate::rules::RuleError>) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The scan options a review records (defaults, with a note, for a review
/// that does not record them).
fn scan_options(recorded: Option<&RunOptions>, passwords: &[String]) -> ScanOptions {
    let defaults = ScanOptions::default();
    match recorded {
        Some(options) => ScanOptions {
            show_match: options.show_match,
            explain: options.explain,
            limits: options.limits.limits(),
            passwords: passwords.to_vec(),
            ocr: options
                .ocr
                .as_ref()
                .map(crate::review::OcrInfo::settings)
                .unwrap_or_default(),
            ..defaults
        },
        None => ScanOptions {
            passwords: passwords.to_vec(),
            ..defaults
        },
    }
}

/// Reruns a review and compares. Errors (exit 2) are reserved for what
/// makes a comparison impossible: embedded packs missing or broken, new
/// rules that do not load, worker threads that cannot start.
pub fn verify(recorded: &Review, options: &VerifyOptions) -> Result<Outcome, String> {
    let mut outcome = Outcome {
        documents: recorded.documents.len(),
        ..Outcome::default()
    };
    let current = crate::review::ToolInfo::current();
    if recorded.tool.version != current.version {
        outcome.notes.push(format!(
            "the review was made by prepub {}, this is prepub {}: differences may come from the tool; compared anyway",
            recorded.tool.version, current.version
        ));
    }
    if let Some(note) = recorded
        .options
        .as_ref()
        .and_then(|o| o.config.as_ref())
        .map(|config| config_note(config, &options.root))
    {
        outcome.notes.push(note);
    }
    let embedded = !recorded.rules.packs.is_empty()
        && recorded
            .rules
            .packs
            .iter()
            .all(|pack| pack.source.is_some());
    let rules = match &options.rules {
        // New rules to compare with: the review's embedded packs are not
        // needed for that, nor are a named review's.
        Some(sources) if embedded || options.compare => {
            compare_with_new(recorded, sources, &mut outcome)?
        }
        given => {
            let sources = match given {
                _ if embedded => embedded_sources(recorded)?,
                Some(sources) => {
                    outcome.notes.push(
                        "the review names its rule packs without their text: rerun with the packs given with --rules, checked against the recorded digests".into(),
                    );
                    let chosen = recorded_packs_among(recorded, sources, "--rules")?;
                    if chosen.len() < sources.len() {
                        return Err(format!(
                            "--rules gives {} pack(s), the review used {}: a review that names its packs is rerun with exactly those; to see what new rules would change, add --compare",
                            sources.len(),
                            chosen.len()
                        ));
                    }
                    chosen
                }
                None => {
                    outcome.notes.push(
                        "the review names its rule packs without their text: rerun with this prepub's built-in packs, checked against the recorded digests".into(),
                    );
                    recorded_packs_among(
                        recorded,
                        &crate::rules::builtin_sources(),
                        "the built-in packs of this prepub",
                    )?
                }
            };
            let rules = load_sources(&sources).map_err(|errors| {
                format!(
                    "the rule packs {} do not load:\n{}",
                    if embedded {
                        "embedded in the review"
                    } else {
                        "the review names"
                    },
                    rule_error_text(errors)
                )
            })?;
            let digest = rules.info().digest;
            if digest != recorded.rules.digest {
                outcome.differences.push(Difference {
                    path: "(rules)".into(),
                    finding: None,
                    what: format!(
                        "the {} packs give digest {digest}, but the review records {}: the review was edited",
                        if embedded { "embedded" } else { "recorded" },
                        recorded.rules.digest
                    ),
                });
            }
            outcome
                .differences
                .extend(pack_differences(recorded, Some(&rules)));
            rules
        }
    };
    let own: Vec<String> = recorded
        .rules
        .packs
        .iter()
        .filter(|pack| {
            !pack
                .origin
                .as_deref()
                .is_some_and(|origin| origin.starts_with("builtin:"))
        })
        .map(|pack| {
            format!(
                "{} ({})",
                pack.name,
                pack.origin.as_deref().unwrap_or("origin not recorded")
            )
        })
        .collect();
    if !own.is_empty() {
        outcome.notes.push(format!(
            "the review used rule packs that are not built in: {}",
            own.join(", ")
        ));
    }
    if recorded.options.is_none() {
        outcome
            .notes
            .push("the review does not record its scan options: rerun with the defaults".into());
    }
    let recorded_passwords = recorded.options.as_ref().map_or(0, |o| o.passwords);
    if recorded_passwords > 0 && options.passwords.is_empty() {
        outcome.notes.push(format!(
            "the review tried {recorded_passwords} password(s): give them with --password to read encrypted documents the same way"
        ));
    }
    let scan = scan_options(recorded.options.as_ref(), &options.passwords);
    let decisions_as_of = match &recorded.decisions {
        Some(info) => Some((
            decisions::recorded(recorded),
            decisions::parse_date(&info.as_of)
                .map_err(|e| format!("the review's decisions date: {e}"))?,
        )),
        None => None,
    };

    // What the recorded inputs hold now: a file there that the review
    // lacks is rerun and reported, a document the review has that they no
    // longer reach is reported too.
    let mut walked = rewalk::walk(recorded, &options.root, options.files_from.as_deref())?;
    if let Some(own) = options
        .review_file
        .as_deref()
        .and_then(|file| std::fs::canonicalize(file).ok())
    {
        walked
            .files
            .retain(|_, file| std::fs::canonicalize(&file.path).ok().as_deref() != Some(&own));
    }
    if let Some(described) = &walked.described {
        outcome
            .notes
            .push(format!("the recorded inputs, walked again: {described}"));
    }
    for problem in &walked.problems {
        outcome.differences.push(Difference {
            path: "(inputs)".into(),
            finding: None,
            what: problem.clone(),
        });
    }
    // One rerun per file on disk (an archive's members share it).
    let mut by_file: BTreeMap<&str, Vec<&DocumentReview>> = BTreeMap::new();
    for document in &recorded.documents {
        by_file
            .entry(file_of(&document.path))
            .or_default()
            .push(document);
    }
    let complete = walked.complete;
    let mut reached = walked.files;
    let mut work: Vec<Work> = by_file
        .into_iter()
        .map(|(file, documents)| Work {
            input: reached.remove(file),
            file: file.to_owned(),
            recorded: documents,
        })
        .collect();
    work.extend(reached.into_values().map(|input| Work {
        file: input.display.clone(),
        input: Some(input),
        recorded: Vec::new(),
    }));
    work.sort_by(|a, b| a.file.cmp(&b.file));
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = options.jobs {
        builder = builder.num_threads(jobs.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| format!("cannot start worker threads: {e}"))?;
    let rerun = Mutex::new(Summary::default());
    let context = Context {
        root: &options.root,
        complete,
        rules: &rules,
        scan: &scan,
        decisions: decisions_as_of.as_ref(),
        rerun: &rerun,
    };
    let results: Vec<FileResult> = pool.install(|| {
        work.par_iter()
            .map(|one| verify_file(one, &context))
            .collect()
    });
    for result in results {
        outcome.identical_findings += result.identical_findings;
        outcome.differing_documents += result.differing_documents;
        outcome.documents += result.unrecorded;
        outcome.differences.extend(result.differences);
    }
    let rerun = rerun.into_inner().unwrap_or_else(|e| e.into_inner());
    outcome.differences.extend(summary_differences(
        &recorded.summary,
        &Summary::of(&recorded.documents),
        &rerun,
    ));
    outcome.differences.extend(crate::audit::skipped::compare(
        &recorded.skipped,
        &options.root,
        &scan.limits,
    ));
    Ok(outcome)
}

/// The packs a review records, checked against what can be recomputed:
/// each embedded text must give the digest, name and version recorded
/// (`loaded`: the review's own packs, loaded), and a pack labelled
/// `builtin:` must be one of the packs this prepub ships — a weakened pack
/// relabelled `builtin:` would otherwise pass for the built-in rules.
fn pack_differences(recorded: &Review, loaded: Option<&RuleSet>) -> Vec<Difference> {
    let shipped = RuleSet::builtin()
        .map(|rules| rules.info().packs)
        .unwrap_or_default();
    let version = env!("CARGO_PKG_VERSION");
    let mut out = Vec::new();
    let mut say = |what: String| {
        out.push(Difference {
            path: "(rules)".into(),
            finding: None,
            what,
        })
    };
    for (index, pack) in recorded.rules.packs.iter().enumerate() {
        let digest = match loaded.and_then(|rules| rules.packs().get(index)) {
            Some(now) => {
                let info = &now.info;
                if (&info.name, &info.version, &info.sha256)
                    != (&pack.name, &pack.version, &pack.sha256)
                {
                    say(format!(
                        "pack `{}`: the review records {} {} sha256 {}, but its embedded text is {} {} sha256 {}: the review was edited",
                        pack.name,
                        pack.name,
                        pack.version,
                        pack.sha256,
                        info.name,
                        info.version,
                        info.sha256
                    ));
                }
                info.sha256.as_str()
            }
            None => pack.sha256.as_str(),
        };
        let Some(origin) = pack
            .origin
            .as_deref()
            .filter(|origin| origin.starts_with("builtin:"))
        else {
            continue;
        };
        if shipped.iter().any(|ours| ours.sha256 == digest) {
            continue;
        }
        let ships = match shipped
            .iter()
            .find(|ours| ours.origin.as_deref() == Some(origin))
        {
            Some(ours) => format!(
                "prepub {version} ships {origin} with sha256 {}",
                ours.sha256
            ),
            None => format!("prepub {version} ships no {origin}"),
        };
        let made_by = if recorded.tool.version == version {
            String::new()
        } else {
            format!(
                " (the review was made by prepub {}: verify it with that version)",
                recorded.tool.version
            )
        };
        say(format!(
            "pack `{}` is labelled {origin} but is not a built-in pack of this prepub: its sha256 is {digest}; {ships}{made_by}",
            pack.name
        ));
    }
    out
}

/// The review's summary against the counts of its own documents (an edited
/// summary) and against the rerun. Field by field, through the summary's
/// JSON form so that a count added to [`Summary`] later is compared too.
fn summary_differences(recorded: &Summary, counted: &Summary, rerun: &Summary) -> Vec<Difference> {
    let fields = |summary: &Summary| -> BTreeMap<String, serde_json::Value> {
        match serde_json::to_value(summary) {
            Ok(serde_json::Value::Object(map)) => map.into_iter().collect(),
            _ => BTreeMap::new(),
        }
    };
    let (said, count, now) = (fields(recorded), fields(counted), fields(rerun));
    let names: BTreeSet<&String> = said.keys().chain(count.keys()).chain(now.keys()).collect();
    let zero = serde_json::Value::from(0);
    let mut out = Vec::new();
    for name in names {
        let get =
            |map: &BTreeMap<String, serde_json::Value>| map.get(name).unwrap_or(&zero).to_string();
        let (said, count, now) = (get(&said), get(&count), get(&now));
        let what = if said != count {
            let rerun = if now == count {
                String::new()
            } else {
                format!("; the rerun gives {now}")
            };
            format!(
                "{name}: the review says {said} but its documents count {count} (the summary was edited){rerun}"
            )
        } else if said != now {
            format!("{name} {said} → {now}")
        } else {
            continue;
        };
        out.push(Difference {
            path: "(summary)".into(),
            finding: None,
            what,
        });
    }
    out
}

/// What became of the project configuration file the review read. The
/// rerun uses the options the review recorded (which the file's settings
/// went into), so a changed file is worth knowing, not a difference.
fn config_note(config: &crate::review::ConfigInfo, root: &Path) -> String {
    let path = resolve(root, &config.file);
    match std::fs::read(&path) {
        Ok(bytes)
            if crate::review::sha256_hex(&bytes) == config.sha256.trim_start_matches("sha256:") =>
        {
            format!(
                "the configuration file {} is unchanged ({})",
                config.file, config.sha256
            )
        }
        Ok(_) => format!(
            "the configuration file {} has changed since the review (it was {}); the rerun uses the options the review recorded",
            config.file, config.sha256
        ),
        Err(e) => format!(
            "the configuration file {} the review read cannot be read now ({}); the rerun uses the options the review recorded",
            config.file,
            crate::batch::describe_io(&e)
        ),
    }
}

/// The file a document path lives in: archive members are `outer!/inner`.
fn file_of(path: &str) -> &str {
    crate::review::model::split_member(path).0
}

pub(crate) fn resolve(root: &Path, shown: &str) -> PathBuf {
    let path = crate::batch::path_of_display(shown);
    if path.is_absolute() {
        path
    } else {
        root.join(path)
    }
}

/// One file to rerun: in the review, among what its inputs hold now, or
/// both.
struct Work<'a> {
    file: String,
    /// As the walk of the recorded inputs found it; `None` when the walk
    /// did not reach it.
    input: Option<InputFile>,
    /// Its documents in the review (none: the review lacks the file).
    recorded: Vec<&'a DocumentReview>,
}

/// What every file's rerun shares.
struct Context<'a> {
    root: &'a Path,
    /// The walk is all the recorded inputs hold: a file it did not reach is
    /// not one of them.
    complete: bool,
    rules: &'a RuleSet,
    scan: &'a ScanOptions,
    decisions: Option<&'a (decisions::Decisions, time::Date)>,
    /// The summary of every document the rerun produced.
    rerun: &'a Mutex<Summary>,
}

#[derive(Default)]
struct FileResult {
    differences: Vec<Difference>,
    identical_findings: usize,
    differing_documents: usize,
    /// Documents the rerun produced that the review lacks.
    unrecorded: usize,
}

fn verify_file(work: &Work, context: &Context) -> FileResult {
    let mut result = FileResult::default();
    let recorded = &work.recorded;
    let input = match &work.input {
        Some(input) => input.clone(),
        None => {
            let path = resolve(context.root, &work.file);
            let missing = match std::fs::symlink_metadata(&path) {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    Some(format!("missing: no such file ({})", path.display()))
                }
                Err(error) => Some(format!("missing: {error} ({})", path.display())),
                Ok(_) if context.complete => Some(format!(
                    "not among the review's inputs: a walk of the recorded inputs does not reach it ({})",
                    path.display()
                )),
                Ok(_) => None,
            };
            if let Some(what) = missing {
                for document in recorded {
                    result.differences.push(Difference {
                        path: document.path.clone(),
                        finding: None,
                        what: what.clone(),
                    });
                }
                result.differing_documents = recorded.len();
                return result;
            }
            // The inputs are not known (an older review): a link is read as
            // its target, as a scan reads a link named on its command line.
            InputFile {
                display: work.file.clone(),
                path: std::fs::canonicalize(&path).unwrap_or(path),
                named: false,
            }
        }
    };
    let fresh = match scan_input(&input, context.rules, context.scan) {
        Scanned::Documents(documents) => documents,
        Scanned::Skipped(skipped) => {
            for document in recorded {
                result.differences.push(Difference {
                    path: document.path.clone(),
                    finding: None,
                    what: format!("reviewed then, skipped now: {}", skipped.message),
                });
            }
            result.differing_documents = recorded.len();
            return result;
        }
    };
    let mut fresh: BTreeMap<String, DocumentReview> = fresh
        .into_iter()
        .map(|document| (document.path.clone(), document))
        .collect();
    if let Some((decisions, as_of)) = context.decisions {
        for document in fresh.values_mut() {
            decisions::apply_to_document(document, decisions, *as_of);
        }
    }
    for old in recorded {
        let before = result.differences.len();
        match fresh.get(&old.path) {
            Some(new) => {
                result.identical_findings += compare_document(old, new, &mut result.differences);
            }
            None => result.differences.push(Difference {
                path: old.path.clone(),
                finding: None,
                what: "no longer produced by its file".into(),
            }),
        }
        if result.differences.len() > before {
            result.differing_documents += 1;
        }
    }
    let known: BTreeSet<&str> = recorded.iter().map(|d| d.path.as_str()).collect();
    for (path, new) in &fresh {
        if known.contains(path.as_str()) {
            continue;
        }
        let what = if recorded.is_empty() {
            "missing from the review: the recorded inputs hold it now"
        } else {
            "new document, not in the review"
        };
        result.differences.push(Difference {
            path: path.clone(),
            finding: None,
            what: format!(
                "{what} ({} findings, verdict {})",
                new.findings.len(),
                new.verdict.as_str()
            ),
        });
        result.differing_documents += 1;
        result.unrecorded += 1;
    }
    let mut rerun = context.rerun.lock().unwrap_or_else(|e| e.into_inner());
    for document in fresh.values() {
        rerun.add(document);
    }
    result
}

fn short(hex: &str) -> &str {
    hex.get(..12).unwrap_or(hex)
}

/// Compares one document; returns how many recorded findings came out
/// identical.
fn compare_document(
    old: &DocumentReview,
    new: &DocumentReview,
    out: &mut Vec<Difference>,
) -> usize {
    let mut say = |finding: Option<&str>, what: String| {
        out.push(Difference {
            path: old.path.clone(),
            finding: finding.map(str::to_owned),
            what,
        })
    };
    if old.sha256 != new.sha256 {
        say(
            None,
            format!(
                "changed since the review: sha256 {}… → {}… ({} → {} bytes)",
                short(&old.sha256),
                short(&new.sha256),
                old.bytes,
                new.bytes
            ),
        );
    }
    if old.format != new.format {
        say(None, format!("format {} → {}", old.format, new.format));
    }
    if old.extraction.status != new.extraction.status {
        say(
            None,
            format!(
                "extraction {} → {}",
                old.extraction.status.as_str(),
                new.extraction.status.as_str()
            ),
        );
    }
    if old.extraction.problems != new.extraction.problems {
        let messages = |d: &DocumentReview| {
            d.extraction
                .problems
                .iter()
                .map(|p| p.message.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        say(
            None,
            format!(
                "extraction problems changed: [{}] → [{}]",
                messages(old),
                messages(new)
            ),
        );
    }
    if old.verdict != new.verdict {
        say(
            None,
            format!(
                "verdict {} → {}",
                old.verdict.as_str(),
                new.verdict.as_str()
            ),
        );
    }
    if old.reasons != new.reasons {
        say(
            None,
            format!(
                "reasons [{}] → [{}]",
                old.reasons.join("; "),
                new.reasons.join("; ")
            ),
        );
    }
    if old.pages != new.pages {
        let pages = |p: Option<u32>| p.map_or("-".to_owned(), |p| p.to_string());
        say(
            None,
            format!("pages {} → {}", pages(old.pages), pages(new.pages)),
        );
    }
    if old.extraction.encoding != new.extraction.encoding {
        let encoding = |d: &DocumentReview| d.extraction.encoding.clone().unwrap_or("-".into());
        say(
            None,
            format!("encoding {} → {}", encoding(old), encoding(new)),
        );
    }
    let new_by_id: BTreeMap<&str, &Finding> =
        new.findings.iter().map(|f| (f.id.as_str(), f)).collect();
    let old_ids: BTreeSet<&str> = old.findings.iter().map(|f| f.id.as_str()).collect();
    let mut identical = 0;
    for finding in &old.findings {
        match new_by_id.get(finding.id.as_str()) {
            Some(now) => {
                let changes = finding_changes(finding, now);
                if changes.is_empty() {
                    identical += 1;
                } else {
                    say(Some(&finding.id), changes.join("; "));
                }
            }
            None => say(
                Some(&finding.id),
                format!("no longer found: {}", describe(finding)),
            ),
        }
    }
    for finding in &new.findings {
        if !old_ids.contains(finding.id.as_str()) {
            say(
                Some(&finding.id),
                format!("new finding: {}", describe(finding)),
            );
        }
    }
    let ids =
        |list: &[crate::review::Decision]| list.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    if ids(&old.resolved) != ids(&new.resolved) {
        say(
            None,
            format!(
                "resolved decisions [{}] → [{}]",
                ids(&old.resolved).join(", "),
                ids(&new.resolved).join(", ")
            ),
        );
    }
    if ids(&old.stale_decisions) != ids(&new.stale_decisions) {
        say(
            None,
            format!(
                "stale decisions [{}] → [{}]",
                ids(&old.stale_decisions).join(", "),
                ids(&new.stale_decisions).join(", ")
            ),
        );
    }
    identical
}

fn describe(finding: &Finding) -> String {
    let location = &finding.location;
    let page = location
        .page
        .map(|p| format!(" page {p}"))
        .unwrap_or_default();
    format!(
        "{} {} “{}” ({}{page} line {})",
        finding.rule, finding.severity, finding.text, location.part, location.line
    )
}

/// What changed in a finding with the same id, field by field.
fn finding_changes(old: &Finding, new: &Finding) -> Vec<String> {
    let mut changes = Vec::new();
    if old.rule != new.rule {
        changes.push(format!("rule {} → {}", old.rule, new.rule));
    }
    if old.severity != new.severity {
        changes.push(format!("severity {} → {}", old.severity, new.severity));
    }
    if old.category != new.category {
        changes.push(format!("category {} → {}", old.category, new.category));
    }
    if old.message != new.message {
        changes.push(format!("message “{}” → “{}”", old.message, new.message));
    }
    if old.text != new.text {
        changes.push(format!("text “{}” → “{}”", old.text, new.text));
    }
    if old.context != new.context {
        changes.push(format!("context “{}” → “{}”", old.context, new.context));
    }
    let (a, b) = (&old.location, &new.location);
    if a.part != b.part {
        changes.push(format!("part {} → {}", a.part, b.part));
    }
    if a.page != b.page {
        let page = |p: Option<u32>| p.map_or("-".to_owned(), |p| p.to_string());
        changes.push(format!("page {} → {}", page(a.page), page(b.page)));
    }
    if (a.line, a.column) != (b.line, b.column) {
        changes.push(format!(
            "line:column {}:{} → {}:{}",
            a.line, a.column, b.line, b.column
        ));
    }
    if (&a.sheet, &a.cell) != (&b.sheet, &b.cell) {
        changes.push("sheet/cell changed".into());
    }
    if old.explain != new.explain {
        changes.push("explanation changed".into());
    }
    if old.waived.is_some() != new.waived.is_some() {
        changes.push(if old.waived.is_some() {
            "was waived, now open".into()
        } else {
            "was open, now waived".into()
        });
    } else if old.decision != new.decision || old.waived != new.waived {
        changes.push("decision changed".into());
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::file::scan_bytes;

    fn scan(path: &str, text: &str) -> DocumentReview {
        let rules = RuleSet::builtin().unwrap();
        scan_bytes(path, text.as_bytes(), &rules, &ScanOptions::default())
            .pop()
            .unwrap()
    }

    #[test]
    fn identical_documents_have_no_differences() {
        let old = scan("a.txt", "机密★1年\n手机13912345678\n");
        let new = old.clone();
        let mut out = Vec::new();
        assert_eq!(compare_document(&old, &new, &mut out), 2);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn differences_name_the_document_the_finding_and_what_changed() {
        let old = scan("a.txt", "机密★1年\n手机13912345678\n");
        let new = scan("a.txt", "前言\n机密★1年\n");
        let mut out = Vec::new();
        assert_eq!(compare_document(&old, &new, &mut out), 0);
        let lines: Vec<String> = out
            .iter()
            .map(|d| format!("{} {:?} {}", d.path, d.finding, d.what))
            .collect();
        let text = lines.join("\n");
        assert!(
            text.contains("a.txt None changed since the review"),
            "{text}"
        );
        assert!(text.contains("line:column 1:1 → 2:1"), "{text}");
        assert!(
            text.contains("no longer found: personal.cn.mobile"),
            "{text}"
        );
        assert!(out.iter().all(|d| d.path == "a.txt"));
    }

    #[test]
    fn field_changes_are_listed_one_by_one() {
        let old = scan("a.txt", "机密★1年\n").findings.remove(0);
        let mut new = old.clone();
        new.severity = crate::extract::document::Severity::Review;
        new.message = "changed".into();
        new.location.page = Some(2);
        let changes = finding_changes(&old, &new);
        assert_eq!(changes.len(), 3, "{changes:?}");
        assert!(
            changes[0].starts_with("severity block → review"),
            "{changes:?}"
        );
        assert!(changes.iter().any(|c| c == "page - → 2"), "{changes:?}");
    }

    #[test]
    fn archive_members_are_rerun_from_their_file() {
        assert_eq!(file_of("a/b.zip!/c/d.docx"), "a/b.zip");
        assert_eq!(file_of("a/b.txt"), "a/b.txt");
    }

    #[test]
    fn embedded_packs_reload_to_the_same_digest() {
        let rules = RuleSet::builtin().unwrap();
        let review = Review {
            schema: crate::review::SCHEMA.into(),
            tool: crate::review::ToolInfo::current(),
            started_at: String::new(),
            rules: rules.info_embedded(),
            summary: Default::default(),
            skipped: Vec::new(),
            documents: Vec::new(),
            options: None,
            decisions: None,
        };
        let sources = embedded_sources(&review).unwrap();
        let again = load_sources(&sources).unwrap();
        assert_eq!(again.info().digest, review.rules.digest);
        let mut bare = review.clone();
        bare.rules.packs[0].source = None;
        assert!(embedded_sources(&bare).unwrap_err().contains("--rules"));
    }
    fn named_only() -> Review {
        Review {
            schema: crate::review::SCHEMA.into(),
            tool: crate::review::ToolInfo::current(),
            started_at: String::new(),
            rules: RuleSet::builtin().unwrap().info(),
            summary: Default::default(),
            skipped: Vec::new(),
            documents: Vec::new(),
            options: None,
            decisions: None,
        }
    }

    #[test]
    fn a_review_naming_its_packs_reruns_with_the_same_packs_only() {
        let review = named_only();
        assert!(review.rules.packs.iter().all(|p| p.source.is_none()));
        let builtin = crate::rules::builtin_sources();
        let chosen = recorded_packs_among(&review, &builtin, "built-in").unwrap();
        assert_eq!(
            load_sources(&chosen).unwrap().info().digest,
            review.rules.digest
        );
        // Given in another order, the packs are put back in the recorded one.
        let reversed: Vec<PackSource> = builtin.iter().rev().cloned().collect();
        let chosen = recorded_packs_among(&review, &reversed, "--rules").unwrap();
        assert_eq!(
            load_sources(&chosen).unwrap().info().digest,
            review.rules.digest
        );
    }

    #[test]
    fn a_pack_with_other_contents_is_an_error_naming_it() {
        let review = named_only();
        let mut sources = crate::rules::builtin_sources();
        let name = review.rules.packs[0].name.clone();
        sources[0].yaml.push_str("\n# edited\n");
        let error = recorded_packs_among(&review, &sources, "--rules").unwrap_err();
        assert!(error.contains(&format!("rule pack `{name}`")), "{error}");
        assert!(error.contains("not the pack the review used"), "{error}");
        sources.remove(0);
        let error = recorded_packs_among(&review, &sources, "--rules").unwrap_err();
        assert!(error.contains("not among --rules"), "{error}");
    }
}

#[cfg(test)]
#[path = "verify_tamper.rs"]
mod tamper;
