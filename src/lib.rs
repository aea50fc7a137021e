//! prepub — pre-publication confidentiality review (保密审查).
//!
//! The pipeline runs one way: [`extract`] (file → located text segments) →
//! [`normalize`] → [`rules`] (compiled matcher) → [`scan`] (findings → one
//! verdict per document) → [`report`] (one renderer per output format).
//! [`batch`] walks the inputs and runs documents in parallel; [`spill`]
//! keeps their finished reviews on disk until the reports are written.

pub mod audit;
pub mod batch;
pub mod cache;
pub mod cli;
pub mod cli_audit;
pub mod decisions;
pub mod document;
pub mod extract;
pub mod interactive;
pub mod interrupt;
pub mod limits;
pub mod normalize;
pub mod read_budget;
pub mod report;
pub mod review;
pub mod rules;
pub mod scan;
pub mod shard;
pub mod spill;
pub mod watchdog;
