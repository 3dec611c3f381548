//! Fuzz target: parsing arbitrary bytes must not panic, and every span must be inside the text,
//! well-formed and ordered.
#![no_main]

use hullscan_dockerfile::{
    Arguments, HealthcheckCommand, Instruction, OffsetMap, ShellText, parse_bytes,
    to_buildkit_result,
};
use hullscan_text::{TextRange, TextSize};
use libfuzzer_sys::fuzz_target;

fn check_range(len: usize, outer: TextRange, range: TextRange, what: &str) {
    assert!(range.start() <= range.end(), "{what}: reversed {range:?}");
    assert!(range.end().to_usize() <= len, "{what}: {range:?} beyond {len}");
    assert!(outer.contains_range(range), "{what}: {range:?} outside {outer:?}");
}

fn check_shell(len: usize, outer: TextRange, shell: &ShellText) {
    check_range(len, outer, shell.range(), "shell text");
    check_map(&shell.map);
    let value_len = TextSize::of(&shell.value);
    let mut previous = TextSize::ZERO;
    for (offset, _) in shell.value.char_indices() {
        let file = shell.map.to_file(TextSize::new(offset as u32));
        assert!(file >= previous, "offset map not monotonic");
        assert!(file.to_usize() < len, "mapped offset beyond text");
        previous = file;
    }
    let _ = shell.map.to_file_range(TextRange::new(TextSize::ZERO, value_len));
}

fn check_map(map: &OffsetMap) {
    for pair in map.pieces().windows(2) {
        assert!(pair[0].0 < pair[1].0 && pair[0].1 < pair[1].1, "pieces out of order");
    }
}

fn check_instruction(text: &str, inst: &Instruction) {
    let len = text.len();
    let whole = TextRange::new(TextSize::ZERO, TextSize::of(text));
    check_range(len, whole, inst.range, "instruction");
    let outer = inst.range;
    check_range(len, outer, inst.keyword_range, "keyword");
    assert!(inst.start_line <= inst.end_line);
    let mut previous = inst.keyword_range.end();
    for flag in &inst.flags {
        check_range(len, outer, flag.range, "flag");
        assert!(flag.range.start() >= previous, "flags out of order");
        previous = flag.range.end();
        if let Some(v) = flag.value_range {
            check_range(len, flag.range, v, "flag value");
        }
    }
    match &inst.args {
        Arguments::Exec(exec) => {
            check_range(len, outer, exec.range, "exec");
            for w in &exec.words {
                check_range(len, exec.range, w.range, "exec word");
            }
        }
        Arguments::Shell(shell) => check_shell(len, outer, shell),
        Arguments::KeyValues(list) => {
            for kv in &list.pairs {
                check_range(len, outer, kv.range, "pair");
                check_range(len, kv.range, kv.key_range, "key");
                if let Some(v) = kv.value_range {
                    check_range(len, kv.range, v, "value");
                }
            }
        }
        Arguments::Arg(pairs) => {
            for kv in pairs {
                check_range(len, outer, kv.range, "arg");
            }
        }
        Arguments::From(from) => {
            for w in &from.words {
                check_range(len, outer, w.range, "from word");
            }
        }
        Arguments::Healthcheck(h) => {
            if let Some(k) = &h.kind {
                check_range(len, outer, k.range, "healthcheck type");
            }
            match &h.command {
                Some(HealthcheckCommand::Shell(shell)) => check_shell(len, outer, shell),
                Some(HealthcheckCommand::Exec(exec)) => check_range(len, outer, exec.range, "exec"),
                None => {}
            }
        }
        Arguments::Words(words) => {
            let mut previous = TextSize::ZERO;
            for w in words {
                check_range(len, outer, w.range, "word");
                assert!(w.range.start() >= previous, "words out of order");
                previous = w.range.end();
            }
        }
    }
    let mut previous = inst.keyword_range.end();
    for h in &inst.heredocs {
        check_range(len, outer, h.range, "heredoc word");
        check_range(len, outer, h.body_range, "heredoc body");
        assert_eq!(&text[h.body_range.to_range()], h.body);
        assert!(h.body_range.start() >= previous, "heredoc bodies out of order");
        previous = h.body_range.end();
        if let Some(t) = h.terminator_range {
            check_range(len, outer, t, "terminator");
        }
    }
    if let Some(trigger) = &inst.onbuild {
        check_instruction(text, trigger);
        assert!(outer.contains_range(trigger.range));
    }
}

fuzz_target!(|data: &[u8]| {
    let parsed = parse_bytes(data);
    let text = String::from_utf8_lossy(data);
    let len = text.len();
    let mut previous_end = TextSize::ZERO;
    let mut previous_line = 0;
    for inst in &parsed.dockerfile.instructions {
        check_instruction(&text, inst);
        assert!(inst.range.start() >= previous_end, "instructions overlap");
        assert!(inst.start_line > previous_line, "lines not increasing");
        previous_end = inst.range.end();
        previous_line = inst.end_line;
    }
    for c in &parsed.dockerfile.comments {
        assert!(c.range.end().to_usize() <= len);
    }
    for d in &parsed.dockerfile.directives {
        assert!(d.range.end().to_usize() <= len);
    }
    for e in &parsed.errors {
        assert!(e.range.end().to_usize() <= len);
    }
    let _ = to_buildkit_result(&parsed);
});
