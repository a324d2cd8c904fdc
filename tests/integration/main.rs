//! One integration test binary: each module is a feature, each test builds a
//! small site and checks what a reader (or a tool) would see.

mod annotations;
mod browser;
mod cache;
mod deploy_git;
mod deploy_s3;
mod errors;
mod import;
mod incremental;
mod nesting;
mod output;
mod pipeline;
mod progress;
mod reader;
mod robustness;
mod routes;
mod scaffold;
mod security;
mod serve;
mod subpath;
mod support;
