//! Package-name rules: when two spellings name the same package, so an installed package and an
//! advisory meet under one name.

/// PEP 503's normalised form of a PyPI project name: lowercase, and every run of `-`, `_`, `.`
/// becomes one `-` (`Zope.Interface` and `zope_interface` are the same project).
pub fn pypi_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_separator = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pypi_names_fold_case_and_separator_runs() {
        assert_eq!(super::pypi_name("Jinja2"), "jinja2");
        assert_eq!(super::pypi_name("zope.interface"), "zope-interface");
        assert_eq!(super::pypi_name("A__b-.c"), "a-b-c");
    }
}
