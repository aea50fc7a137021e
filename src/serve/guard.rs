//! Who may talk to the review desk.
//!
//! The desk holds drafts that may be classified, so every request is
//! checked before any handler runs, and each check refuses by default:
//!
//! - **The token.** A random per-run token, printed in the URL. The first
//!   page load carries it in the query; the desk then keeps it in a
//!   `SameSite=Strict`, `HttpOnly` cookie so links need not repeat it. A
//!   request with neither is refused (another local user or a web page
//!   guessing ports learns nothing).
//! - **`Host`.** Only the names the desk is served under (`127.0.0.1:PORT`,
//!   `localhost:PORT`, `[::1]:PORT`, or the `--bind` address). A page on
//!   `evil.example` whose name was rebound to 127.0.0.1 (DNS rebinding)
//!   sends its own host name, and is refused.
//! - **`Origin`.** When a browser sends one it must be the desk's own; a
//!   form posted from another site is refused (CSRF). Changes (`POST`) also
//!   carry the token in the form itself, so a cookie alone never suffices.
//! - **The password** (only with `--bind`, when other machines can reach
//!   the desk): HTTP Basic authentication on every request.
//!
//! The checks are plain functions over the request's parts, tested without
//! a server; [`check`] is what the router runs.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::net::SocketAddr;

/// The cookie that keeps the token after the first page load.
pub const TOKEN_COOKIE: &str = "prepub_token";

/// What a request must satisfy.
#[derive(Clone, Debug)]
pub struct Guard {
    token: String,
    /// `host:port` values accepted in `Host` (and, with `http://`, in
    /// `Origin`).
    hosts: Vec<String>,
    password: Option<String>,
}

/// Why a request was refused: said in the response, never more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `Host`, or one the desk is not served under.
    Host,
    /// An `Origin` that is not the desk's own.
    Origin,
    /// No token, or a wrong one.
    Token,
    /// `--bind` without the right password.
    Password,
}

impl Refusal {
    pub fn status(self) -> u16 {
        match self {
            Refusal::Host | Refusal::Origin => 403,
            Refusal::Token => 403,
            Refusal::Password => 401,
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Refusal::Host => "refused: this address is not the review desk's (Host)",
            Refusal::Origin => "refused: the request came from another site (Origin)",
            Refusal::Token => {
                "refused: open the desk with the URL prepub printed (it carries the token)"
            }
            Refusal::Password => "the review desk needs its password",
        }
    }
}

/// The parts of a request the checks read.
#[derive(Clone, Copy, Debug, Default)]
pub struct RequestParts<'a> {
    pub host: Option<&'a str>,
    pub origin: Option<&'a str>,
    /// `token=` of the query string.
    pub query_token: Option<&'a str>,
    /// The `Cookie` header.
    pub cookie: Option<&'a str>,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// A change (`POST`): it must carry an `Origin`, and its handler checks
    /// the token in the form too ([`Guard::form_token_ok`]).
    pub is_change: bool,
}

impl Guard {
    /// A guard for a desk listening on `address`; `bind_host` is the name
    /// given to `--bind`, if any (accepted in `Host` besides the loopback
    /// names).
    pub fn new(
        token: String,
        address: SocketAddr,
        bind_host: Option<&str>,
        password: Option<String>,
    ) -> Guard {
        let port = address.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        if !address.ip().is_loopback() {
            hosts.push(address.to_string());
        }
        if let Some(name) = bind_host {
            hosts.push(format!("{name}:{port}"));
        }
        Guard {
            token,
            hosts,
            password,
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Checks one request; `Ok` when every check holds.
    pub fn check(&self, request: &RequestParts<'_>) -> Result<(), Refusal> {
        let host = request.host.ok_or(Refusal::Host)?;
        if !self
            .hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(host))
        {
            return Err(Refusal::Host);
        }
        if let Some(origin) = request.origin {
            let own = origin
                .strip_prefix("http://")
                .is_some_and(|rest| rest.eq_ignore_ascii_case(host));
            if !own {
                return Err(Refusal::Origin);
            }
        } else if request.is_change {
            // Browsers send `Origin` with every POST; one without it did
            // not come from a page of the desk.
            return Err(Refusal::Origin);
        }
        if let Some(password) = &self.password
            && !basic_password(request.authorization).is_some_and(|given| same(&given, password))
        {
            return Err(Refusal::Password);
        }
        let by_query = request.query_token.is_some_and(|t| same(t, &self.token));
        let by_cookie = request
            .cookie
            .and_then(|header| cookie_value(header, TOKEN_COOKIE))
            .is_some_and(|t| same(t, &self.token));
        if !(by_query || by_cookie) {
            return Err(Refusal::Token);
        }
        Ok(())
    }

    /// Whether the token sent with a form is this desk's: a change needs
    /// it besides the cookie, so a cookie a browser adds on its own never
    /// suffices.
    pub fn form_token_ok(&self, given: Option<&str>) -> bool {
        given.is_some_and(|t| same(t, &self.token))
    }

    /// Whether the query's token is this desk's (the first page load).
    pub fn query_token_ok(&self, given: Option<&str>) -> bool {
        self.form_token_ok(given)
    }
}

/// A fresh random token: 32 bytes from the system's random source, hex.
pub fn new_token() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| format!("no random source for the desk's token: {e}"))?;
    Ok(hex::encode(bytes))
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

/// The password of an HTTP Basic `Authorization` header (any user name).
fn basic_password(header: Option<&str>) -> Option<String> {
    let encoded = header?.strip_prefix("Basic ")?.trim();
    let decoded = STANDARD.decode(encoded).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    Some(password.to_owned())
}

/// Compares secrets in time independent of where they first differ.
fn same(given: &str, secret: &str) -> bool {
    let (a, b) = (given.as_bytes(), secret.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(password: Option<&str>) -> Guard {
        Guard::new(
            "t0k".into(),
            "127.0.0.1:8123".parse().unwrap(),
            None,
            password.map(str::to_owned),
        )
    }

    fn get<'a>(host: &'a str, token: &'a str) -> RequestParts<'a> {
        RequestParts {
            host: Some(host),
            query_token: Some(token),
            ..RequestParts::default()
        }
    }

    #[test]
    fn the_token_is_needed_in_the_query_or_the_cookie() {
        let g = guard(None);
        assert_eq!(g.check(&get("127.0.0.1:8123", "t0k")), Ok(()));
        assert_eq!(g.check(&get("localhost:8123", "t0k")), Ok(()));
        assert_eq!(g.check(&get("127.0.0.1:8123", "bad")), Err(Refusal::Token));
        let no_token = RequestParts {
            host: Some("127.0.0.1:8123"),
            ..RequestParts::default()
        };
        assert_eq!(g.check(&no_token), Err(Refusal::Token));
        let cookie = RequestParts {
            host: Some("127.0.0.1:8123"),
            cookie: Some("other=1; prepub_token=t0k"),
            ..RequestParts::default()
        };
        assert_eq!(g.check(&cookie), Ok(()));
        let wrong_cookie = RequestParts {
            cookie: Some("prepub_token=t0"),
            ..cookie
        };
        assert_eq!(g.check(&wrong_cookie), Err(Refusal::Token));
    }

    #[test]
    fn a_rebound_or_missing_host_is_refused() {
        let g = guard(None);
        assert_eq!(
            g.check(&get("evil.example:8123", "t0k")),
            Err(Refusal::Host)
        );
        assert_eq!(g.check(&get("127.0.0.1:9999", "t0k")), Err(Refusal::Host));
        assert_eq!(g.check(&get("127.0.0.1", "t0k")), Err(Refusal::Host));
        let none = RequestParts {
            query_token: Some("t0k"),
            ..RequestParts::default()
        };
        assert_eq!(g.check(&none), Err(Refusal::Host));
    }

    #[test]
    fn a_foreign_origin_is_refused_and_changes_need_the_form_token() {
        let g = guard(None);
        let foreign = RequestParts {
            origin: Some("http://evil.example"),
            ..get("127.0.0.1:8123", "t0k")
        };
        assert_eq!(g.check(&foreign), Err(Refusal::Origin));
        let own = RequestParts {
            origin: Some("http://127.0.0.1:8123"),
            ..get("127.0.0.1:8123", "t0k")
        };
        assert_eq!(g.check(&own), Ok(()));
        let with_form = RequestParts {
            is_change: true,
            cookie: Some("prepub_token=t0k"),
            query_token: None,
            ..own
        };
        assert_eq!(g.check(&with_form), Ok(()));
        assert!(
            !g.form_token_ok(None),
            "a change needs the token in its form"
        );
        assert!(!g.form_token_ok(Some("t0")));
        assert!(g.form_token_ok(Some("t0k")));
        let without_origin = RequestParts {
            origin: None,
            ..with_form
        };
        assert_eq!(g.check(&without_origin), Err(Refusal::Origin));
        let https_lookalike = RequestParts {
            origin: Some("https://127.0.0.1:8123"),
            ..with_form
        };
        assert_eq!(g.check(&https_lookalike), Err(Refusal::Origin));
    }

    #[test]
    fn with_a_password_every_request_needs_it() {
        let g = guard(Some("s3cret"));
        assert_eq!(
            g.check(&get("127.0.0.1:8123", "t0k")),
            Err(Refusal::Password)
        );
        let auth = format!("Basic {}", STANDARD.encode("clerk:s3cret"));
        let with = RequestParts {
            authorization: Some(&auth),
            ..get("127.0.0.1:8123", "t0k")
        };
        assert_eq!(g.check(&with), Ok(()));
        let wrong = format!("Basic {}", STANDARD.encode("clerk:s3cre"));
        let bad = RequestParts {
            authorization: Some(&wrong),
            ..with
        };
        assert_eq!(g.check(&bad), Err(Refusal::Password));
    }

    #[test]
    fn tokens_are_fresh_and_long() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
