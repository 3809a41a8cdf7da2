//! An exercise file's two parts: the learner's code above the tests marker and the tests
//! below it. The marker is a `# ----------` line (ten or more dashes) directly followed by a
//! line starting `# Tests`; the tests section runs from the dashes line to the end. Files are
//! handled as bytes (the marker is ASCII), so a file in another encoding is never mangled.

/// Byte offset where the tests section starts, if the file has the marker.
pub fn tests_start(source: &[u8]) -> Option<usize> {
    let mut offset = 0;
    let mut lines = source.split_inclusive(|&b| b == b'\n').peekable();
    while let Some(line) = lines.next() {
        if is_rule(line)
            && lines
                .peek()
                .is_some_and(|next| next.starts_with(b"# Tests"))
        {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

fn is_rule(line: &[u8]) -> bool {
    line.trim_ascii_end()
        .strip_prefix(b"# ")
        .is_some_and(|rest| rest.len() >= 10 && rest.iter().all(|&b| b == b'-'))
}

/// The learner's part (everything above the marker; the whole file without one).
pub fn code_part(source: &[u8]) -> &[u8] {
    &source[..tests_start(source).unwrap_or(source.len())]
}

/// The tests section, marker included.
pub fn tests_part(source: &[u8]) -> Option<&[u8]> {
    tests_start(source).map(|start| &source[start..])
}

/// The learner's code joined with the shipped tests: what graders run, so that editing or
/// deleting tests gains nothing. None when the shipped file has no tests marker.
pub fn with_shipped_tests(learner: &[u8], shipped: &[u8]) -> Option<Vec<u8>> {
    let tests = tests_part(shipped)?;
    let code = code_part(learner);
    let mut joined = Vec::with_capacity(code.len() + tests.len() + 1);
    joined.extend_from_slice(code);
    if !joined.is_empty() && !joined.ends_with(b"\n") {
        joined.push(b'\n');
    }
    joined.extend_from_slice(tests);
    Some(joined)
}

/// Whether the learner's tests section differs from the shipped one.
pub fn tests_differ(learner: &[u8], shipped: &[u8]) -> bool {
    tests_part(learner) != tests_part(shipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHIPPED: &[u8] = b"def f():\n    return 1\n\n\n# ----------\n# Tests\n\ndef test_f():\n    assert f() == 2\n";

    #[test]
    fn the_marker_is_the_rule_before_the_tests_heading() {
        let start = tests_start(SHIPPED).expect("marker found");
        assert!(SHIPPED[start..].starts_with(b"# ----------\n# Tests"));
        assert_eq!(tests_start(b"# ----------\nno heading\n"), None);
        assert_eq!(tests_start(b"# -----\n# Tests\n"), None, "too short a rule");
    }

    #[test]
    fn shipped_tests_replace_the_learners() {
        let learner = b"def f():\n    return 2\n# ----------\n# Tests\n\ndef test_f():\n    pass\n";
        let joined = with_shipped_tests(learner, SHIPPED).expect("joined");
        assert!(joined.starts_with(b"def f():\n    return 2\n# ----------"));
        assert!(joined.ends_with(b"assert f() == 2\n"));
        assert!(tests_differ(learner, SHIPPED));
        assert!(!tests_differ(&joined, SHIPPED));
    }

    #[test]
    fn a_deleted_marker_keeps_the_code_and_appends_the_tests() {
        let joined = with_shipped_tests(b"def f():\n    return 2", SHIPPED).expect("joined");
        assert!(joined.starts_with(b"def f():\n    return 2\n# ----------\n"));
    }

    #[test]
    fn latin1_code_survives_the_join_byte_for_byte() {
        let learner = b"# -*- coding: latin-1 -*-\nname = '\xe9'\n";
        let joined = with_shipped_tests(learner, SHIPPED).expect("joined");
        assert!(joined.starts_with(learner));
    }
}
