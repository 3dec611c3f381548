//! HS1xx–HS4xx: Dockerfile rules. Each rule file declares its `RuleMeta` static and a check
//! function; [`DOCKERFILE_RULES`] says how the checker calls it.

use hullscan_diagnostics::RuleMeta;
use hullscan_dockerfile::{Instruction, Keyword};

use crate::checker::Checker;

mod base_image;
mod final_user;

pub mod base_image_without_digest;
mod buildkit_facts;
pub mod constant_platform_flag;
pub mod duplicate_stage_name;
pub mod empty_continuation_line;
pub mod expose_invalid_format;
pub mod expose_protocol_casing;
pub mod from_as_casing;
pub mod inconsistent_instruction_casing;
pub mod invalid_default_arg_in_from;
pub mod invalid_definition_description;
pub mod latest_base_image_tag;
pub mod legacy_key_value_format;
pub mod maintainer_deprecated;
pub mod missing_user;
pub mod multiple_cmd;
pub mod multiple_entrypoint;
pub mod multiple_healthcheck;
pub mod redundant_target_platform;
pub mod relative_workdir;
pub mod reserved_stage_name;
pub mod root_user_in_final_stage;
pub mod secret_in_arg_or_env;
pub mod shell_form_command;
pub mod stage_name_casing;
pub mod undefined_arg_in_from;
pub mod undefined_variable;
pub mod untagged_base_image;

// catB: hadolint parity part B (HS250-HS299)
pub mod consecutive_run_instructions;
pub mod copy_relative_destination_without_workdir;
pub mod copy_whole_filesystem;
pub mod curl_and_wget;
pub mod dnf_cache_not_cleaned;
pub mod dnf_unpinned_package;
pub mod dnf_without_assume_yes;
pub mod empty_schema_label;
pub mod env_refers_to_same_instruction;
pub mod instruction_before_from;
pub mod invalid_instruction;
pub mod invalid_label_key;
pub mod label_not_email;
pub mod label_not_git_hash;
pub mod label_not_in_schema;
pub mod label_not_rfc3339;
pub mod label_not_semver;
pub mod label_not_spdx;
pub mod label_not_url;
mod label_schema;
pub mod missing_healthcheck;
pub mod missing_schema_label;
pub mod non_numeric_user;
pub mod onbuild_forbidden_trigger;
pub mod pip_cache_not_disabled;
pub mod pipe_without_pipefail;
pub mod relink_bin_sh;
pub mod secret_name_in_arg_or_env;
pub(crate) mod stage_scan;
pub mod unpinned_go_module;
pub mod useradd_without_no_log_init;
pub mod wget_without_progress_setting;
pub mod yarn_cache_not_cleaned;
pub mod zypper_cache_not_cleaned;
pub mod zypper_dist_upgrade;
pub mod zypper_unpinned_package;
pub mod zypper_without_non_interactive;
// catB end

pub mod add_instead_of_copy;
pub mod apk_add_without_no_cache;
pub mod apt_get_install_recommends;
pub mod apt_get_install_without_yes;
pub mod apt_in_run;
pub mod apt_lists_not_removed;
pub mod cd_in_run;
pub mod copy_archive_then_extract;
pub mod copy_from_own_stage;
pub mod copy_from_unknown_stage;
pub mod copy_multiple_sources_to_file;
pub mod expose_port_out_of_range;
pub mod from_platform_flag;
pub mod inline_ignore_pragma;
pub mod pointless_command_in_run;
mod shell_facts;
pub mod sudo_in_run;
pub mod unpinned_apk_package;
pub mod unpinned_apt_package;
pub mod unpinned_gem;
pub mod unpinned_npm_package;
pub mod unpinned_pip_package;
pub mod unpinned_yum_package;
pub mod untrusted_registry;
pub mod yum_cache_not_cleaned;
pub mod yum_install_without_yes;

// catD: practice rules (HS400-HS499)
pub mod chown_after_copy;
pub mod credential_in_dockerfile;
pub mod credential_in_run;
pub mod healthcheck_tool_missing;
pub mod heavy_base_image;
pub mod log_to_file;
pub mod multiple_processes;
pub mod package_install_bloat;
mod practice_facts;
pub mod privileged_port_as_non_root;
pub mod root_owned_workdir_for_non_root;
pub mod secret_file_copied;
pub mod secret_removed_in_later_layer;
pub mod service_without_healthcheck;
pub mod shell_wrapper_without_exec;
pub mod source_copied_before_dependency_install;
pub mod ssh_server_in_image;
pub mod toolchain_in_final_image;
// catD mods end

/// How the checker runs a rule.
pub(crate) enum RulePass {
    /// Once per file (rules over stages or the whole file).
    File(fn(&mut Checker)),
    /// Once per top-level instruction with one of these keywords, with its index.
    Instruction(&'static [Keyword], fn(&mut Checker, usize, &Instruction)),
}

/// Every Dockerfile rule and its pass. Adding a rule is one line here plus one in the registry.
pub(crate) static DOCKERFILE_RULES: &[(&RuleMeta, RulePass)] = &[
    (
        &invalid_instruction::INVALID_INSTRUCTION,
        RulePass::File(invalid_instruction::invalid_instruction),
    ),
    (
        &untagged_base_image::UNTAGGED_BASE_IMAGE,
        RulePass::File(untagged_base_image::untagged_base_image),
    ),
    (
        &latest_base_image_tag::LATEST_BASE_IMAGE_TAG,
        RulePass::File(latest_base_image_tag::latest_base_image_tag),
    ),
    (
        &base_image_without_digest::BASE_IMAGE_WITHOUT_DIGEST,
        RulePass::File(base_image_without_digest::base_image_without_digest),
    ),
    (
        &missing_user::MISSING_USER,
        RulePass::File(missing_user::missing_user),
    ),
    (
        &root_user_in_final_stage::ROOT_USER_IN_FINAL_STAGE,
        RulePass::File(root_user_in_final_stage::root_user_in_final_stage),
    ),
    (
        &shell_form_command::SHELL_FORM_COMMAND,
        RulePass::Instruction(
            &[Keyword::Cmd, Keyword::Entrypoint],
            shell_form_command::shell_form_command,
        ),
    ),
    (
        &stage_name_casing::STAGE_NAME_CASING,
        RulePass::Instruction(&[Keyword::From], stage_name_casing::stage_name_casing),
    ),
    (
        &from_as_casing::FROM_AS_CASING,
        RulePass::Instruction(&[Keyword::From], from_as_casing::from_as_casing),
    ),
    (
        &empty_continuation_line::EMPTY_CONTINUATION_LINE,
        RulePass::File(empty_continuation_line::empty_continuation_line),
    ),
    (
        &inconsistent_instruction_casing::INCONSISTENT_INSTRUCTION_CASING,
        RulePass::File(inconsistent_instruction_casing::inconsistent_instruction_casing),
    ),
    (
        &duplicate_stage_name::DUPLICATE_STAGE_NAME,
        RulePass::File(duplicate_stage_name::duplicate_stage_name),
    ),
    (
        &reserved_stage_name::RESERVED_STAGE_NAME,
        RulePass::File(reserved_stage_name::reserved_stage_name),
    ),
    (
        &maintainer_deprecated::MAINTAINER_DEPRECATED,
        RulePass::Instruction(
            &[Keyword::Maintainer],
            maintainer_deprecated::maintainer_deprecated,
        ),
    ),
    (
        &undefined_arg_in_from::UNDEFINED_ARG_IN_FROM,
        RulePass::Instruction(
            &[Keyword::From],
            undefined_arg_in_from::undefined_arg_in_from,
        ),
    ),
    (
        &relative_workdir::RELATIVE_WORKDIR,
        RulePass::Instruction(&[Keyword::Workdir], relative_workdir::relative_workdir),
    ),
    (
        &undefined_variable::UNDEFINED_VARIABLE,
        RulePass::Instruction(
            undefined_variable::EXPANDED,
            undefined_variable::undefined_variable,
        ),
    ),
    (
        &multiple_cmd::MULTIPLE_CMD,
        RulePass::File(multiple_cmd::multiple_cmd),
    ),
    (
        &multiple_entrypoint::MULTIPLE_ENTRYPOINT,
        RulePass::File(multiple_entrypoint::multiple_entrypoint),
    ),
    (
        &multiple_healthcheck::MULTIPLE_HEALTHCHECK,
        RulePass::File(multiple_healthcheck::multiple_healthcheck),
    ),
    (
        &legacy_key_value_format::LEGACY_KEY_VALUE_FORMAT,
        RulePass::Instruction(
            &[Keyword::Env, Keyword::Label],
            legacy_key_value_format::legacy_key_value_format,
        ),
    ),
    (
        &redundant_target_platform::REDUNDANT_TARGET_PLATFORM,
        RulePass::Instruction(
            &[Keyword::From],
            redundant_target_platform::redundant_target_platform,
        ),
    ),
    (
        &secret_in_arg_or_env::SECRET_IN_ARG_OR_ENV,
        RulePass::Instruction(
            &[Keyword::Arg, Keyword::Env],
            secret_in_arg_or_env::secret_in_arg_or_env,
        ),
    ),
    (
        &invalid_default_arg_in_from::INVALID_DEFAULT_ARG_IN_FROM,
        RulePass::File(invalid_default_arg_in_from::invalid_default_arg_in_from),
    ),
    (
        &constant_platform_flag::CONSTANT_PLATFORM_FLAG,
        RulePass::Instruction(
            &[Keyword::From],
            constant_platform_flag::constant_platform_flag,
        ),
    ),
    (
        &invalid_definition_description::INVALID_DEFINITION_DESCRIPTION,
        RulePass::Instruction(
            &[Keyword::From, Keyword::Arg],
            invalid_definition_description::invalid_definition_description,
        ),
    ),
    (
        &expose_protocol_casing::EXPOSE_PROTOCOL_CASING,
        RulePass::Instruction(
            &[Keyword::Expose],
            expose_protocol_casing::expose_protocol_casing,
        ),
    ),
    (
        &expose_invalid_format::EXPOSE_INVALID_FORMAT,
        RulePass::Instruction(
            &[Keyword::Expose],
            expose_invalid_format::expose_invalid_format,
        ),
    ),
    // catB: hadolint parity part B (HS250-HS299)
    (
        &zypper_without_non_interactive::ZYPPER_WITHOUT_NON_INTERACTIVE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            zypper_without_non_interactive::zypper_without_non_interactive,
        ),
    ),
    (
        &zypper_dist_upgrade::ZYPPER_DIST_UPGRADE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            zypper_dist_upgrade::zypper_dist_upgrade,
        ),
    ),
    (
        &zypper_cache_not_cleaned::ZYPPER_CACHE_NOT_CLEANED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            zypper_cache_not_cleaned::zypper_cache_not_cleaned,
        ),
    ),
    (
        &zypper_unpinned_package::ZYPPER_UNPINNED_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            zypper_unpinned_package::zypper_unpinned_package,
        ),
    ),
    (
        &dnf_without_assume_yes::DNF_WITHOUT_ASSUME_YES,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            dnf_without_assume_yes::dnf_without_assume_yes,
        ),
    ),
    (
        &dnf_cache_not_cleaned::DNF_CACHE_NOT_CLEANED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            dnf_cache_not_cleaned::dnf_cache_not_cleaned,
        ),
    ),
    (
        &dnf_unpinned_package::DNF_UNPINNED_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            dnf_unpinned_package::dnf_unpinned_package,
        ),
    ),
    (
        &pip_cache_not_disabled::PIP_CACHE_NOT_DISABLED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            pip_cache_not_disabled::pip_cache_not_disabled,
        ),
    ),
    (
        &onbuild_forbidden_trigger::ONBUILD_FORBIDDEN_TRIGGER,
        RulePass::Instruction(
            &[Keyword::Onbuild],
            onbuild_forbidden_trigger::onbuild_forbidden_trigger,
        ),
    ),
    (
        &env_refers_to_same_instruction::ENV_REFERS_TO_SAME_INSTRUCTION,
        RulePass::Instruction(
            &[Keyword::Env],
            env_refers_to_same_instruction::env_refers_to_same_instruction,
        ),
    ),
    (
        &copy_relative_destination_without_workdir::COPY_RELATIVE_DESTINATION_WITHOUT_WORKDIR,
        RulePass::Instruction(
            &[Keyword::Copy],
            copy_relative_destination_without_workdir::copy_relative_destination_without_workdir,
        ),
    ),
    (
        &useradd_without_no_log_init::USERADD_WITHOUT_NO_LOG_INIT,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            useradd_without_no_log_init::useradd_without_no_log_init,
        ),
    ),
    (
        &wget_without_progress_setting::WGET_WITHOUT_PROGRESS_SETTING,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            wget_without_progress_setting::wget_without_progress_setting,
        ),
    ),
    (
        &invalid_label_key::INVALID_LABEL_KEY,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            invalid_label_key::invalid_label_key,
        ),
    ),
    (
        &missing_schema_label::MISSING_SCHEMA_LABEL,
        RulePass::File(missing_schema_label::missing_schema_label),
    ),
    (
        &label_not_in_schema::LABEL_NOT_IN_SCHEMA,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_in_schema::label_not_in_schema,
        ),
    ),
    (
        &empty_schema_label::EMPTY_SCHEMA_LABEL,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            empty_schema_label::empty_schema_label,
        ),
    ),
    (
        &label_not_url::LABEL_NOT_URL,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_url::label_not_url,
        ),
    ),
    (
        &label_not_rfc3339::LABEL_NOT_RFC3339,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_rfc3339::label_not_rfc3339,
        ),
    ),
    (
        &label_not_spdx::LABEL_NOT_SPDX,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_spdx::label_not_spdx,
        ),
    ),
    (
        &label_not_git_hash::LABEL_NOT_GIT_HASH,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_git_hash::label_not_git_hash,
        ),
    ),
    (
        &label_not_semver::LABEL_NOT_SEMVER,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_semver::label_not_semver,
        ),
    ),
    (
        &missing_healthcheck::MISSING_HEALTHCHECK,
        RulePass::File(missing_healthcheck::missing_healthcheck),
    ),
    (
        &label_not_email::LABEL_NOT_EMAIL,
        RulePass::Instruction(
            &[Keyword::Label, Keyword::Onbuild],
            label_not_email::label_not_email,
        ),
    ),
    (
        &consecutive_run_instructions::CONSECUTIVE_RUN_INSTRUCTIONS,
        RulePass::Instruction(
            &[Keyword::Run],
            consecutive_run_instructions::consecutive_run_instructions,
        ),
    ),
    (
        &yarn_cache_not_cleaned::YARN_CACHE_NOT_CLEANED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            yarn_cache_not_cleaned::yarn_cache_not_cleaned,
        ),
    ),
    (
        &instruction_before_from::INSTRUCTION_BEFORE_FROM,
        RulePass::File(instruction_before_from::instruction_before_from),
    ),
    (
        &unpinned_go_module::UNPINNED_GO_MODULE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_go_module::unpinned_go_module,
        ),
    ),
    (
        &secret_name_in_arg_or_env::SECRET_NAME_IN_ARG_OR_ENV,
        RulePass::Instruction(
            &[Keyword::Arg, Keyword::Env, Keyword::Onbuild],
            secret_name_in_arg_or_env::secret_name_in_arg_or_env,
        ),
    ),
    (
        &non_numeric_user::NON_NUMERIC_USER,
        RulePass::Instruction(&[Keyword::User], non_numeric_user::non_numeric_user),
    ),
    (
        &copy_whole_filesystem::COPY_WHOLE_FILESYSTEM,
        RulePass::Instruction(
            &[Keyword::Copy],
            copy_whole_filesystem::copy_whole_filesystem,
        ),
    ),
    (
        &curl_and_wget::CURL_AND_WGET,
        RulePass::File(curl_and_wget::curl_and_wget),
    ),
    (
        &relink_bin_sh::RELINK_BIN_SH,
        RulePass::Instruction(shell_facts::RUN_KEYWORDS, relink_bin_sh::relink_bin_sh),
    ),
    (
        &pipe_without_pipefail::PIPE_WITHOUT_PIPEFAIL,
        RulePass::Instruction(
            &[Keyword::Run],
            pipe_without_pipefail::pipe_without_pipefail,
        ),
    ),
    // catB end
    (
        &inline_ignore_pragma::INLINE_IGNORE_PRAGMA,
        RulePass::File(inline_ignore_pragma::inline_ignore_pragma),
    ),
    (
        &pointless_command_in_run::POINTLESS_COMMAND_IN_RUN,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            pointless_command_in_run::pointless_command_in_run,
        ),
    ),
    (
        &cd_in_run::CD_IN_RUN,
        RulePass::Instruction(&[Keyword::Run], cd_in_run::cd_in_run),
    ),
    (
        &sudo_in_run::SUDO_IN_RUN,
        RulePass::Instruction(shell_facts::RUN_KEYWORDS, sudo_in_run::sudo_in_run),
    ),
    (
        &unpinned_apt_package::UNPINNED_APT_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_apt_package::unpinned_apt_package,
        ),
    ),
    (
        &apt_lists_not_removed::APT_LISTS_NOT_REMOVED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            apt_lists_not_removed::apt_lists_not_removed,
        ),
    ),
    (
        &apt_get_install_without_yes::APT_GET_INSTALL_WITHOUT_YES,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            apt_get_install_without_yes::apt_get_install_without_yes,
        ),
    ),
    (
        &apt_get_install_recommends::APT_GET_INSTALL_RECOMMENDS,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            apt_get_install_recommends::apt_get_install_recommends,
        ),
    ),
    (
        &apt_in_run::APT_IN_RUN,
        RulePass::Instruction(shell_facts::RUN_KEYWORDS, apt_in_run::apt_in_run),
    ),
    (
        &unpinned_pip_package::UNPINNED_PIP_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_pip_package::unpinned_pip_package,
        ),
    ),
    (
        &unpinned_npm_package::UNPINNED_NPM_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_npm_package::unpinned_npm_package,
        ),
    ),
    (
        &unpinned_apk_package::UNPINNED_APK_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_apk_package::unpinned_apk_package,
        ),
    ),
    (
        &apk_add_without_no_cache::APK_ADD_WITHOUT_NO_CACHE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            apk_add_without_no_cache::apk_add_without_no_cache,
        ),
    ),
    (
        &unpinned_gem::UNPINNED_GEM,
        RulePass::Instruction(shell_facts::RUN_KEYWORDS, unpinned_gem::unpinned_gem),
    ),
    (
        &yum_install_without_yes::YUM_INSTALL_WITHOUT_YES,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            yum_install_without_yes::yum_install_without_yes,
        ),
    ),
    (
        &yum_cache_not_cleaned::YUM_CACHE_NOT_CLEANED,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            yum_cache_not_cleaned::yum_cache_not_cleaned,
        ),
    ),
    (
        &unpinned_yum_package::UNPINNED_YUM_PACKAGE,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            unpinned_yum_package::unpinned_yum_package,
        ),
    ),
    (
        &expose_port_out_of_range::EXPOSE_PORT_OUT_OF_RANGE,
        RulePass::Instruction(
            &[Keyword::Expose],
            expose_port_out_of_range::expose_port_out_of_range,
        ),
    ),
    (
        &add_instead_of_copy::ADD_INSTEAD_OF_COPY,
        RulePass::Instruction(&[Keyword::Add], add_instead_of_copy::add_instead_of_copy),
    ),
    (
        &copy_multiple_sources_to_file::COPY_MULTIPLE_SOURCES_TO_FILE,
        RulePass::Instruction(
            &[Keyword::Copy],
            copy_multiple_sources_to_file::copy_multiple_sources_to_file,
        ),
    ),
    (
        &copy_from_unknown_stage::COPY_FROM_UNKNOWN_STAGE,
        RulePass::Instruction(
            &[Keyword::Copy],
            copy_from_unknown_stage::copy_from_unknown_stage,
        ),
    ),
    (
        &copy_from_own_stage::COPY_FROM_OWN_STAGE,
        RulePass::Instruction(&[Keyword::Copy], copy_from_own_stage::copy_from_own_stage),
    ),
    (
        &from_platform_flag::FROM_PLATFORM_FLAG,
        RulePass::Instruction(&[Keyword::From], from_platform_flag::from_platform_flag),
    ),
    (
        &untrusted_registry::UNTRUSTED_REGISTRY,
        RulePass::File(untrusted_registry::untrusted_registry),
    ),
    (
        &copy_archive_then_extract::COPY_ARCHIVE_THEN_EXTRACT,
        RulePass::File(copy_archive_then_extract::copy_archive_then_extract),
    ),
    // catD: practice rules (HS400-HS499)
    (
        &privileged_port_as_non_root::PRIVILEGED_PORT_AS_NON_ROOT,
        RulePass::File(privileged_port_as_non_root::privileged_port_as_non_root),
    ),
    (
        &chown_after_copy::CHOWN_AFTER_COPY,
        RulePass::File(chown_after_copy::chown_after_copy),
    ),
    (
        &root_owned_workdir_for_non_root::ROOT_OWNED_WORKDIR_FOR_NON_ROOT,
        RulePass::File(root_owned_workdir_for_non_root::root_owned_workdir_for_non_root),
    ),
    (
        &source_copied_before_dependency_install::SOURCE_COPIED_BEFORE_DEPENDENCY_INSTALL,
        RulePass::File(
            source_copied_before_dependency_install::source_copied_before_dependency_install,
        ),
    ),
    (
        &toolchain_in_final_image::TOOLCHAIN_IN_FINAL_IMAGE,
        RulePass::File(toolchain_in_final_image::toolchain_in_final_image),
    ),
    (
        &heavy_base_image::HEAVY_BASE_IMAGE,
        RulePass::File(heavy_base_image::heavy_base_image),
    ),
    (
        &package_install_bloat::PACKAGE_INSTALL_BLOAT,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            package_install_bloat::package_install_bloat,
        ),
    ),
    (
        &service_without_healthcheck::SERVICE_WITHOUT_HEALTHCHECK,
        RulePass::File(service_without_healthcheck::service_without_healthcheck),
    ),
    (
        &healthcheck_tool_missing::HEALTHCHECK_TOOL_MISSING,
        RulePass::File(healthcheck_tool_missing::healthcheck_tool_missing),
    ),
    (
        &shell_wrapper_without_exec::SHELL_WRAPPER_WITHOUT_EXEC,
        RulePass::Instruction(
            &[Keyword::Cmd, Keyword::Entrypoint],
            shell_wrapper_without_exec::shell_wrapper_without_exec,
        ),
    ),
    (
        &multiple_processes::MULTIPLE_PROCESSES,
        RulePass::File(multiple_processes::multiple_processes),
    ),
    (
        &ssh_server_in_image::SSH_SERVER_IN_IMAGE,
        RulePass::File(ssh_server_in_image::ssh_server_in_image),
    ),
    (
        &log_to_file::LOG_TO_FILE,
        RulePass::File(log_to_file::log_to_file),
    ),
    (
        &credential_in_dockerfile::CREDENTIAL_IN_DOCKERFILE,
        RulePass::Instruction(
            &[
                Keyword::Arg,
                Keyword::Env,
                Keyword::Label,
                Keyword::Run,
                Keyword::Onbuild,
            ],
            credential_in_dockerfile::credential_in_dockerfile,
        ),
    ),
    (
        &secret_file_copied::SECRET_FILE_COPIED,
        RulePass::Instruction(
            &[Keyword::Copy, Keyword::Add],
            secret_file_copied::secret_file_copied,
        ),
    ),
    (
        &secret_removed_in_later_layer::SECRET_REMOVED_IN_LATER_LAYER,
        RulePass::Instruction(
            &[Keyword::Copy, Keyword::Add],
            secret_removed_in_later_layer::secret_removed_in_later_layer,
        ),
    ),
    (
        &credential_in_run::CREDENTIAL_IN_RUN,
        RulePass::Instruction(
            shell_facts::RUN_KEYWORDS,
            credential_in_run::credential_in_run,
        ),
    ),
    // catD rules end
];
