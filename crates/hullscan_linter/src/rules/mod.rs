//! Every rule: one file each, a `declare_rule!` static plus a pure check function.

pub mod dockerfile;
pub mod tool;
