use std::net::TcpListener;
use std::path::Path;

use zero2prod::configuration::get_configuration;
use zero2prod::startup::run;

fn main() -> std::io::Result<()> {
    let environment = std::env::var("APP_ENVIRONMENT").unwrap_or_else(|_| "local".into());
    let settings = get_configuration(Path::new("configuration"), &environment)
        .unwrap_or_else(|e| panic!("Failed to read configuration: {e}"));
    let address = format!("{}:{}", settings.host, settings.port);
    println!("{} listening on {address} ({environment})", settings.name);
    run(TcpListener::bind(address)?)
}
