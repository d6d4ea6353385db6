use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;

#[test]
fn health_check_works() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a random port");
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || zero2prod::startup::run(listener));
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"GET /health_check HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 200 OK\r\n"), "{resp}");
    assert!(resp.contains("content-length: 0\r\n"));
}

#[test]
fn production_configuration_overrides_base() {
    let s = zero2prod::configuration::get_configuration(Path::new("configuration"), "production").unwrap();
    assert_eq!((s.host.as_str(), s.port, s.name.as_str()), ("0.0.0.0", 8000, "zero2prod"));
}
