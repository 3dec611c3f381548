//! The value tree Compose merges: YAML nodes after interpolation, each with the file and span it
//! was written at (the use site) and, for values that came through an alias or a `<<` merge
//! key, the anchor site too.

use hullscan_yaml::Span;

/// Index of a file in [`crate::Project::files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A place in one of the project's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    pub file: FileId,
    pub span: Span,
}

impl Site {
    /// 1-based line.
    pub fn line(&self) -> u32 {
        self.span.start.line
    }

    /// 1-based column.
    pub fn column(&self) -> u32 {
        self.span.start.column
    }
}

/// A scalar after interpolation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub text: String,
    /// Written without quotes (so YAML may read it as a bool or number).
    pub plain: bool,
    /// Held a variable with neither a value nor a default: judge it "unknown".
    pub unknown: bool,
    /// Held a `$VAR`/`${...}` reference.
    pub interpolated: bool,
}

/// What a node holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Null,
    Scalar(Scalar),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key.
#[derive(Clone, Debug, PartialEq)]
pub struct Key {
    pub name: String,
    pub at: Site,
}

/// A YAML tag Compose acts on when merging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeTag {
    /// `!reset`: drop the value the earlier file or base service set.
    Reset,
    /// `!override`: replace the earlier value instead of merging with it.
    Override,
}

/// A value with where it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub kind: Kind,
    /// Where it is used: the line that puts it into this service (the alias or `<<` line for
    /// anchored values, else where it is written). Findings point here.
    pub at: Site,
    /// Where an anchor defined it, when that differs from `at`.
    pub defined: Option<Site>,
    pub tag: Option<MergeTag>,
}

impl Node {
    pub fn new(kind: Kind, at: Site) -> Self {
        Node {
            kind,
            at,
            defined: None,
            tag: None,
        }
    }

    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// A scalar's text (`None` for null and collections).
    pub fn as_str(&self) -> Option<&str> {
        self.scalar().map(|s| s.text.as_str())
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, Kind::Null)
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.kind {
            Kind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn entry(&self, key: &str) -> Option<(&Key, &Node)> {
        self.entries()?
            .iter()
            .rev()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    /// Follows a path of mapping keys.
    pub fn path(&self, keys: &[&str]) -> Option<&Node> {
        let mut node = self;
        for key in keys {
            node = node.get(key)?;
        }
        Some(node)
    }

    /// A boolean as Compose reads it: YAML `true`/`false`, and (after interpolation, or as
    /// YAML 1.1 did) `yes`/`no`/`on`/`off`/`y`/`n` in any case. `None` for anything else,
    /// including an unknown value.
    pub fn as_bool(&self) -> Option<bool> {
        let scalar = self.scalar()?;
        if scalar.unknown {
            return None;
        }
        // compose-go converts strings for boolean fields (`"true"` works); so do we.
        match scalar.text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "on" => Some(true),
            "false" | "no" | "n" | "off" => Some(false),
            _ => None,
        }
    }

    /// Whether the value is YAML 1.1-only boolean spelling (`yes`, `on`, ...), which Compose v2
    /// accepts with a warning.
    pub fn is_yaml11_bool(&self) -> bool {
        let Some(scalar) = self.scalar() else {
            return false;
        };
        scalar.plain
            && !scalar.interpolated
            && matches!(
                scalar.text.to_ascii_lowercase().as_str(),
                "yes" | "no" | "on" | "off" | "y" | "n"
            )
    }

    /// The site an anchor defined this value at, else where it is used.
    pub fn defining_site(&self) -> Site {
        self.defined.unwrap_or(self.at)
    }
}
