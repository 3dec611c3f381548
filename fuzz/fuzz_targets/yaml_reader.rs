//! The YAML reader never panics, hangs or blows up on arbitrary input (aliases, nesting,
//! broken flow collections), and every location it reports lies inside the text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match hullscan_yaml::parse(text) {
        Ok(stream) => {
            for document in &stream.documents {
                if let Some(root) = &document.root {
                    check(root, text.len());
                }
            }
            for comment in &stream.comments {
                assert!(comment.location.offset < text.len());
            }
        }
        Err(error) => assert!(error.location.offset <= text.len()),
    }
});

fn check(node: &hullscan_yaml::Node, len: usize) {
    assert!(node.span.start.offset <= len && node.span.end.offset <= len);
    assert!(node.span.start.line >= 1 && node.span.start.column >= 1);
    match &node.value {
        hullscan_yaml::Value::Scalar(..) => {}
        hullscan_yaml::Value::Sequence(items) => items.iter().for_each(|n| check(n, len)),
        hullscan_yaml::Value::Mapping(entries) => entries.iter().for_each(|e| {
            check(&e.key, len);
            check(&e.value, len);
        }),
    }
}
