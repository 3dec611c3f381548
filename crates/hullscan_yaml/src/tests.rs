use super::*;

fn one(text: &str) -> Node {
    let stream = parse(text).expect("parses");
    stream.documents[0].root.clone().expect("a root")
}

#[test]
fn locations_are_one_based_with_byte_offsets() {
    let root = one("a: 1\nbé: {c: \"x\"}\n");
    let b = root.get("bé").unwrap();
    assert_eq!(b.span.start.line, 2);
    assert_eq!(b.span.start.column, 5);
    // "a: 1\n" is 5 bytes, "bé: " is 5 bytes: the `{` is at byte 10.
    assert_eq!(b.span.start.offset, 10);
    let c = b.get("c").unwrap();
    assert_eq!(c.as_str(), Some("x"));
    assert_eq!(c.style(), Some(Style::DoubleQuoted));
    assert_eq!(c.span.start.column, 9);
}

#[test]
fn multi_document_streams_keep_each_document() {
    let stream = parse("a: 1\n---\nb: 2\n---\n").unwrap();
    assert_eq!(stream.documents.len(), 3);
    assert!(
        stream.documents[2].root.is_none(),
        "an empty document has no root"
    );
    assert_eq!(
        stream.documents[1]
            .root
            .as_ref()
            .unwrap()
            .get("b")
            .unwrap()
            .as_i64(),
        Some(2)
    );
    assert_eq!(stream.documents[1].start.line, 2);
}

#[test]
fn aliases_keep_the_anchor_site_and_the_use_site() {
    let root = one("base: &b\n  user: root\nsvc:\n  x: *b\n");
    let x = root.get("svc").unwrap().get("x").unwrap();
    assert_eq!(x.span.start.line, 1, "the anchor `&b`");
    assert_eq!(x.alias_site.unwrap().start.line, 4);
    assert_eq!(x.location().line, 4);
    assert_eq!(x.get("user").unwrap().as_str(), Some("root"));
}

#[test]
fn merge_keys_are_shallow_and_local_keys_win() {
    let root = one(
        "x-base: &base\n  privileged: true\n  volumes: [a]\nsvc:\n  <<: *base\n  volumes: [b]\n",
    );
    let svc = root.get("svc").unwrap();
    let privileged = svc.entry("privileged").unwrap();
    assert_eq!(privileged.value.as_bool(), Some(true));
    assert_eq!(privileged.value.span.start.line, 2, "anchor site");
    assert_eq!(privileged.merged_at.unwrap().start.line, 5, "use site");
    let volumes = svc.get("volumes").unwrap().items().unwrap();
    assert_eq!(volumes.len(), 1);
    assert_eq!(volumes[0].as_str(), Some("b"));
    assert!(svc.entry("<<").is_none());
}

#[test]
fn merge_of_a_list_lets_the_first_map_win() {
    let root = one("a: &a {k: 1}\nb: &b {k: 2, j: 3}\nc:\n  <<: [*a, *b]\n");
    let c = root.get("c").unwrap();
    assert_eq!(c.get("k").unwrap().as_i64(), Some(1));
    assert_eq!(c.get("j").unwrap().as_i64(), Some(3));
}

#[test]
fn merging_a_scalar_is_an_error_with_a_location() {
    let err = parse("a:\n  <<: 3\n").unwrap_err();
    assert_eq!(err.location.line, 2);
    assert!(err.message.contains("<<"));
}

#[test]
fn tags_stay_on_nodes() {
    let root = one("ports: !reset []\nimage: !override x\nn: !!str 5\n");
    assert_eq!(root.get("ports").unwrap().tag.as_deref(), Some("!reset"));
    assert_eq!(root.get("image").unwrap().tag.as_deref(), Some("!override"));
    assert_eq!(root.get("n").unwrap().tag.as_deref(), Some("!!str"));
}

#[test]
fn duplicate_keys_are_tolerated_with_a_note() {
    let stream = parse("a: 1\nb: 2\na: 3\n").unwrap();
    let root = stream.documents[0].root.as_ref().unwrap();
    assert_eq!(root.get("a").unwrap().as_i64(), Some(3));
    assert_eq!(stream.notes.len(), 1);
    assert_eq!(stream.notes[0].location.line, 3);
    assert!(stream.notes[0].message.contains("line 1"));
}

#[test]
fn booleans_yaml_1_2_and_1_1() {
    let root = one("a: yes\nb: true\nc: \"true\"\nd: Off\n");
    assert_eq!(root.get("a").unwrap().as_bool(), None);
    assert_eq!(root.get("a").unwrap().as_bool_lenient(), Some(true));
    assert_eq!(root.get("b").unwrap().as_bool(), Some(true));
    assert_eq!(
        root.get("c").unwrap().as_bool_lenient(),
        None,
        "quoted is a string"
    );
    assert_eq!(root.get("d").unwrap().as_bool_lenient(), Some(false));
}

#[test]
fn nulls_and_numbers() {
    let root = one("a:\nb: ~\nc: 0x1F\nd: '5'\ne: 1.5\n");
    assert!(root.get("a").unwrap().is_null());
    assert!(root.get("b").unwrap().is_null());
    assert_eq!(root.get("c").unwrap().as_i64(), Some(31));
    assert_eq!(root.get("d").unwrap().as_i64(), None);
    assert_eq!(root.get("d").unwrap().as_i64_lenient(), Some(5));
    assert_eq!(root.get("e").unwrap().as_f64(), Some(1.5));
}

#[test]
fn comments_are_found_outside_scalars_only() {
    let text = "# top\na: \"x # not\" # hullscan ignore=HS801\nb: |\n  # inside block\n  y\nc: d#e\n  # indented\n";
    let stream = parse(text).unwrap();
    let texts: Vec<(u32, &str)> = stream
        .comments
        .iter()
        .map(|c| (c.location.line, c.text.as_str()))
        .collect();
    assert_eq!(
        texts,
        vec![(1, "top"), (2, "hullscan ignore=HS801"), (7, "indented")]
    );
    assert_eq!(stream.comments_on_line(2).count(), 1);
    assert_eq!(stream.comments_on_line(3).count(), 0);
    assert_eq!(stream.comments[1].location.column, 14);
}

#[test]
fn billion_laughs_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let err = parse(&text).unwrap_err();
    assert!(err.message.contains("aliases expand"), "{err}");
    assert!(err.location.line > 1);
}

#[test]
fn deep_nesting_is_refused() {
    let text = "[".repeat(10_000);
    let err = parse(&text).unwrap_err();
    assert_eq!(err.location.line, 1);
    let text = "a:\n".to_string() + " - " + &"[".repeat(200) + &"]".repeat(200);
    assert!(parse(&text).is_err());
}

#[test]
fn syntax_errors_have_a_line_and_column() {
    let err = parse("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
    assert!(err.location.line >= 2, "{err}");
    let err = parse("a: *nope\n").unwrap_err();
    assert_eq!(err.location.line, 1);
    assert!(err.to_string().starts_with("line 1, column"));
}

#[test]
fn empty_and_comment_only_texts_have_no_documents_with_roots() {
    for text in ["", "# just a comment\n", "---\n"] {
        let stream = parse(text).unwrap();
        assert!(
            stream
                .documents
                .iter()
                .all(|d| d.root.is_none() || d.root.as_ref().unwrap().is_null())
        );
    }
}

#[test]
fn flow_closer_at_the_parent_indent_is_read_leniently_with_true_lines() {
    let text = "svc:\n  command: [\n    \"a\",\n  ]\n  user: root\n";
    let stream = parse(text).unwrap();
    let svc = stream.documents[0]
        .root
        .as_ref()
        .unwrap()
        .get("svc")
        .unwrap();
    let items = svc.get("command").unwrap().items().unwrap();
    assert_eq!(items[0].as_str(), Some("a"));
    assert_eq!(items[0].span.start.line, 3);
    let user = svc.get("user").unwrap();
    assert_eq!((user.span.start.line, user.span.start.column), (5, 9));
    assert!(stream.notes.iter().any(|n| n.message.contains("leniently")));
}

#[test]
fn crlf_lines_are_counted_once() {
    let stream = parse("a: 1\r\nb: 2\r\n").unwrap();
    let b = stream.documents[0].root.as_ref().unwrap().get("b").unwrap();
    assert_eq!((b.span.start.line, b.span.start.column), (2, 4));
}
