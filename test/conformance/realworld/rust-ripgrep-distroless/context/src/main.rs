use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rgl::{Options, Searcher};

struct Args {
    pattern: String,
    paths: Vec<PathBuf>,
    opts: Options,
    count: bool,
    line_number: bool,
}

fn parse_args() -> Result<Args, lexopt::Error> {
    use lexopt::prelude::*;
    let mut pattern = None;
    let mut paths = Vec::new();
    let mut opts = Options::default();
    let (mut count, mut line_number) = (false, false);
    let mut parser = lexopt::Parser::from_env();
    while let Some(arg) = parser.next()? {
        match arg {
            Short('i') | Long("ignore-case") => opts.ignore_case = true,
            Short('v') | Long("invert-match") => opts.invert = true,
            Short('c') | Long("count") => count = true,
            Short('n') | Long("line-number") => line_number = true,
            Short('V') | Long("version") => {
                println!("rgl {}", env!("CARGO_PKG_VERSION"));
                std::process::exit(0);
            }
            Value(v) if pattern.is_none() => pattern = Some(v.into_string().map_err(|_| "PATTERN is not UTF-8")?),
            Value(v) => paths.push(PathBuf::from(v)),
            _ => return Err(arg.unexpected()),
        }
    }
    let pattern = pattern.ok_or("missing PATTERN")?;
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    Ok(Args { pattern, paths, opts, count, line_number })
}

fn walk(path: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            walk(&e.path(), files)?;
        }
    } else {
        files.push(path.to_path_buf());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("rgl: {e}\nusage: rgl [-icnvV] PATTERN [PATH ...]");
            return ExitCode::from(2);
        }
    };
    let searcher = Searcher::new(&args.pattern, args.opts.clone());
    let mut files = Vec::new();
    for p in &args.paths {
        if let Err(e) = walk(p, &mut files) {
            eprintln!("rgl: {}: {e}", p.display());
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut any = false;
    for f in files {
        let data = match std::fs::read(&f) {
            Ok(d) => d,
            Err(_) => continue,
        };
        if memchr::memchr(0, &data).is_some() {
            continue; // binary file
        }
        let matches = searcher.find_lines(&data);
        any |= !matches.is_empty();
        if args.count {
            if !matches.is_empty() {
                let _ = writeln!(out, "{}:{}", f.display(), matches.len());
            }
            continue;
        }
        for m in matches {
            let _ = write!(out, "{}:", f.display());
            if args.line_number {
                let _ = write!(out, "{}:", m.line_number);
            }
            let _ = out.write_all(m.line);
            let _ = out.write_all(b"\n");
        }
    }
    if any { ExitCode::SUCCESS } else { ExitCode::from(1) }
}
