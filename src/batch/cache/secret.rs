//! The secret of one cache directory, and the MACs made under it.
//!
//! Made on first use from the system's random source and kept in
//! `DIR/secret` as hex, readable and writable by its owner only. A secret
//! file anyone else could read lets them forge entries, one anyone else
//! could write lets them choose the secret: either is refused, never
//! repaired — the user is told and the scan runs without the cache.

use super::CacheError;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::io::{Read, Write};
use std::path::Path;

/// The file in the cache directory that holds its secret (hex).
pub const SECRET_FILE: &str = "secret";

/// Bytes of secret: as many as the MAC's output.
const SECRET_BYTES: usize = 32;

pub(super) type HmacSha256 = Hmac<Sha256>;

/// A cache's secret. Never shown: `Debug` prints no byte of it.
pub(super) struct Secret([u8; SECRET_BYTES]);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(..)")
    }
}

impl Secret {
    /// A MAC under this secret, its input starting with `domain` so the
    /// key of a document and the MAC of an entry can never stand for each
    /// other.
    pub(super) fn mac(&self, domain: &str) -> HmacSha256 {
        // HMAC takes a key of any length: `new_from_slice` cannot fail here,
        // and `KeyInit::new` wants the 64-byte block-sized key type.
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC accepts keys of every length"),
        };
        field(&mut mac, domain.as_bytes());
        mac
    }
}

/// Feeds one length-prefixed field to a MAC, so that fields cannot run
/// into each other.
pub(super) fn field(mac: &mut HmacSha256, value: &[u8]) {
    mac.update(&(value.len() as u64).to_le_bytes());
    mac.update(value);
}

/// The cache's secret: read from `DIR/secret`, or made and stored there on
/// first use.
pub(super) fn secret_of(directory: &Path) -> Result<Secret, CacheError> {
    let path = directory.join(SECRET_FILE);
    let untrusted = |why: String| {
        CacheError::Secret(format!(
            "--cache {}: the cache's secret {} {why}; the scan goes on without the cache",
            directory.display(),
            path.display()
        ))
    };
    match read_secret(&path) {
        Ok(Some(secret)) => return Ok(secret),
        Ok(None) => {}
        Err(why) => return Err(untrusted(why)),
    }
    let mut secret = [0u8; SECRET_BYTES];
    getrandom::fill(&mut secret)
        .map_err(|e| untrusted(format!("cannot be made (no random source: {e})")))?;
    // Written whole to a temporary file (mode 0600 from its creation), then
    // linked into place only if no secret is there yet: a concurrent first
    // run keeps its own secret and this one reads it.
    let mut builder = tempfile::Builder::new();
    builder.prefix(".secret-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    let mut temporary = builder
        .tempfile_in(directory)
        .map_err(|e| untrusted(format!("cannot be made: {e}")))?;
    temporary
        .write_all(hex::encode(secret).as_bytes())
        .and_then(|()| temporary.as_file().sync_all())
        .map_err(|e| untrusted(format!("cannot be written: {e}")))?;
    match temporary.persist_noclobber(&path) {
        Ok(_) => Ok(Secret(secret)),
        Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
            match read_secret(&path) {
                Ok(Some(secret)) => Ok(secret),
                Ok(None) => Err(untrusted("vanished while it was made".into())),
                Err(why) => Err(untrusted(why)),
            }
        }
        Err(error) => Err(untrusted(format!("cannot be stored: {}", error.error))),
    }
}

/// Reads a secret file: `Ok(None)` when there is none; an error (why it is
/// not trusted) when it is not a regular file of this user's that nobody
/// else may read or write, or does not hold a secret.
fn read_secret(path: &Path) -> Result<Option<Secret>, String> {
    match std::fs::symlink_metadata(path) {
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot be read: {error}")),
        Ok(metadata) if metadata.file_type().is_symlink() => {
            return Err("is a symbolic link".into());
        }
        Ok(_) => {}
    }
    let (file, metadata) = crate::batch::open_regular(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let user = unsafe { libc::geteuid() };
        if metadata.uid() != user {
            return Err(format!(
                "belongs to user {}, not to this user ({user})",
                metadata.uid()
            ));
        }
        let mode = metadata.mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(format!(
                "may be read or written by others (mode {mode:04o}): make it 0600 (chmod 600), or delete the cache directory"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = metadata;
    let mut text = String::new();
    file.take(4 * SECRET_BYTES as u64)
        .read_to_string(&mut text)
        .map_err(|e| format!("cannot be read: {e}"))?;
    let bytes = hex::decode(text.trim()).map_err(|_| "does not hold a secret".to_owned())?;
    let secret: [u8; SECRET_BYTES] = bytes
        .try_into()
        .map_err(|_| "does not hold a secret of the right length".to_owned())?;
    Ok(Some(Secret(secret)))
}
