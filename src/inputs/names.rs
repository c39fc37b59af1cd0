//! How names are compared. Spreadsheets are typed by people: `Okta `, `okta` and `OKTA`
//! are one vendor, and `Collected On`, `collected_on` and `Collected-on #` are one header.

/// The key a service, vendor or control id is matched by: trimmed, lowercase, inner runs of
/// whitespace collapsed to one space.
pub fn key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    key_into(text, &mut out);
    out
}

/// A name that ends in a bracketed short form, split into the two, trimmed: `Amazon Web
/// Services (AWS)` is (`Amazon Web Services`, `AWS`), `Amazon Elastic Compute Cloud (EC2)`
/// is (`Amazon Elastic Compute Cloud`, `EC2`). Vendors and services are both written so.
pub fn long_and_short(name: &str) -> Option<(&str, &str)> {
    let name = name.trim();
    let open = name.rfind('(')?;
    let short = name[open + 1..].strip_suffix(')')?;
    Some((name[..open].trim(), short.trim()))
}

/// [`key`], written into a buffer (cleared first): looking up a million rows' names then
/// allocates nothing.
pub fn key_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        // The common case, without per-character Unicode case tables.
        let mut pending_space = false;
        for b in text.trim_ascii().bytes() {
            if b.is_ascii_whitespace() {
                pending_space = true;
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(b.to_ascii_lowercase() as char);
        }
        return;
    }
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// Characters a terminal acts on, or that change what the text around them seems to say
/// without being seen: control characters (C0, DEL, C1), line and paragraph separators,
/// bidirectional controls (an RLO, U+202E, before `fdp.exe` makes `invoice` + it read as
/// `invoiceexe.pdf`) and
/// zero-width characters.
pub fn is_control_or_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}' // zero-width space and joiners
                | '\u{2028}' | '\u{2029}' // line and paragraph separators
                | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
                | '\u{FEFF}' // zero-width no-break space
        )
        || is_bidi_control(c)
}

/// Bidirectional controls: marks (LRM, RLM, the Arabic letter mark), embeddings,
/// overrides (RLO) and isolates. They reorder the text around them without being seen.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that change what a cell seems to say without being seen: bidirectional
/// controls, zero-width characters and control characters other than tab and line breaks
/// (which a note may hold). They are removed from every text cell demarc reads, so that
/// `Ok<ZWSP>ta` is Okta and an RLO cannot make a name read backwards in a report.
pub fn is_hidden(c: char) -> bool {
    is_control_or_invisible(c) && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `text` holds a [`is_hidden`] character, without looking at every character of
/// plain ASCII text (the usual case, a million cells at a time).
pub fn has_hidden(text: &str) -> bool {
    if text.is_ascii() {
        return text
            .bytes()
            .any(|b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f);
    }
    text.chars().any(is_hidden)
}

/// `text` without its [`is_hidden`] characters.
pub fn strip_hidden(text: &str) -> String {
    text.chars().filter(|c| !is_hidden(*c)).collect()
}

/// Unicode's skeleton of a name (UTS #39): two names with one skeleton look alike
/// (`Okta` with a Latin O, and with a Cyrillic one).
pub fn skeleton(text: &str) -> String {
    unicode_security::confusable_detection::skeleton(&key(text)).collect()
}

/// The looser key headers, enumerations and domain names are matched by: lowercase letters
/// and digits only, with `&` read as `and` (so `Identity & Access Management` matches
/// `identity_and_access_management`).
pub fn loose_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '&' {
            out.push_str("and");
        } else if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Whether `text` reads as `wanted_loose` (already a [`loose_key`]), without allocating:
/// enumerations are matched once per cell of a million-row sheet.
pub fn loose_matches(text: &str, wanted_loose: &str) -> bool {
    let mut wanted = wanted_loose.chars();
    for c in text.chars() {
        if c == '&' {
            if !"and".chars().all(|a| wanted.next() == Some(a)) {
                return false;
            }
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                if wanted.next() != Some(lower) {
                    return false;
                }
            }
        }
    }
    wanted.next().is_none()
}

/// Splits a list cell (`a; b, c` or one item per line) into trimmed, non-empty items.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([';', ',', '\n', '\r'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

/// Names listed as a sentence says them: `PHI`, `PHI and PII`, `PII, PHI and PCI`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// 14353 → "14,353": counts a board reads at a glance.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The candidate closest to `seen` by edit distance, when it is close enough to be a typo
/// (used for "did you mean" hints).
pub fn closest<'a>(seen: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let seen = loose_key(seen);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&seen, &loose_key(c)), c))
        .filter(|(distance, c)| *distance <= 2.max(c.len() / 4))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

/// Text from an input (a cell, a file or zip entry name, a manifest field, a JSON string),
/// made inert for a terminal: every control character (C0, DEL, C1), line and paragraph
/// separator, bidirectional control and zero-width character is shown escaped (`\u{1b}`,
/// `\n`), as the error messages quote cells. Otherwise a cell or a zip entry name could
/// clear the screen and print a fake report, set the window title, write the clipboard
/// (OSC 52), start a new line that looks like demarc's own, or reorder what is shown.
///
/// Every printing path passes input-derived text through here: one function, so that no
/// path is forgotten when another is added.
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_control_or_invisible) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_control_or_invisible(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// [`inert`], line by line: for text whose line breaks are demarc's own (an error listing
/// its problems), while every other control character is still escaped.
pub fn inert_lines(text: &str) -> String {
    text.split('\n').map(inert).collect::<Vec<_>>().join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_stray_spaces() {
        assert_eq!(key("  Google   Workspace "), "google workspace");
        assert_eq!(key("\tAC-1\n"), "ac-1");
        assert_eq!(key(" Ünïcode  Dienst "), "ünïcode dienst");
        assert_eq!(loose_key("Collected-On #"), "collectedon");
        assert_eq!(and_list(&["PHI"]), "PHI");
        assert_eq!(and_list(&["PII", "PHI", "PCI"]), "PII, PHI and PCI");
        assert_eq!(
            loose_key("Identity & Access Management"),
            loose_key("identity_and_access_management")
        );
    }

    #[test]
    fn loose_matching_agrees_with_loose_keys() {
        for (a, b) in [
            ("Partially effective", "partially-EFFECTIVE"),
            ("R&D", "r and d"),
            ("Not tested", "nottested"),
        ] {
            assert!(loose_matches(a, &loose_key(b)), "{a} vs {b}");
        }
        assert!(!loose_matches("Effective", &loose_key("Ineffective")));
        assert!(!loose_matches("Effective", &loose_key("Effectiv")));
    }

    #[test]
    fn lists_split_on_semicolons_commas_and_lines() {
        assert_eq!(
            split_list("PII; PHI,PCI\nIP ;;"),
            ["PII", "PHI", "PCI", "IP"]
        );
    }

    #[test]
    fn near_misses_get_a_hint() {
        let accepted = ["Effective", "Ineffective", "Exception"];
        assert_eq!(closest("Efective", accepted), Some("Effective"));
        assert_eq!(closest("banana", accepted), None);
    }

    #[test]
    fn input_text_reaches_a_terminal_inert() {
        assert_eq!(inert("Okta"), "Okta");
        assert!(matches!(inert("Okta"), std::borrow::Cow::Borrowed(_)));
        // Clear screen and home, then a fake line: one visible line, escapes spelt out.
        assert_eq!(
            inert("x\u{1b}[2J\u{1b}[H\nverified: all ok"),
            "x\\u{1b}[2J\\u{1b}[H\\nverified: all ok"
        );
        // OSC 52 (clipboard) ended by BEL, a C1 CSI, DEL.
        assert_eq!(
            inert("\u{1b}]52;c;ZWNobw==\u{7}\u{9b}31m\u{7f}"),
            "\\u{1b}]52;c;ZWNobw==\\u{7}\\u{9b}31m\\u{7f}"
        );
        // Right-to-left override and zero-width characters are shown, not obeyed.
        assert_eq!(inert("invoice\u{202e}fdp.exe"), "invoice\\u{202e}fdp.exe");
        assert_eq!(inert("Ok\u{200b}ta"), "Ok\\u{200b}ta");
        assert_eq!(inert_lines("a\u{1b}\nb"), "a\\u{1b}\nb");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(14_353), "14,353");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
