//! Audit: decisions, interactive review, verify, shard and merge.

pub mod decisions;
pub mod interactive;
pub mod shard;
pub mod verify;
