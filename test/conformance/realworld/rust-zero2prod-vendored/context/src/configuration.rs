use std::collections::BTreeMap;
use std::path::Path;

/// Settings from configuration/base.yaml overlaid with configuration/<APP_ENVIRONMENT>.yaml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    pub name: String,
}

fn read_flat_yaml(path: &Path, into: &mut BTreeMap<String, String>) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut section = String::new();
    for line in text.lines() {
        let trimmed = line.trim_end();
        if trimmed.is_empty() || trimmed.trim_start().starts_with('#') {
            continue;
        }
        let (key, value) = match trimmed.split_once(':') {
            Some(kv) => kv,
            None => continue,
        };
        let value = value.trim().trim_matches('"');
        if !line.starts_with(' ') {
            section = key.trim().to_string();
            if value.is_empty() {
                continue;
            }
            into.insert(section.clone(), value.to_string());
        } else {
            into.insert(format!("{}.{}", section, key.trim()), value.to_string());
        }
    }
    Ok(())
}

pub fn get_configuration(dir: &Path, environment: &str) -> Result<Settings, String> {
    let mut values = BTreeMap::new();
    read_flat_yaml(&dir.join("base.yaml"), &mut values).map_err(|e| format!("base.yaml: {e}"))?;
    read_flat_yaml(&dir.join(format!("{environment}.yaml")), &mut values).map_err(|e| format!("{environment}.yaml: {e}"))?;
    let get = |k: &str| values.get(k).cloned().ok_or(format!("missing {k}"));
    Ok(Settings {
        host: get("application.host")?,
        port: get("application.port")?.parse().map_err(|e| format!("application.port: {e}"))?,
        name: get("application.name")?,
    })
}
