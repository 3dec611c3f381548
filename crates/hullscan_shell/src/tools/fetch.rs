//! `curl`, `wget`, and downloads piped into a shell.

use crate::args::{FlagSpec, ParsedArgs};
use crate::ast::{Pipeline, SimpleCommand};
use crate::invocation::basename;
use crate::{Invocation, Wrapper};

#[derive(Clone, Debug)]
pub struct Curl<'a, 'src> {
    /// Operands and `--url` values.
    pub urls: Vec<&'a str>,
    /// The value of `-o`/`--output`.
    pub output: Option<&'a str>,
    /// `-O`/`--remote-name` (save under the URL's file name).
    pub remote_name: bool,
    /// The value of `-u`/`--user` (`user:password`).
    pub user: Option<&'a str>,
    /// `-f`/`--fail` (or `--fail-with-body`).
    pub fail: bool,
    /// `-k`/`--insecure`.
    pub insecure: bool,
    /// `-L`/`--location`.
    pub follow_redirects: bool,
    /// Values of `-H`/`--header`.
    pub headers: Vec<&'a str>,
    pub args: ParsedArgs<'a, 'src>,
}

const CURL_SPEC: FlagSpec = FlagSpec {
    short_with_value: "oudHXAebcFTwxKmrECYyzUQtP",
    long_with_value: &[
        "url",
        "output",
        "user",
        "header",
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "request",
        "user-agent",
        "referer",
        "cookie",
        "cookie-jar",
        "form",
        "upload-file",
        "write-out",
        "proxy",
        "proxy-user",
        "config",
        "max-time",
        "range",
        "cert",
        "key",
        "cacert",
        "capath",
        "connect-timeout",
        "retry",
        "retry-delay",
        "retry-max-time",
        "limit-rate",
        "resolve",
        "proto",
        "proto-redir",
        "output-dir",
        "oauth2-bearer",
        "max-filesize",
        "continue-at",
        "quote",
        "telnet-option",
        "time-cond",
        "speed-limit",
        "speed-time",
        "interface",
        "dns-servers",
    ],
    single_dash_long: &[],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn curl<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Curl<'a, 'src>> {
    if invocation.name != "curl" {
        return None;
    }
    let args = invocation.parse_args(&CURL_SPEC);
    let mut urls: Vec<&'a str> = args.operands().iter().map(|w| w.value()).collect();
    urls.extend(args.find(&["url"]).iter().filter_map(|f| f.value));
    Some(Curl {
        urls,
        output: args.value(&["o", "output"]),
        remote_name: args.has(&["O", "remote-name", "remote-name-all"]),
        user: args.value(&["u", "user"]),
        fail: args.has(&["f", "fail", "fail-with-body"]),
        insecure: args.has(&["k", "insecure"]),
        follow_redirects: args.has(&["L", "location"]),
        headers: args
            .find(&["H", "header"])
            .iter()
            .filter_map(|f| f.value)
            .collect(),
        args,
    })
}

#[derive(Clone, Debug)]
pub struct Wget<'a, 'src> {
    pub urls: Vec<&'a str>,
    /// The value of `-O`/`--output-document` (`-` is stdout).
    pub output_document: Option<&'a str>,
    /// `-q`/`--quiet`.
    pub quiet: bool,
    /// `-nv`/`--no-verbose`.
    pub no_verbose: bool,
    /// The value of `--progress`.
    pub progress: Option<&'a str>,
    /// The value of `-o`/`--output-file` or `-a`/`--append-output` (a log file).
    pub log_file: Option<&'a str>,
    /// `--user`/`--http-user` value.
    pub user: Option<&'a str>,
    /// `--password`/`--http-password` value.
    pub password: Option<&'a str>,
    /// `--no-check-certificate`.
    pub no_check_certificate: bool,
    pub args: ParsedArgs<'a, 'src>,
}

const WGET_SPEC: FlagSpec = FlagSpec {
    short_with_value: "OoaPUtTeiwlADRQ",
    long_with_value: &[
        "output-document",
        "output-file",
        "append-output",
        "directory-prefix",
        "user-agent",
        "tries",
        "timeout",
        "execute",
        "input-file",
        "header",
        "user",
        "password",
        "http-user",
        "http-password",
        "progress",
        "wait",
        "level",
        "accept",
        "reject",
        "domains",
        "post-data",
        "post-file",
        "method",
        "body-data",
        "ca-certificate",
        "certificate",
        "private-key",
        "quota",
    ],
    single_dash_long: &["nv", "nc", "nd", "nH", "np"],
    single_dash_is_long: false,
    stop_at_first_operand: false,
};

pub fn wget<'a, 'src>(invocation: &Invocation<'a, 'src>) -> Option<Wget<'a, 'src>> {
    if invocation.name != "wget" {
        return None;
    }
    let args = invocation.parse_args(&WGET_SPEC);
    Some(Wget {
        urls: args.operands().iter().map(|w| w.value()).collect(),
        output_document: args.value(&["O", "output-document"]),
        quiet: args.has(&["q", "quiet"]),
        no_verbose: args.has(&["nv", "no-verbose"]),
        progress: args.value(&["progress"]),
        log_file: args.value(&["o", "output-file", "a", "append-output"]),
        user: args.value(&["user", "http-user"]),
        password: args.value(&["password", "http-password"]),
        no_check_certificate: args.has(&["no-check-certificate"]),
        args,
    })
}

/// True for the names of POSIX-family shells (`sh`, `bash`, `dash`, `ash`, `zsh`, `ksh`, …).
pub fn is_shell_name(name: &str) -> bool {
    matches!(
        basename(name),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

/// For `sh -c 'script'` / `bash -ec "script"` (any POSIX-family shell), the word holding the
/// script. Its [`value`](crate::Word::value) can be parsed in turn.
pub fn shell_command_string<'a, 'src>(
    invocation: &Invocation<'a, 'src>,
) -> Option<&'a crate::Word<'src>> {
    if !is_shell_name(invocation.name) || invocation.name == "busybox" {
        return None;
    }
    // Options come first; the first operand after an option cluster containing `c` is the
    // script (`sh -c 'x'`, `bash -euxc 'x'`, `sh -e -c 'x'`). `-o pipefail` takes a value.
    let mut saw_c = false;
    let mut words = invocation.args.iter();
    while let Some(word) = words.next() {
        let text = word.value();
        match text.strip_prefix('-') {
            Some("o") | Some("O") => {
                words.next();
            }
            Some(flags) if !flags.starts_with('-') && !flags.is_empty() => {
                saw_c |= flags.contains('c');
            }
            Some(_) => {}
            None => return saw_c.then_some(word),
        }
    }
    None
}

/// In a pipeline such as `curl -fsSL https://x/install.sh | sudo bash -s --`, the downloading
/// command and the shell that runs what it fetched.
pub fn fetch_piped_to_shell<'a, 'src>(
    pipeline: &'a Pipeline<'src>,
) -> Option<(&'a SimpleCommand<'src>, &'a SimpleCommand<'src>)> {
    let mut fetcher = None;
    for command in &pipeline.commands {
        let Some(simple) = command.as_simple() else {
            continue;
        };
        let Some(invocation) = simple.invocation() else {
            continue;
        };
        if matches!(invocation.name, "curl" | "wget") {
            fetcher = Some(simple);
        } else if let Some(fetcher) = fetcher
            && is_shell_name(invocation.name)
            && (invocation.name != "busybox" || invocation.has_wrapper(Wrapper::Busybox))
        {
            // `sh -c '…'` runs its argument, not its input; anything else reads the script
            // from the pipe.
            let runs_stdin = !invocation.args.iter().any(|w| w.value() == "-c");
            if runs_stdin {
                return Some((fetcher, simple));
            }
        }
    }
    None
}

/// The `user:password` or token part of a URL such as `https://user:token@host/path`.
pub fn url_userinfo(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let (userinfo, _) = authority.rsplit_once('@')?;
    (!userinfo.is_empty()).then_some(userinfo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Word;
    use crate::parse;
    use crate::tools::test_support::with_invocation;

    fn first<'a>(words: &'a [Word<'_>]) -> &'a str {
        words.first().map_or("", Word::value)
    }

    #[test]
    fn curl_flags() {
        with_invocation(
            "curl -fsSLo /tmp/x.tgz -u admin:s3cret -H 'Accept: */*' https://example.com/x.tgz",
            |inv| {
                let curl = curl(inv).unwrap();
                assert!(curl.fail && curl.follow_redirects && !curl.insecure);
                assert_eq!(curl.output, Some("/tmp/x.tgz"));
                assert_eq!(curl.user, Some("admin:s3cret"));
                assert_eq!(curl.headers, ["Accept: */*"]);
                assert_eq!(curl.urls, ["https://example.com/x.tgz"]);
            },
        );
        with_invocation("curl -kO --url https://a/b", |inv| {
            let curl = curl(inv).unwrap();
            assert!(curl.insecure && curl.remote_name);
            assert_eq!(curl.urls, ["https://a/b"]);
        });
    }

    #[test]
    fn wget_flags() {
        with_invocation("wget -nv -O- --progress=dot:giga https://x/y", |inv| {
            let wget = wget(inv).unwrap();
            assert!(wget.no_verbose && !wget.quiet);
            assert_eq!(wget.output_document, Some("-"));
            assert_eq!(wget.progress, Some("dot:giga"));
            assert_eq!(wget.urls, ["https://x/y"]);
        });
        with_invocation(
            "wget -qO /tmp/f --http-user=u --http-password=p http://h/f",
            |inv| {
                let wget = wget(inv).unwrap();
                assert!(wget.quiet);
                assert_eq!(wget.output_document, Some("/tmp/f"));
                assert_eq!((wget.user, wget.password), (Some("u"), Some("p")));
            },
        );
    }

    #[test]
    fn piped_to_shell() {
        let script = parse(
            "curl -fsSL https://get.x.sh | sudo -E bash -s -- --y && wget -qO- u | tar xz; wget -O- u | sh -c 'echo'",
        );
        let pipelines = script.pipelines();
        let (fetcher, shell) = fetch_piped_to_shell(pipelines[0]).expect("curl | bash");
        assert_eq!(first(&fetcher.words), "curl");
        assert_eq!(shell.command_name(), Some("bash"));
        assert!(
            fetch_piped_to_shell(pipelines[1]).is_none(),
            "tar is not a shell"
        );
        assert!(
            fetch_piped_to_shell(pipelines[2]).is_none(),
            "sh -c ignores stdin"
        );
    }

    #[test]
    fn shell_dash_c_scripts() {
        for (source, expected) in [
            (
                "sh -c 'apt-get update && exec nginx'",
                Some("apt-get update && exec nginx"),
            ),
            (
                "/bin/bash -o pipefail -euxc \"curl x | sh\"",
                Some("curl x | sh"),
            ),
            ("sh -e -c 'ls' arg0", Some("ls")),
            ("bash script.sh", None),
            ("sh", None),
            ("python -c 'print(1)'", None),
        ] {
            with_invocation(source, |inv| {
                assert_eq!(
                    shell_command_string(inv).map(|w| w.value()),
                    expected,
                    "{source}"
                );
            });
        }
    }

    #[test]
    fn userinfo_in_urls() {
        assert_eq!(
            url_userinfo("https://user:tok@github.com/x.git"),
            Some("user:tok")
        );
        assert_eq!(
            url_userinfo("https://ghp_abc@github.com/x"),
            Some("ghp_abc")
        );
        assert_eq!(url_userinfo("https://github.com/x@y"), None);
        assert_eq!(url_userinfo("git@github.com:x/y"), None);
    }
}
