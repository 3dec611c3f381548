//! One file per rule. [`run`] calls every rule's check; each returns early when disabled.

pub mod capabilities_not_dropped;
pub mod capability_added;
pub mod docker_socket_mounted;
pub mod dockerfile_healthcheck_without_probe;
pub mod dockerfile_user_overridden_to_root;
pub mod grace_period_shorter_than_pre_stop;
pub mod host_path_volume;
pub mod identical_probes;
pub mod literal_secret_in_env;
pub mod missing_cpu_limit;
pub mod missing_liveness_probe;
pub mod missing_memory_limit;
pub mod missing_readiness_probe;
pub mod missing_resource_requests;
pub mod missing_run_as_non_root;
pub mod privilege_escalation_allowed;
pub mod privileged_container;
pub mod privileged_port_as_non_root;
pub mod probe_port_not_exposed;
pub mod run_as_root_user;
pub mod stale_image_pull_policy;
pub mod unpinned_image;
pub mod writable_root_filesystem;
pub mod yaml_syntax_error;

use crate::Checker;

pub(crate) fn run(checker: &mut Checker<'_>) {
    missing_liveness_probe::check(checker);
    missing_readiness_probe::check(checker);
    identical_probes::check(checker);
    missing_run_as_non_root::check(checker);
    run_as_root_user::check(checker);
    privilege_escalation_allowed::check(checker);
    privileged_container::check(checker);
    capabilities_not_dropped::check(checker);
    capability_added::check(checker);
    writable_root_filesystem::check(checker);
    host_path_volume::check(checker);
    docker_socket_mounted::check(checker);
    grace_period_shorter_than_pre_stop::check(checker);
    unpinned_image::check(checker);
    stale_image_pull_policy::check(checker);
    literal_secret_in_env::check(checker);
    missing_resource_requests::check(checker);
    missing_memory_limit::check(checker);
    missing_cpu_limit::check(checker);
    privileged_port_as_non_root::check(checker);
    dockerfile_healthcheck_without_probe::check(checker);
    dockerfile_user_overridden_to_root::check(checker);
    probe_port_not_exposed::check(checker);
}
