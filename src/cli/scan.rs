//! `prepub scan`: review files and folders, write the reports.

use crate::cli::args::{
    FailOnArg, Failure, FormArgs, LimitArgs, OcrArgs, OutputFormat, RuleArgs, load_rules,
    read_review,
};
use crate::cli::config::{self, ConfigArgs};
use crate::cli::output::{
    Reviewed, check_output_targets, check_stdout_format, plan_outputs, render_to, stdout_colour,
    write_reports, write_stdout_with,
};
use clap::Args;
use prepub::audit::decisions::{self, Decisions};
use prepub::batch::cache::{Cache, CacheError};
use prepub::batch::file::ScanOptions;
use prepub::batch::shard::{Partition, Shard};
use prepub::batch::since::Previous;
use prepub::batch::{self, BatchOptions, Selection};
use prepub::report::{self, FailOn};
use prepub::review::{DecisionsInfo, DocumentReview, Review, ShardKey};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

pub const EXIT_CODES: &str = "Exit codes (scan):
  0  no finding at or above --fail-on, and every document fully read
  1  some document has an unwaived finding at or above --fail-on
     (or, with --fail-on-stale, a decision is stale)
  2  usage or rule-set error (nothing was scanned)
  3  no such finding, but some document could not be fully read
     (encrypted, scanned image, corrupt, over a limit), or an input named
     on the command line was skipped (filtered out, an empty folder, a
     prepub report); not with --fail-on never";

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to review (directories are walked recursively;
    /// hidden files and VCS folders are skipped and listed as skipped).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub rules: RuleArgs,
    /// Only review files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub include: Vec<String>,
    /// Skip files whose path or name matches this glob; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Read paths to review from FILE, one per line (`-` = standard input).
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,
    /// Format written to standard output (default text), and to --output
    /// files whose extension names no format.
    #[arg(long, value_enum)]
    pub format: Option<OutputFormat>,
    /// Write a report to FILE (atomically: a temporary file, then rename);
    /// repeatable, one scan gives them all. The format follows the
    /// extension: .json .html .docx .md .sarif .xml (JUnit) .csv .txt.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// Exit with 1 when a finding at or above this severity is found.
    #[arg(long, value_enum, default_value = "review")]
    pub fail_on: FailOnArg,
    /// Worker threads (default: all cores): documents of the batch, and the
    /// windows of one large text, are shared out among them.
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Do not draw the progress bar (it is only drawn on a terminal anyway).
    #[arg(long)]
    pub no_progress: bool,
    /// Walk into hidden files and folders too (names starting with `.`), as
    /// ripgrep's --hidden. Version-control folders (.git, .svn, …) are still
    /// skipped. Skipped paths are always listed in the reports.
    #[arg(long)]
    pub hidden: bool,
    /// Follow symbolic links met in folders (as ripgrep's -L); loops and
    /// dangling links are listed as documents not read. Without it every
    /// link met in a folder is listed as not read (never skipped silently);
    /// a link named on the command line is always read as its target.
    #[arg(long, short = 'L')]
    pub follow: bool,
    /// Show personal data unmasked in reports (masked by default).
    #[arg(long)]
    pub show_match: bool,
    /// Record, for each finding, the conditions that were checked.
    #[arg(long)]
    pub explain: bool,
    /// Print only documents that are not `pass`, and the summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// A password to try on encrypted documents; repeatable.
    #[arg(long, value_name = "PASSWORD")]
    pub password: Vec<String>,
    /// Keep extracted text in DIR and reuse it for files whose bytes are
    /// unchanged (keyed by content hash, prepub build and limits — never by
    /// path or date). Rules always run afresh. Entries are used only if
    /// their MAC under the cache's secret (DIR/secret, mode 0600) verifies;
    /// any other entry is read again.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// A rescan: take over the review of every file whose path and SHA-256
    /// are unchanged since this earlier JSON review (made by the same
    /// prepub with the same packs and options), reading only changed and
    /// new files; files it had that are gone are listed as removed.
    #[arg(long, value_name = "REVIEW.json")]
    pub since: Option<PathBuf>,
    /// Continue a killed scan that was streaming `--format jsonl` to FILE:
    /// the inputs it finished are not read again, the rest are appended,
    /// and the end line is written when all are done. The rerun must have
    /// the same inputs, prepub, packs and options.
    #[arg(long, value_name = "FILE.jsonl")]
    pub resume: Option<PathBuf>,
    /// Say more on standard error: with --cache, every cache entry that
    /// was rejected (failed its integrity check, …) and why.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub ocr: OcrArgs,
    #[command(flatten)]
    pub form: FormArgs,
    #[command(flatten)]
    pub audit: ScanAuditArgs,
    #[command(flatten)]
    pub sharding: ShardArgs,
    // Project configuration (cli/config.rs): kept last and together.
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// `given(id)`: whether the flag of clap id `id` was on the command line
/// (the project configuration fills in the others).
pub fn run(mut args: ScanArgs, given: &dyn Fn(&str) -> bool) -> Result<i32, Failure> {
    let configuration = config::resolve(&mut args, given)?;
    if args.paths.is_empty() && args.files_from.is_none() {
        return Err(Failure::usage(
            "nothing to scan: give files or directories, or --files-from FILE",
        ));
    }
    if args.jobs == Some(0) {
        return Err(Failure::usage("--jobs must be at least 1"));
    }
    // Decided before scanning, so a mistyped extension fails at once rather
    // than after the batch has been read.
    let mut outputs = plan_outputs(&args.output, args.format)?;
    let stream_to = stream_target(&mut outputs, args.resume.as_deref())?;
    let stdout_format = args.format.unwrap_or(OutputFormat::Text);
    let stdout_wanted = args.output.is_empty() || stdout_format == OutputFormat::Text;
    let stdout_wanted = stdout_wanted && (args.output.is_empty() || !args.quiet);
    // `--format jsonl` on standard output streams there as documents finish.
    let stream_stdout = stdout_wanted && stdout_format == OutputFormat::Jsonl;
    let stdout_wanted = stdout_wanted && !stream_stdout;
    if stdout_wanted {
        check_stdout_format(stdout_format)?;
    }
    let mut form = args.form.options();
    // Info findings are counted per document, not listed, in the text
    // report and on a terminal; --verbose and piped output list them all.
    form.summarise_info = !args.verbose;
    let lang = args.form.terminal_lang();
    let ocr = args.ocr.settings()?;
    // The rule set lives as long as the process: a scan is the process's
    // one job, and freeing the automata just before it exits was 0.8 M
    // instructions of a run on a one-line file (callgrind).
    let rules: &'static prepub::rules::RuleSet = Box::leak(Box::new(load_rules(&args.rules)?));
    let audit = ScanAudit::prepare(&args.audit)?;
    let partition = args.sharding.partition()?;
    let selection = Selection {
        paths: args.paths.clone(),
        files_from: args.files_from.clone(),
        include: args.include.clone(),
        exclude: args.exclude.clone(),
        shard: partition.map(|(shard, key)| Partition::of(shard, key)),
        hidden: args.hidden,
    };
    let inputs = batch::collect_files_following(&selection, args.follow).map_err(Failure::usage)?;
    // What this shard ran, recorded so `prepub merge` can prove the set of
    // shards whole.
    let shard_info = match (partition, &inputs.tally) {
        (Some((shard, key)), Some(tally)) => Some(prepub::batch::shard::info(shard, key, tally)),
        _ => None,
    };
    let paths: Vec<&Path> = inputs
        .files
        .iter()
        .map(|file| file.path.as_path())
        .collect();
    check_output_targets(&outputs, &paths, true)?;
    if let Some(stream) = &stream_to {
        check_output_targets(&[(stream.clone(), OutputFormat::Jsonl)], &paths, true)?;
    }
    drop(paths);
    let cache = match &args.cache {
        Some(directory) => match Cache::open(directory) {
            Ok(cache) => Some(std::sync::Arc::new(cache)),
            // A secret that cannot be trusted: every entry would be
            // suspect, so none is read or written. Said even with --quiet.
            Err(CacheError::Secret(message)) => {
                eprintln!("prepub: warning: {message}");
                None
            }
            Err(error) => return Err(Failure::usage(error.to_string())),
        },
        None => None,
    };
    let mut options = BatchOptions {
        jobs: args.jobs,
        progress: !args.no_progress && !args.quiet,
        lang,
        scan: ScanOptions {
            show_match: args.show_match,
            explain: args.explain,
            limits: args.limits.limits(),
            passwords: args.password.clone(),
            cache: cache.clone(),
            ocr,
            threads: args.jobs.and_then(std::num::NonZeroUsize::new),
            ..ScanOptions::default()
        },
    };
    if let Some(file) = &args.since {
        let earlier = read_review(file)?;
        let previous = Previous::new(
            &file.to_string_lossy(),
            earlier,
            &rules.info().digest,
            &options.scan,
        );
        if let Some(why) = previous.mismatch()
            && !args.quiet
        {
            eprintln!("prepub: --since {}: nothing reused: {why}", file.display());
        }
        options.scan.since = Some(std::sync::Arc::new(previous));
    }
    let stream = match (&stream_to, stream_stdout) {
        (Some(file), _) => Some(Stream::to_file(
            file,
            args.resume.is_some(),
            rules,
            &options,
            args.audit.embed_rules,
        )?),
        (None, true) => Some(Stream::to_stdout(rules, &options, args.audit.embed_rules)?),
        (None, false) => None,
    };
    if let Some(stream) = &stream {
        options.scan.resumed = stream.resumed.clone();
        if let (Some(file), Some(done)) = (&args.resume, &stream.resumed)
            && !args.quiet
        {
            eprintln!(
                "resuming {}: {} inputs already done",
                file.display(),
                done.len()
            );
        }
    }
    let mut batch = batch::run_streamed(
        &inputs,
        rules,
        &options,
        &|document| audit.apply_to_document(document),
        &|file, documents| match &stream {
            Some(stream) => stream.file(file, documents),
            None => Ok(()),
        },
    )?;
    // The walk list is not needed any more; the reports may be long to write.
    drop(inputs);
    if let Some(since) = batch.head.options.as_ref().and_then(|o| o.since.as_ref())
        && !args.quiet
    {
        report_since(since, batch.head.summary.documents);
    }
    if let (Some(cache), Some(directory)) = (&cache, &args.cache)
        && !args.quiet
    {
        eprintln!("cache {}: {}", directory.display(), cache.stats());
        if args.verbose {
            for line in cache.rejections() {
                eprintln!("cache {}: {line}", directory.display());
            }
        }
    }
    // So `prepub verify` can walk the same inputs again and tell a document
    // left out of the review.
    if let Some(options) = batch.head.options.as_mut() {
        options.inputs = Some(selection.inputs_info(args.follow));
        options.config = configuration.file.as_ref().map(config::Loaded::info);
        options.shard = shard_info;
    }
    audit.finish(&mut batch.head);
    if args.audit.embed_rules {
        batch.head.rules = rules.info_embedded();
    }
    if let Some(stream) = &stream {
        stream.end(&batch.head)?;
    }
    let reviewed = Reviewed::spilled(&batch.head, &batch.documents);
    let text = report::text::TextOptions {
        colour: stdout_colour(),
        quiet: args.quiet,
        summarise_info: form.summarise_info,
        lang,
    };
    write_reports(&reviewed, &outputs, &form, &text)?;
    if stdout_wanted {
        write_stdout_with(&mut |out| {
            let on_terminal = report::RenderOptions {
                summarise_info: form.summarise_info && std::io::stdout().is_terminal(),
                ..form.clone()
            };
            render_to(&reviewed, stdout_format, &on_terminal, &text, out)
        })?;
    }
    let fail_on = match args.fail_on {
        FailOnArg::Review => FailOn::Review,
        FailOnArg::Block => FailOn::Block,
        FailOnArg::Never => FailOn::Never,
    };
    let code = report::exit_code_of(batch.documents.tally(), &batch.head.skipped, fail_on);
    Ok(audit.exit_code(code, &batch.head))
}

/// `scan` options for decisions.
#[derive(Debug, Args)]
pub struct ScanAuditArgs {
    /// Apply reviewer decisions from FILE: `keep` waives a finding,
    /// `remove`/`revise` stay open until the text is gone. Default:
    /// prepub-decisions.yaml in the current directory, when it exists.
    #[arg(long, value_name = "FILE")]
    pub decisions: Option<PathBuf>,
    /// Do not apply any decisions file, not even the default one.
    #[arg(long, conflicts_with = "decisions")]
    pub no_decisions: bool,
    /// Approve, as a second person, the `keep` decisions of the decisions
    /// file that have no approver and that NAME did not make: a keep of a
    /// block-level finding waives it only with an approver distinct from
    /// the reviewer.
    #[arg(long, value_name = "NAME", conflicts_with = "no_decisions")]
    pub approver: Option<String>,
    /// Put the full text of the rule packs (and their term lists) into the
    /// JSON review, for a self-contained audit record `prepub verify` can
    /// rerun with nothing else. Without it a review names each pack with
    /// its version and SHA-256 only: no report publishes a watch-list.
    #[arg(long)]
    pub embed_rules: bool,
    /// Exit with 1 when a decision is stale: its finding no longer appears.
    #[arg(long)]
    pub fail_on_stale: bool,
    /// Judge `expires` dates of decisions as of this day (YYYY-MM-DD;
    /// default: today, UTC). Give all shards of one batch the same day.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

/// `scan` options for running one shard of a batch (see
/// `prepub::batch::shard`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Sharding")]
pub struct ShardArgs {
    /// Review only shard K of N (1 ≤ K ≤ N), or `auto`: the shard the
    /// engine's environment names (JOB_COMPLETION_INDEX with --shard-count,
    /// CI_NODE_INDEX/CI_NODE_TOTAL, SLURM_ARRAY_TASK_ID/_COUNT/_MIN). A
    /// stable split by each path relative to the folder named, so N jobs
    /// together review every file once; join them with `prepub merge`.
    #[arg(long, value_name = "K/N|auto", conflicts_with = "shard_index")]
    pub shard: Option<ShardArg>,
    /// 0-based shard index (0 ≤ I < --shard-count), as engines number
    /// tasks (a GitHub Actions matrix value, a Kubernetes completion index).
    #[arg(long, value_name = "I", requires = "shard_count")]
    pub shard_index: Option<u64>,
    /// The number of shards, with --shard-index, or with --shard auto where
    /// the engine does not say it (a Kubernetes Indexed Job).
    #[arg(long, value_name = "N")]
    pub shard_count: Option<u32>,
    /// What a file's shard is computed from: `path` (its path relative to
    /// the folder named) or `content` (SHA-256 of its bytes: every job then
    /// reads every file once to hash it).
    #[arg(long, value_enum, default_value = "path")]
    pub shard_by: ShardByArg,
}

/// `--shard K/N` or `--shard auto`.
#[derive(Clone, Copy, Debug)]
pub enum ShardArg {
    Fixed(Shard),
    Auto,
}

impl std::str::FromStr for ShardArg {
    type Err = String;

    fn from_str(text: &str) -> Result<ShardArg, String> {
        if text.trim() == "auto" {
            return Ok(ShardArg::Auto);
        }
        text.parse().map(ShardArg::Fixed)
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum ShardByArg {
    Path,
    Content,
}

impl ShardArgs {
    /// The partition this run takes part in, if any; the environment only
    /// with `--shard auto`.
    pub fn partition(&self) -> Result<Option<(Shard, ShardKey)>, Failure> {
        let key = match self.shard_by {
            ShardByArg::Path => ShardKey::Path,
            ShardByArg::Content => ShardKey::Content,
        };
        let shard = match (self.shard, self.shard_index, self.shard_count) {
            (None, None, None) => return Ok(None),
            (Some(ShardArg::Fixed(shard)), None, None) => shard,
            (Some(ShardArg::Fixed(_)), _, Some(_)) => {
                return Err(Failure::usage(
                    "--shard K/N already gives the count: --shard-count is for --shard-index \
                     and --shard auto",
                ));
            }
            (Some(ShardArg::Auto), _, count) => {
                let env = |name: &str| std::env::var(name).ok();
                let (shard, from) =
                    prepub::batch::shard::from_engine(&env, count).map_err(Failure::usage)?;
                eprintln!("prepub: shard {shard} (from {from})");
                shard
            }
            (None, Some(index), Some(count)) => Shard::from_zero_based(index, u64::from(count))
                .map_err(|e| Failure::usage(format!("--shard-index: {e}")))?,
            (None, None, Some(_)) | (_, Some(_), None) => {
                return Err(Failure::usage(
                    "--shard-count needs --shard-index I (0-based) or --shard auto",
                ));
            }
        };
        Ok(Some((shard, key)))
    }
}

/// The decisions a scan will apply, loaded before anything is scanned so a
/// broken decisions file stops the run (exit 2) at once.
pub struct ScanAudit {
    /// The decisions, and the day their expiry is judged against (as given
    /// and parsed).
    decisions: Option<(decisions::Loaded, String, time::Date)>,
    fail_on_stale: bool,
}

impl ScanAudit {
    pub fn prepare(args: &ScanAuditArgs) -> Result<ScanAudit, Failure> {
        let as_of = match &args.as_of {
            Some(day) => day.trim().to_owned(),
            None => decisions::today(),
        };
        let as_of_date =
            decisions::parse_date(&as_of).map_err(|e| Failure::usage(format!("--as-of: {e}")))?;
        let mut loaded = if args.no_decisions {
            None
        } else if let Some(file) = &args.decisions {
            Some(Decisions::load(file, true).map_err(Failure::usage)?)
        } else if Path::new(decisions::DEFAULT_FILE).is_file() {
            Some(
                Decisions::load(Path::new(decisions::DEFAULT_FILE), true)
                    .map_err(Failure::usage)?,
            )
        } else {
            None
        };
        if let (Some(loaded), Some(approver)) = (loaded.as_mut(), args.approver.as_deref()) {
            if approver.trim().is_empty() {
                return Err(Failure::usage("--approver: the name is empty"));
            }
            loaded.decisions.approve_keeps(approver);
        }
        Ok(ScanAudit {
            decisions: loaded.map(|loaded| (loaded, as_of, as_of_date)),
            fail_on_stale: args.fail_on_stale,
        })
    }

    /// Applies the decisions to one finished document, as the batch goes
    /// (so the batch's tally counts them as applied).
    pub fn apply_to_document(&self, document: &mut DocumentReview) {
        if let Some((loaded, _, as_of)) = &self.decisions {
            decisions::apply_to_document(document, &loaded.decisions, *as_of);
        }
    }

    /// Records the decisions file on a finished batch whose documents went
    /// through [`ScanAudit::apply_to_document`].
    pub fn finish(&self, head: &mut Review) {
        if let Some((loaded, as_of, _)) = &self.decisions {
            head.decisions = Some(DecisionsInfo {
                file: loaded.file.clone(),
                digest: loaded.digest.clone(),
                as_of: as_of.clone(),
            });
        }
    }

    /// `--fail-on-stale` turns a 0 or 3 into 1 when a decision is stale.
    pub fn exit_code(&self, code: i32, review: &Review) -> i32 {
        if self.fail_on_stale && review.summary.stale_decisions > 0 && (code == 0 || code == 3) {
            1
        } else {
            code
        }
    }
}

/// What `--since` took over, on standard error: the earlier review, how
/// many documents were reused and read, and the files that are gone.
fn report_since(since: &prepub::review::SinceInfo, documents: usize) {
    eprintln!(
        "since {} ({}): {} reused, {} read, {} removed",
        since.review,
        since.started_at,
        since.reused,
        documents.saturating_sub(since.reused),
        since.removed.len()
    );
    const SHOWN: usize = 20;
    for path in since.removed.iter().take(SHOWN) {
        eprintln!("  removed: {path}");
    }
    if since.removed.len() > SHOWN {
        eprintln!(
            "  … and {} more removed (all listed in the JSON review's options.since.removed)",
            since.removed.len() - SHOWN
        );
    }
}

/// Where `--format jsonl` streams: the `.jsonl` file among `-o` (taken out
/// of the reports written at the end), or the `--resume` file; at most one.
fn stream_target(
    outputs: &mut Vec<(PathBuf, OutputFormat)>,
    resume: Option<&Path>,
) -> Result<Option<PathBuf>, Failure> {
    let mut streamed: Vec<PathBuf> = Vec::new();
    outputs.retain(|(path, format)| {
        let jsonl = *format == OutputFormat::Jsonl;
        if jsonl {
            streamed.push(path.clone());
        }
        !jsonl
    });
    if let Some(resume) = resume {
        if streamed.iter().any(|path| path != resume) {
            return Err(Failure::usage(format!(
                "--resume {} streams to that file: do not name another .jsonl report",
                resume.display()
            )));
        }
        return Ok(Some(resume.to_owned()));
    }
    if streamed.len() > 1 {
        return Err(Failure::usage(
            "one JSONL report at a time: it is streamed while the scan runs",
        ));
    }
    Ok(streamed.pop())
}

/// A JSONL review being streamed: the header first, each input's lines as
/// it finishes (one write, flushed, so a killed job leaves whole inputs),
/// the end line last.
struct Stream {
    out: std::sync::Mutex<Box<dyn std::io::Write + Send>>,
    shown: String,
    /// With `--resume`: the inputs the killed run finished, by display
    /// path (already in the file: not written again).
    resumed: Option<std::sync::Arc<prepub::batch::file::Resumed>>,
}

impl Stream {
    /// The review as it starts, for the header line.
    fn head(rules: &prepub::rules::RuleSet, options: &BatchOptions, embed: bool) -> Review {
        Review {
            schema: prepub::review::SCHEMA.to_owned(),
            tool: prepub::review::ToolInfo::current(),
            started_at: batch::now_rfc3339(),
            rules: if embed {
                rules.info_embedded()
            } else {
                rules.info()
            },
            summary: prepub::review::Summary::default(),
            skipped: Vec::new(),
            documents: Vec::new(),
            options: Some(batch::run_options(&options.scan)),
            decisions: None,
        }
    }

    fn to_stdout(
        rules: &prepub::rules::RuleSet,
        options: &BatchOptions,
        embed: bool,
    ) -> Result<Stream, Failure> {
        let stream = Stream {
            out: std::sync::Mutex::new(Box::new(std::io::stdout())),
            shown: "standard output".to_owned(),
            resumed: None,
        };
        stream.write(
            &report::jsonl::header(&Stream::head(rules, options, embed)).map_err(Failure::usage)?,
        )?;
        Ok(stream)
    }

    /// A new stream into `path`, or with `resume` the continuation of the
    /// one a killed run left there (cut back to its last finished input).
    fn to_file(
        path: &Path,
        resume: bool,
        rules: &prepub::rules::RuleSet,
        options: &BatchOptions,
        embed: bool,
    ) -> Result<Stream, Failure> {
        let shown = path.display().to_string();
        let cannot = |e: std::io::Error| Failure::usage(format!("{shown}: cannot write: {e}"));
        if !resume {
            let mut file = std::fs::File::create(path).map_err(cannot)?;
            let header = report::jsonl::header(&Stream::head(rules, options, embed))
                .map_err(Failure::usage)?;
            std::io::Write::write_all(&mut file, &header).map_err(cannot)?;
            return Ok(Stream {
                out: std::sync::Mutex::new(Box::new(file)),
                shown,
                resumed: None,
            });
        }
        let cannot_read =
            |e: std::io::Error| Failure::usage(format!("--resume {shown}: cannot read: {e}"));
        let reader = std::fs::File::open(path).map_err(cannot_read)?;
        let lines = report::jsonl::index_lines(std::io::BufReader::new(reader))
            .map_err(|e| Failure::usage(format!("--resume {shown}: {e}")))?;
        if let Some(why) =
            prepub::batch::since::different_run(&lines.header, &rules.info().digest, &options.scan)
        {
            return Err(Failure::usage(format!(
                "--resume {shown}: cannot resume a different scan: {why}"
            )));
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(cannot)?;
        // What the killed run left after its last finished input (a line
        // cut short, an unfinished archive's members, an old end line).
        file.set_len(lines.kept_bytes as u64).map_err(cannot)?;
        let mut file = file;
        std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(cannot)?;
        // The finished reviews stay in the file: a second handle reads
        // each back when the batch reaches its input (below `kept_bytes`,
        // which the appends never touch).
        let back = std::sync::Mutex::new(std::fs::File::open(path).map_err(cannot_read)?);
        let read = move |at| {
            let file = back.lock().unwrap_or_else(|e| e.into_inner());
            report::jsonl::read_document(&file, at)
        };
        Ok(Stream {
            out: std::sync::Mutex::new(Box::new(file)),
            shown,
            resumed: Some(std::sync::Arc::new(prepub::batch::file::Resumed::new(
                lines.files,
                Box::new(read),
            ))),
        })
    }

    fn write(&self, bytes: &[u8]) -> Result<(), Failure> {
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        out.write_all(bytes)
            .and_then(|()| out.flush())
            .map_err(|e| {
                Failure::usage(format!(
                    "{}: cannot write the JSONL review: {e}",
                    self.shown
                ))
            })
    }

    /// The lines of one finished input (none for an input the resumed run
    /// had finished: they are in the file already).
    fn file(&self, file: &str, documents: &[DocumentReview]) -> Result<(), String> {
        if self
            .resumed
            .as_ref()
            .is_some_and(|done| done.contains(file))
        {
            return Ok(());
        }
        let lines = report::jsonl::file(file, documents)?;
        self.write(&lines).map_err(|failure| failure.message)
    }

    fn end(&self, head: &Review) -> Result<(), Failure> {
        self.write(&report::jsonl::end(head).map_err(Failure::usage)?)
    }
}
