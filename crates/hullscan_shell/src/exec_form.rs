//! Turning exec-form arguments into a script the parser reads back word for word.

/// Joins exec-form arguments (`RUN ["apt-get", "install", "-y", "curl"]`) into shell text whose
/// parse has exactly these words, so rules can treat both forms alike (hadolint does the same).
/// Arguments with characters the shell would treat specially are single-quoted.
pub fn join_exec_form<S: AsRef<str>>(args: &[S]) -> String {
    let mut out = String::new();
    for (index, arg) in args.iter().enumerate() {
        let arg = arg.as_ref();
        if index > 0 {
            out.push(' ');
        }
        let plain = !arg.is_empty()
            && arg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_./:=@%+,-".contains(&b));
        if plain {
            out.push_str(arg);
        } else {
            out.push('\'');
            out.push_str(&arg.replace('\'', "'\\''"));
            out.push('\'');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn round_trips_through_the_parser() {
        let args = [
            "sh",
            "-c",
            "apt-get update && echo \"it's $HOME\" | tee /x",
            "",
            "a b",
            "--opt=1",
            "*",
            "#not-a-comment",
            "é",
        ];
        let text = join_exec_form(&args);
        let script = parse(&text);
        assert!(script.errors.is_empty(), "{:?}", script.errors);
        let commands = script.simple_commands();
        assert_eq!(commands.len(), 1);
        let values: Vec<&str> = commands[0].words.iter().map(|w| w.value()).collect();
        assert_eq!(values, args);
        assert!(
            commands[0]
                .words
                .iter()
                .all(|w| w.is_static() && !w.has_glob())
        );
    }
}
