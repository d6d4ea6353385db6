//! A tiny zero-copy HTTP/1.x request head parser.

/// A parsed request head borrowing from the buffer.
#[derive(Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub version: u8,
    pub headers: Vec<(&'a str, &'a str)>,
}

/// Why a head could not be parsed.
#[derive(Debug, PartialEq, Eq)]
pub enum Error {
    /// The head is not complete yet: read more.
    Partial,
    /// The request line is malformed.
    RequestLine,
    /// A header line has no colon.
    Header,
}

/// Parses a request head; returns it and the number of bytes it used.
pub fn parse(buf: &[u8]) -> Result<(Request<'_>, usize), Error> {
    let text = std::str::from_utf8(buf).map_err(|_| Error::RequestLine)?;
    let end = text.find("\r\n\r\n").ok_or(Error::Partial)?;
    let mut lines = text[..end].split("\r\n");
    let mut first = lines.next().ok_or(Error::RequestLine)?.split(' ');
    let (method, path, proto) = match (first.next(), first.next(), first.next(), first.next()) {
        (Some(m), Some(p), Some(v), None) if !m.is_empty() && p.starts_with('/') => (m, p, v),
        _ => return Err(Error::RequestLine),
    };
    let version = match proto {
        "HTTP/1.0" => 0,
        "HTTP/1.1" => 1,
        _ => return Err(Error::RequestLine),
    };
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(Error::Header)?;
        headers.push((name.trim(), value.trim()));
    }
    Ok((Request { method, path, version, headers }, end + 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_head() {
        let (r, n) = parse(b"GET /health_check HTTP/1.1\r\nHost: x\r\n\r\nbody").unwrap();
        assert_eq!((r.method, r.path, r.version, n), ("GET", "/health_check", 1, 39));
        assert_eq!(r.headers, vec![("Host", "x")]);
    }

    #[test]
    fn partial_and_bad() {
        assert_eq!(parse(b"GET / HTTP/1.1\r\n").unwrap_err(), Error::Partial);
        assert_eq!(parse(b"GET / SPDY\r\n\r\n").unwrap_err(), Error::RequestLine);
    }
}
