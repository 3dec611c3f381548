use crate::Severity;

/// What kind of problem a rule finds; shown in `hullscan rules` and usable in selections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    /// The build fails or does something other than what was written.
    Correctness,
    /// Secrets, root, attack surface.
    Security,
    /// Probably a mistake.
    Suspicious,
    /// Docker's documented best practice.
    BestPractice,
    /// Image size and build-cache efficiency.
    Performance,
    /// Consistency and readability.
    Style,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Correctness => "correctness",
            Category::Security => "security",
            Category::Suspicious => "suspicious",
            Category::BestPractice => "best-practice",
            Category::Performance => "performance",
            Category::Style => "style",
        }
    }
}

/// Whether a rule's findings come with a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// A rule's static description. Rules declare one `static` each; the linter's registry lists
/// them, and [`crate::Diagnostic::new`] stamps findings with its code, name and aliases.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable short code, e.g. `HS001`. Never reused once released.
    pub code: &'static str,
    /// Kebab-case name for config and suppression comments, e.g. `untagged-base-image`.
    pub name: &'static str,
    /// Upstream names of the same check: hadolint `DLxxxx`, BuildKit check names, dockle
    /// `CIS-DI-xxxx`. Anything a user can write for the rule.
    pub aliases: &'static [&'static str],
    pub severity: Severity,
    pub category: Category,
    pub fix: FixAvailability,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The full docs (What it does / Why is this bad? / Example / Fix), taken from the rule's doc
    /// comment and printed by `hullscan explain`.
    pub docs: &'static str,
}
