//! The kinds of file the server lints. Each kind says which open documents it takes and how to
//! lint one; Compose and Kubernetes files plug in here as new variants once their checkers exist.

use std::path::Path;

use hullscan_diagnostics::FileReport;
use hullscan_workspace::Settings;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Dockerfile,
}

impl FileKind {
    /// The kind of a document from the editor's language id, else from its file name (editors
    /// without a Dockerfile mode call it `plaintext`).
    pub fn detect(language_id: &str, path: Option<&Path>) -> Option<FileKind> {
        match language_id.to_ascii_lowercase().as_str() {
            "dockerfile" | "containerfile" => return Some(FileKind::Dockerfile),
            _ => {}
        }
        let name = path?.file_name()?.to_string_lossy();
        hullscan_dockerfile::is_dockerfile_name(&name).then_some(FileKind::Dockerfile)
    }

    /// Lints `text` with the settings that apply at `path`, as `hullscan lint` would with the
    /// same configuration (the build-context rules and ShellCheck excepted: the first need the
    /// context on disk, the second a process per keystroke).
    pub fn lint(self, name: String, text: String, path: &Path, settings: &Settings) -> FileReport {
        match self {
            FileKind::Dockerfile => {
                hullscan_linter::lint_text(name, text, &settings.linter_for(path))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_language_then_name() {
        assert_eq!(
            FileKind::detect("dockerfile", None),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(
            FileKind::detect("plaintext", Some(Path::new("/x/Dockerfile.prod"))),
            Some(FileKind::Dockerfile)
        );
        assert_eq!(FileKind::detect("yaml", Some(Path::new("/x/a.yaml"))), None);
        assert_eq!(FileKind::detect("plaintext", None), None);
    }
}
