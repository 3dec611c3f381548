//! OpenVEX input (openvex.dev, spec v0.2.0, and v0.0.x's plain-string forms): statements that a
//! product is `not_affected` by a vulnerability, or has it `fixed`, suppress the matching
//! findings and the output shows the statement's status and justification. `affected` and
//! `under_investigation` statements suppress nothing. For one vulnerability and package the last
//! matching statement wins (documents in the order given, statements in document order).
//!
//! A statement's products name what it is about:
//! - a package URL of a package type (`pkg:deb/debian/glibc`, `pkg:pypi/requests@2.19.1`)
//!   applies to that package (its version, when given, must be the installed one; an OS
//!   package's source or binary name both match);
//! - anything else (the image: `pkg:oci/...`, `pkg:docker/...`, a name or digest) applies to the
//!   whole subject, unless it lists `subcomponents`, which then name the packages;
//! - no products at all applies to everything.

use serde_json::Value;

use crate::VulnFinding;
use crate::percent::decode;

/// One statement, reduced to what matching needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The document it came from (its file name), for the output.
    pub document: String,
    /// The vulnerability's name and aliases.
    pub vulnerabilities: Vec<String>,
    /// Package URLs or image references; empty: everything.
    pub products: Vec<Product>,
    pub status: String,
    pub justification: Option<String>,
    pub impact_statement: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Product {
    pub id: String,
    pub subcomponents: Vec<String>,
}

const STATUSES: &[&str] = &["not_affected", "affected", "fixed", "under_investigation"];

fn string(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A product or subcomponent: a string (v0.0.x) or an object with `@id` and/or
/// `identifiers.purl`.
fn component_ids(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.trim().to_owned()],
        Value::Object(map) => {
            let mut ids = Vec::new();
            ids.extend(string(map.get("@id")));
            ids.extend(string(map.get("identifiers").and_then(|i| i.get("purl"))));
            ids
        }
        _ => Vec::new(),
    }
}

fn subcomponents(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .map(|list| list.iter().flat_map(component_ids).collect())
        .unwrap_or_default()
}

/// Reads an OpenVEX document; `name` is used in errors and in the output.
pub fn parse(name: &str, text: &str) -> Result<Vec<Statement>, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| format!("{name}: not JSON: {e}"))?;
    let context = doc.get("@context").and_then(Value::as_str).unwrap_or("");
    if !context.contains("openvex") {
        return Err(format!(
            "{name}: not an OpenVEX document (its @context is not https://openvex.dev/ns/...)"
        ));
    }
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{name}: no `statements` array"))?;
    let mut out = Vec::with_capacity(statements.len());
    for (index, statement) in statements.iter().enumerate() {
        let at = || format!("{name}: statement {}", index + 1);
        let vulnerability = statement.get("vulnerability");
        let mut vulnerabilities: Vec<String> = match vulnerability {
            Some(Value::String(s)) => vec![s.trim().to_owned()],
            Some(Value::Object(map)) => {
                let mut names: Vec<String> = string(map.get("name")).into_iter().collect();
                names.extend(string(map.get("@id")).filter(|id| !id.contains("://")));
                if let Some(aliases) = map.get("aliases").and_then(Value::as_array) {
                    names.extend(aliases.iter().filter_map(|a| string(Some(a))));
                }
                names
            }
            _ => Vec::new(),
        };
        vulnerabilities.retain(|v| !v.is_empty());
        if vulnerabilities.is_empty() {
            return Err(format!("{}: no vulnerability name", at()));
        }
        let status =
            string(statement.get("status")).ok_or_else(|| format!("{}: no status", at()))?;
        if !STATUSES.contains(&status.as_str()) {
            return Err(format!(
                "{}: unknown status `{status}` (expected one of {})",
                at(),
                STATUSES.join(", ")
            ));
        }
        // v0.0.x puts subcomponents beside the products, for all of them.
        let shared_subcomponents = subcomponents(statement.get("subcomponents"));
        let products = statement
            .get("products")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .flat_map(|product| {
                        let mut own = subcomponents(product.get("subcomponents"));
                        own.extend(shared_subcomponents.iter().cloned());
                        component_ids(product).into_iter().map(move |id| Product {
                            id,
                            subcomponents: own.clone(),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Statement {
            document: name.to_owned(),
            vulnerabilities,
            products,
            status,
            justification: string(statement.get("justification")),
            impact_statement: string(statement.get("impact_statement")),
        });
    }
    Ok(out)
}

/// `pkg:TYPE/NAMESPACE/NAME@VERSION?...`, split and percent-decoded; `None` when not a purl.
fn split_purl(purl: &str) -> Option<(String, String, String, Option<String>)> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (path, version) = match rest.rsplit_once('@') {
        Some((path, version)) if !path.ends_with('/') && !path.is_empty() => {
            (path, Some(decode(version)))
        }
        _ => (rest, None),
    };
    let (kind, path) = path.split_once('/')?;
    let (namespace, name) = path.rsplit_once('/').unwrap_or(("", path));
    Some((
        kind.to_ascii_lowercase(),
        decode(namespace),
        decode(name),
        version,
    ))
}

/// Package URL types that name a package (anything else names the subject as a whole).
fn is_package_type(kind: &str) -> bool {
    !matches!(kind, "oci" | "docker")
}

/// Whether the package URL `id` names the package of `finding`.
fn names_package(id: &str, finding: &VulnFinding) -> bool {
    let Some((kind, namespace, name, version)) = split_purl(id) else {
        return false;
    };
    let Some((own_kind, own_namespace, own_name, own_version)) = split_purl(&finding.purl) else {
        return false;
    };
    if kind != own_kind
        || (!namespace.is_empty() && !namespace.eq_ignore_ascii_case(&own_namespace))
    {
        return false;
    }
    let binary_names = finding.binaries.iter().filter_map(|b| b.split_once(' '));
    let name_matches = name.eq_ignore_ascii_case(&own_name)
        || name.eq_ignore_ascii_case(&finding.package)
        || binary_names
            .clone()
            .any(|(n, _)| n.eq_ignore_ascii_case(&name));
    let version_matches = version.as_deref().is_none_or(|v| {
        v == finding.installed
            || own_version.as_deref() == Some(v)
            || binary_names.clone().any(|(_, bv)| bv == v)
    });
    name_matches && version_matches
}

fn applies(statement: &Statement, finding: &VulnFinding) -> bool {
    if !statement
        .vulnerabilities
        .iter()
        .any(|v| finding.is_named(v))
    {
        return false;
    }
    if statement.products.is_empty() {
        return true;
    }
    statement.products.iter().any(|product| {
        if !product.subcomponents.is_empty() {
            return product
                .subcomponents
                .iter()
                .any(|sub| names_package(sub, finding));
        }
        match split_purl(&product.id) {
            Some((kind, ..)) if is_package_type(&kind) => names_package(&product.id, finding),
            // The image (or any non-package name): the whole subject.
            _ => true,
        }
    })
}

/// The statement that suppresses `finding`, if the last one that applies to it says
/// `not_affected` or `fixed`.
pub fn suppressing<'s>(
    statements: &'s [Statement],
    finding: &VulnFinding,
) -> Option<&'s Statement> {
    let last = statements.iter().rev().find(|s| applies(s, finding))?;
    matches!(last.status.as_str(), "not_affected" | "fixed").then_some(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding() -> VulnFinding {
        VulnFinding {
            id: "PYSEC-2018-28".into(),
            aliases: vec!["CVE-2018-18074".into()],
            ecosystem: "PyPI".into(),
            package: "requests".into(),
            installed: "2.19.1".into(),
            fixed: Some("2.20.0".into()),
            severity: None,
            summary: String::new(),
            informational: None,
            binaries: vec![],
            purl: "pkg:pypi/requests@2.19.1".into(),
            layer: None,
            evidence: vec![],
        }
    }

    fn doc(statements: &str) -> String {
        format!(
            "{{\"@context\": \"https://openvex.dev/ns/v0.2.0\", \"statements\": [{statements}]}}"
        )
    }

    #[test]
    fn not_affected_by_alias_and_purl() {
        let text = doc(
            r#"{"vulnerability": {"name": "CVE-2018-18074"}, "products": [{"@id": "pkg:pypi/requests@2.19.1"}],
                "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}"#,
        );
        let statements = parse("v.json", &text).unwrap();
        let hit = suppressing(&statements, &finding()).unwrap();
        assert_eq!(
            hit.justification.as_deref(),
            Some("vulnerable_code_not_in_execute_path")
        );
    }

    #[test]
    fn other_version_product_or_affected_status_does_not_suppress() {
        let other = doc(
            r#"{"vulnerability": "CVE-2018-18074", "products": ["pkg:pypi/requests@2.20.0"], "status": "not_affected"}"#,
        );
        assert!(suppressing(&parse("v", &other).unwrap(), &finding()).is_none());
        let later_affected = doc(
            r#"{"vulnerability": "CVE-2018-18074", "status": "not_affected"},
               {"vulnerability": "CVE-2018-18074", "status": "affected"}"#,
        );
        assert!(suppressing(&parse("v", &later_affected).unwrap(), &finding()).is_none());
        let image = doc(
            r#"{"vulnerability": "PYSEC-2018-28", "products": [{"@id": "pkg:oci/app@sha256%3Aabc"}], "status": "fixed"}"#,
        );
        assert!(suppressing(&parse("v", &image).unwrap(), &finding()).is_some());
    }

    #[test]
    fn rejects_non_vex() {
        assert!(parse("v", "{}").unwrap_err().contains("not an OpenVEX"));
        assert!(
            parse("v", &doc(r#"{"vulnerability": "X", "status": "maybe"}"#))
                .unwrap_err()
                .contains("unknown status")
        );
    }
}
