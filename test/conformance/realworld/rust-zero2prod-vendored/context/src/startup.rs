use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

/// The response for one request head.
pub fn route(method: &str, path: &str) -> (u16, &'static str) {
    match (method, path) {
        ("GET", "/health_check") => (200, ""),
        ("POST", "/subscriptions") => (200, "subscribed"),
        _ => (404, "not found"),
    }
}

fn handle(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = [0u8; 8192];
    let mut len = 0;
    let (status, body) = loop {
        let n = stream.read(&mut buf[len..])?;
        if n == 0 {
            return Ok(());
        }
        len += n;
        match httparse_lite::parse(&buf[..len]) {
            Ok((req, _)) => break route(req.method, req.path),
            Err(httparse_lite::Error::Partial) if len < buf.len() => continue,
            Err(_) => break (400, "bad request"),
        }
    };
    let reason = match status { 200 => "OK", 400 => "Bad Request", _ => "Not Found" };
    write!(stream, "HTTP/1.1 {status} {reason}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
}

pub fn run(listener: TcpListener) -> std::io::Result<()> {
    for stream in listener.incoming() {
        let _ = handle(stream?);
    }
    Ok(())
}
