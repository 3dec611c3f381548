//! HS103: the final stage never sets a user.

use hullscan_diagnostics::declare_rule;

use crate::checker::Checker;
use crate::rules::dockerfile::final_user::{self, FinalUser};
use crate::rules::dockerfile::practice_facts;

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
    /// ## References
    /// - [Docker best practices: USER](https://docs.docker.com/build/building/best-practices/#user)
    /// - hadolint issue #328 (the request this rule answers)
    pub static MISSING_USER = {
        code: "HS103",
        name: "missing-user",
        aliases: [],
        severity: Info,
        category: Security,
        fix: None,
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
        checker.report_at(
            &MISSING_USER,
            "The final stage never sets `USER`, so containers run as root",
            from,
            Some(&format!(
                "Add `USER <non-root user>` before `CMD`/`ENTRYPOINT` in the final stage. {}",
                practice_facts::create_user_help(practice_facts::final_distro(checker))
            )),
        );
    }
}
