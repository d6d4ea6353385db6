//! A static file server: GET /<path> answers the file under ROOT with its MIME type.
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Component, Path, PathBuf};

fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let rel = Path::new(url.trim_start_matches('/'));
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(root.join(if rel.as_os_str().is_empty() { Path::new("index.html") } else { rel }))
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::var("ROOT").unwrap_or_else(|_| ".".into()));
    let port = std::env::var("PORT").unwrap_or_else(|_| "8000".into());
    if std::env::args().nth(1).as_deref() == Some("--version") {
        println!("server {}", env!("CARGO_PKG_VERSION"));
        return Ok(());
    }
    let listener = TcpListener::bind(format!("0.0.0.0:{port}"))?;
    eprintln!("serving {} on :{port}", root.display());
    for stream in listener.incoming() {
        let mut stream = stream?;
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line)?;
        let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
        match resolve(&root, &path).and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
            Some((p, body)) => {
                let mime = mime_table::guess(&p.to_string_lossy());
                write!(stream, "HTTP/1.1 200 OK\r\ncontent-type: {mime}\r\ncontent-length: {}\r\n\r\n", body.len())?;
                stream.write_all(&body)?;
            }
            None => stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_root() {
        assert_eq!(resolve(Path::new("/srv"), "/"), Some(PathBuf::from("/srv/index.html")));
        assert_eq!(resolve(Path::new("/srv"), "/a/b.css"), Some(PathBuf::from("/srv/a/b.css")));
        assert_eq!(resolve(Path::new("/srv"), "/../etc/passwd"), None);
    }
}
