//! Image references, parsed and normalised as the Docker CLI does
//! (the grammar of the `distribution/reference` package).
//!
//! ```text
//! reference        := name [ ":" tag ] [ "@" digest ]
//! name             := [domain "/"] path-component ["/" path-component]*
//! domain           := host [":" port]
//! host             := domain-component ["." domain-component]* | "[" IPv6 "]"
//! domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
//! path-component   := [a-z0-9]+ (separator [a-z0-9]+)*
//! separator        := "." | "_" | "__" | "-"+
//! tag              := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
//! digest           := algorithm ":" hex       (sha256, sha384, sha512)
//! ```
//!
//! Normalisation: a first component is a registry only if it has a `.` or
//! a `:`, is `localhost`, or has an uppercase letter; otherwise the
//! reference is on Docker Hub (`docker.io`), where a one-component name is
//! in `library/`. `index.docker.io` is `docker.io`. A 64-hex string alone
//! is an image id, not a name.
//!
//! ```
//! use docker_engine::reference::Reference;
//! let r = Reference::parse("ubuntu").unwrap();
//! assert_eq!(r.to_string(), "docker.io/library/ubuntu");
//! assert_eq!(r.familiar_name(), "ubuntu");
//! assert_eq!(r.registry_key(), "https://index.docker.io/v1/");
//!
//! let r = Reference::parse("localhost:5000/team/app:1.2").unwrap();
//! assert_eq!((r.domain(), r.path(), r.tag()), ("localhost:5000", "team/app", Some("1.2")));
//! assert_eq!(r.registry_key(), "localhost:5000");
//!
//! assert!(Reference::parse("Ubuntu").is_err());
//! ```

use std::fmt;
use std::str::FromStr;

/// Docker Hub's domain in normalised names.
pub const DOCKER_HUB_DOMAIN: &str = "docker.io";
/// Docker Hub's key in `config.json` and its credential helpers.
pub const DOCKER_HUB_INDEX: &str = "https://index.docker.io/v1/";
const LEGACY_HUB_DOMAIN: &str = "index.docker.io";
const OFFICIAL_REPO_PREFIX: &str = "library/";
const NAME_TOTAL_LENGTH_MAX: usize = 255;
const DEFAULT_TAG: &str = "latest";

/// Why a reference is invalid (the cases of `distribution/reference` and
/// `go-digest`, with their messages).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReferenceErrorKind {
    /// It does not follow the grammar.
    InvalidFormat,
    /// The repository name has an uppercase letter.
    NameContainsUppercase,
    /// The name is empty.
    NameEmpty,
    /// The name is longer than 255 characters.
    NameTooLong,
    /// A 64-hex string, which names an image id, not a repository.
    Identifier,
    /// The digest's algorithm is not sha256, sha384 or sha512.
    DigestUnsupported,
    /// The digest's hex part has the wrong length for its algorithm.
    DigestInvalidLength,
    /// The digest's hex part is not lowercase hex.
    DigestInvalidFormat,
}

/// An invalid image reference: what was given and why it is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid reference `{reference}`: {}", describe(kind))]
pub struct ReferenceError {
    reference: String,
    kind: ReferenceErrorKind,
}

fn describe(kind: &ReferenceErrorKind) -> &'static str {
    match kind {
        ReferenceErrorKind::InvalidFormat => "invalid reference format",
        ReferenceErrorKind::NameContainsUppercase => "repository name must be lowercase",
        ReferenceErrorKind::NameEmpty => "repository name must have at least one component",
        ReferenceErrorKind::NameTooLong => "repository name must not be more than 255 characters",
        ReferenceErrorKind::Identifier => "cannot specify 64-byte hexadecimal strings",
        ReferenceErrorKind::DigestUnsupported => "unsupported digest algorithm",
        ReferenceErrorKind::DigestInvalidLength => "invalid checksum digest length",
        ReferenceErrorKind::DigestInvalidFormat => "invalid checksum digest format",
    }
}

impl ReferenceError {
    fn new(reference: &str, kind: ReferenceErrorKind) -> Self {
        ReferenceError {
            reference: reference.to_string(),
            kind,
        }
    }

    /// Why it is invalid.
    pub fn kind(&self) -> &ReferenceErrorKind {
        &self.kind
    }

    /// The reference as given.
    pub fn reference(&self) -> &str {
        &self.reference
    }
}

/// A parsed, normalised image reference: registry domain, repository path,
/// tag and digest.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Reference {
    domain: String,
    path: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl Reference {
    /// Parses `s` as the Docker CLI does (`ParseNormalizedNamed`).
    ///
    /// # Errors
    /// A [`ReferenceError`] saying what is wrong.
    pub fn parse(s: &str) -> Result<Reference, ReferenceError> {
        let err = |kind| ReferenceError::new(s, kind);
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(err(ReferenceErrorKind::Identifier));
        }
        let (domain, remainder) = split_docker_domain(s);
        let remote = remainder.split(':').next().unwrap_or_default();
        if remote.to_lowercase() != remote {
            return Err(err(ReferenceErrorKind::NameContainsUppercase));
        }
        let full = format!("{domain}/{remainder}");
        parse_full(&full).map_err(err)
    }

    /// The registry domain (`docker.io`, `localhost:5000`, `[::1]:5000`).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The repository path on the registry (`library/ubuntu`, `team/app`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The full repository name: `domain/path`.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            self.path.clone()
        } else {
            format!("{}/{}", self.domain, self.path)
        }
    }

    /// The repository as the CLI shows it: Docker Hub's `docker.io/` and
    /// `library/` left out (`ubuntu`, `me/app`, `localhost:5000/app`).
    pub fn familiar_name(&self) -> String {
        if self.domain != DOCKER_HUB_DOMAIN {
            return self.name();
        }
        match self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
            Some(rest) if !rest.contains('/') => rest.to_string(),
            _ => self.path.clone(),
        }
    }

    /// The tag, if one was given.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The digest (`sha256:…`), if one was given.
    pub fn digest(&self) -> Option<&str> {
        self.digest.as_deref()
    }

    /// The reference as the engine pulls it (`ParseDockerRef`): with a
    /// digest, the digest alone (a tag beside it is dropped); else the tag,
    /// `latest` when none was given.
    pub fn docker_ref(&self) -> Reference {
        let mut r = self.clone();
        if r.digest.is_some() {
            r.tag = None;
        } else if r.tag.is_none() {
            r.tag = Some(DEFAULT_TAG.into());
        }
        r
    }

    /// The tag or digest to ask the engine for: the digest if there is one,
    /// else the tag, else `latest`.
    pub fn tag_or_digest(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or(DEFAULT_TAG)
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.domain == DOCKER_HUB_DOMAIN
    }

    /// The key its credentials are stored under in `config.json` and the
    /// credential helpers, as the CLI chooses it: Docker Hub's
    /// `https://index.docker.io/v1/`, else the domain with its port.
    pub fn registry_key(&self) -> String {
        registry_key(&self.domain)
    }
}

/// The credentials key for a registry address as the CLI writes it: Docker
/// Hub (`docker.io`, `index.docker.io`, `registry-1.docker.io`, with or
/// without scheme) is `https://index.docker.io/v1/`; anything else is its
/// host and port, scheme and path left out.
pub fn registry_key(address: &str) -> String {
    let host = convert_to_hostname(address);
    match host {
        "" | DOCKER_HUB_DOMAIN | LEGACY_HUB_DOMAIN | "registry-1.docker.io" => {
            DOCKER_HUB_INDEX.to_string()
        }
        _ => host.to_string(),
    }
}

/// The host (and port) of a registry address: scheme and path removed, as
/// the CLI's `ConvertToHostname`.
pub(crate) fn convert_to_hostname(address: &str) -> &str {
    let rest = address
        .strip_prefix("http://")
        .or_else(|| address.strip_prefix("https://"))
        .unwrap_or(address);
    rest.split('/').next().unwrap_or_default()
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reference::parse(s)
    }
}

/// docker-py's `parse_repository_tag`, done right: the repository as
/// given and the tag or digest, split where the grammar splits them (a
/// registry port is never taken for a tag), the reference checked first.
///
/// ```
/// use docker_engine::reference::parse_repository_tag;
/// assert_eq!(parse_repository_tag("localhost:5000/app").unwrap(), ("localhost:5000/app".into(), None));
/// assert_eq!(parse_repository_tag("app:1").unwrap(), ("app".into(), Some("1".into())));
/// assert_eq!(
///     parse_repository_tag("app@sha256:0123456789012345678901234567890123456789012345678901234567890123").unwrap().1.unwrap(),
///     "sha256:0123456789012345678901234567890123456789012345678901234567890123"
/// );
/// ```
///
/// # Errors
/// A [`ReferenceError`] when `s` is not a valid reference.
pub fn parse_repository_tag(s: &str) -> Result<(String, Option<String>), ReferenceError> {
    let r = Reference::parse(s)?;
    if let Some((repo, digest)) = s.split_once('@') {
        let repo = strip_tag(repo);
        return Ok((repo.to_string(), Some(digest.to_string())));
    }
    match r.tag {
        Some(t) => Ok((strip_tag(s).to_string(), Some(t))),
        None => Ok((s.to_string(), None)),
    }
}

/// `s` without its `:tag`, a registry port left alone.
fn strip_tag(s: &str) -> &str {
    let last_slash = s.rfind('/').map_or(0, |i| i + 1);
    match s[last_slash..].rfind(':') {
        Some(i) => &s[..last_slash + i],
        None => s,
    }
}

/// The CLI's `splitDockerDomain`.
fn split_docker_domain(name: &str) -> (&str, String) {
    let (mut domain, remainder) = match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.to_lowercase() != first =>
        {
            (first, rest.to_string())
        }
        _ => (DOCKER_HUB_DOMAIN, name.to_string()),
    };
    if domain == LEGACY_HUB_DOMAIN {
        domain = DOCKER_HUB_DOMAIN;
    }
    if domain == DOCKER_HUB_DOMAIN && !remainder.contains('/') {
        return (domain, format!("{OFFICIAL_REPO_PREFIX}{remainder}"));
    }
    (domain, remainder)
}

/// `reference.Parse` on a full name: the grammar, then the digest checked
/// as `go-digest` checks it.
fn parse_full(s: &str) -> Result<Reference, ReferenceErrorKind> {
    let matched = match_reference(s);
    let Some((name, tag, digest)) = matched else {
        if s.is_empty() {
            return Err(ReferenceErrorKind::NameEmpty);
        }
        if match_reference(&s.to_lowercase()).is_some() {
            return Err(ReferenceErrorKind::NameContainsUppercase);
        }
        return Err(ReferenceErrorKind::InvalidFormat);
    };
    if name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(ReferenceErrorKind::NameTooLong);
    }
    if let Some(d) = digest {
        validate_digest(d)?;
    }
    let (domain, path) = split_name(name);
    Ok(Reference {
        domain: domain.to_string(),
        path: path.to_string(),
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
    })
}

/// Matches `name [":" tag] ["@" digest]`: the parts, or `None`.
fn match_reference(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let (rest, digest) = match s.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (s, None),
    };
    if digest.is_some_and(|d| !is_digest(d)) {
        return None;
    }
    // A tag is after the last `:` that follows the last `/` (a port is
    // before a `/`).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if tag.is_some_and(|t| !is_tag(t)) || !is_name(name) {
        return None;
    }
    Some((name, tag, digest))
}

/// `name := [domain "/"] path`, the domain tried first as the regular
/// expression does.
fn is_name(name: &str) -> bool {
    let (domain, path) = split_name(name);
    (domain.is_empty() || is_domain(domain)) && is_path(path)
}

fn split_name(name: &str) -> (&str, &str) {
    if let Some((first, rest)) = name.split_once('/') {
        if is_domain(first) && is_path(rest) {
            return (first, rest);
        }
    }
    ("", name)
}

fn is_path(path: &str) -> bool {
    !path.is_empty() && path.split('/').all(is_path_component)
}

fn is_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    let alnum = |x: u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if b.is_empty() || !alnum(b[0]) || !alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if alnum(b[i]) {
            i += 1;
            continue;
        }
        // A separator: `.`, `_`, `__` or a run of `-`, between alphanumerics.
        let start = i;
        match b[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < b.len() && b[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < b.len() && b[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || i >= b.len() || !alnum(b[i]) {
            return false;
        }
    }
    true
}

fn is_domain(domain: &str) -> bool {
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return false;
        }
        let port = match after {
            "" => None,
            _ => match after.strip_prefix(':') {
                Some(p) => Some(p),
                None => return false,
            },
        };
        (None, port)
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(domain), None),
        }
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    host.is_none_or(|h| !h.is_empty() && h.split('.').all(is_domain_component))
}

fn is_domain_component(c: &str) -> bool {
    let b = c.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|x| x.is_ascii_alphanumeric() || *x == b'-')
}

fn is_tag(t: &str) -> bool {
    let b = t.as_bytes();
    let word = |x: u8| x.is_ascii_alphanumeric() || x == b'_';
    !b.is_empty()
        && b.len() <= 128
        && word(b[0])
        && b[1..].iter().all(|x| word(*x) || *x == b'.' || *x == b'-')
}

/// The grammar of a digest: `algorithm ":" hex{32,}`.
fn is_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    let alg_ok = alg.split(['+', '.', '-', '_']).all(|c| {
        let b = c.as_bytes();
        !b.is_empty() && b[0].is_ascii_alphabetic() && b.iter().all(u8::is_ascii_alphanumeric)
    });
    alg_ok && hex.len() >= 32 && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `go-digest`'s checks: a known algorithm, its length, lowercase hex.
fn validate_digest(d: &str) -> Result<(), ReferenceErrorKind> {
    let (alg, hex) = d.split_once(':').unwrap_or((d, ""));
    let size = match alg {
        "sha256" => 32,
        "sha384" => 48,
        "sha512" => 64,
        _ => return Err(ReferenceErrorKind::DigestUnsupported),
    };
    if hex.len() != size * 2 {
        return Err(ReferenceErrorKind::DigestInvalidLength);
    }
    if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(ReferenceErrorKind::DigestInvalidFormat);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

    fn ok(s: &str) -> Reference {
        Reference::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn kind(s: &str) -> ReferenceErrorKind {
        Reference::parse(s)
            .map(|r| panic!("{s} parsed as {r}"))
            .unwrap_err()
            .kind
    }

    /// The normalisation cases of `distribution/reference`'s
    /// `normalize_test.go` (`TestParseNormalizedNamed`,
    /// `TestNormalizedSplitHostname`).
    #[test]
    fn normalised_like_the_cli() {
        let cases: &[(&str, &str, &str, &str)] = &[
            // input, domain, path, familiar name
            ("test.com/foo", "test.com", "foo", "test.com/foo"),
            ("test:8080/foo", "test:8080", "foo", "test:8080/foo"),
            ("test_com/foo", "docker.io", "test_com/foo", "test_com/foo"),
            ("test.com", "docker.io", "library/test.com", "test.com"),
            ("foo", "docker.io", "library/foo", "foo"),
            ("library/foo", "docker.io", "library/foo", "foo"),
            ("docker.io/library/foo", "docker.io", "library/foo", "foo"),
            ("docker.io/foo", "docker.io", "library/foo", "foo"),
            ("index.docker.io/foo", "docker.io", "library/foo", "foo"),
            (
                "index.docker.io/user/foo",
                "docker.io",
                "user/foo",
                "user/foo",
            ),
            (
                "docker.io/library/foo/bar",
                "docker.io",
                "library/foo/bar",
                "library/foo/bar",
            ),
            (
                "xn--n3h.com/myimage",
                "xn--n3h.com",
                "myimage",
                "xn--n3h.com/myimage",
            ),
            ("localhost/foo", "localhost", "foo", "localhost/foo"),
            (
                "localhost:5000/foo/bar",
                "localhost:5000",
                "foo/bar",
                "localhost:5000/foo/bar",
            ),
            (
                "127.0.0.1:5000/foo",
                "127.0.0.1:5000",
                "foo",
                "127.0.0.1:5000/foo",
            ),
            ("[::1]:5000/foo", "[::1]:5000", "foo", "[::1]:5000/foo"),
            (
                "[2001:db8::1]/foo",
                "[2001:db8::1]",
                "foo",
                "[2001:db8::1]/foo",
            ),
            ("Foo/bar", "Foo", "bar", "Foo/bar"),
            ("a__b/c-d---e", "docker.io", "a__b/c-d---e", "a__b/c-d---e"),
        ];
        for (input, domain, path, familiar) in cases {
            let r = ok(input);
            assert_eq!((r.domain(), r.path()), (*domain, *path), "{input}");
            assert_eq!(r.familiar_name(), *familiar, "{input}");
            assert_eq!(r.tag(), None);
        }
    }

    #[test]
    fn tags_and_digests() {
        let r = ok("foo:1.0");
        assert_eq!((r.tag(), r.digest()), (Some("1.0"), None));
        assert_eq!(r.to_string(), "docker.io/library/foo:1.0");

        let r = ok("localhost:5000/foo:v_1-x.y");
        assert_eq!((r.domain(), r.tag()), ("localhost:5000", Some("v_1-x.y")));

        let r = ok(&format!("foo@{SHA}"));
        assert_eq!((r.tag(), r.digest()), (None, Some(SHA)));
        assert_eq!(r.tag_or_digest(), SHA);

        let r = ok(&format!("test.com:5000/foo:tag@{SHA}"));
        assert_eq!((r.tag(), r.digest()), (Some("tag"), Some(SHA)));
        // As the engine pulls it: the digest alone.
        assert_eq!(
            r.docker_ref().to_string(),
            format!("test.com:5000/foo@{SHA}")
        );
        assert_eq!(
            ok("foo").docker_ref().to_string(),
            "docker.io/library/foo:latest"
        );
        assert_eq!(ok("foo").tag_or_digest(), "latest");

        let long_tag = "a".repeat(128);
        assert_eq!(
            ok(&format!("foo:{long_tag}")).tag(),
            Some(long_tag.as_str())
        );
    }

    /// The invalid cases of `reference_test.go` and `normalize_test.go`.
    #[test]
    fn invalid_references_say_why() {
        use ReferenceErrorKind::*;
        let cases: Vec<(String, ReferenceErrorKind)> = vec![
            ("".into(), InvalidFormat),
            (":justtag".into(), InvalidFormat),
            (format!("@{SHA}"), InvalidFormat),
            ("repo@sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff".into(), DigestInvalidLength),
            ("validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff".into(), DigestUnsupported),
            ("validname@sha256:FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF".into(), DigestInvalidFormat),
            ("Uppercase:tag".into(), NameContainsUppercase),
            ("test:5000/Uppercase/lowercase:tag".into(), NameContainsUppercase),
            ("aa/asdf$$^/aa".into(), InvalidFormat),
            (format!("foo:{}", "a".repeat(129)), InvalidFormat),
            ("foo:-tag".into(), InvalidFormat),
            ("foo/".into(), InvalidFormat),
            ("foo//bar".into(), InvalidFormat),
            ("foo_/bar".into(), InvalidFormat),
            ("foo.-bar".into(), InvalidFormat),
            ("foo___bar".into(), InvalidFormat),
            ("-foo".into(), InvalidFormat),
            ("localhost:port/foo".into(), InvalidFormat),
            ("[fe80::1%eth0]:5000/foo".into(), InvalidFormat),
            ("-test.com/foo".into(), InvalidFormat),
            (format!("{}/{}", "a".repeat(127), "a".repeat(128)), NameTooLong),
            ("ab".repeat(32), Identifier),
        ];
        for (input, want) in cases {
            assert_eq!(kind(&input), want, "{input}");
        }
        let e = Reference::parse("Uppercase").unwrap_err();
        assert_eq!(e.reference(), "Uppercase");
        assert_eq!(
            e.to_string(),
            "invalid reference `Uppercase`: repository name must be lowercase"
        );
    }

    #[test]
    fn registry_keys_as_the_cli_chooses_them() {
        assert_eq!(ok("busybox").registry_key(), DOCKER_HUB_INDEX);
        assert_eq!(ok("docker.io/me/app").registry_key(), DOCKER_HUB_INDEX);
        assert_eq!(
            ok("index.docker.io/me/app").registry_key(),
            DOCKER_HUB_INDEX
        );
        assert_eq!(ok("localhost:5000/app").registry_key(), "localhost:5000");
        assert_eq!(
            ok("registry.example.com/a/b:1").registry_key(),
            "registry.example.com"
        );
        assert_eq!(
            registry_key("https://index.docker.io/v1/"),
            DOCKER_HUB_INDEX
        );
        assert_eq!(registry_key("https://myreg:5000/v2/"), "myreg:5000");
        assert_eq!(registry_key("docker.io"), DOCKER_HUB_INDEX);
        assert_eq!(registry_key(""), DOCKER_HUB_INDEX);
    }

    #[test]
    fn repository_and_tag_as_docker_py_splits_them() {
        let p = |s: &str| parse_repository_tag(s).unwrap();
        assert_eq!(p("root"), ("root".into(), None));
        assert_eq!(p("root:tag"), ("root".into(), Some("tag".into())));
        assert_eq!(p("user/repo"), ("user/repo".into(), None));
        assert_eq!(p("url:5000/repo"), ("url:5000/repo".into(), None));
        assert_eq!(
            p("url:5000/repo:tag"),
            ("url:5000/repo".into(), Some("tag".into()))
        );
        assert_eq!(p(&format!("root@{SHA}")), ("root".into(), Some(SHA.into())));
        assert_eq!(
            p(&format!("url:5000/repo:t@{SHA}")),
            ("url:5000/repo".into(), Some(SHA.into()))
        );
        assert!(parse_repository_tag("Bad").is_err());
    }
}
