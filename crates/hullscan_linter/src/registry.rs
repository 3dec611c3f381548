//! The rule registry: every rule's [`RuleMeta`] in one list, lookups by code, name, alias and
//! prefix, and [`RuleSet`], the bitset of enabled rules.
//!
//! A rule's *index* is its position in [`RULES`]; it is only meaningful within one build of
//! hullscan (codes are the stable identity).

use std::fmt;
use std::sync::LazyLock;

use hullscan_diagnostics::RuleMeta;
use rustc_hash::FxHashMap;

use crate::rules;
use crate::upstream;

/// Every rule hullscan knows, in code order. Adding a rule is one line here (plus its file).
pub static RULES: &[&RuleMeta] = &[
    // HS0xx: tool-level findings.
    &rules::tool::SYNTAX_ERROR,
    &rules::tool::UNKNOWN_RULE_IN_SUPPRESSION,
    &rules::tool::UNUSED_SUPPRESSION,
    &rules::tool::INVALID_CHECK_DIRECTIVE,
    &rules::dockerfile::invalid_instruction::INVALID_INSTRUCTION,
    // HS1xx–HS4xx: Dockerfile rules.
    &rules::dockerfile::untagged_base_image::UNTAGGED_BASE_IMAGE,
    &rules::dockerfile::latest_base_image_tag::LATEST_BASE_IMAGE_TAG,
    &rules::dockerfile::missing_user::MISSING_USER,
    &rules::dockerfile::root_user_in_final_stage::ROOT_USER_IN_FINAL_STAGE,
    &rules::dockerfile::shell_form_command::SHELL_FORM_COMMAND,
    &rules::dockerfile::base_image_without_digest::BASE_IMAGE_WITHOUT_DIGEST,
    &rules::dockerfile::stage_name_casing::STAGE_NAME_CASING,
    &rules::dockerfile::from_as_casing::FROM_AS_CASING,
    &rules::dockerfile::empty_continuation_line::EMPTY_CONTINUATION_LINE,
    &rules::dockerfile::inconsistent_instruction_casing::INCONSISTENT_INSTRUCTION_CASING,
    &rules::dockerfile::duplicate_stage_name::DUPLICATE_STAGE_NAME,
    &rules::dockerfile::reserved_stage_name::RESERVED_STAGE_NAME,
    &rules::dockerfile::maintainer_deprecated::MAINTAINER_DEPRECATED,
    &rules::dockerfile::undefined_arg_in_from::UNDEFINED_ARG_IN_FROM,
    &rules::dockerfile::relative_workdir::RELATIVE_WORKDIR,
    &rules::dockerfile::undefined_variable::UNDEFINED_VARIABLE,
    &rules::dockerfile::multiple_cmd::MULTIPLE_CMD,
    &rules::dockerfile::multiple_entrypoint::MULTIPLE_ENTRYPOINT,
    &rules::dockerfile::multiple_healthcheck::MULTIPLE_HEALTHCHECK,
    &rules::dockerfile::legacy_key_value_format::LEGACY_KEY_VALUE_FORMAT,
    &rules::dockerfile::redundant_target_platform::REDUNDANT_TARGET_PLATFORM,
    &rules::dockerfile::secret_in_arg_or_env::SECRET_IN_ARG_OR_ENV,
    &rules::dockerfile::invalid_default_arg_in_from::INVALID_DEFAULT_ARG_IN_FROM,
    &rules::dockerfile::constant_platform_flag::CONSTANT_PLATFORM_FLAG,
    &rules::dockerfile::invalid_definition_description::INVALID_DEFINITION_DESCRIPTION,
    &rules::dockerfile::expose_protocol_casing::EXPOSE_PROTOCOL_CASING,
    &rules::dockerfile::expose_invalid_format::EXPOSE_INVALID_FORMAT,
    // catB: hadolint parity part B (HS250-HS299)
    &rules::dockerfile::zypper_without_non_interactive::ZYPPER_WITHOUT_NON_INTERACTIVE,
    &rules::dockerfile::zypper_dist_upgrade::ZYPPER_DIST_UPGRADE,
    &rules::dockerfile::zypper_cache_not_cleaned::ZYPPER_CACHE_NOT_CLEANED,
    &rules::dockerfile::zypper_unpinned_package::ZYPPER_UNPINNED_PACKAGE,
    &rules::dockerfile::dnf_without_assume_yes::DNF_WITHOUT_ASSUME_YES,
    &rules::dockerfile::dnf_cache_not_cleaned::DNF_CACHE_NOT_CLEANED,
    &rules::dockerfile::dnf_unpinned_package::DNF_UNPINNED_PACKAGE,
    &rules::dockerfile::pip_cache_not_disabled::PIP_CACHE_NOT_DISABLED,
    &rules::dockerfile::onbuild_forbidden_trigger::ONBUILD_FORBIDDEN_TRIGGER,
    &rules::dockerfile::env_refers_to_same_instruction::ENV_REFERS_TO_SAME_INSTRUCTION,
    &rules::dockerfile::copy_relative_destination_without_workdir::COPY_RELATIVE_DESTINATION_WITHOUT_WORKDIR,
    &rules::dockerfile::useradd_without_no_log_init::USERADD_WITHOUT_NO_LOG_INIT,
    &rules::dockerfile::wget_without_progress_setting::WGET_WITHOUT_PROGRESS_SETTING,
    &rules::dockerfile::invalid_label_key::INVALID_LABEL_KEY,
    &rules::dockerfile::missing_schema_label::MISSING_SCHEMA_LABEL,
    &rules::dockerfile::label_not_in_schema::LABEL_NOT_IN_SCHEMA,
    &rules::dockerfile::empty_schema_label::EMPTY_SCHEMA_LABEL,
    &rules::dockerfile::label_not_url::LABEL_NOT_URL,
    &rules::dockerfile::label_not_rfc3339::LABEL_NOT_RFC3339,
    &rules::dockerfile::label_not_spdx::LABEL_NOT_SPDX,
    &rules::dockerfile::label_not_git_hash::LABEL_NOT_GIT_HASH,
    &rules::dockerfile::label_not_semver::LABEL_NOT_SEMVER,
    &rules::dockerfile::missing_healthcheck::MISSING_HEALTHCHECK,
    &rules::dockerfile::label_not_email::LABEL_NOT_EMAIL,
    &rules::dockerfile::consecutive_run_instructions::CONSECUTIVE_RUN_INSTRUCTIONS,
    &rules::dockerfile::yarn_cache_not_cleaned::YARN_CACHE_NOT_CLEANED,
    &rules::dockerfile::instruction_before_from::INSTRUCTION_BEFORE_FROM,
    &rules::dockerfile::unpinned_go_module::UNPINNED_GO_MODULE,
    &rules::dockerfile::secret_name_in_arg_or_env::SECRET_NAME_IN_ARG_OR_ENV,
    &rules::dockerfile::non_numeric_user::NON_NUMERIC_USER,
    &rules::dockerfile::copy_whole_filesystem::COPY_WHOLE_FILESYSTEM,
    &rules::dockerfile::curl_and_wget::CURL_AND_WGET,
    &rules::dockerfile::relink_bin_sh::RELINK_BIN_SH,
    &rules::dockerfile::pipe_without_pipefail::PIPE_WITHOUT_PIPEFAIL,
    // catB end
    &rules::dockerfile::inline_ignore_pragma::INLINE_IGNORE_PRAGMA,
    &rules::dockerfile::pointless_command_in_run::POINTLESS_COMMAND_IN_RUN,
    &rules::dockerfile::cd_in_run::CD_IN_RUN,
    &rules::dockerfile::sudo_in_run::SUDO_IN_RUN,
    &rules::dockerfile::unpinned_apt_package::UNPINNED_APT_PACKAGE,
    &rules::dockerfile::apt_lists_not_removed::APT_LISTS_NOT_REMOVED,
    &rules::dockerfile::apt_get_install_without_yes::APT_GET_INSTALL_WITHOUT_YES,
    &rules::dockerfile::apt_get_install_recommends::APT_GET_INSTALL_RECOMMENDS,
    &rules::dockerfile::apt_in_run::APT_IN_RUN,
    &rules::dockerfile::unpinned_pip_package::UNPINNED_PIP_PACKAGE,
    &rules::dockerfile::unpinned_npm_package::UNPINNED_NPM_PACKAGE,
    &rules::dockerfile::unpinned_apk_package::UNPINNED_APK_PACKAGE,
    &rules::dockerfile::apk_add_without_no_cache::APK_ADD_WITHOUT_NO_CACHE,
    &rules::dockerfile::unpinned_gem::UNPINNED_GEM,
    &rules::dockerfile::yum_install_without_yes::YUM_INSTALL_WITHOUT_YES,
    &rules::dockerfile::yum_cache_not_cleaned::YUM_CACHE_NOT_CLEANED,
    &rules::dockerfile::unpinned_yum_package::UNPINNED_YUM_PACKAGE,
    &rules::dockerfile::expose_port_out_of_range::EXPOSE_PORT_OUT_OF_RANGE,
    &rules::dockerfile::add_instead_of_copy::ADD_INSTEAD_OF_COPY,
    &rules::dockerfile::copy_multiple_sources_to_file::COPY_MULTIPLE_SOURCES_TO_FILE,
    &rules::dockerfile::copy_from_unknown_stage::COPY_FROM_UNKNOWN_STAGE,
    &rules::dockerfile::copy_from_own_stage::COPY_FROM_OWN_STAGE,
    &rules::dockerfile::from_platform_flag::FROM_PLATFORM_FLAG,
    &rules::dockerfile::untrusted_registry::UNTRUSTED_REGISTRY,
    &rules::dockerfile::copy_archive_then_extract::COPY_ARCHIVE_THEN_EXTRACT,
    // catD: practice rules (HS400-HS499)
    &rules::dockerfile::privileged_port_as_non_root::PRIVILEGED_PORT_AS_NON_ROOT,
    &rules::dockerfile::chown_after_copy::CHOWN_AFTER_COPY,
    &rules::dockerfile::root_owned_workdir_for_non_root::ROOT_OWNED_WORKDIR_FOR_NON_ROOT,
    &rules::dockerfile::source_copied_before_dependency_install::SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL,
    &rules::dockerfile::toolchain_in_final_image::TOOLCHAIN_IN_FINAL_IMAGE,
    &rules::dockerfile::heavy_base_image::HEAVY_BASE_IMAGE,
    &rules::dockerfile::package_install_bloat::PACKAGE_INSTALL_BLOAT,
    &rules::dockerfile::service_without_healthcheck::SERVICE_WITHOUT_HEALTHCHECK,
    &rules::dockerfile::healthcheck_tool_missing::HEALTHCHECK_TOOL_MISSING,
    &rules::dockerfile::shell_wrapper_without_exec::SHELL_WRAPPER_WITHOUT_EXEC,
    &rules::dockerfile::multiple_processes::MULTIPLE_PROCESSES,
    &rules::dockerfile::ssh_server_in_image::SSH_SERVER_IN_IMAGE,
    &rules::dockerfile::log_to_file::LOG_TO_FILE,
    &rules::dockerfile::credential_in_dockerfile::CREDENTIAL_IN_DOCKERFILE,
    &rules::dockerfile::secret_file_copied::SECRET_FILE_COPIED,
    &rules::dockerfile::secret_removed_in_later_layer::SECRET_REMOVED_IN_LATER_LAYER,
    &rules::dockerfile::credential_in_run::CREDENTIAL_IN_RUN,
    // catD end    // HS5xx: build-context rules (run by `hullscan lint` and `hullscan context`; kept in the
    // same order as `hullscan_context::rules::RULES`, which a test checks).
    &hullscan_context::rules::INVALID_DOCKERIGNORE,
    &hullscan_context::rules::MISSING_DOCKERIGNORE,
    &hullscan_context::rules::SECRET_FILE_IN_CONTEXT,
    &hullscan_context::rules::UNWANTED_DIRECTORY_IN_CONTEXT,
    &hullscan_context::rules::LARGE_BUILD_CONTEXT,
    &hullscan_context::rules::UNUSED_DOCKERIGNORE_PATTERN,
    &hullscan_context::rules::SHADOWED_DOCKERIGNORE_PATTERN,
    &hullscan_context::rules::EXCEPTION_REINCLUDES_SECRET,
    &hullscan_context::rules::COPY_SOURCE_NOT_IN_CONTEXT,
    &hullscan_context::rules::COPY_IGNORED_FILE,
    &hullscan_context::rules::DEPENDENCY_CACHE_BUST,
    // HS6xx: image rules (`hullscan image`; order of `hullscan_image_rules::ALL`).
    &hullscan_image_rules::RUNS_AS_ROOT,
    &hullscan_image_rules::MISSING_HEALTHCHECK,
    &hullscan_image_rules::SHELL_FORM_COMMAND,
    &hullscan_image_rules::SECRET_IN_CONFIG,
    &hullscan_image_rules::SECRET_IN_HISTORY,
    &hullscan_image_rules::SECRET_FILE_IN_LAYER,
    &hullscan_image_rules::UNEXPECTED_SETUID,
    &hullscan_image_rules::ATTACK_SURFACE_TOOLS,
    &hullscan_image_rules::PRIVILEGED_PORT_NON_ROOT,
    &hullscan_image_rules::EMPTY_PASSWORD,
    &hullscan_image_rules::DUPLICATE_UID_GID,
    &hullscan_image_rules::LATEST_OR_UNTAGGED_REFERENCE,
    &hullscan_image_rules::DUPLICATED_FILES_ACROSS_LAYERS,
    &hullscan_image_rules::PACKAGE_CACHE_LEFT,
    &hullscan_image_rules::SUSPICIOUS_LAYER_ENTRY,
    &hullscan_image_rules::IMAGE_BUDGET_EXCEEDED,
    // HS7xx: secret rules (`hullscan secrets` and the content scans; order of
    // `hullscan_secrets::rules::RULES`).
    &hullscan_secrets::rules::PRIVATE_KEY,
    &hullscan_secrets::rules::CLOUD_CREDENTIAL,
    &hullscan_secrets::rules::SOURCE_HOST_TOKEN,
    &hullscan_secrets::rules::PACKAGE_REGISTRY_TOKEN,
    &hullscan_secrets::rules::SAAS_TOKEN,
    &hullscan_secrets::rules::URL_CREDENTIAL,
    &hullscan_secrets::rules::JSON_WEB_TOKEN,
    &hullscan_secrets::rules::PASSWORD_HASH,
    &hullscan_secrets::rules::GENERIC_SECRET,
    // HS8xx: Kubernetes manifest rules (`hullscan lint` on manifests; order of
    // `hullscan_k8s_rules::ALL`, which a test checks).
    &hullscan_k8s_rules::rules::yaml_syntax_error::YAML_SYNTAX_ERROR,
    &hullscan_k8s_rules::rules::missing_liveness_probe::MISSING_LIVENESS_PROBE,
    &hullscan_k8s_rules::rules::missing_readiness_probe::MISSING_READINESS_PROBE,
    &hullscan_k8s_rules::rules::identical_probes::IDENTICAL_PROBES,
    &hullscan_k8s_rules::rules::missing_run_as_non_root::MISSING_RUN_AS_NON_ROOT,
    &hullscan_k8s_rules::rules::run_as_root_user::RUN_AS_ROOT_USER,
    &hullscan_k8s_rules::rules::privilege_escalation_allowed::PRIVILEGE_ESCALATION_ALLOWED,
    &hullscan_k8s_rules::rules::privileged_container::PRIVILEGED_CONTAINER,
    &hullscan_k8s_rules::rules::capabilities_not_dropped::CAPABILITIES_NOT_DROPPED,
    &hullscan_k8s_rules::rules::capability_added::CAPABILITY_ADDED,
    &hullscan_k8s_rules::rules::writable_root_filesystem::WRITABLE_ROOT_FILESYSTEM,
    &hullscan_k8s_rules::rules::host_path_volume::HOST_PATH_VOLUME,
    &hullscan_k8s_rules::rules::docker_socket_mounted::DOCKER_SOCKET_MOUNTED,
    &hullscan_k8s_rules::rules::grace_period_shorter_than_pre_stop::GRACE_PERIOD_SHORTER_THAN_PRE_STOP,
    &hullscan_k8s_rules::rules::unpinned_image::UNPINNED_IMAGE,
    &hullscan_k8s_rules::rules::stale_image_pull_policy::STALE_IMAGE_PULL_POLICY,
    &hullscan_k8s_rules::rules::literal_secret_in_env::LITERAL_SECRET_IN_ENV,
    &hullscan_k8s_rules::rules::missing_resource_requests::MISSING_RESOURCE_REQUESTS,
    &hullscan_k8s_rules::rules::missing_memory_limit::MISSING_MEMORY_LIMIT,
    &hullscan_k8s_rules::rules::missing_cpu_limit::MISSING_CPU_LIMIT,
    &hullscan_k8s_rules::rules::privileged_port_as_non_root::PRIVILEGED_PORT_AS_NON_ROOT,
    &hullscan_k8s_rules::rules::dockerfile_healthcheck_without_probe::DOCKERFILE_HEALTHCHECK_WITHOUT_PROBE,
    &hullscan_k8s_rules::rules::dockerfile_user_overridden_to_root::DOCKERFILE_USER_OVERRIDDEN_TO_ROOT,
    &hullscan_k8s_rules::rules::probe_port_not_exposed::PROBE_PORT_NOT_EXPOSED,
    // HS9xx: Compose rules (`hullscan lint` on compose files; order of
    // `hullscan_compose_rules::RULES`, which a test checks).
    &hullscan_compose_rules::MISSING_HEALTHCHECK,
    &hullscan_compose_rules::HEALTHCHECK_DISABLED,
    &hullscan_compose_rules::SHORT_STOP_GRACE_PERIOD,
    &hullscan_compose_rules::RUNS_AS_ROOT,
    &hullscan_compose_rules::UNPINNED_IMAGE,
    &hullscan_compose_rules::SECRET_IN_ENVIRONMENT,
    &hullscan_compose_rules::PRIVILEGED,
    &hullscan_compose_rules::DOCKER_SOCKET_MOUNTED,
    &hullscan_compose_rules::SENSITIVE_HOST_PATH,
    &hullscan_compose_rules::CAPABILITY_ADDED,
    &hullscan_compose_rules::MISSING_READ_ONLY,
    &hullscan_compose_rules::MULTIPLE_PROCESSES,
    &hullscan_compose_rules::PORT_NOT_EXPOSED,
    &hullscan_compose_rules::STATE_OUTSIDE_VOLUMES,
    // HS950: vulnerabilities (`hullscan vulns`, and `hullscan image` with a database).
    &hullscan_vulns::VULNERABLE_PACKAGE,
];

/// Rules that only run when selected explicitly (by code, name, alias or a config override).
/// Selecting by prefix or `ALL` includes them too, as in ruff.
pub static OFF_BY_DEFAULT: &[&RuleMeta] = &[
    &rules::tool::UNUSED_SUPPRESSION,
    &rules::dockerfile::invalid_definition_description::INVALID_DEFINITION_DESCRIPTION,
    &rules::dockerfile::inline_ignore_pragma::INLINE_IGNORE_PRAGMA,
    &rules::dockerfile::missing_healthcheck::MISSING_HEALTHCHECK,
    // Every image a build uses would be reported; pinning digests is a choice of policy.
    &rules::dockerfile::base_image_without_digest::BASE_IMAGE_WITHOUT_DIGEST,
    &hullscan_k8s_rules::rules::missing_cpu_limit::MISSING_CPU_LIMIT,
];

/// The number of rules a [`RuleSet`] can hold; the registry test checks [`RULES`] fits.
pub const MAX_RULES: usize = 512;

const WORDS: usize = MAX_RULES / 64;

/// A set of rules, as a bitset over registry indices: membership is one bit test.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct RuleSet([u64; WORDS]);

impl RuleSet {
    pub const EMPTY: RuleSet = RuleSet([0; WORDS]);

    /// Every registered rule.
    pub fn all() -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for index in 0..RULES.len() {
            set.insert(index);
        }
        set
    }

    /// The rules that run when the user selects nothing.
    pub fn defaults() -> RuleSet {
        let mut set = RuleSet::all();
        for rule in OFF_BY_DEFAULT {
            if let Some(index) = index_of(rule) {
                set.remove(index);
            }
        }
        set
    }

    /// A set holding just `rule` (empty when `rule` is not registered).
    pub fn of(rule: &RuleMeta) -> RuleSet {
        let mut set = RuleSet::EMPTY;
        if let Some(index) = index_of(rule) {
            set.insert(index);
        }
        set
    }

    pub fn insert(&mut self, index: usize) {
        if let Some(word) = self.0.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    pub fn remove(&mut self, index: usize) {
        if let Some(word) = self.0.get_mut(index / 64) {
            *word &= !(1 << (index % 64));
        }
    }

    pub fn contains(&self, index: usize) -> bool {
        self.0
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// Whether `rule` is in the set.
    pub fn contains_rule(&self, rule: &RuleMeta) -> bool {
        index_of(rule).is_some_and(|index| self.contains(index))
    }

    /// Whether the rule with this code is in the set.
    pub fn contains_code(&self, code: &str) -> bool {
        index_of_code(code).is_some_and(|index| self.contains(index))
    }

    #[must_use]
    pub fn union(mut self, other: &RuleSet) -> RuleSet {
        for (word, other) in self.0.iter_mut().zip(other.0) {
            *word |= other;
        }
        self
    }

    #[must_use]
    pub fn difference(mut self, other: &RuleSet) -> RuleSet {
        for (word, other) in self.0.iter_mut().zip(other.0) {
            *word &= !other;
        }
        self
    }

    #[must_use]
    pub fn intersection(mut self, other: &RuleSet) -> RuleSet {
        for (word, other) in self.0.iter_mut().zip(other.0) {
            *word &= other;
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|word| *word == 0)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|word| word.count_ones() as usize).sum()
    }

    /// The registry indices in the set, ascending.
    pub fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        (0..RULES.len()).filter(|index| self.contains(*index))
    }

    /// The rules in the set, in registry order.
    pub fn rules(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        self.indices().map(|index| RULES[index])
    }
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.rules().map(|r| r.code)).finish()
    }
}

impl FromIterator<&'static RuleMeta> for RuleSet {
    fn from_iter<I: IntoIterator<Item = &'static RuleMeta>>(iter: I) -> Self {
        let mut set = RuleSet::EMPTY;
        for rule in iter {
            set = set.union(&RuleSet::of(rule));
        }
        set
    }
}

/// Registry index by the three digits of an `HS` code: one array read per lookup, because the
/// checker looks codes up for every finding (severity overrides, suppressions).
static INDEX_BY_CODE_NUMBER: LazyLock<[u16; 1000]> = LazyLock::new(|| {
    let mut table = [u16::MAX; 1000];
    for (index, rule) in RULES.iter().enumerate() {
        if let (Some(number), Ok(index)) = (code_number(rule.code), u16::try_from(index)) {
            table[number] = index;
        }
    }
    table
});

/// `HS` followed by exactly three digits, as a number.
fn code_number(code: &str) -> Option<usize> {
    let digits = code
        .strip_prefix("HS")
        .or_else(|| code.strip_prefix("hs"))?;
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The registry index of the rule with this `HSnnn` code.
pub fn index_of_code(code: &str) -> Option<usize> {
    let number = code_number(code)?;
    let index = *INDEX_BY_CODE_NUMBER.get(number)?;
    (index != u16::MAX).then_some(usize::from(index))
}

/// The registry index of `rule`.
pub fn index_of(rule: &RuleMeta) -> Option<usize> {
    index_of_code(rule.code).filter(|index| std::ptr::eq(RULES[*index], rule))
}

/// The rule with this code.
pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    index_of_code(code).map(|index| RULES[index])
}

/// Exact names (code, name, every alias), lower-cased, to the rules they name. An alias may name
/// more than one rule.
static EXACT: LazyLock<FxHashMap<String, RuleSet>> = LazyLock::new(|| {
    let mut map: FxHashMap<String, RuleSet> = FxHashMap::default();
    for (index, rule) in RULES.iter().enumerate() {
        let names = [rule.code, rule.name]
            .into_iter()
            .chain(rule.aliases.iter().copied());
        for name in names {
            map.entry(name.to_ascii_lowercase())
                .or_default()
                .insert(index);
        }
    }
    map
});

/// What a user-written rule selector resolved to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Selection {
    /// A code, name or alias of registered rules.
    Exact(RuleSet),
    /// A code prefix (`HS1`, `DL3`) or `ALL`.
    Prefix(RuleSet),
    /// A hadolint, ShellCheck or BuildKit name hullscan does not implement: valid, selects
    /// nothing.
    Upstream,
}

impl Selection {
    /// The rules selected.
    pub fn rules(&self) -> RuleSet {
        match self {
            Selection::Exact(set) | Selection::Prefix(set) => *set,
            Selection::Upstream => RuleSet::EMPTY,
        }
    }
}

/// A code, name or alias that names no rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownRule {
    pub name: String,
    /// The closest known name, when one is close.
    pub suggestion: Option<&'static str>,
}

impl fmt::Display for UnknownRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown rule `{}`", self.name)?;
        if let Some(suggestion) = self.suggestion {
            write!(f, " (did you mean `{suggestion}`?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownRule {}

/// Resolves an exact code, name or alias (ASCII case ignored), as written in suppression
/// comments. Prefixes are not accepted here.
pub fn lookup_exact(name: &str) -> Result<Selection, UnknownRule> {
    find_exact(name.trim()).ok_or_else(|| unknown(name.trim()))
}

/// [`lookup_exact`] without looking for a suggestion when the name is unknown: for callers
/// that have already suggested enough (a comment naming thousands of unknown rules).
pub fn lookup_exact_unsuggested(name: &str) -> Result<Selection, UnknownRule> {
    find_exact(name.trim()).ok_or_else(|| UnknownRule {
        name: name.trim().to_owned(),
        suggestion: None,
    })
}

fn find_exact(name: &str) -> Option<Selection> {
    if let Some(set) = EXACT.get(&name.to_ascii_lowercase()) {
        return Some(Selection::Exact(*set));
    }
    upstream::is_known_upstream(name).then_some(Selection::Upstream)
}

/// Resolves a selector as written in configuration or on the command line: an exact code, name or
/// alias, `ALL`, or a code prefix such as `HS1` or `DL3` (a prefix of a code or of an alias that
/// looks like a code).
pub fn lookup_selector(selector: &str) -> Result<Selection, UnknownRule> {
    let selector = selector.trim();
    match lookup_exact(selector) {
        Ok(selection) => return Ok(selection),
        Err(err) if !is_code_prefix_shaped(selector) => return Err(err),
        Err(_) => {}
    }
    if selector.eq_ignore_ascii_case("all") {
        return Ok(Selection::Prefix(RuleSet::all()));
    }
    let mut set = RuleSet::EMPTY;
    for (index, rule) in RULES.iter().enumerate() {
        let codes = std::iter::once(rule.code).chain(
            rule.aliases
                .iter()
                .copied()
                .filter(|alias| is_code_prefix_shaped(alias)),
        );
        if codes
            .into_iter()
            .any(|code| starts_with_ignore_case(code, selector))
        {
            set.insert(index);
        }
    }
    if !set.is_empty() {
        return Ok(Selection::Prefix(set));
    }
    // A prefix of upstream codes we do not implement (`DL4`, `SC2`) is still a valid selector.
    if is_upstream_prefix(selector) {
        return Ok(Selection::Upstream);
    }
    Err(unknown(selector))
}

/// Letters followed by digits (`HS`, `HS1`, `DL30`), or `ALL`.
fn is_code_prefix_shaped(text: &str) -> bool {
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = &text.as_bytes()[letters..];
    (letters == 2 && rest.iter().all(u8::is_ascii_digit) && rest.len() <= 4)
        || text.eq_ignore_ascii_case("all")
}

/// `DL`/`SC` and fewer than four digits (a full code is either known exactly or unknown).
fn is_upstream_prefix(selector: &str) -> bool {
    let lower = selector.to_ascii_lowercase();
    (lower.starts_with("dl") || lower.starts_with("sc"))
        && selector.len() < 6
        && is_code_prefix_shaped(selector)
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

fn unknown(name: &str) -> UnknownRule {
    UnknownRule {
        name: name.to_owned(),
        suggestion: closest_name(name),
    }
}

/// Every code, name and alias, lower-cased once, with the spelling to suggest.
static SUGGESTIONS: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
    RULES
        .iter()
        .flat_map(|rule| {
            [rule.code, rule.name]
                .into_iter()
                .chain(rule.aliases.iter().copied())
        })
        .map(|name| (name.to_ascii_lowercase(), name))
        .collect()
});

/// How far a candidate may be from the name to count as a typo of it.
fn typo_limit(candidate: &str) -> usize {
    if candidate.len() > 8 { 3 } else { 1 }
}

/// The known code, name or alias nearest to `name` by edit distance, when it is close enough to
/// be a typo. Only candidates whose length is within the limit are compared, and each
/// comparison gives up past the limit, so a long or repeated unknown name costs little.
fn closest_name(name: &str) -> Option<&'static str> {
    // No candidate is longer than 64 bytes: a longer name cannot be within 3 edits of one.
    if name.len() > 64 {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let mut best: Option<(usize, &'static str)> = None;
    for (candidate, spelling) in SUGGESTIONS.iter() {
        let limit = typo_limit(candidate);
        if candidate.len().abs_diff(lower.len()) > limit {
            continue;
        }
        let Some(distance) = bounded_edit_distance(&lower, candidate, limit) else {
            continue;
        };
        if best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, spelling));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance over bytes, or `None` once it must exceed `limit`.
fn bounded_edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let b = b.as_bytes();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.bytes().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        if current.iter().all(|&d| d > limit) {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[b.len()];
    (distance <= limit).then_some(distance)
}

/// Whether `rule` has a BuildKit build-check name among its aliases (`# check=` acts on these).
pub fn is_buildkit_rule(rule: &RuleMeta) -> bool {
    rule.aliases
        .iter()
        .any(|alias| upstream::is_buildkit_check(alias))
}

/// A rule's full documentation as `hullscan explain` prints it (and the language server shows
/// on hover): a title, its aliases, severity, category, default, fix availability, then its docs.
pub fn explanation(rule: &RuleMeta) -> String {
    use hullscan_diagnostics::FixAvailability;
    let mut text = format!("# {} ({})\n\n", rule.name, rule.code);
    if !rule.aliases.is_empty() {
        text.push_str(&format!("Aliases: {}\n", rule.aliases.join(", ")));
    }
    let default = if RuleSet::defaults().contains_rule(rule) {
        "on"
    } else {
        "off"
    };
    text.push_str(&format!(
        "Severity: {}. Category: {}. Default: {default}.\n",
        rule.severity,
        rule.category.as_str()
    ));
    match rule.fix {
        FixAvailability::None => {}
        FixAvailability::Sometimes => text.push_str("Fix: sometimes available.\n"),
        FixAvailability::Always => text.push_str("Fix: always available.\n"),
    }
    text.push('\n');
    text.push_str(&rule.docs_text());
    text
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    const REQUIRED_SECTIONS: [&str; 3] = ["## What it does", "## Why is this bad?", "## Example"];

    #[test]
    fn registry_fits_the_bitset() {
        assert!(RULES.len() <= MAX_RULES);
        assert!(RULES.len() <= usize::from(u16::MAX));
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for rule in RULES {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                code_number(rule.code).is_some() && rule.code.starts_with("HS"),
                "code {} is not HS + 3 digits",
                rule.code
            );
            let kebab = !rule.name.is_empty()
                && rule
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !rule.name.starts_with('-')
                && !rule.name.ends_with('-')
                && !rule.name.contains("--");
            assert!(kebab, "name {} is not kebab-case", rule.name);
            assert!(
                !rule.summary.is_empty() && !rule.summary.ends_with('.'),
                "{}: summary must be one line without a full stop",
                rule.code
            );
        }
        // No alias may be the code or name of another rule.
        for rule in RULES {
            for alias in rule.aliases {
                assert!(
                    !codes.contains(alias) && !names.contains(alias),
                    "{}: alias {alias} shadows a rule",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn every_rule_has_the_required_doc_sections() {
        for rule in RULES {
            let docs = rule.docs_text();
            for section in REQUIRED_SECTIONS {
                assert!(
                    docs.contains(section),
                    "{} ({}) docs lack `{section}`",
                    rule.code,
                    rule.name
                );
            }
            assert!(
                docs.contains("Use instead:"),
                "{} docs lack `Use instead:`",
                rule.code
            );
            if rule.fix != hullscan_diagnostics::FixAvailability::None {
                assert!(
                    docs.contains("## Fix safety"),
                    "{} has a fix but no `## Fix safety`",
                    rule.code
                );
            }
        }
    }

    #[test]
    fn every_domain_rule_is_registered_in_code_order() {
        // The context, image and secrets crates own their rule lists; each must appear here
        // in full, so `hullscan rules`, `explain` and selector validation know them.
        for domain in [
            hullscan_context::rules::RULES,
            hullscan_image_rules::ALL,
            hullscan_secrets::rules::RULES,
            hullscan_k8s_rules::ALL,
            hullscan_compose_rules::RULES,
        ] {
            let indices: Vec<usize> = domain
                .iter()
                .map(|rule| {
                    index_of(rule).unwrap_or_else(|| panic!("{} is not registered", rule.code))
                })
                .collect();
            assert!(indices.windows(2).all(|pair| pair[0] < pair[1]));
        }
        let codes: Vec<&str> = RULES.iter().map(|rule| rule.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        let tail_start = codes
            .iter()
            .position(|code| code.starts_with("HS5"))
            .unwrap();
        assert_eq!(
            codes[tail_start..],
            sorted[tail_start..],
            "HS5xx-HS7xx in code order"
        );
        let hs6 = lookup_selector("HS6").unwrap().rules();
        assert_eq!(hs6.len(), hullscan_image_rules::ALL.len());
        assert!(lookup_exact("unused-dockerignore-pattern").is_ok());
    }

    #[test]
    fn index_lookups_round_trip() {
        for (index, rule) in RULES.iter().enumerate() {
            assert_eq!(index_of(rule), Some(index));
            assert_eq!(index_of_code(&rule.code.to_ascii_lowercase()), Some(index));
        }
        assert_eq!(index_of_code("HS999"), None);
        assert_eq!(index_of_code("HS1"), None);
        assert_eq!(index_of_code("DL3006"), None);
    }

    #[test]
    fn lookups_by_code_name_alias_and_prefix() {
        let untagged = RuleSet::of(&rules::dockerfile::untagged_base_image::UNTAGGED_BASE_IMAGE);
        for name in [
            "HS101",
            "hs101",
            "untagged-base-image",
            "Untagged-Base-Image",
            "DL3006",
            "dl3006",
        ] {
            assert_eq!(lookup_exact(name), Ok(Selection::Exact(untagged)), "{name}");
        }
        let shell_form = RuleSet::of(&rules::dockerfile::shell_form_command::SHELL_FORM_COMMAND);
        // An alias can name several rules (the image rule of the same check shares it).
        let by_alias = lookup_exact("jsonargsrecommended").unwrap().rules();
        assert_eq!(by_alias.intersection(&shell_form), shell_form);

        let hs1 = lookup_selector("HS1").unwrap().rules();
        assert!(hs1.contains_rule(&rules::dockerfile::untagged_base_image::UNTAGGED_BASE_IMAGE));
        assert!(!hs1.contains_rule(&rules::tool::SYNTAX_ERROR));
        let dl3 = lookup_selector("DL3").unwrap().rules();
        assert!(
            dl3.contains_rule(&rules::dockerfile::latest_base_image_tag::LATEST_BASE_IMAGE_TAG)
        );
        assert!(!dl3.contains_rule(&rules::dockerfile::missing_user::MISSING_USER));
        assert_eq!(lookup_selector("all").unwrap().rules(), RuleSet::all());

        // Prefixes are for configuration only.
        assert!(lookup_exact("HS1").is_err());
        // Upstream names we do not implement are valid and select nothing.
        assert_eq!(lookup_exact("DL3017"), Ok(Selection::Upstream));
        assert_eq!(lookup_exact("SC2086"), Ok(Selection::Upstream));
        assert_eq!(
            lookup_exact("InvalidBaseImagePlatform"),
            Ok(Selection::Upstream)
        );
        assert_eq!(lookup_selector("SC20"), Ok(Selection::Upstream));
    }

    #[test]
    fn an_alias_shared_by_several_rules_selects_them_all() {
        let multiple = [
            &rules::dockerfile::multiple_cmd::MULTIPLE_CMD,
            &rules::dockerfile::multiple_entrypoint::MULTIPLE_ENTRYPOINT,
            &rules::dockerfile::multiple_healthcheck::MULTIPLE_HEALTHCHECK,
        ];
        let expected: RuleSet = multiple.into_iter().collect();
        assert_eq!(expected.len(), 3);
        for name in [
            "MultipleInstructionsDisallowed",
            "multipleinstructionsdisallowed",
        ] {
            assert_eq!(lookup_exact(name), Ok(Selection::Exact(expected)), "{name}");
            assert_eq!(lookup_selector(name).unwrap().rules(), expected, "{name}");
        }
        // Each rule's own DL code still selects only that rule.
        assert_eq!(
            lookup_exact("DL4003"),
            Ok(Selection::Exact(RuleSet::of(multiple[0])))
        );
    }

    #[test]
    fn suggestions_skip_long_names_and_stay_exact_for_short_ones() {
        assert!(SUGGESTIONS.iter().all(|(name, _)| name.len() <= 61));
        let long = "x".repeat(1 << 20);
        assert_eq!(lookup_exact(&long).unwrap_err().suggestion, None);
        assert_eq!(closest_name("HS1O1"), Some("HS101"));
        assert_eq!(
            closest_name("untagged-base-imag"),
            Some("untagged-base-image")
        );
    }

    #[test]
    fn unknown_names_are_errors_with_suggestions() {
        let err = lookup_selector("untaged-base-image").unwrap_err();
        assert_eq!(err.suggestion, Some("untagged-base-image"));
        assert!(err.to_string().contains("`untaged-base-image`"));
        // HS9xx are the Compose rules and HS950 the vulnerability rule; HS99 is a prefix of no code.
        assert!(lookup_selector("HS99").is_err());
        assert!(lookup_selector("DL9999").is_err());
        assert!(lookup_exact("nonsense").unwrap_err().suggestion.is_none());
    }

    #[test]
    fn rule_set_operations() {
        let all = RuleSet::all();
        assert_eq!(all.len(), RULES.len());
        let defaults = RuleSet::defaults();
        assert!(!defaults.contains_rule(&rules::tool::UNUSED_SUPPRESSION));
        assert!(defaults.contains_rule(&rules::tool::SYNTAX_ERROR));
        let one = RuleSet::of(&rules::tool::SYNTAX_ERROR);
        assert_eq!(all.difference(&one).len(), RULES.len() - 1);
        assert_eq!(all.intersection(&one), one);
        assert!(RuleSet::EMPTY.is_empty());
        let mut set = RuleSet::EMPTY;
        set.insert(MAX_RULES + 5); // out of range: ignored, never a panic
        assert!(set.is_empty() && !set.contains(MAX_RULES + 5));
    }
}
