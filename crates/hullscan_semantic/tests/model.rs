//! Focused tests of the semantic model on small Dockerfiles, one facet each.

use hullscan_dockerfile::{Dockerfile, Keyword, parse};
use hullscan_semantic::{
    Base, BindingKind, BuildOptions, DependencyKind, Lookup, Os, SemanticModel, Shell, SourceRef,
    WordRole,
};

fn dockerfile(text: &str) -> Dockerfile {
    let parse = parse(text);
    assert!(parse.is_ok(), "parse errors: {:?}", parse.errors);
    parse.dockerfile
}

/// The index of the `n`th (0-based) instruction with `keyword`.
fn nth(df: &Dockerfile, keyword: Keyword, n: usize) -> usize {
    df.instructions
        .iter()
        .enumerate()
        .filter(|(_, i)| i.keyword == keyword)
        .nth(n)
        .map(|(idx, _)| idx)
        .unwrap_or_else(|| panic!("no {keyword:?} #{n}"))
}

#[test]
fn multi_stage_aliases_graph_and_reachability() {
    let df = dockerfile(
        "FROM golang:1.22 AS Build\n\
         RUN go build -o /app\n\
         FROM alpine:3.19 AS unused\n\
         RUN echo never\n\
         FROM node:20 AS assets\n\
         RUN npm ci\n\
         FROM build AS test\n\
         RUN --mount=type=bind,from=assets,target=/assets go test\n\
         FROM gcr.io/distroless/static\n\
         COPY --from=BUILD /app /app\n\
         COPY --from=3 /ok /ok\n\
         COPY --from=nginx:latest /etc/nginx /etc/nginx\n",
    );
    let model = SemanticModel::new(&df);
    let stages = model.stages();
    assert_eq!(stages.len(), 5);
    assert_eq!(
        stages[0].name.as_deref(),
        Some("build"),
        "names are lower-cased"
    );
    assert_eq!(stages[0].name_word.map(|w| w.value.as_str()), Some("Build"));
    assert_eq!(stages[3].parent(), Some(0));
    assert_eq!(stages[3].base, Base::Stage(0));
    assert_eq!(stages[4].name, None);
    assert_eq!(stages[4].display_name(), "stage-4");
    assert_eq!(model.final_stage().map(|s| s.index), Some(4));
    assert_eq!(stages[1].instructions, 2..4);
    assert_eq!(model.stage_of(3).map(|s| s.index), Some(1));
    assert_eq!(model.stage_by_name("ASSETS").map(|s| s.index), Some(2));

    let deps: Vec<_> = model
        .dependencies()
        .iter()
        .map(|d| (d.stage, d.kind, d.source.clone()))
        .collect();
    assert_eq!(
        deps,
        vec![
            (3, DependencyKind::From, SourceRef::Stage(0)),
            (3, DependencyKind::MountFrom, SourceRef::Stage(2)),
            (4, DependencyKind::CopyFrom, SourceRef::Stage(0)),
            (4, DependencyKind::CopyFrom, SourceRef::Stage(3)),
            (
                4,
                DependencyKind::CopyFrom,
                SourceRef::Image("nginx:latest".into())
            ),
        ]
    );
    let reachable: Vec<usize> = model.reachable_stages().map(|s| s.index).collect();
    assert_eq!(reachable, vec![0, 2, 3, 4]);
    assert!(!model.is_reachable(1));
}

#[test]
fn from_stage_is_case_sensitive_but_copy_from_is_not() {
    // BuildKit looks `FROM <name>` up with the name as written against lower-cased stage
    // names, so `FROM Base` is an image; `COPY --from` lower-cases.
    let df = dockerfile("FROM alpine AS base\nFROM Base\nCOPY --from=BASE /a /a\n");
    let model = SemanticModel::new(&df);
    assert_eq!(model.stages()[1].base, Base::Image);
    assert_eq!(model.dependencies()[0].source, SourceRef::Stage(0));
}

#[test]
fn copy_from_variable_and_bad_index() {
    let df = dockerfile("FROM alpine\nARG S=0\nCOPY --from=$S /a /a\nCOPY --from=7 /a /a\n");
    let model = SemanticModel::new(&df);
    let sources: Vec<_> = model
        .dependencies()
        .iter()
        .map(|d| d.source.clone())
        .collect();
    assert_eq!(
        sources,
        vec![
            SourceRef::Variable("$S"),
            SourceRef::InvalidIndex("7".into())
        ]
    );
}

#[test]
fn meta_arg_used_in_from() {
    let df = dockerfile(
        "ARG REGISTRY=ghcr.io\n\
         ARG IMAGE=${REGISTRY}/owner/app\n\
         ARG TAG\n\
         FROM ${IMAGE}:${TAG:-1.0} AS app\n\
         FROM $MISSING/thing\n",
    );
    let model = SemanticModel::new(&df);
    let meta: Vec<_> = model
        .meta_args()
        .map(|b| (b.name.as_ref(), b.value.as_deref()))
        .collect();
    assert_eq!(
        meta,
        vec![
            ("REGISTRY", Some("ghcr.io")),
            ("IMAGE", Some("ghcr.io/owner/app")),
            ("TAG", None)
        ]
    );
    let app = &model.stages()[0];
    assert_eq!(app.base_name(), Some("ghcr.io/owner/app:1.0"));
    let image = app.image_ref().unwrap().unwrap();
    assert_eq!(image.registry, "ghcr.io");
    assert_eq!(image.repository, "owner/app");
    assert_eq!(image.tag, Some("1.0"));
    let expansion = app.base_expansion.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(expansion.matched, vec!["IMAGE"]);
    // TAG is declared (without value), so it is not undefined even though it was unmatched.
    assert_eq!(expansion.unmatched, vec!["TAG"]);
    assert!(model.undefined_names(app.from_index, expansion).is_empty());

    let second = &model.stages()[1];
    let expansion = second.base_expansion.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(expansion.value, "/thing");
    assert_eq!(
        model.undefined_names(second.from_index, expansion),
        vec!["MISSING"]
    );
    // A leading slash is not a valid reference.
    assert!(second.image_ref().unwrap().is_err());
}

#[test]
fn build_args_override_defaults() {
    let df = dockerfile("ARG V=1\nFROM alpine:$V\nARG V\nARG W=w\nRUN x\n");
    let options = BuildOptions::default()
        .with_build_arg("V", "9")
        .with_build_arg("W", "from-cli");
    let model = SemanticModel::with_options(&df, &options);
    assert_eq!(model.stages()[0].base_name(), Some("alpine:9"));
    let run = nth(&df, Keyword::Run, 0);
    assert_eq!(model.value_of(run, "V"), Some("9"));
    assert_eq!(model.value_of(run, "W"), Some("from-cli"));
}

#[test]
fn arg_scoping_and_shadowing() {
    let df = dockerfile(
        "ARG VERSION=1.0\n\
         ARG ONLY_GLOBAL=g\n\
         FROM alpine\n\
         RUN echo before\n\
         ARG VERSION\n\
         RUN echo imported\n\
         ARG VERSION=2.0\n\
         RUN echo shadowed\n\
         ARG LOCAL\n\
         ARG A=1 B=${A}2\n\
         RUN echo end\n\
         FROM alpine\n\
         RUN echo other stage\n",
    );
    let model = SemanticModel::new(&df);
    let run = |n| nth(&df, Keyword::Run, n);
    // Meta ARGs are invisible in a stage until redeclared.
    assert_eq!(model.value_of(run(0), "VERSION"), None);
    assert_eq!(model.lookup(run(0), "VERSION"), Lookup::Undefined);
    assert_eq!(model.value_of(run(1), "VERSION"), Some("1.0"));
    assert_eq!(model.value_of(run(2), "VERSION"), Some("2.0"));
    assert_eq!(model.value_of(run(3), "ONLY_GLOBAL"), None);
    // ARG without value and without global: declared but unset.
    match model.lookup(run(3), "LOCAL") {
        Lookup::DeclaredUnset(b) => assert_eq!(b.kind, BindingKind::Arg),
        other => panic!("expected DeclaredUnset, got {other:?}"),
    }
    // Later ARGs of one instruction see the earlier ones.
    assert_eq!(model.value_of(run(3), "B"), Some("12"));
    // Nothing leaks into an unrelated stage.
    assert_eq!(model.value_of(run(4), "VERSION"), None);
    assert_eq!(model.value_of(run(4), "A"), None);
    // FROM lines see the global scope.
    let from = nth(&df, Keyword::From, 1);
    assert_eq!(model.value_of(from, "VERSION"), Some("1.0"));
    assert_eq!(model.value_of(from, "TARGETARCH"), Some("amd64"));
}

#[test]
fn expansion_and_undefined_names_in_stage() {
    let df = dockerfile(
        "FROM alpine\n\
         ARG DECLARED\n\
         ENV HOME_DIR=/home/app\n\
         WORKDIR ${HOME_DIR}/src\n\
         COPY $DECLARED $NOPE ./\n",
    );
    let model = SemanticModel::new(&df);
    let copy = nth(&df, Keyword::Copy, 0);
    let expansion = model
        .expand(copy, "$DECLARED $NOPE ${HOME_DIR:-x}")
        .unwrap();
    assert_eq!(expansion.value, "  /home/app");
    assert_eq!(expansion.matched, vec!["HOME_DIR"]);
    assert_eq!(expansion.unmatched, vec!["DECLARED", "NOPE"]);
    assert_eq!(model.undefined_names(copy, &expansion), vec!["NOPE"]);
    assert_eq!(
        model.expand_words(copy, "80 ${HOME_DIR}").unwrap(),
        vec!["80", "/home/app"]
    );
    assert_eq!(model.workdir_at(copy).unwrap().path, "/home/app/src");
}

#[test]
fn env_pairs_see_the_environment_before_the_instruction() {
    let df = dockerfile("FROM alpine\nENV A=old\nENV A=new B=$A\nRUN x\n");
    let model = SemanticModel::new(&df);
    let run = nth(&df, Keyword::Run, 0);
    assert_eq!(model.value_of(run, "A"), Some("new"));
    assert_eq!(model.value_of(run, "B"), Some("old"));
    // ENV values have their quotes removed.
    let df =
        dockerfile("FROM alpine\nENV MSG=\"hello world\" LEGACY_FORM_OK=1\nENV K v w\nRUN x\n");
    let model = SemanticModel::new(&df);
    let run = nth(&df, Keyword::Run, 0);
    assert_eq!(model.value_of(run, "MSG"), Some("hello world"));
    assert_eq!(model.value_of(run, "K"), Some("v w"));
}

#[test]
fn env_and_args_inherited_through_from_stage() {
    let df = dockerfile(
        "FROM alpine AS base\n\
         ENV PATH_ADD=/opt/bin\n\
         ARG BUILD_MODE=release\n\
         FROM base AS child\n\
         RUN echo child\n\
         FROM child\n\
         ENV PATH_ADD=/override\n\
         RUN echo grandchild\n\
         FROM alpine\n\
         RUN echo unrelated\n",
    );
    let model = SemanticModel::new(&df);
    let run = |n| nth(&df, Keyword::Run, n);
    assert_eq!(model.value_of(run(0), "PATH_ADD"), Some("/opt/bin"));
    // BuildKit copies the parent's state, whose environment holds its ARG values too.
    assert_eq!(model.value_of(run(0), "BUILD_MODE"), Some("release"));
    assert_eq!(model.value_of(run(1), "BUILD_MODE"), Some("release"));
    assert_eq!(model.value_of(run(1), "PATH_ADD"), Some("/override"));
    assert_eq!(model.value_of(run(2), "PATH_ADD"), None);
    match model.lookup(run(0), "PATH_ADD") {
        Lookup::Set(b) => {
            assert_eq!(b.kind, BindingKind::Env);
            assert_eq!(b.instruction, Some(1));
        }
        other => panic!("expected Set, got {other:?}"),
    }
    assert_eq!(model.stage_bindings(0).len(), 2);
    assert_eq!(model.stage_bindings(1).len(), 0);
    assert_eq!(
        model
            .stage_env(2)
            .map(|e| e.find_value("PATH_ADD").is_some()),
        Some(true)
    );
}

#[test]
fn shell_per_stage() {
    let df = dockerfile(
        "FROM alpine AS a\n\
         RUN echo default\n\
         SHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\n\
         RUN echo bash\n\
         FROM a\n\
         RUN echo inherited\n\
         FROM alpine\n\
         CMD echo fresh\n",
    );
    let model = SemanticModel::new(&df);
    let run = |n| nth(&df, Keyword::Run, n);
    assert_eq!(model.shell_at(run(0)), Shell::Default(Os::Linux));
    assert_eq!(model.shell_at(run(0)).args(), vec!["/bin/sh", "-c"]);
    assert_eq!(
        model.shell_at(run(1)).args(),
        vec!["/bin/bash", "-eo", "pipefail", "-c"]
    );
    assert_eq!(model.shell_at(run(2)).program(), "/bin/bash");
    // The SHELL instruction itself runs under the previous shell.
    let shell = nth(&df, Keyword::Shell, 0);
    assert!(model.shell_at(shell).is_default());
    assert!(!model.stage_shell(1).unwrap().is_default());
    assert!(model.stage_shell(2).unwrap().is_default());
}

#[test]
fn windows_stage_defaults() {
    let df = dockerfile(
        "# escape=`\n\
         FROM mcr.microsoft.com/windows/servercore:ltsc2022\n\
         ENV AppDir=C:\\app\n\
         RUN echo %APPDIR%\n\
         FROM --platform=windows/amd64 example/tool\n\
         FROM alpine\n",
    );
    let model = SemanticModel::new(&df);
    assert_eq!(model.stages()[0].os, Os::Windows);
    assert_eq!(
        model.stage_shell(0).unwrap().args(),
        vec!["cmd", "/S", "/C"]
    );
    assert_eq!(model.stages()[1].os, Os::Windows);
    assert_eq!(model.stages()[2].os, Os::Linux);
    // Backslashes survive because the escape token is the backtick.
    let run = nth(&df, Keyword::Run, 0);
    assert_eq!(model.value_of(run, "AppDir"), Some("C:\\app"));
    // Windows env names are case-insensitive.
    assert_eq!(model.value_of(run, "APPDIR"), Some("C:\\app"));
    assert_eq!(model.lexer().escape(), '`');
}

#[test]
fn user_per_stage_and_inheritance() {
    let df = dockerfile(
        "FROM alpine AS base\n\
         RUN adduser -D app\n\
         USER app\n\
         RUN whoami\n\
         FROM base AS child\n\
         RUN whoami\n\
         FROM alpine\n\
         USER ${UID:-1000}:${GID:-1000}\n\
         USER root\n\
         FROM alpine\n",
    );
    let model = SemanticModel::new(&df);
    let run = |n| nth(&df, Keyword::Run, n);
    assert_eq!(model.user_at(run(0)), None);
    assert_eq!(model.user_at(run(1)).unwrap().word.value, "app");
    assert_eq!(model.stage_user(1).unwrap().word.value, "app");
    let last_user = model.stage_user(2).unwrap();
    assert_eq!(last_user.word.value, "root");
    // At `USER root`, the user in effect is the previous USER; expand it where it was written.
    let previous = model.user_at(nth(&df, Keyword::User, 2)).unwrap();
    assert_eq!(previous.word.value, "${UID:-1000}:${GID:-1000}");
    let expanded = model
        .expand(previous.instruction, &previous.word.value)
        .unwrap();
    assert_eq!(expanded.value, "1000:1000");
    assert_eq!(expanded.unmatched, vec!["UID", "GID"]);
    assert_eq!(model.stage_user(3), None);
}

#[test]
fn from_scratch_and_platform() {
    let df = dockerfile(
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n\
         ARG TARGETOS TARGETARCH\n\
         RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build\n\
         FROM scratch\n\
         COPY --from=build /out /\n",
    );
    let model = SemanticModel::new(&df);
    let build = &model.stages()[0];
    let platform = build.platform.as_ref().unwrap();
    let expansion = platform.expansion.as_ref().unwrap();
    assert_eq!(expansion.value, "linux/amd64");
    assert_eq!(expansion.matched, vec!["BUILDPLATFORM"]);
    let run = nth(&df, Keyword::Run, 0);
    assert_eq!(model.value_of(run, "TARGETARCH"), Some("amd64"));
    assert_eq!(model.value_of(run, "TARGETOS"), Some("linux"));
    // Predefined ARGs are global only: not visible in a stage without redeclaration.
    assert_eq!(model.value_of(run, "BUILDPLATFORM"), None);
    let scratch = &model.stages()[1];
    assert_eq!(scratch.base, Base::Scratch);
    assert!(scratch.image_ref().is_none());
    let arm = BuildOptions::new(
        &hullscan_semantic::Platform::linux_amd64(),
        &hullscan_semantic::Platform {
            os: "linux".into(),
            architecture: "arm64".into(),
            variant: "v8".into(),
            os_version: String::new(),
        },
    );
    let model = SemanticModel::with_options(&df, &arm);
    assert_eq!(model.value_of(run, "TARGETARCH"), Some("arm64"));
    assert_eq!(model.value_of(0, "TARGETPLATFORM"), Some("linux/arm64/v8"));
}

#[test]
fn target_stage_arg() {
    let df = dockerfile("FROM alpine AS first\nFROM alpine AS Last\n");
    let model = SemanticModel::new(&df);
    assert_eq!(model.value_of(0, "TARGETSTAGE"), Some("last"));
    let df = dockerfile("FROM alpine AS first\nFROM alpine\n");
    assert_eq!(
        SemanticModel::new(&df).value_of(0, "TARGETSTAGE"),
        Some("default")
    );
}

#[test]
fn workdir_normalisation() {
    let df = dockerfile(
        "FROM alpine AS a\n\
         RUN pwd\n\
         WORKDIR app\n\
         WORKDIR ../srv/./web/\n\
         RUN pwd\n\
         WORKDIR /abs//x\n\
         FROM a\n\
         WORKDIR sub\n\
         RUN pwd\n",
    );
    let model = SemanticModel::new(&df);
    let run = |n| nth(&df, Keyword::Run, n);
    assert_eq!(model.workdir_at(run(0)), None);
    let wd = model.workdir_at(run(1)).unwrap();
    assert_eq!(wd.path, "/srv/web");
    assert!(wd.relative_to_base);
    assert_eq!(model.stage_workdir(0).unwrap().path, "/abs//x");
    let wd = model.workdir_at(run(2)).unwrap();
    assert_eq!(wd.path, "/abs/x/sub");
    assert!(!wd.relative_to_base);
}

#[test]
fn broken_and_odd_input_does_not_panic() {
    for text in [
        "FROM\n",
        "FROM a b\n",
        "FROM ${X:?need_X}\n",
        "ARG A=${\nFROM alpine\nENV B=${C\nWORKDIR ${\nUSER\n",
        "RUN before from\nENV X=1\n",
        "FROM alpine\nCOPY --from= /a /b\nRUN --mount=from /x\nRUN --mount=\"from=a,b\",type=bind x\n",
        "FROM alpine AS a\nFROM a AS a\nFROM a\n",
        "ONBUILD COPY --from=x a b\n",
    ] {
        let parse = parse(text);
        let model = SemanticModel::new(&parse.dockerfile);
        for i in 0..parse.dockerfile.instructions.len() {
            let _ = model.shell_at(i);
            let _ = model.user_at(i);
            let _ = model.workdir_at(i);
            let _ = model.lookup(i, "X");
            let _ = model.expand(i, "$X ${Y:-z}");
        }
        for stage in model.stages() {
            let _ = stage.image_ref();
        }
    }
    let parsed = parse("FROM ${X:?need_X}\n");
    let model = SemanticModel::new(&parsed.dockerfile);
    assert_eq!(model.stages()[0].base, Base::Unresolved);
    let err = model.stages()[0]
        .base_expansion
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap_err();
    assert_eq!(err.detail, "X: need_X");
    let parsed = parse("ARG A=${\nFROM alpine\nENV B=${C\n");
    let model = SemanticModel::new(&parsed.dockerfile);
    assert_eq!(model.errors().len(), 2);
}

#[test]
fn expandable_words_follow_buildkit_dispatch() {
    const TEXT: &str = "FROM --platform=$BUILDPLATFORM alpine:$TAG AS a\n\
                        ENV APP=/app DIR=$APP/bin\n\
                        LABEL version=$VERSION\n\
                        ARG USER_ID=${UID}\n\
                        COPY --chown=$USER_ID --from=a src $APP/\n\
                        RUN echo $NOT_EXPANDED\n\
                        EXPOSE $PORT 80\n\
                        WORKDIR $DIR\n";
    let df = dockerfile(TEXT);
    let model = SemanticModel::new(&df);
    let roles = |i: usize| -> Vec<(String, WordRole)> {
        model
            .expandable_words(i)
            .iter()
            .map(|w| (w.text.to_owned(), w.role))
            .collect()
    };
    assert_eq!(
        roles(0),
        vec![
            ("$BUILDPLATFORM".into(), WordRole::FromPlatform),
            ("alpine:$TAG".into(), WordRole::FromImage)
        ]
    );
    assert_eq!(roles(1).len(), 4);
    assert_eq!(
        roles(4),
        vec![
            ("$USER_ID".into(), WordRole::Flag),
            ("src".into(), WordRole::Argument),
            ("$APP/".into(), WordRole::Argument)
        ]
    );
    assert!(
        roles(5).is_empty(),
        "RUN is expanded by the shell, not BuildKit"
    );
    assert_eq!(roles(6)[0].1, WordRole::ExposePort);

    // What an UndefinedVar-style check sees: every unmatched, undeclared name, by instruction.
    let mut undefined = Vec::new();
    for index in 0..df.instructions.len() {
        for word in model.expandable_words(index) {
            if word.role == WordRole::ExposePort {
                continue;
            }
            let expansion = model.expand(index, word.text).unwrap();
            for name in model.undefined_names(index, &expansion) {
                undefined.push((index, name.to_owned()));
            }
        }
    }
    assert_eq!(
        undefined,
        vec![
            (0, "TAG".to_owned()),
            (1, "APP".to_owned()),
            (2, "VERSION".to_owned()),
            (3, "UID".to_owned()),
        ]
    );
    // Word ranges point at the text in the file.
    let word = model.expandable_words(7)[0];
    assert_eq!(&TEXT[word.range.to_range()], "$DIR");
}

#[test]
fn doubling_env_values_stop_at_the_expansion_limit() {
    // Each line doubles the value: without a limit line 59 asks for 10 × 2^59 bytes.
    let mut text = String::from("FROM a\nENV a0=xxxxxxxxxx\n");
    for i in 1..60 {
        text.push_str(&format!("ENV a{i}=${{a{}}}${{a{}}}\n", i - 1, i - 1));
    }
    text.push_str(&"WORKDIR /${a16}\n".repeat(200));
    let df = dockerfile(&text);
    let model = SemanticModel::new(&df);
    let too_large: Vec<_> = model
        .errors()
        .iter()
        .filter(|e| e.error.kind == hullscan_semantic::ExpandErrorKind::TooLarge)
        .collect();
    assert!(!too_large.is_empty());
    assert!(
        too_large[0]
            .error
            .to_string()
            .contains("expansion too large"),
        "{}",
        too_large[0].error
    );
    // Below the limit the values are exact.
    let a16 = model.value_of(df.instructions.len() - 1, "a16").unwrap();
    assert_eq!(a16.len(), 10 << 16);
    // Nothing the model holds comes near the sizes asked for.
    let longest = (0..60)
        .filter_map(|i| model.value_of(df.instructions.len() - 1, &format!("a{i}")))
        .map(str::len)
        .max()
        .unwrap();
    assert!(
        longest <= hullscan_semantic::MAX_EXPANSION_LEN * 2,
        "{longest}"
    );
    // The budget is shared: the 200 WORKDIRs of a 655 KB value cannot all be expanded.
    assert!(model.lexer().remaining_budget() < hullscan_semantic::MAX_TOTAL_EXPANSION);
}
