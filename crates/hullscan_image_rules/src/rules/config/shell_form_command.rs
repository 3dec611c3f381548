//! HS603: the image starts its process through `sh -c`.

use hullscan_diagnostics::{Diagnostic, declare_rule};
use hullscan_image::model::Image;

use crate::{config_location, shorten};

declare_rule! {
    /// ## What it does
    /// Flags an `Entrypoint` (or a `Cmd` without an `Entrypoint`) in shell form, i.e.
    /// `["/bin/sh", "-c", "…"]`, unless the command starts with `exec`.
    ///
    /// ## Why is this bad?
    /// The shell becomes PID 1 and does not forward `SIGTERM`, so `docker stop` waits for
    /// the timeout and then kills the application without a clean shutdown.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD python app.py
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// CMD ["python", "app.py"]
    /// ```
    pub static SHELL_FORM_COMMAND = {
        code: "HS603",
        name: "image-shell-form-command",
        aliases: ["JSONArgsRecommended"],
        severity: Warning,
        category: BestPractice,
        fix: None,
        summary: "Image starts its process through a shell",
    };
}

pub(super) fn check(image: &Image, out: &mut Vec<Diagnostic>) {
    let config = image.container_config();
    let entrypoint = config.entrypoint.unwrap_or_default();
    let cmd = config.cmd.unwrap_or_default();
    let (field, pointer, argv) = if entrypoint.is_empty() {
        ("Cmd", "/config/Cmd", cmd)
    } else {
        ("Entrypoint", "/config/Entrypoint", entrypoint)
    };
    if let Some(script) = shell_form_script(&argv) {
        out.push(
            Diagnostic::new(
                &SHELL_FORM_COMMAND,
                format!("{field} runs `{}` through `{} -c`, so the shell is PID 1 and does not forward signals", shorten(&script, 60), argv[0]),
                config_location(image, pointer),
            )
            .with_help(format!("use the exec form: {field} [\"executable\", \"arg\"] (or start the script with `exec`)")),
        );
    }
}

/// The script of `["/bin/sh", "-c", "script"]` (any common shell), unless it starts with `exec`.
fn shell_form_script(argv: &[String]) -> Option<String> {
    let [shell, flag, script] = argv else {
        return None;
    };
    let shell_name = shell.rsplit('/').next().unwrap_or(shell);
    let is_shell = matches!(shell_name, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh");
    (is_shell && flag == "-c" && !script.trim_start().starts_with("exec ")).then(|| script.clone())
}
