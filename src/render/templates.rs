//! The Handlebars templates that produce Typst source. The defaults are compiled in; a
//! user's templates directory may replace any of them by file name (as mdBook's themes do).
//!
//! Templates receive only run-level values (organisation, period, labels), escaped for
//! Typst markup by [`escape_typst`]; spreadsheet rows reach Typst as JSON data instead.

use handlebars::Handlebars;
use serde::Serialize;
use std::path::Path;

/// The built-in templates: (name, file name, text).
const DEFAULTS: &[(&str, &str, &str)] = &[
    (
        "board-report",
        "board-report.typ.hbs",
        include_str!("../../templates/board-report.typ.hbs"),
    ),
    (
        "auditor-pack",
        "auditor-pack.typ.hbs",
        include_str!("../../templates/auditor-pack.typ.hbs"),
    ),
    (
        "vendor-pack",
        "vendor-pack.typ.hbs",
        include_str!("../../templates/vendor-pack.typ.hbs"),
    ),
    (
        "evidence-appendix",
        "evidence-appendix.typ.hbs",
        include_str!("../../templates/evidence-appendix.typ.hbs"),
    ),
];

const PARTIALS: &[(&str, &str, &str)] = &[
    (
        "style",
        "partials/style.typ.hbs",
        include_str!("../../templates/partials/style.typ.hbs"),
    ),
    (
        "residency",
        "partials/residency.typ.hbs",
        include_str!("../../templates/partials/residency.typ.hbs"),
    ),
];

/// The built-in templates and partials: (file name, as `--templates DIR` names it; text).
pub fn built_in() -> impl Iterator<Item = (&'static str, &'static str)> {
    DEFAULTS
        .iter()
        .chain(PARTIALS)
        .map(|(_, file, text)| (*file, *text))
}

/// Why templates could not be loaded or filled in.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{path}: cannot read the template: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("template {name}: {message}")]
    Invalid { name: String, message: String },
}

/// Escapes text for Typst *markup*: every ASCII punctuation character gets a backslash, so
/// no value can open code (`#`), math (`$`), a label (`<x>`), a reference (`@x`), a comment
/// (`//`) or close a content block (`]`). Every line break Typst knows (LF, CR, VT, FF, NEL,
/// U+2028, U+2029) and every other control character becomes a space: after a line break,
/// `= x` would start a heading and `- x` a list item, and a control character has no glyph.
pub fn escape_typst(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The loaded templates.
pub struct Templates {
    registry: Handlebars<'static>,
}

impl Templates {
    /// Loads the built-in templates, each replaced by a same-named file in `dir` if given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(escape_typst);
        for (name, file, text) in PARTIALS.iter().chain(DEFAULTS) {
            let text = match dir.map(|d| d.join(file)).filter(|p| p.is_file()) {
                Some(path) => {
                    std::fs::read_to_string(&path).map_err(|source| TemplateError::Read {
                        path: path.display().to_string(),
                        source,
                    })?
                }
                None => text.to_string(),
            };
            let invalid = |e: handlebars::TemplateError| TemplateError::Invalid {
                name: file.to_string(),
                message: e.to_string(),
            };
            if PARTIALS.iter().any(|(n, ..)| n == name) {
                registry.register_partial(name, text).map_err(invalid)?;
            } else {
                registry
                    .register_template_string(name, text)
                    .map_err(invalid)?;
            }
        }
        Ok(Templates { registry })
    }

    /// Fills in a template, giving Typst source.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, TemplateError> {
        self.registry
            .render(name, context)
            .map_err(|e| TemplateError::Invalid {
                name: DEFAULTS
                    .iter()
                    .find(|(n, ..)| *n == name)
                    .map_or(name, |(_, file, _)| file)
                    .to_string(),
                message: e.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_neutralises_typst_syntax() {
        assert_eq!(escape_typst("#import \"x\""), "\\#import \\\"x\\\"");
        assert_eq!(escape_typst("a], [b"), "a\\]\\, \\[b");
        assert_eq!(escape_typst("C:\\new"), "C:\\\\new".replace(":", "\\:"));
        assert_eq!(escape_typst("R&D\nline"), "R\\&D line");
        // Typst's other line breaks would start a heading or a list on a line of its own.
        for brk in ['\u{0B}', '\u{0C}', '\u{85}', '\u{2028}', '\u{2029}', '\r'] {
            assert_eq!(escape_typst(&format!("Acme{brk}= Pwned")), "Acme \\= Pwned");
            assert_eq!(escape_typst(&format!("Acme{brk}- item")), "Acme \\- item");
        }
        assert_eq!(escape_typst("a\u{0}b\u{1b}[2Jc\u{7f}"), "a b \\[2Jc ");
    }
}
