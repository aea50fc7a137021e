//! prepub — pre-publication confidentiality review (保密审查).
//!
//! The pipeline runs one way, one document at a time (一事一审):
//!
//! ```text
//! extract  →  rules  →  review  →  report
//! bytes →     normalise, findings,   text, JSON, SARIF, JUnit,
//! located     match,     masking,    CSV, HTML, Markdown, DOCX
//! segments    escalate   verdict
//! ```
//!
//! - [`extract`] turns a file's bytes into an [`extract::document::Extraction`]:
//!   located text segments, the problems met while reading, notices.
//! - [`rules`] compiles the packs once per run and says which rule fired
//!   where, at what severity, in the normalised text.
//! - [`review`] locates those matches in the original text, masks personal
//!   data and decides the document's verdict.
//! - [`report`] renders the review, one module per output format.
//!
//! Around the pipeline: [`batch`] walks the inputs and runs each file through
//! the stages under the watchdog and the limits, in parallel; [`audit`]
//! applies reviewers' decisions, verifies and merges reviews; [`serve`] is
//! the review desk in the browser (`prepub serve`). The command
//! line is the binary's own (`src/cli/`).

pub mod audit;
pub mod batch;
pub mod extract;
pub mod report;
pub mod review;
pub mod rules;
pub mod serve;
