//! Local preview: build into memory, serve on loopback, rebuild on change.
