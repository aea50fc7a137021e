//! prepub — pre-publication confidentiality review (保密审查).

pub mod audit;
pub mod batch;
pub mod cli;
pub mod extract;
pub mod report;
pub mod review;
pub mod rules;
