//! HS103: the final stage never sets a user.

use hullscan_diagnostics::{Applicability, Diagnostic, Edit, Fix, Location, declare_rule};

use crate::checker::Checker;
use crate::rules::dockerfile::final_user::{self, FinalUser};
use crate::rules::dockerfile::practice_facts::{self, Distro, create_user_help, final_distro};

declare_rule! {
    /// ## What it does
    /// Finds Dockerfiles whose final stage (the image `docker build` produces by default) has
    /// no `USER` instruction, neither in the stage itself nor in an earlier stage it is built
    /// `FROM`. The finding points at the final stage's `FROM`.
    ///
    /// ## Why is this bad?
    /// Without `USER`, the container's process runs as `root` (uid 0) unless the base image
    /// sets another user. A process running as root turns any code-execution bug into root in
    /// the container, and together with a kernel or runtime bug, on the host.
    ///
    /// Images made for others to build on are left alone, as the Docker Official Images
    /// leave `USER` to the images built on them: a file that adds nothing to its base (a
    /// template fragment), a stage with `ONBUILD` triggers, and a runtime or toolchain image
    /// whose `CMD`/`ENTRYPOINT` is only a shell, a language runtime or an entrypoint wrapper
    /// (`FROM ubuntu` + a JRE + `ENTRYPOINT ["/entrypoint.sh"]`). So is an image that installs
    /// or runs `gosu`/`su-exec`/`setpriv`: its entrypoint starts as root to prepare volumes and
    /// then drops to a service user, which is the point of not setting `USER`.
    ///
    /// ## Known problems
    /// hullscan does not read the base image's configuration, so an image that already sets a
    /// non-root user (for example distroless `:nonroot` tags) is only recognised when its name
    /// or tag says `nonroot` or `rootless`. Suppress the finding for other such images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix safety
    /// The fix is unsafe: it adds, after the final stage's last build step and before its
    /// `CMD`/`ENTRYPOINT`, a system user `app` created with the tools of the base image's
    /// distribution (`addgroup`/`adduser` on Alpine, `groupadd`/`useradd` on Debian and RHEL)
    /// with the fixed UID and GID 10001, and `USER 10001:10001`; on distroless and `scratch`
    /// images, `USER 65532:65532`. The application
    /// then cannot write where only root may (EACCES), nor bind ports below 1024. No fix is
    /// offered when the distribution is unknown.
    ///
    /// ## References
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - hadolint issue #328 (the request this rule answers)
    pub static MISSING_USER = {
        code: "HS103",
        name: "missing-user",
        aliases: [],
        severity: Info,
        category: Security,
        fix: Sometimes,
        summary: "The final stage never sets `USER`, so the image runs as root",
    };
}

/// HS103
pub(crate) fn missing_user(checker: &mut Checker) {
    if let Some(FinalUser::Unset { from }) = final_user::final_user(checker) {
        let chain = practice_facts::final_chain(checker);
        if practice_facts::base_image_reason(checker, &chain).is_some()
            || practice_facts::steps_down_at_run_time(checker, &chain).is_some()
        {
            return;
        }
        let distro = final_distro(checker);
        let mut diagnostic = Diagnostic::new(
            &MISSING_USER,
            "The final stage never sets `USER`, so containers run as root",
            Location::Text(from),
        )
        .with_help(format!(
            "Add `USER <non-root user>` before `CMD`/`ENTRYPOINT` in the final stage. {}",
            create_user_help(distro)
        ));
        if let Some(fix) = non_root_user_fix(checker, distro) {
            diagnostic = diagnostic.with_fix(fix);
        }
        checker.report(diagnostic);
    }
}

/// Creating a user and switching to it after the final stage's last build step (so the steps
/// that install still run as root), before its runtime settings.
fn non_root_user_fix(checker: &Checker, distro: Distro) -> Option<Fix> {
    let lines: &[&str] = match distro {
        // A fixed numeric UID, so the platform can tell the user is not root without reading
        // /etc/passwd (see HS281).
        Distro::Alpine => &[
            "RUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app app",
            "USER 10001:10001",
        ],
        Distro::Debian | Distro::Rhel => &[
            "RUN groupadd -r -g 10001 app && useradd -r -u 10001 -g app --no-log-init app",
            "USER 10001:10001",
        ],
        // Distroless images ship uid 65532 (`nonroot`); scratch has no user database, so a
        // numeric user is the only kind it can have.
        Distro::Distroless | Distro::Scratch => &["USER 65532:65532"],
        Distro::Unknown => return None,
    };
    let at = practice_facts::after_last_build_step(checker)?;
    let content: String = lines.iter().map(|line| format!("\n{line}")).collect();
    Some(Fix::new(
        "Create a non-root user and switch to it",
        vec![Edit::insertion(content, at)],
        Applicability::Unsafe,
    ))
}
