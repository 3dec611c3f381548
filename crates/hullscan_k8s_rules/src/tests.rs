use super::*;

fn run(text: &str) -> Vec<Diagnostic> {
    let stream = hullscan_yaml::parse(text).unwrap();
    check(&stream, &Options::default(), &|_| true).diagnostics
}

#[test]
fn codes_are_unique_and_in_order() {
    let codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(codes, sorted);
    for rule in ALL {
        assert!(
            rule.docs_text().contains("## What it does"),
            "{}",
            rule.code
        );
    }
}

#[test]
fn every_finding_has_a_range_in_the_text() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: nginx\n";
    let found = run(text);
    assert!(found.len() > 5);
    for d in &found {
        let r = d.range().expect("text range");
        assert!(r.end().to_usize() <= text.len());
    }
}

#[test]
fn annotation_ignores_are_read_with_name_ranges() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  annotations:\n    hullscan.dev/ignore: HS801, missing-readiness-probe\nspec: {}\n";
    let stream = hullscan_yaml::parse(text).unwrap();
    let ignores = object_ignores(&stream);
    assert_eq!(ignores.len(), 1);
    let names: Vec<&str> = ignores[0].names.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["HS801", "missing-readiness-probe"]);
    let r = ignores[0].names[1].1;
    assert_eq!(&text[r.to_range()], "missing-readiness-probe");
}
