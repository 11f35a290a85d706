//! `.dockerignore` exactly as the Docker CLI reads and applies it: a port of
//! `moby/patternmatcher` (the matcher, `ignorefile.ReadAll`) and of the
//! pieces of Go's standard library its behaviour depends on (`path.Clean`,
//! `filepath.Match`'s syntax check, `regexp` syntax).
//!
//! Fenced: every function here mirrors one upstream function, named in its
//! doc, and is tested against the CLI's recorded behaviour
//! (`tests/fixtures/cli/build-context/`) and, for the pieces with no
//! observable file list, against the upstream test tables.
//!
//! Known divergence: Go's `regexp` and the `regex` crate differ in a few
//! corners of character classes (`[[`, `&&`, `~~` and `--` are set
//! operations in Rust); the classes are rewritten so those characters are
//! literal, as in Go. A pattern Go would compile and Rust cannot is reported
//! as a bad pattern when it is evaluated, as Go reports a bad one.

use std::fmt;

/// A `.dockerignore` pattern that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// The pattern, as written (after cleaning).
    pub pattern: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pattern {:?}: {}", self.pattern, self.reason)
    }
}

impl std::error::Error for PatternError {}

#[derive(Debug)]
enum Kind {
    Exact,
    Prefix,
    Suffix,
    Regex(regex::Regex),
    /// Compiles in Go's `filepath.Match` check but not as a regexp: an
    /// error whenever it is evaluated (Go's `ErrBadPattern`).
    Bad(String),
}

#[derive(Debug)]
struct Pattern {
    cleaned: String,
    dirs: usize,
    exclusion: bool,
    kind: Kind,
}

/// The patterns of a `.dockerignore`, matched as the Docker CLI matches
/// them when it builds a context: `*`, `?`, `[...]`, `\` escapes, `**` for
/// any number of directories, `!` for exceptions (the last matching pattern
/// decides), a pattern matching a directory excludes what is under it.
///
/// ```
/// use docker_engine::images::DockerIgnore;
/// let ignore = DockerIgnore::parse(b"# build output\ntarget\n**/*.log\n!keep.log\n").unwrap();
/// assert!(ignore.is_excluded("target/debug/app"));
/// assert!(ignore.is_excluded("a/b/c.log"));
/// assert!(!ignore.is_excluded("keep.log"));
/// assert!(!ignore.is_excluded("src/main.rs"));
/// ```
#[derive(Debug, Default)]
pub struct DockerIgnore {
    patterns: Vec<Pattern>,
    exclusions: bool,
}

/// What [`DockerIgnore::matches_using_parent`] knows of a directory, for its
/// children (upstream `MatchInfo`).
#[derive(Clone, Debug, Default)]
pub(crate) struct MatchInfo(Vec<bool>);

impl DockerIgnore {
    /// Reads a `.dockerignore` (upstream `ignorefile.ReadAll`, then
    /// `patternmatcher.New`): a UTF-8 byte order mark is dropped, lines
    /// starting with `#` are comments, each pattern is trimmed, cleaned
    /// (`path.Clean`) and loses a leading `/`; `!` marks an exception.
    ///
    /// # Errors
    /// A [`PatternError`] for a malformed pattern (an unclosed `[`, a
    /// trailing `\`, a lone `!`) or a line longer than 64 KiB, as the CLI
    /// refuses them.
    pub fn parse(text: &[u8]) -> Result<DockerIgnore, PatternError> {
        DockerIgnore::new(read_all(text)?)
    }

    /// Patterns as given, one each (upstream `patternmatcher.New`): trimmed
    /// and cleaned, not otherwise rewritten (no leading `/` dropped).
    ///
    /// # Errors
    /// A [`PatternError`] for a malformed pattern.
    pub fn new<I, S>(patterns: I) -> Result<DockerIgnore, PatternError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut pm = DockerIgnore::default();
        for p in patterns {
            let p = p.as_ref().trim();
            if p.is_empty() {
                continue;
            }
            let mut p = clean(p);
            let mut exclusion = false;
            if let Some(rest) = p.strip_prefix('!') {
                if rest.is_empty() {
                    return Err(PatternError {
                        pattern: p,
                        reason: "illegal exclusion pattern: \"!\"".into(),
                    });
                }
                exclusion = true;
                p = rest.to_string();
                pm.exclusions = true;
            }
            if let Err(reason) = check_syntax(&p) {
                return Err(PatternError {
                    pattern: p,
                    reason: reason.into(),
                });
            }
            let kind = compile(&p);
            pm.patterns.push(Pattern {
                dirs: p.split('/').count(),
                cleaned: p,
                exclusion,
                kind,
            });
        }
        Ok(pm)
    }

    /// The patterns in order, each with its `!` if it is an exception.
    pub fn patterns(&self) -> impl Iterator<Item = String> + '_ {
        self.patterns.iter().map(|p| {
            if p.exclusion {
                format!("!{}", p.cleaned)
            } else {
                p.cleaned.clone()
            }
        })
    }

    /// Whether any pattern is an exception (`!`).
    pub fn has_exceptions(&self) -> bool {
        self.exclusions
    }

    /// Whether `path` (relative to the context, `/`-separated) is excluded:
    /// it or one of its parent directories matches, and no later exception
    /// takes it back (upstream `MatchesOrParentMatches`, as the CLI checks
    /// a context). The context itself (`.`) is never excluded. A pattern
    /// that is malformed as a regular expression counts as not matching;
    /// building a context reports it instead.
    pub fn is_excluded(&self, path: &str) -> bool {
        self.matches_or_parent_matches(path).unwrap_or(false)
    }

    fn matches_or_parent_matches(&self, file: &str) -> Result<bool, PatternError> {
        let file = clean(file);
        if file == "." {
            return Ok(false);
        }
        let parent = dir(&file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            let mut m = pattern.matches(&file)?;
            if !m && parent != "." {
                for i in 0..parent_dirs.len() {
                    if pattern
                        .matches(&parent_dirs[..=i].join("/"))
                        .unwrap_or(false)
                    {
                        m = true;
                        break;
                    }
                }
            }
            if m {
                matched = !pattern.exclusion;
            }
        }
        Ok(matched)
    }

    /// Upstream `patternmatcher.Matches` (deprecated there: it checks only
    /// the parent directory as deep as the pattern), which the CLI still
    /// uses to decide whether to keep the Dockerfile and `.dockerignore`.
    pub(crate) fn matches_deprecated(&self, file: &str) -> bool {
        self.matches_deprecated_result(file).unwrap_or(false)
    }

    fn matches_deprecated_result(&self, file: &str) -> Result<bool, PatternError> {
        let file = clean(file);
        if file == "." {
            return Ok(false);
        }
        let parent = dir(&file);
        let parent_dirs: Vec<&str> = parent.split('/').collect();
        let mut matched = false;
        for pattern in &self.patterns {
            if pattern.exclusion != matched {
                continue;
            }
            let mut m = pattern.matches(&file)?;
            if !m && parent != "." && pattern.dirs <= parent_dirs.len() {
                m = pattern
                    .matches(&parent_dirs[..pattern.dirs].join("/"))
                    .unwrap_or(false);
            }
            if m {
                matched = !pattern.exclusion;
            }
        }
        Ok(matched)
    }

    /// Upstream `MatchesUsingParentResults`, as the context walk uses it:
    /// `parent` is what the directory holding `file` gave (`None` at the
    /// top, or when the parent was not evaluated).
    pub(crate) fn matches_using_parent(
        &self,
        file: &str,
        parent: Option<&MatchInfo>,
    ) -> Result<(bool, MatchInfo), PatternError> {
        let parent_matched = parent.map(|p| p.0.as_slice()).unwrap_or(&[]);
        let mut info = MatchInfo(vec![false; self.patterns.len()]);
        let mut matched = false;
        for (i, pattern) in self.patterns.iter().enumerate() {
            let mut m = parent_matched.get(i).copied().unwrap_or(false);
            if !m {
                if pattern.exclusion != matched {
                    continue;
                }
                m = pattern.matches(file)?;
                if !m && parent_matched.is_empty() {
                    let parent = dir(file);
                    if parent != "." {
                        let dirs: Vec<&str> = parent.split('/').collect();
                        for j in 0..dirs.len() {
                            if pattern.matches(&dirs[..=j].join("/")).unwrap_or(false) {
                                m = true;
                                break;
                            }
                        }
                    }
                }
            }
            info.0[i] = m;
            if m {
                matched = !pattern.exclusion;
            }
        }
        Ok((matched, info))
    }

    /// Whether an exception pattern lies below the directory `dir` (so an
    /// excluded directory must still be walked), as the CLI's walk checks.
    pub(crate) fn exception_below(&self, dir: &str) -> bool {
        let dir_slash = format!("{dir}/");
        self.patterns
            .iter()
            .any(|p| p.exclusion && format!("{}/", p.cleaned).starts_with(&dir_slash))
    }

    pub(crate) fn push_exception(&mut self, path: &str) -> Result<(), PatternError> {
        let more = DockerIgnore::new([format!("!{path}")])?;
        self.patterns.extend(more.patterns);
        self.exclusions = true;
        Ok(())
    }
}

impl Pattern {
    fn matches(&self, path: &str) -> Result<bool, PatternError> {
        Ok(match &self.kind {
            Kind::Exact => path == self.cleaned,
            Kind::Prefix => path.starts_with(&self.cleaned[..self.cleaned.len() - 2]),
            Kind::Suffix => {
                let suffix = &self.cleaned[2..];
                path.ends_with(suffix) || (suffix.starts_with('/') && path == &suffix[1..])
            }
            Kind::Regex(re) => re.is_match(path),
            Kind::Bad(reason) => {
                return Err(PatternError {
                    pattern: self.cleaned.clone(),
                    reason: reason.clone(),
                })
            }
        })
    }
}

/// Upstream `ignorefile.ReadAll`.
fn read_all(text: &[u8]) -> Result<Vec<String>, PatternError> {
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let mut out = Vec::new();
    if text.is_empty() {
        return Ok(out);
    }
    let body = text.strip_suffix(b"\n").unwrap_or(text);
    for line in body.split(|&b| b == b'\n') {
        // bufio.ScanLines drops one `\r` before the newline.
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() >= 64 * 1024 {
            return Err(PatternError {
                pattern: String::from_utf8_lossy(&line[..40]).into_owned() + "...",
                reason: "error reading .dockerignore: token too long".into(),
            });
        }
        let line = String::from_utf8_lossy(line);
        if line.starts_with('#') {
            continue;
        }
        let mut pattern = line.trim();
        if pattern.is_empty() {
            continue;
        }
        let invert = pattern.starts_with('!');
        if invert {
            pattern = pattern[1..].trim();
        }
        let mut p = String::new();
        if !pattern.is_empty() {
            p = clean(pattern);
            if p.len() > 1 && p.starts_with('/') {
                p.remove(0);
            }
        }
        if invert {
            p.insert(0, '!');
        }
        out.push(p);
    }
    Ok(out)
}

/// Go's `path.Clean` (Unix `filepath.Clean`).
pub(crate) fn clean(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Go's `filepath.Dir` for a cleaned, relative path.
fn dir(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => clean(&path[..i]),
        None => ".".into(),
    }
}

/// Upstream `Pattern.compile`: the same classification and the same regular
/// expression, written for the `regex` crate.
fn compile(pattern: &str) -> Kind {
    #[derive(PartialEq)]
    enum Detected {
        Exact,
        Prefix,
        Suffix,
        Regex,
    }
    let mut re = String::from("^");
    let mut detected = Detected::Exact;
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut first = true;
    while i < chars.len() {
        let ch = chars[i];
        i += 1;
        if ch == '*' {
            if chars.get(i) == Some(&'*') {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                if i >= chars.len() {
                    if detected == Detected::Exact {
                        detected = Detected::Prefix;
                    } else {
                        re.push_str(".*");
                        detected = Detected::Regex;
                    }
                } else {
                    re.push_str("(.*/)?");
                    detected = Detected::Regex;
                }
                if first {
                    detected = Detected::Suffix;
                }
            } else {
                re.push_str("[^/]*");
                detected = Detected::Regex;
            }
        } else if ch == '?' {
            re.push_str("[^/]");
            detected = Detected::Regex;
        } else if ".+()|{}$".contains(ch) {
            re.push('\\');
            re.push(ch);
        } else if ch == '\\' {
            if i < chars.len() {
                re.push('\\');
                re.push(chars[i]);
                i += 1;
                detected = Detected::Regex;
            } else {
                re.push('\\');
            }
        } else if ch == '[' || ch == ']' {
            re.push(ch);
            detected = Detected::Regex;
        } else {
            re.push(ch);
        }
        first = false;
    }
    match detected {
        Detected::Exact => Kind::Exact,
        Detected::Prefix => Kind::Prefix,
        Detected::Suffix => Kind::Suffix,
        Detected::Regex => {
            re.push('$');
            match go_regex_to_rust(&re)
                .and_then(|r| regex::Regex::new(&r).map_err(|e| e.to_string()))
            {
                Ok(r) => Kind::Regex(r),
                Err(e) => Kind::Bad(format!("syntax error in pattern ({e})")),
            }
        }
    }
}

/// Rewrites a Go (RE2) regular expression as upstream builds them into the
/// `regex` crate's syntax: inside classes, `[`, `&`, `~` and a second `-`
/// are literal in Go and escaped here; an escaped punctuation character is
/// the literal character in Go (`\<` is not a word boundary).
fn go_regex_to_rust(go: &str) -> Result<String, String> {
    let chars: Vec<char> = go.chars().collect();
    let mut out = String::with_capacity(go.len() + 8);
    let mut i = 0;
    let mut class = false;
    let mut class_len = 0usize;
    let mut prev_dash = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c == '\\' {
            let Some(&next) = chars.get(i) else {
                return Err("trailing backslash".into());
            };
            i += 1;
            if next.is_ascii_punctuation() {
                // Literal in Go; `regex::escape` leaves alone what the regex
                // crate would read as an operator when escaped (`\<`).
                out.push_str(&regex::escape(&next.to_string()));
            } else {
                out.push('\\');
                out.push(next);
                // \x{...}, \p{...}: copy the braces as they are.
                if matches!(next, 'x' | 'p' | 'P') && chars.get(i) == Some(&'{') {
                    while i < chars.len() {
                        out.push(chars[i]);
                        i += 1;
                        if chars[i - 1] == '}' {
                            break;
                        }
                    }
                }
            }
            class_len += 1;
            prev_dash = false;
            continue;
        }
        if !class {
            if c == '[' {
                class = true;
                class_len = 0;
                prev_dash = false;
                out.push('[');
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                    class_len = 1;
                }
            } else {
                out.push(c);
            }
            continue;
        }
        match c {
            ']' if class_len > 0 => {
                class = false;
                out.push(']');
            }
            '[' if chars.get(i) == Some(&':') => {
                // A POSIX class, [:alpha:], as it is.
                let rest: String = chars[i - 1..].iter().collect();
                match rest.find(":]") {
                    Some(end) => {
                        out.push_str(&rest[..end + 2]);
                        i += rest[..end + 2].chars().count() - 1;
                    }
                    None => out.push_str("\\["),
                }
            }
            '[' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '-' if prev_dash => out.push_str("\\-"),
            _ => out.push(c),
        }
        prev_dash = c == '-';
        class_len += 1;
    }
    if class {
        return Err("missing closing ]".into());
    }
    Ok(out)
}

/// The syntax check of upstream `New`: Go's `filepath.Match(pattern, ".")`
/// returning `ErrBadPattern` (its `scanChunk`, `matchChunk`, `getEsc`).
fn check_syntax(pattern: &str) -> Result<(), &'static str> {
    const BAD: &str = "syntax error in pattern";
    let name: &[u8] = b".";
    let mut pattern = pattern.as_bytes();
    let mut name = name;
    'outer: while !pattern.is_empty() {
        let (star, chunk, rest) = scan_chunk(pattern);
        pattern = rest;
        if star && chunk.is_empty() {
            return Ok(());
        }
        let (t, ok) = match_chunk(chunk, name).map_err(|()| BAD)?;
        if ok && (t.is_empty() || !pattern.is_empty()) {
            name = t;
            continue;
        }
        if star {
            let mut i = 0;
            while i < name.len() && name[i] != b'/' {
                let (t, ok) = match_chunk(chunk, &name[i + 1..]).map_err(|()| BAD)?;
                if ok {
                    if pattern.is_empty() && !t.is_empty() {
                        i += 1;
                        continue;
                    }
                    name = t;
                    continue 'outer;
                }
                i += 1;
            }
        }
        while !pattern.is_empty() {
            let (_, chunk, rest) = scan_chunk(pattern);
            pattern = rest;
            match_chunk(chunk, b"").map_err(|()| BAD)?;
        }
        return Ok(());
    }
    Ok(())
}

fn scan_chunk(mut pattern: &[u8]) -> (bool, &[u8], &[u8]) {
    let mut star = false;
    while let [b'*', rest @ ..] = pattern {
        pattern = rest;
        star = true;
    }
    let mut in_range = false;
    let mut i = 0;
    while i < pattern.len() {
        match pattern[i] {
            b'\\' if i + 1 < pattern.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// One UTF-8 character at the start of `s`: (code point or `None` for an
/// invalid byte, its length).
fn decode(s: &[u8]) -> (Option<char>, usize) {
    let len = match s.first() {
        None => return (None, 0),
        Some(b) if *b < 0x80 => 1,
        Some(b) if *b >= 0xF0 => 4,
        Some(b) if *b >= 0xE0 => 3,
        Some(b) if *b >= 0xC0 => 2,
        _ => 1,
    };
    match s.get(..len).and_then(|b| std::str::from_utf8(b).ok()) {
        Some(c) => (c.chars().next(), len),
        None => (None, 1),
    }
}

fn match_chunk<'a>(mut chunk: &[u8], mut s: &'a [u8]) -> Result<(&'a [u8], bool), ()> {
    let mut failed = false;
    while !chunk.is_empty() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match chunk[0] {
            b'[' => {
                let mut r = '\u{FFFD}';
                if !failed {
                    let (c, n) = decode(s);
                    r = c.unwrap_or('\u{FFFD}');
                    s = &s[n..];
                }
                chunk = &chunk[1..];
                let mut negated = false;
                if chunk.first() == Some(&b'^') {
                    negated = true;
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.first() == Some(&b']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if chunk[0] == b'-' {
                        let (h, rest) = get_esc(&chunk[1..])?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            b'?' => {
                if !failed {
                    if s[0] == b'/' {
                        failed = true;
                    }
                    let (_, n) = decode(s);
                    s = &s[n..];
                }
                chunk = &chunk[1..];
            }
            c => {
                if c == b'\\' {
                    chunk = &chunk[1..];
                    if chunk.is_empty() {
                        return Err(());
                    }
                }
                if !failed {
                    if chunk[0] != s[0] {
                        failed = true;
                    }
                    s = &s[1..];
                }
                chunk = &chunk[1..];
            }
        }
    }
    if failed {
        return Ok((b"", false));
    }
    Ok((s, true))
}

fn get_esc(mut chunk: &[u8]) -> Result<(char, &[u8]), ()> {
    if chunk.is_empty() || chunk[0] == b'-' || chunk[0] == b']' {
        return Err(());
    }
    if chunk[0] == b'\\' {
        chunk = &chunk[1..];
        if chunk.is_empty() {
            return Err(());
        }
    }
    let (c, n) = decode(chunk);
    let Some(c) = c else { return Err(()) };
    let rest = &chunk[n..];
    if rest.is_empty() {
        return Err(());
    }
    Ok((c, rest))
}

/// Parses a `.dockerignore` and evaluates its patterns on a few paths made
/// from the input; never panics. The entry point for fuzzing
/// (`fuzz/fuzz_targets/dockerignore.rs`).
#[doc(hidden)]
pub fn fuzz_dockerignore(data: &[u8]) {
    if let Ok(ignore) = DockerIgnore::parse(data) {
        let text = String::from_utf8_lossy(data);
        for line in text.lines().take(8) {
            let _ = ignore.is_excluded(line);
            let _ = ignore.matches_deprecated(line);
            let _ = ignore.matches_using_parent(line, None);
        }
        let _ = ignore.is_excluded("a/b/c");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(patterns: &[&str], file: &str) -> bool {
        DockerIgnore::new(patterns)
            .unwrap()
            .matches_or_parent_matches(file)
            .unwrap()
    }

    /// Go's `path.Clean` test table (path/path_test.go).
    #[test]
    fn clean_as_go() {
        for (i, o) in [
            ("", "."),
            ("abc", "abc"),
            ("abc/def", "abc/def"),
            ("a/b/c", "a/b/c"),
            (".", "."),
            ("..", ".."),
            ("../..", "../.."),
            ("../../abc", "../../abc"),
            ("/abc", "/abc"),
            ("/", "/"),
            ("abc/", "abc"),
            ("abc/def/", "abc/def"),
            ("/abc/", "/abc"),
            ("abc//def//ghi", "abc/def/ghi"),
            ("//abc", "/abc"),
            ("abc//", "abc"),
            ("abc/./def", "abc/def"),
            ("/./abc/def", "/abc/def"),
            ("abc/.", "abc"),
            ("abc/def/ghi/../jkl", "abc/def/jkl"),
            ("abc/def/../ghi/../jkl", "abc/jkl"),
            ("abc/def/..", "abc"),
            ("abc/def/../..", "."),
            ("/abc/def/../..", "/"),
            ("abc/def/../../..", ".."),
            ("/abc/def/../../..", "/"),
            ("abc/def/../../../ghi/jkl/../../../mno", "../../mno"),
            ("abc/./../def", "def"),
            ("abc//./../def", "def"),
            ("abc/../../././../def", "../../def"),
        ] {
            assert_eq!(clean(i), o, "{i:?}");
        }
    }

    /// Upstream `matchTests` (Go's filepath.Match table, as patternmatcher runs it through `Matches`).
    const MATCH_TESTS: &[(&str, &str, bool, bool)] = &[
        ("abc", "abc", true, false),
        ("*", "abc", true, false),
        ("*c", "abc", true, false),
        ("a*", "a", true, false),
        ("a*", "abc", true, false),
        ("a*", "ab/c", true, false),
        ("a*/b", "abc/b", true, false),
        ("a*/b", "a/c/b", false, false),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", true, false),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true, false),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false, false),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false, false),
        ("a*b?c*x", "abxbbxdbxebxczzx", true, false),
        ("a*b?c*x", "abxbbxdbxebxczzy", false, false),
        ("ab[c]", "abc", true, false),
        ("ab[b-d]", "abc", true, false),
        ("ab[e-g]", "abc", false, false),
        ("ab[^c]", "abc", false, false),
        ("ab[^b-d]", "abc", false, false),
        ("ab[^e-g]", "abc", true, false),
        ("a\\*b", "a*b", true, false),
        ("a\\*b", "ab", false, false),
        ("a?b", "a☺b", true, false),
        ("a[^a]b", "a☺b", true, false),
        ("a???b", "a☺b", false, false),
        ("a[^a][^a][^a]b", "a☺b", false, false),
        ("[a-ζ]*", "α", true, false),
        ("*[a-ζ]", "A", false, false),
        ("a?b", "a/b", false, false),
        ("a*b", "a/b", false, false),
        ("[\\]a]", "]", true, false),
        ("[\\-]", "-", true, false),
        ("[x\\-]", "x", true, false),
        ("[x\\-]", "-", true, false),
        ("[x\\-]", "z", false, false),
        ("[\\-x]", "x", true, false),
        ("[\\-x]", "-", true, false),
        ("[\\-x]", "a", false, false),
        ("[]a]", "]", false, true),
        ("[-]", "-", false, true),
        ("[x-]", "x", false, true),
        ("[x-]", "-", false, true),
        ("[x-]", "z", false, true),
        ("[-x]", "x", false, true),
        ("[-x]", "-", false, true),
        ("[-x]", "a", false, true),
        ("\\", "a", false, true),
        ("[a-b-c]", "a", false, true),
        ("[", "a", false, true),
        ("[^", "a", false, true),
        ("[^bc", "a", false, true),
        ("a[", "a", false, true),
        ("a[", "ab", false, true),
        ("*x", "xxx", true, false),
    ];
    /// Upstream `TestMatches` (single patterns, plus the Unix-only case).
    const MATCHES_TESTS: &[(&str, &str, bool)] = &[
        ("**", "file", true),
        ("**", "file/", true),
        ("**/", "file", true),
        ("**/", "file/", true),
        ("**", "/", true),
        ("**/", "/", true),
        ("**", "dir/file", true),
        ("**/", "dir/file", true),
        ("**", "dir/file/", true),
        ("**/", "dir/file/", true),
        ("**/**", "dir/file", true),
        ("**/**", "dir/file/", true),
        ("dir/**", "dir/file", true),
        ("dir/**", "dir/file/", true),
        ("dir/**", "dir/dir2/file", true),
        ("dir/**", "dir/dir2/file/", true),
        ("**/dir", "dir", true),
        ("**/dir", "dir/file", true),
        ("**/dir2/*", "dir/dir2/file", true),
        ("**/dir2/*", "dir/dir2/file/", true),
        ("**/dir2/**", "dir/dir2/dir3/file", true),
        ("**/dir2/**", "dir/dir2/dir3/file/", true),
        ("**file", "file", true),
        ("**file", "dir/file", true),
        ("**/file", "dir/file", true),
        ("**file", "dir/dir/file", true),
        ("**/file", "dir/dir/file", true),
        ("**/file*", "dir/dir/file", true),
        ("**/file*", "dir/dir/file.txt", true),
        ("**/file*txt", "dir/dir/file.txt", true),
        ("**/file*.txt", "dir/dir/file.txt", true),
        ("**/file*.txt*", "dir/dir/file.txt", true),
        ("**/**/*.txt", "dir/dir/file.txt", true),
        ("**/**/*.txt2", "dir/dir/file.txt", false),
        ("**/*.txt", "file.txt", true),
        ("**/**/*.txt", "file.txt", true),
        ("a**/*.txt", "a/file.txt", true),
        ("a**/*.txt", "a/dir/file.txt", true),
        ("a**/*.txt", "a/dir/dir/file.txt", true),
        ("a/*.txt", "a/dir/file.txt", false),
        ("a/*.txt", "a/file.txt", true),
        ("a/*.txt**", "a/file.txt", true),
        ("a[b-d]e", "ae", false),
        ("a[b-d]e", "ace", true),
        ("a[b-d]e", "aae", false),
        ("a[^b-d]e", "aze", true),
        (".*", ".foo", true),
        (".*", "foo", false),
        ("abc.def", "abcdef", false),
        ("abc.def", "abc.def", true),
        ("abc.def", "abcZdef", false),
        ("abc?def", "abcZdef", true),
        ("abc?def", "abcdef", false),
        ("a\\\\", "a\\", true),
        ("**/foo/bar", "foo/bar", true),
        ("**/foo/bar", "dir/foo/bar", true),
        ("**/foo/bar", "dir/dir2/foo/bar", true),
        ("abc/**", "abc", false),
        ("abc/**", "abc/def", true),
        ("abc/**", "abc/def/ghi", true),
        ("**/.foo", ".foo", true),
        ("**/.foo", "bar.foo", false),
        ("a(b)c/def", "a(b)c/def", true),
        ("a(b)c/def", "a(b)c/xyz", false),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", true),
        (
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        (
            "dist/*.whl",
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            true,
        ),
        ("a\\*b", "a*b", true),
    ];
    /// Upstream `TestMatches`' multi-pattern cases.
    const MULTI_TESTS: &[(&[&str], &str, bool)] = &[
        (&["**", "!util/docker/web"], "util/docker/web/foo", false),
        (
            &["**", "!util/docker/web", "util/docker/web/foo"],
            "util/docker/web/foo",
            true,
        ),
        (
            &[
                "**",
                "!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            ],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            false,
        ),
        (
            &["**", "!dist/*.whl"],
            "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
            false,
        ),
    ];

    /// Upstream `TestMatch`: the package-level `Matches` (deprecated parent
    /// check), errors included.
    #[test]
    fn match_table_as_upstream() {
        for (pattern, s, want, want_err) in MATCH_TESTS {
            let got = DockerIgnore::new([pattern]).and_then(|pm| pm.matches_deprecated_result(s));
            match got {
                Ok(m) => {
                    assert!(!want_err, "{pattern:?} on {s:?}: no error, want one");
                    assert_eq!(m, *want, "{pattern:?} on {s:?}");
                }
                Err(e) => assert!(want_err, "{pattern:?} on {s:?}: {e}"),
            }
        }
    }

    /// Upstream `TestMatches`, through all three ways of matching.
    #[test]
    fn matches_table_as_upstream() {
        let multi = MATCHES_TESTS
            .iter()
            .map(|(p, t, w)| (vec![*p], *t, *w))
            .chain(MULTI_TESTS.iter().map(|(p, t, w)| (p.to_vec(), *t, *w)));
        for (patterns, text, want) in multi {
            let pm = DockerIgnore::new(&patterns).unwrap();
            assert_eq!(
                pm.matches_or_parent_matches(text).unwrap(),
                want,
                "{patterns:?} on {text:?}"
            );
            assert_eq!(
                pm.matches_using_parent(text, None).unwrap().0,
                want,
                "{patterns:?} on {text:?}"
            );
        }
    }

    /// Upstream TestMatchesOrParentMatches and TestMatchesWithMalformedPatterns.
    #[test]
    fn parents_exceptions_and_errors() {
        assert!(m(&["*.go"], "fileutils.go"));
        assert!(!m(&["*.go"], "fileutils_test.go_"));
        assert!(m(&["*.go", "!fileutils.go"], "fileutils_test.go"));
        assert!(!m(&["*.go", "!fileutils.go"], "fileutils.go"));
        assert!(m(&["docs"], "docs/README.md"));
        assert!(!m(&["docs", "!docs/README.md"], "docs/README.md"));
        assert!(m(&["docs/**", "!docs/README.md"], "docs/other.md"));
        assert!(m(&["**"], "dir/file"));
        assert!(m(&["dir/*"], "dir/sub/file"));
        assert!(!m(&["."], "."));
        for bad in [
            "[", "a[", "[-]", "[x-]", "[]a]", "a\\", "!", "[^]", "[a-b-c]",
        ] {
            assert!(
                DockerIgnore::new([bad]).is_err(),
                "{bad:?} should be refused"
            );
        }
        for good in ["[a-c]", "\\[", "a*", "[!]", "[^a]"] {
            DockerIgnore::new([good]).unwrap_or_else(|e| panic!("{good:?}: {e}"));
        }
    }

    #[test]
    fn read_all_as_upstream() {
        let read = |s: &str| read_all(s.as_bytes()).unwrap();
        assert_eq!(
            read("\u{feff}# c\n\n/abs\n./rel\n!/neg\n  !  spaced  \r\nd/../e\n#x\n"),
            ["abs", "rel", "!neg", "!spaced", "e"]
        );
        assert_eq!(read("/"), ["/"]);
        assert_eq!(read("!"), ["!"]);
        assert!(DockerIgnore::parse(b"!\n").is_err());
        assert!(DockerIgnore::parse(&vec![b'a'; 70_000]).is_err());
    }

    #[test]
    fn deprecated_matches_checks_one_parent_only() {
        let pm = DockerIgnore::new(["a"]).unwrap();
        assert!(pm.matches_deprecated("a/b/c"));
        let pm = DockerIgnore::new(["b"]).unwrap();
        assert!(!pm.matches_deprecated("a/b/c"));
        assert!(pm.is_excluded("b/c"));
        let pm = DockerIgnore::new(["*"]).unwrap();
        assert!(pm.matches_deprecated("../x/Dockerfile"));
    }

    #[test]
    fn go_regex_classes_are_literal_in_rust() {
        // `[[` and `&&` are literal in Go classes.
        let pm = DockerIgnore::new(["a[[&]b"]).unwrap();
        assert!(pm.is_excluded("a[b") && pm.is_excluded("a&b") && !pm.is_excluded("axb"));
        // `*` inside a class becomes part of it upstream: `[*]` builds `[[^/]*]`.
        let pm = DockerIgnore::new(["x[*]"]).unwrap();
        assert!(pm.is_excluded("x[]"), "{:?}", pm.patterns[0].kind);
        // An escaped `<` is a literal character, not a word boundary.
        let pm = DockerIgnore::new(["a\\<*"]).unwrap();
        assert!(pm.is_excluded("a<b"));
    }

    #[test]
    fn fuzz_entry_never_panics() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        let alphabet = b"ab/*?[]!\\-^.#\n \r:&~{}()+$";
        for _ in 0..20_000 {
            let mut data = Vec::new();
            for _ in 0..(seed % 24) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                data.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            fuzz_dockerignore(&data);
        }
        fuzz_dockerignore(&[0xff, 0xfe, b'[', 0xc3]);
    }
}
