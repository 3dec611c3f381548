//! Shared by HS103 and HS104: who the final stage runs as, following `FROM <stage>`.

use hullscan_dockerfile::{Arguments, Keyword};
use hullscan_semantic::{Base, Os, Stage};
use hullscan_text::TextRange;

use crate::checker::Checker;

pub(crate) enum FinalUser {
    /// No `USER` in the final stage or the stages it is built on.
    Unset { from: TextRange },
    /// The effective `USER` is root; `inherited_from` names the stage that set it when that is
    /// not the final stage.
    Root {
        user: TextRange,
        inherited_from: Option<String>,
    },
    /// A non-root user, or one hullscan cannot judge (a variable without a value).
    Other,
}

/// The final stage's effective user; `None` when there is no stage or it is a Windows stage
/// (whose users are not Unix users).
pub(crate) fn final_user(checker: &Checker) -> Option<FinalUser> {
    let model = checker.model;
    let final_stage = model.final_stage()?;
    if final_stage.os == Os::Windows {
        return None;
    }
    let mut stage: &Stage = final_stage;
    // A stage cannot be its own ancestor (FROM only names earlier stages), but bound the walk
    // anyway so a malformed model can never loop.
    for _ in 0..=model.stages().len() {
        if let Some(index) = last_user(checker, stage) {
            let instruction = &checker.instructions()[index];
            let Arguments::Words(words) = &instruction.args else {
                return Some(FinalUser::Other);
            };
            let Some(word) = words.first() else {
                return Some(FinalUser::Other);
            };
            let env = model.env_at(index);
            let Ok(expansion) = model.lexer().process_word(&word.value, &env) else {
                return Some(FinalUser::Other);
            };
            if !expansion.unmatched.is_empty() || !is_root(&expansion.value) {
                return Some(FinalUser::Other);
            }
            let inherited_from =
                (stage.index != final_stage.index).then(|| stage.display_name().into_owned());
            return Some(FinalUser::Root {
                user: word.range,
                inherited_from,
            });
        }
        match stage.base {
            Base::Stage(parent) => stage = model.stage(parent)?,
            _ => break,
        }
    }
    if stage.base_name().is_some_and(sets_non_root_user_by_name) {
        return Some(FinalUser::Other);
    }
    Some(FinalUser::Unset {
        from: final_stage.from.range,
    })
}

/// The index of the last top-level `USER` instruction of a stage.
fn last_user(checker: &Checker, stage: &Stage) -> Option<usize> {
    let instructions = checker.instructions();
    stage.instructions.clone().rev().find(|index| {
        instructions
            .get(*index)
            .is_some_and(|i| i.keyword == Keyword::User)
    })
}

/// `root`, `0`, or either with a group (`root:root`, `0:0`, `root:staff`).
fn is_root(user: &str) -> bool {
    let name = user.trim().split(':').next().unwrap_or_default();
    name == "root" || name == "0"
}

/// Base images whose name says they run as a non-root user (distroless `:nonroot`, Chainguard
/// and others' `-rootless` / `nonroot` variants).
fn sets_non_root_user_by_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("nonroot") || lower.contains("non-root") || lower.contains("rootless")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_spellings() {
        for user in ["root", "0", "0:0", "root:root", " root ", "root:staff"] {
            assert!(is_root(user), "{user}");
        }
        for user in ["app", "1000", "1000:0", "rootless", "nobody:root", ""] {
            assert!(!is_root(user), "{user}");
        }
        assert!(sets_non_root_user_by_name(
            "gcr.io/distroless/static:nonroot"
        ));
        assert!(!sets_non_root_user_by_name("debian:12"));
    }
}
