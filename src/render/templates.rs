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
    (
        "findings",
        "partials/findings.typ.hbs",
        include_str!("../../templates/partials/findings.typ.hbs"),
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
    /// Filling in failed at a known place: `file:line:column` of the template or partial.
    #[error("template {file}:{line}:{column}: {message}")]
    Render {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
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
    /// Each template's and partial's file name and text, to find where a line of
    /// generated Typst comes from ([`Templates::locate`]).
    sources: Vec<(&'static str, String)>,
}

impl Templates {
    /// Loads the built-in templates, each replaced by a same-named file in `dir` if given.
    pub fn load(dir: Option<&Path>) -> Result<Templates, TemplateError> {
        let mut registry = Handlebars::new();
        let mut sources = Vec::new();
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
                registry.register_partial(name, &text).map_err(invalid)?;
            } else {
                registry
                    .register_template_string(name, &text)
                    .map_err(invalid)?;
            }
            sources.push((*file, text));
        }
        Ok(Templates { registry, sources })
    }

    /// The template file (or partial) and 1-based line a line of generated Typst comes
    /// from, when exactly one template line fits it: the line's fixed text, with anything
    /// between `{{` and `}}` standing for any text. Values filled in never hold a line
    /// break ([`escape_typst`] makes them spaces), so each generated line comes from one
    /// template line; but partials and blocks shift lines, so the line is found by its
    /// text rather than its number. A line only of `{{…}}` fits anything, and is skipped.
    pub fn locate(&self, generated: &str) -> Option<(&'static str, usize)> {
        let generated = generated.trim();
        if generated.is_empty() {
            return None;
        }
        let mut found = None;
        for (file, text) in &self.sources {
            for (number, line) in text.lines().enumerate() {
                if fits(line.trim(), generated) {
                    if found.is_some() {
                        return None;
                    }
                    found = Some((*file, number + 1));
                }
            }
        }
        found
    }

    /// Fills in a template, giving Typst source.
    pub fn render(&self, name: &str, context: &impl Serialize) -> Result<String, TemplateError> {
        let file_of = |name: &str| {
            DEFAULTS
                .iter()
                .chain(PARTIALS)
                .find(|(n, ..)| *n == name)
                .map_or(name, |(_, file, _)| file)
                .to_string()
        };
        self.registry.render(name, context).map_err(|e| {
            match (e.line_no, e.column_no) {
                (Some(line), Some(column)) => TemplateError::Render {
                    // The partial's file when the error is inside one.
                    file: file_of(e.template_name.as_deref().unwrap_or(name)),
                    line,
                    column,
                    message: e.reason().to_string(),
                },
                _ => TemplateError::Invalid {
                    name: file_of(name),
                    message: e.to_string(),
                },
            }
        })
    }
}

/// Whether `generated` could come from the template line `template`: its fixed pieces
/// (the text outside `{{…}}`) in order, the first at the start and the last at the end.
fn fits(template: &str, generated: &str) -> bool {
    let mut pieces = Vec::new();
    let mut rest = template;
    let mut tagged = false;
    while let Some(open) = rest.find("{{") {
        pieces.push(&rest[..open]);
        tagged = true;
        match rest[open..].find("}}") {
            Some(close) => rest = rest[open + close + 2..].trim_start_matches('}'),
            None => return false,
        }
    }
    pieces.push(rest);
    if !tagged {
        return template == generated;
    }
    if pieces.iter().all(|p| p.trim().is_empty()) {
        return false;
    }
    let (first, last) = (pieces[0], pieces[pieces.len() - 1]);
    if !generated.starts_with(first) || !generated.ends_with(last) {
        return false;
    }
    let mut at = first.len();
    let end = generated.len() - last.len();
    if at > end {
        return false;
    }
    for piece in &pieces[1..pieces.len() - 1] {
        match generated[at..end].find(piece) {
            Some(i) => at += i + piece.len(),
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_line_is_traced_to_its_template_line_by_its_fixed_text() {
        assert!(fits("#text[{{organisation}}] x", "#text[Acme] x"));
        assert!(fits("= {{period}} report", "= 2026\\-Q3 report"));
        assert!(!fits("= {{period}} report", "= 2026-Q3 summary"));
        assert!(fits("#let x = (", "#let x = ("));
        assert!(!fits("{{> style}}", "#set page(\"a4\")"));
        let templates = Templates::load(None).unwrap();
        // A line that only the board report's template has.
        let board = DEFAULTS[0].2;
        let (number, line) = board
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("Cloud responsibility posture"))
            .unwrap();
        assert_eq!(
            templates.locate(line),
            Some(("board-report.typ.hbs", number + 1))
        );
        assert_eq!(templates.locate("   "), None);
    }

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
