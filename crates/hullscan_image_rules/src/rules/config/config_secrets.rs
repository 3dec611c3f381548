//! The config's `Env` entries and `Labels` as the two secret rules read them, and the secrets
//! the engine finds in them by value: [`SECRET_IN_CONFIG`](super::SECRET_IN_CONFIG) reports
//! those, and [`SECRET_IN_HISTORY`](super::SECRET_IN_HISTORY) leaves them out, so each secret
//! is reported once.

use hullscan_diagnostics::Location;
use hullscan_image::model::Image;
use hullscan_secrets::{Finding, Scanner};

use crate::config_location;
use crate::secret_names::{is_real_value, is_secret_name};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum VariableKind {
    Env,
    Label,
}

/// One `Env` entry or label.
pub(super) struct ConfigVariable {
    pub kind: VariableKind,
    pub name: String,
    pub value: String,
    /// What the secrets engine scans: the `Env` entry as written, or `name=value` for a label.
    pub text: String,
    /// Its JSON pointer in the config.
    pub location: Location,
}

impl ConfigVariable {
    /// ``environment variable `NAME` `` or ``label `NAME` ``, for messages.
    pub fn what(&self) -> String {
        match self.kind {
            VariableKind::Env => format!("environment variable `{}`", self.name),
            VariableKind::Label => format!("label `{}`", self.name),
        }
    }

    /// Whether its name says it holds a secret and it holds a value: reported by name, so the
    /// engine's findings in it are not reported again.
    pub fn is_named_secret(&self) -> bool {
        is_secret_name(&self.name) && is_real_value(&self.value)
    }
}

/// The `Env` entries in order, then the labels.
pub(super) fn config_variables(image: &Image) -> Vec<ConfigVariable> {
    let config = image.container_config();
    let mut variables = Vec::new();
    for (i, variable) in config.env.iter().flatten().enumerate() {
        let (name, value) = variable.split_once('=').unwrap_or((variable, ""));
        variables.push(ConfigVariable {
            kind: VariableKind::Env,
            name: name.to_owned(),
            value: value.to_owned(),
            text: variable.clone(),
            location: config_location(image, &format!("/config/Env/{i}")),
        });
    }
    for (name, value) in config.labels.iter().flatten() {
        let escaped = name.replace('~', "~0").replace('/', "~1");
        variables.push(ConfigVariable {
            kind: VariableKind::Label,
            name: name.clone(),
            value: value.clone(),
            text: format!("{name}={value}"),
            location: config_location(image, &format!("/config/Labels/{escaped}")),
        });
    }
    variables
}

/// The secrets the engine finds by value in the variables not reported by name, each
/// fingerprint once, at its first place: `(index in variables, finding)`.
pub(super) fn value_secrets(variables: &[ConfigVariable]) -> Vec<(usize, Finding)> {
    let mut fingerprints: Vec<String> = Vec::new();
    let mut found = Vec::new();
    for (index, variable) in variables.iter().enumerate() {
        if variable.is_named_secret() {
            continue;
        }
        for finding in Scanner::global().scan(variable.text.as_bytes()) {
            if fingerprints.contains(&finding.fingerprint) {
                continue;
            }
            fingerprints.push(finding.fingerprint.clone());
            found.push((index, finding));
        }
    }
    found
}
