//! Audit: decisions, interactive review, verify (with the inputs a review
//! skipped), shard and merge.
//!
//! Takes reviews (and the decisions file); gives decided, verified or merged
//! reviews. Everything here works on the review model, rescanning through
//! [`crate::batch`] where it must.

pub mod decisions;
pub mod interactive;
pub mod merge;
pub mod rewalk;
pub mod skipped;
pub mod verify;
