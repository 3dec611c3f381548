//! Rules over the image config and history.

use hullscan_diagnostics::Diagnostic;
use hullscan_image::model::Image;

mod config_secrets;
mod latest_or_untagged_reference;
mod missing_healthcheck;
mod privileged_port_non_root;
mod runs_as_root;
mod secret_in_config;
mod secret_in_history;
mod shell_form_command;

pub use latest_or_untagged_reference::LATEST_OR_UNTAGGED_REFERENCE;
pub use missing_healthcheck::MISSING_HEALTHCHECK;
pub use privileged_port_non_root::PRIVILEGED_PORT_NON_ROOT;
pub use runs_as_root::RUNS_AS_ROOT;
pub use secret_in_config::SECRET_IN_CONFIG;
pub use secret_in_history::SECRET_IN_HISTORY;
pub use shell_form_command::SHELL_FORM_COMMAND;

/// The config rules, in the order their findings are reported.
pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    runs_as_root::check(image, out);
    missing_healthcheck::check(image, out);
    shell_form_command::check(image, out);
    secret_in_config::check(image, out);
    secret_in_history::check(image, out);
    privileged_port_non_root::check(image, out);
    latest_or_untagged_reference::check(image, out);
}
