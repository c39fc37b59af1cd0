//! Every integration test, in one binary: the crate and its dependencies link once rather
//! than once per file, which is most of what a test build costs. Each module below was its
//! own `tests/*.rs` file and keeps that file's scope; run one with
//! `cargo test --test it -- rules::` (a name filter, not a separate binary).

mod support;

mod auditor;
mod bad;
mod board;
mod bundle;
mod cli;
mod fuzz;
mod ids;
mod newcomer;
mod oscal;
mod providers;
mod questionnaires;
mod rules;
mod vendors;
mod workbook;
