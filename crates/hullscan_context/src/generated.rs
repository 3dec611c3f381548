//! Which `.dockerignore` patterns guard files that a checkout does not have yet but that
//! tools, builds and people create in it (env files, build output, caches, logs, editor
//! files, credentials). Such a pattern matching nothing today, or only files that a later
//! exception keeps, is not dead: it protects the next build.

use hullscan_ignore::go_filepath_match;

/// Names (one path component) that builds, tools and people routinely create in a working
/// tree.
const GENERATED_NAMES: &[&str] = &[
    // Version control and editors.
    ".git",
    ".hg",
    ".svn",
    ".idea",
    ".vscode",
    "project.iml",
    ".DS_Store",
    "Thumbs.db",
    "file.swp",
    "file~",
    ".history",
    // Dependencies and virtualenvs.
    "node_modules",
    "bower_components",
    ".pnpm-store",
    ".yarn",
    "vendor",
    ".venv",
    "venv",
    ".bundle",
    // Caches.
    "__pycache__",
    "module.pyc",
    "module.pyo",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    ".gradle",
    ".next",
    ".nuxt",
    ".svelte-kit",
    ".angular",
    ".turbo",
    ".parcel-cache",
    ".cache",
    ".eslintcache",
    ".terraform",
    ".serverless",
    ".sass-cache",
    // Build output.
    "dist",
    "build",
    "target",
    "out",
    "bin",
    "obj",
    "pkg.egg-info",
    ".eggs",
    "lib.o",
    "lib.so",
    "Main.class",
    "app.jar",
    "app.war",
    "tsconfig.tsbuildinfo",
    "site",
    "storybook-static",
    "public",
    // Test and coverage output.
    "coverage",
    ".coverage",
    "coverage.xml",
    "htmlcov",
    ".nyc_output",
    "junit.xml",
    // Logs and scratch files.
    "logs",
    "log",
    "app.log",
    "npm-debug.log",
    "yarn-error.log",
    "tmp",
    "temp",
    "file.tmp",
    "file.bak",
    // Environment and credential files.
    ".env",
    ".env.local",
    ".env.production",
    "secrets",
    "server.pem",
    "server.key",
    "id_rsa",
    ".npmrc",
    ".pypirc",
    ".aws",
    ".netrc",
    "terraform.tfstate",
    // The build's own files (listing them keeps `COPY . .` from copying them).
    "Dockerfile",
    ".dockerignore",
    "docker-compose.yml",
    "compose.yaml",
];

/// Whether `pattern` (cleaned, without `!`) names something a checkout typically gains
/// later: its last component that is not a bare wildcard (`*`, `**`) matches one of
/// [`GENERATED_NAMES`].
pub(crate) fn guards_generated(pattern: &str) -> bool {
    let Some(component) = pattern
        .split('/')
        .rev()
        .map(|c| c.trim_start_matches("**"))
        .find(|c| !c.is_empty() && c.chars().any(|ch| ch != '*'))
    else {
        return false;
    };
    GENERATED_NAMES
        .iter()
        .any(|name| go_filepath_match(component, name) == Ok(true))
}

/// Directories a project's own build or package install creates before `docker build` runs
/// (`npm run build` → `dist/`, `mvn package` → `target/`): absent from a clean checkout, but
/// present when the documented build runs.
const BUILD_OUTPUT_DIRS: &[&str] = &[
    "dist",
    "build",
    "target",
    "out",
    "bin",
    "obj",
    "publish",
    "node_modules",
    "vendor",
    ".next",
    ".nuxt",
    ".output",
];

/// Whether `path` (a cleaned context path) lies in, or is, a directory of
/// [`BUILD_OUTPUT_DIRS`].
pub(crate) fn is_build_output(path: &str) -> bool {
    path.split('/')
        .any(|component| BUILD_OUTPUT_DIRS.contains(&component))
}

#[cfg(test)]
mod tests {
    use super::{guards_generated, is_build_output};

    #[test]
    fn build_output_paths() {
        for path in [
            "build",
            "build/app.js",
            "target/app.jar",
            "web/dist/index.html",
        ] {
            assert!(is_build_output(path), "{path}");
        }
        for path in ["package.json", "src/build.rs", "builder/x", "distro"] {
            assert!(!is_build_output(path), "{path}");
        }
    }

    #[test]
    fn generated_paths_are_recognised_in_any_spelling() {
        for pattern in [
            ".env*",
            "**/.env",
            ".env.*",
            "*.pyc",
            "**/*.py[cod]",
            "**/__pycache__",
            "node_modules/*",
            "**/node_modules/**",
            "dist",
            "build/",
            "target",
            "*.log",
            "npm-debug.log*",
            "coverage",
            "*.egg-info",
            "**/*.pem",
        ] {
            assert!(guards_generated(pattern), "{pattern}");
        }
        for pattern in [
            "docs/*.md",
            "src/**/*.test.js",
            "README.md",
            "*",
            "**",
            "fixtures",
        ] {
            assert!(!guards_generated(pattern), "{pattern}");
        }
    }
}
