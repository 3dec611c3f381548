//! The rule behind every vulnerability finding.

hullscan_diagnostics::declare_rule! {
    /// ## What it does
    /// Reports an installed package that a known vulnerability affects: an OSV advisory
    /// (GHSA, PYSEC, GO, RUSTSEC, a distribution's own records) whose affected ranges or
    /// versions contain the installed version. OS packages are matched by their source package
    /// and version within the image's own release only (`Debian:12`), language packages by
    /// their ecosystem and name. The message gives the advisory id and aliases, the installed
    /// and fixed version ("no fix yet" when there is none), the severity and whose it is, and
    /// the advisory's summary; the location is the layer and file that put the package there
    /// (with `--dockerfile`, the instruction that did).
    ///
    /// Found by `hullscan vulns` and by `hullscan image` when a vulnerability database is
    /// present (`hullscan db update`); `--no-vulns` skips it.
    ///
    /// ## Why is this bad?
    /// An image keeps the package versions it was built with. Docker's guidance is to rebuild
    /// images often and scan them, because an image that was clean last week can have a
    /// critical vulnerability today.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.11-slim
    /// RUN pip install requests==2.19.1
    /// ```
    /// reports `PYSEC-2018-28 (CVE-2018-18074, GHSA-x84v-xcm2-53pg) in requests 2.19.1: HIGH,
    /// fixed in 2.20.0`.
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.11-slim
    /// RUN pip install requests==2.32.3
    /// ```
    ///
    /// ## Fix
    /// Upgrade the package to the fixed version (rebuild on a patched base image, or pin the
    /// fixed version of the language package). When a vulnerability does not apply, record why:
    /// an ignore file entry with a reason and an expiry date, or an OpenVEX `not_affected`
    /// statement (`--vex`); see docs/vulnerabilities.md.
    pub static VULNERABLE_PACKAGE = {
        code: "HS950",
        name: "vulnerable-package",
        aliases: [],
        severity: Warning,
        category: Security,
        fix: None,
        summary: "An installed package has a known vulnerability",
    };
}
