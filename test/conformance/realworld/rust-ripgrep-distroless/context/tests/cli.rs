use std::process::Command;

fn rgl(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rgl")).args(args).output().expect("run rgl");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn searches_a_tree_in_name_order() {
    let (code, out) = rgl(&["-n", "memchr", "src"]);
    assert_eq!(code, 0);
    let files: Vec<&str> = out.lines().map(|l| l.split(':').next().unwrap()).collect();
    let mut sorted = files.clone();
    sorted.sort();
    assert_eq!(files, sorted);
}

#[test]
fn no_match_exits_1() {
    assert_eq!(rgl(&["-c", "no such text anywhere \u{1F980}", "Cargo.toml"]).0, 1);
}

#[test]
fn version() {
    assert_eq!(rgl(&["-V"]).1, format!("rgl {}\n", env!("CARGO_PKG_VERSION")));
}
