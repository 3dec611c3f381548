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

impl RuleMeta {
    /// The docs with the one leading space each `///` line carries removed.
    pub fn docs_text(&self) -> String {
        let mut text = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text.trim().to_owned() + "\n"
    }
}

/// Declares a rule's [`RuleMeta`] static, taking its docs from the doc comment above it.
///
/// ```
/// hullscan_diagnostics::declare_rule! {
///     /// ## What it does
///     /// Finds base images without a tag.
///     pub static UNTAGGED_BASE_IMAGE = {
///         code: "HS101",
///         name: "untagged-base-image",
///         aliases: ["DL3006"],
///         severity: Warning,
///         category: BestPractice,
///         fix: Sometimes,
///         summary: "Base image has no tag",
///     };
/// }
/// assert!(UNTAGGED_BASE_IMAGE.docs_text().starts_with("## What it does\nFinds"));
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            aliases: [$($alias:literal),* $(,)?],
            severity: $severity:ident,
            category: $category:ident,
            fix: $fix:ident,
            summary: $summary:literal $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        $vis static $ident: $crate::RuleMeta = $crate::RuleMeta {
            code: $code,
            name: $name,
            aliases: &[$($alias),*],
            severity: $crate::Severity::$severity,
            category: $crate::Category::$category,
            fix: $crate::FixAvailability::$fix,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
        };
    };
}
