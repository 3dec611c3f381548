//! Resolution and discovery tests.

use std::path::Path;

use hullscan_diagnostics::Severity;
use hullscan_linter::registry;

use crate::error::ConfigError;
use crate::resolver::{ConfigMode, Resolver};
use crate::settings::{CliOverrides, DEFAULT_FAILURE_THRESHOLD, Settings};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn enabled(settings: &Settings, name: &str) -> bool {
    settings.linter.rules.contains_code(
        registry::lookup_exact(name)
            .unwrap()
            .rules()
            .rules()
            .next()
            .unwrap()
            .code,
    )
}

fn resolve_toml(text: &str, overrides: &CliOverrides) -> Result<Settings, ConfigError> {
    let config = crate::options::read_hullscan_toml(Path::new("hullscan.toml"), text)?;
    Settings::resolve(
        &config,
        Some(Path::new("hullscan.toml")),
        overrides,
        "/project".into(),
    )
}

#[test]
fn shellcheck_key_is_off_by_default_and_validated() {
    assert!(
        !resolve_toml("", &CliOverrides::default())
            .unwrap()
            .shellcheck
    );
    assert!(
        resolve_toml("shellcheck = true", &CliOverrides::default())
            .unwrap()
            .shellcheck
    );
    let err = resolve_toml("shellcheck = \"yes\"", &CliOverrides::default()).unwrap_err();
    assert!(err.to_string().contains("hullscan.toml"), "{err}");
}

#[test]
fn select_and_ignore_filter_shellcheck_codes() {
    let cli = |select: Option<&[&str]>, ignore: &[&str]| CliOverrides {
        select: select.map(|names| names.iter().map(|name| (*name).to_owned()).collect()),
        ignore: ignore.iter().map(|name| (*name).to_owned()).collect(),
        ..CliOverrides::default()
    };
    let on = |settings: &Settings, code: &str| settings.linter.is_shellcheck_code_enabled(code);

    let all = resolve_toml("", &CliOverrides::default()).unwrap();
    assert!(on(&all, "SC2086") && on(&all, "SC3010"));

    let one = resolve_toml("", &cli(Some(&["SC2086"]), &[])).unwrap();
    assert!(on(&one, "SC2086") && !on(&one, "SC2154"));
    assert!(
        !enabled(&one, "HS101"),
        "--select replaces the default rules"
    );

    let prefix = resolve_toml("", &cli(Some(&["sc", "HS1"]), &["SC2154"])).unwrap();
    assert!(on(&prefix, "SC2086") && on(&prefix, "SC3010") && !on(&prefix, "SC2154"));
    assert!(enabled(&prefix, "HS101"));

    let other_rules = resolve_toml("", &cli(Some(&["HS1"]), &[])).unwrap();
    assert!(!on(&other_rules, "SC2086"));
    assert!(!other_rules.linter.selects_any_shellcheck_code());

    let everything = resolve_toml("", &cli(Some(&["ALL"]), &[])).unwrap();
    assert!(on(&everything, "SC2086"));

    let configured = resolve_toml(
        "select = [\"SC20\"]\nextend-select = [\"SC3010\"]\nignore = [\"SC2046\"]\n",
        &CliOverrides::default(),
    )
    .unwrap();
    assert!(on(&configured, "SC2086") && on(&configured, "SC3010"));
    assert!(!on(&configured, "SC2046") && !on(&configured, "SC1000"));
    // The command line's `--select` replaces the configuration's.
    let replaced = resolve_toml("select = [\"SC20\"]\n", &cli(Some(&["SC1000"]), &[])).unwrap();
    assert!(on(&replaced, "SC1000") && !on(&replaced, "SC2086"));
}

#[test]
fn shellcheck_codes_are_valid_selectors_and_malformed_ones_are_not() {
    for name in ["SC2086", "sc1000", "SC", "SC3"] {
        let overrides = CliOverrides {
            select: Some(vec![name.to_owned()]),
            ignore: vec![name.to_owned()],
            ..CliOverrides::default()
        };
        overrides
            .validate()
            .unwrap_or_else(|err| panic!("{name}: {err}"));
    }
    for name in ["SC20866", "SC20x6", "SCX"] {
        let overrides = CliOverrides {
            select: Some(vec![name.to_owned()]),
            ..CliOverrides::default()
        };
        assert!(overrides.validate().is_err(), "{name} accepted");
        let toml = format!("select = [\"{name}\"]\n");
        assert!(
            resolve_toml(&toml, &CliOverrides::default()).is_err(),
            "{name}"
        );
    }
}

#[test]
fn defaults_without_configuration() {
    let settings = resolve_toml("", &CliOverrides::default()).unwrap();
    assert_eq!(settings.failure_threshold, DEFAULT_FAILURE_THRESHOLD);
    assert!(enabled(&settings, "HS101"));
    assert!(!enabled(&settings, "HS003"));
    assert!(settings.fails_on(Severity::Info) && !settings.fails_on(Severity::Style));
}

#[test]
fn select_ignore_and_severity() {
    let settings = resolve_toml(
        "select = [\"HS1\"]\nextend-select = [\"unused-suppression\"]\nignore = [\"DL3007\"]\n[severity]\nHS101 = \"error\"\n",
        &CliOverrides::default(),
    )
    .unwrap();
    assert!(enabled(&settings, "HS101"));
    assert!(
        !enabled(&settings, "HS102"),
        "ignored by its hadolint alias"
    );
    assert!(!enabled(&settings, "HS001"), "not selected");
    assert!(enabled(&settings, "HS003"));
    let rule = registry::by_code("HS101").unwrap();
    assert_eq!(settings.linter.severity_of(rule), Severity::Error);
}

#[test]
fn command_line_overrides_configuration() {
    let overrides = CliOverrides {
        select: Some(vec!["HS105".into()]),
        extend_select: vec!["DL3006".into()],
        ignore: vec![],
        failure_threshold: Some(Severity::Error),
        no_fail: false,
    };
    let settings = resolve_toml(
        "select = [\"HS1\"]\nfailure-threshold = \"style\"\n",
        &overrides,
    )
    .unwrap();
    assert!(enabled(&settings, "HS105") && enabled(&settings, "HS101"));
    assert!(!enabled(&settings, "HS102"));
    assert_eq!(settings.failure_threshold, Severity::Error);
    assert!(!settings.fails_on(Severity::Warning));

    let no_fail = CliOverrides {
        no_fail: true,
        ..CliOverrides::default()
    };
    assert!(
        !resolve_toml("", &no_fail)
            .unwrap()
            .fails_on(Severity::Error)
    );
}

#[test]
fn unknown_names_are_errors_naming_file_and_line() {
    let err = resolve_toml(
        "select = [\n  \"HS101\",\n  \"HS99\",\n]\n",
        &CliOverrides::default(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "hullscan.toml:3: unknown rule `HS99` (did you mean `HS909`?)"
    );

    let err = resolve_toml(
        "[severity]\nuntaged-base-image = \"error\"\n",
        &CliOverrides::default(),
    )
    .unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("hullscan.toml:2: unknown rule `untaged-base-image`"),
        "{message}"
    );
    assert!(
        message.contains("did you mean `untagged-base-image`"),
        "{message}"
    );

    let err = resolve_toml(
        "[per-path-ignores]\n\"a/**\" = [\"nope\"]\n",
        &CliOverrides::default(),
    )
    .unwrap_err();
    assert!(err.to_string().starts_with("hullscan.toml:2:"), "{err}");

    let bad_flag = CliOverrides {
        ignore: vec!["HS101".into(), "HS1O1".into()],
        ..CliOverrides::default()
    };
    let err = bad_flag.validate().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("--ignore: unknown rule `HS1O1`"),
        "{err}"
    );

    // Upstream names hullscan does not implement are valid.
    assert!(
        resolve_toml(
            "ignore = [\"DL3008\", \"SC2086\", \"StageNameCasing\", \"DL4\"]\n",
            &CliOverrides::default()
        )
        .is_ok()
    );
}

#[test]
fn per_path_ignores_match_relative_paths_and_file_names() {
    let settings = resolve_toml(
        "[per-path-ignores]\n\"legacy/**\" = [\"HS101\"]\n\"*.dev.Dockerfile\" = [\"shell-form-command\"]\n",
        &CliOverrides::default(),
    )
    .unwrap();
    let hs101 = registry::by_code("HS101").unwrap();
    let hs105 = registry::by_code("HS105").unwrap();
    assert!(
        !settings
            .linter_for(Path::new("/project/legacy/a/Dockerfile"))
            .is_enabled(hs101)
    );
    assert!(
        settings
            .linter_for(Path::new("/project/new/Dockerfile"))
            .is_enabled(hs101)
    );
    assert!(
        settings
            .linter_for(Path::new("/elsewhere/legacy2/Dockerfile"))
            .is_enabled(hs101)
    );
    assert!(
        !settings
            .linter_for(Path::new("/project/x/app.dev.Dockerfile"))
            .is_enabled(hs105)
    );
}

#[test]
fn per_path_ignores_apply_to_shellcheck_codes() {
    let settings = resolve_toml(
        "[per-path-ignores]\n\"legacy/**\" = [\"SC2086\", \"HS101\"]\n\"tools/*\" = [\"SC\"]\n",
        &CliOverrides::default(),
    )
    .unwrap();
    let legacy = settings.linter_for(Path::new("/project/legacy/a/Dockerfile"));
    assert!(!legacy.is_shellcheck_code_enabled("SC2086"));
    assert!(legacy.is_shellcheck_code_enabled("SC2154"));
    let tools = settings.linter_for(Path::new("/project/tools/Dockerfile"));
    assert!(!tools.is_shellcheck_code_enabled("SC2154"));
    assert!(!tools.selects_any_shellcheck_code());
    let elsewhere = settings.linter_for(Path::new("/project/new/Dockerfile"));
    assert!(elsewhere.is_shellcheck_code_enabled("SC2086"));
}

#[test]
fn hadolint_yaml_overrides_enable_rules_and_set_severity() {
    let text = "ignored: [DL3006]\noverride:\n  error: [DL3007]\n  info: [HS003]\nfailure-threshold: warning\nno-fail: true\ntrustedRegistries: [ghcr.io]\nstrict-labels: true\nlabel-schema:\n  maintainer: email\n";
    let config = crate::options::read_hadolint_yaml(Path::new(".hadolint.yaml"), text).unwrap();
    let settings = Settings::resolve(&config, None, &CliOverrides::default(), "/".into()).unwrap();
    assert!(!enabled(&settings, "HS101"));
    assert!(
        enabled(&settings, "HS003"),
        "an override turns a default-off rule on, as in hadolint"
    );
    assert_eq!(
        settings
            .linter
            .severity_of(registry::by_code("HS102").unwrap()),
        Severity::Error
    );
    assert_eq!(settings.failure_threshold, Severity::Warning);
    assert!(settings.no_fail);
    assert_eq!(settings.linter.trusted_registries, ["ghcr.io"]);
    assert!(settings.linter.strict_labels);
    assert_eq!(
        settings
            .linter
            .label_schema
            .get("maintainer")
            .map(String::as_str),
        Some("email")
    );

    let config = crate::options::read_hadolint_yaml(
        Path::new(".hadolint.yaml"),
        "ignored:\n  - DL3006\n  - DL0000\n",
    )
    .unwrap();
    let err = Settings::resolve(&config, None, &CliOverrides::default(), "/".into()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with(".hadolint.yaml:3: unknown rule `DL0000`"),
        "{err}"
    );
}

#[test]
fn discovery_nearest_config_wins_and_hadolint_is_a_fallback() {
    let root = tempfile::tempdir().unwrap();
    let root = root.path();
    write(&root.join("hullscan.toml"), "ignore = [\"HS101\"]\n");
    write(&root.join("svc/.hullscan.toml"), "ignore = [\"HS105\"]\n");
    write(&root.join("svc/deep/x/Dockerfile"), "FROM a\n");
    write(&root.join("other/.hadolint.yaml"), "ignored: [DL3007]\n");

    let resolver = Resolver::new(ConfigMode::Discover, CliOverrides::default()).unwrap();
    let top = resolver.settings_for(&root.join("Dockerfile")).unwrap();
    assert_eq!(
        top.config_path.as_deref(),
        Some(root.join("hullscan.toml").as_path())
    );
    assert!(!enabled(&top, "HS101") && enabled(&top, "HS105"));

    let deep = resolver
        .settings_for(&root.join("svc/deep/x/Dockerfile"))
        .unwrap();
    assert_eq!(
        deep.config_path.as_deref(),
        Some(root.join("svc/.hullscan.toml").as_path())
    );
    assert!(
        enabled(&deep, "HS101") && !enabled(&deep, "HS105"),
        "nearest wins, no merging"
    );
    // Cached per directory and shared per configuration file.
    let again = resolver
        .settings_for(&root.join("svc/deep/x/Dockerfile.prod"))
        .unwrap();
    assert!(std::sync::Arc::ptr_eq(&deep, &again));

    // A hullscan.toml above wins over a nearer .hadolint.yaml.
    let other = resolver
        .settings_for(&root.join("other/Dockerfile"))
        .unwrap();
    assert_eq!(
        other.config_path.as_deref(),
        Some(root.join("hullscan.toml").as_path())
    );

    let lone = tempfile::tempdir().unwrap();
    write(&lone.path().join(".hadolint.yml"), "ignored: [DL3007]\n");
    let from_hadolint = resolver
        .settings_for(&lone.path().join("sub/Dockerfile"))
        .unwrap();
    assert_eq!(
        from_hadolint.config_path.as_deref(),
        Some(lone.path().join(".hadolint.yml").as_path())
    );
    assert!(!enabled(&from_hadolint, "HS102"));
}

#[test]
fn pinned_and_disabled_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let pinned = dir.path().join("ci.toml");
    write(&pinned, "ignore = [\"HS101\"]\n");
    write(&dir.path().join("hullscan.toml"), "ignore = [\"HS105\"]\n");
    let resolver =
        Resolver::new(ConfigMode::Pinned(pinned.clone()), CliOverrides::default()).unwrap();
    let settings = resolver
        .settings_for(&dir.path().join("Dockerfile"))
        .unwrap();
    assert!(!enabled(&settings, "HS101") && enabled(&settings, "HS105"));

    let resolver = Resolver::new(ConfigMode::None, CliOverrides::default()).unwrap();
    let settings = resolver
        .settings_for(&dir.path().join("Dockerfile"))
        .unwrap();
    assert!(enabled(&settings, "HS101") && enabled(&settings, "HS105"));
    assert!(settings.config_path.is_none());

    let missing = Resolver::new(
        ConfigMode::Pinned(dir.path().join("nope.toml")),
        CliOverrides::default(),
    );
    let message = missing.unwrap_err().to_string();
    assert!(
        message.contains("nope.toml") && message.contains("cannot read"),
        "{message}"
    );

    write(
        &dir.path().join("bad/hullscan.toml"),
        "select = [\"HS101\"\n",
    );
    let resolver = Resolver::new(ConfigMode::Discover, CliOverrides::default()).unwrap();
    let err = resolver
        .settings_for(&dir.path().join("bad/Dockerfile"))
        .unwrap_err();
    assert!(err.to_string().contains("hullscan.toml:"), "{err}");
}
