//! Literal search over byte buffers, line by line.

use memchr::memmem;

/// One match: the 1-based line number and the line without its terminator.
#[derive(Debug, PartialEq, Eq)]
pub struct Match<'a> {
    pub line_number: usize,
    pub line: &'a [u8],
}

/// Options that change what counts as a match.
#[derive(Debug, Default, Clone)]
pub struct Options {
    pub ignore_case: bool,
    pub invert: bool,
}

/// A compiled literal searcher.
pub struct Searcher {
    needle: Vec<u8>,
    opts: Options,
}

impl Searcher {
    pub fn new(pattern: &str, opts: Options) -> Searcher {
        let needle = if opts.ignore_case { pattern.to_ascii_lowercase().into_bytes() } else { pattern.as_bytes().to_vec() };
        Searcher { needle, opts }
    }

    fn is_match(&self, line: &[u8]) -> bool {
        let found = if self.opts.ignore_case {
            memmem::find(&line.to_ascii_lowercase(), &self.needle).is_some()
        } else {
            memmem::find(line, &self.needle).is_some()
        };
        found != self.opts.invert
    }

    /// Every matching line of `haystack`, in order.
    pub fn find_lines<'a>(&self, haystack: &'a [u8]) -> Vec<Match<'a>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut line_number = 0;
        while start < haystack.len() {
            line_number += 1;
            let end = memchr::memchr(b'\n', &haystack[start..]).map_or(haystack.len(), |i| start + i);
            let line = &haystack[start..end];
            if self.is_match(line) {
                out.push(Match { line_number, line });
            }
            start = end + 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines_with_numbers() {
        let s = Searcher::new("fox", Options::default());
        let got = s.find_lines(b"the quick\nbrown fox\njumps\nover the fox\n");
        assert_eq!(got, vec![
            Match { line_number: 2, line: b"brown fox" },
            Match { line_number: 4, line: b"over the fox" },
        ]);
    }

    #[test]
    fn ignore_case_and_invert() {
        let s = Searcher::new("FOX", Options { ignore_case: true, invert: true });
        let got = s.find_lines(b"a fox\nno\nFox b");
        assert_eq!(got, vec![Match { line_number: 2, line: b"no" }]);
    }

    #[test]
    fn last_line_without_newline() {
        let s = Searcher::new("end", Options::default());
        assert_eq!(s.find_lines(b"x\nthe end").len(), 1);
    }
}
