// Generates a sorted extension -> MIME type table from data/mime.types at build time.
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=data/mime.types");
    let text = fs::read_to_string("data/mime.types").expect("read data/mime.types");
    let mut pairs: Vec<(String, String)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let mut words = line.split_whitespace();
        let mime = words.next().unwrap();
        for ext in words {
            pairs.push((ext.to_string(), mime.to_string()));
        }
    }
    pairs.sort();
    pairs.dedup_by(|a, b| a.0 == b.0);
    let mut out = String::from("pub static TABLE: &[(&str, &str)] = &[\n");
    for (ext, mime) in &pairs {
        writeln!(out, "    ({ext:?}, {mime:?}),").unwrap();
    }
    out.push_str("];\n");
    fs::write(Path::new(&env::var("OUT_DIR").unwrap()).join("table.rs"), out).unwrap();
}
