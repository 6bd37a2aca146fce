r"""Hand-written mutants of grammars/*.lark for tools/mutate.py.

Each entry is ``(grammar, text, replacement, what breaks)``: ``text`` must occur exactly once
in ``grammars/<grammar>.lark`` (tools/mutate.py refuses to run otherwise), and the edit makes
the grammar accept or refuse something the formats (docs/formats.md) say it must not.
Written as raw strings: ``\t`` below is the two characters of the grammar file.
"""

GRAMMAR_MUTANTS: list[tuple[str, str, str, str]] = [
    # --- event.lark: blank lines and line ends ---
    ("event", r"GAP: /((?:[ \t\r\n]*\n)?)/", r"GAP: /((?:[ \t\n]*\n)?)/", "GAP without \\r"),
    ("event", r"GAP: /((?:[ \t\r\n]*\n)?)/", r"GAP: /((?:[ \r\n]*\n)?)/", "GAP without tabs"),
    ("event", r"EOL: /([ \t\r]*)\n/", r"EOL: /([ \t]*)\n/", "EOL without \\r"),
    ("event", r"EOL: /([ \t\r]*)\n/", r"EOL: /([ \r]*)\n/", "EOL without tabs"),
    (
        "event",
        r"END_GAP: /[ \t\r\n]*\n\Z/",
        r"END_GAP: /[ \t\n]*\n\Z/",
        "END_GAP without \\r",
    ),
    ("event", r"related? END_GAP?", r"related?", "no blank lines at the end"),
    ("event", r"DATE_LINE: GAP /###", r"DATE_LINE: /###", "no blank lines before the date line"),
    ("event", r"HEADLINE: GAP /#", r"HEADLINE: /#", "no blank lines before the headline"),
    # --- event.lark: date line and headline ---
    ("event", r"\[([0-9]{4}-", r"\[([0-9]{2,4}-", "short year"),
    ("event", r"-[0-9]{2}-[0-9]{2})", r"-[0-9]{1,2}-[0-9]{2})", "short month"),
    ("event", r"-[0-9]{2}-[0-9]{2})", r"-[0-9]{2}-[0-9]{1,2})", "short day"),
    ("event", r"\(([^ \t\n]*)\)/ EOL", r"\(([^\t\n]*)\)/ EOL", "space in the date line's path"),
    ("event", r"\(([^ \t\n]*)\)/ EOL", r"\(([^ \t\n]+)\)/ EOL", "empty day path refused"),
    ("event", r"/### \[([0-9]", r"/#+ \[([0-9]", "any number of # opens the date line"),
    ("event", r"/# ([^\n]*)\n/", r"/#([^\n]*)\n/", "headline without its space"),
    ("event", r"/# ([^\n]*)\n/", r"/# ([^\n]+)\n/", "empty headline refused"),
    ("event", r"start: DATE_LINE HEADLINE ", r"start: DATE_LINE HEADLINE? ", "optional headline"),
    # --- event.lark: body ---
    ("event", r"|###|###[^ \n]", r"|###[^ \n]", "a body line `###` refused"),
    ("event", r"|###[^ \n][^\n]*)", r"|###[^\n][^\n]*)", "a body line `### x` accepted"),
    ("event", r"|#[^ #\n][^\n]*", r"|#[^#\n][^\n]*", "a body line `# x` accepted"),
    ("event", r"|##|##[^#\n]", r"|##[^#\n]", "a body line `##` refused"),
    ("event", r"(?:[^ \t\r\n#][^\n]*|", r"(?:[^ \t\n#][^\n]*|", "a line of one \\r is body text"),
    ("event", r"[ \t\r]+[^ \t\r\n][^\n]*|#|", r"#|", "an indented body line refused"),
    ("event", r"PARAGRAPH: GAP BODY_LINE+", r"PARAGRAPH: GAP BODY_LINE", "one-line paragraphs"),
    # --- event.lark: sections and links ---
    ("event", r'"### Source:"', r'"### Sources:"', "Sources header"),
    ("event", r'"### Related:"', r'"### Related"', "Related header without colon"),
    ("event", r"SOURCE_HEADER SOURCE_ITEM~0", r"SOURCE_HEADER SOURCE_ITEM~1", "empty Source"),
    ("event", r"RELATED_HEADER RELATED_ITEM~0", r"RELATED_HEADER RELATED_ITEM~1", "empty Related"),
    ("event", r"body: PARAGRAPHS | body PARAGRAPHS", r"body: PARAGRAPHS", "at most 24 body lines"),
    ("event", r"| sources SOURCE_ITEMS", r"| SOURCES SOURCE_ITEMS", "at most twelve sources"),
    ("event", r"| related RELATED_ITEMS", r"| RELATED RELATED_ITEMS", "at most twelve related"),
    ("event", r"sources? related?", r"related? sources?", "sections in the wrong order"),
    ("event", r"SOURCE_ITEM: GAP /([0-9]+)", r"SOURCE_ITEM: GAP /([0-9]*)", "no source number"),
    ("event", r"/ LINK_TEXT LINK_TARGET EOL", r"\[(.+\])/ LINK_TARGET EOL", "empty source name"),
    ("event", r"LINK_TARGET EOL", r"LINK_TARGET /\n/", "no spaces after a source line"),
    ("event", r"\(([^ \t\n\]]*(?:", r"\(([^\t\n\]]*(?:", "space in a link target"),
    ("event", r"]]*)?){0,8})\)/", r"]]*)){0,8})\)/", "a link target cannot end in ]"),
    ("event", r"_Context: ([^\]\n]*", r"_Context: ([^\]\n]+", "empty context refused"),
    ("event", r"(?: _Context: (", r"(?: _Context:(", "context without its space"),
    ("event", r"{0,8})_)?/", r"{0,8})_)/", "context required"),
    ("event", r"RELATED_ITEM: GAP /([0-9]+)", r"RELATED_ITEM: GAP /([0-9])", "one-digit numbers"),
    # --- article.lark: blank lines and line ends ---
    ("article", r"GAP: /((?:[ \t\r\n]*\n)?)/", r"GAP: /((?:[ \t\n]*\n)?)/", "GAP without \\r"),
    ("article", r"EOL: /([ \t\r]*)\n/", r"EOL: /([ \t]*)\n/", "EOL without \\r"),
    ("article", r"INFOBOX_END: /([ \t\r]*)\n/", r"INFOBOX_END: /([ \t]*)\n/", "INFOBOX_END: \\r"),
    ("article", r"INFOBOX_END: /([ \t\r]*)\n/", r"INFOBOX_END: /()\n/", "INFOBOX_END: spaces"),
    ("article", r"END_GAP: /[ \t\r\n]*\n\Z/", r"END_GAP: /[ \t\n]*\n\Z/", "END_GAP: \\r"),
    ("article", r"TITLE_LINE body? END_GAP?", r"TITLE_LINE body?", "no blank lines at the end"),
    ("article", r"| body BODY", r"", "a body of one token (12 lines), none after the infobox"),
    ("article", r"| infobox FIELDS", r"| INFOBOX FIELDS", "at most 24 infobox fields"),
    # --- article.lark: title and infobox ---
    ("article", r"TITLE_LINE: GAP /=([^=\n]", r"TITLE_LINE: GAP /=([^\n]", "title opens with ="),
    ("article", r"[^\n]*[^=\n])?)=/", r"[^\n]*[^\n])?)=/", "title may end with ="),
    ("article", r"INFOBOX.2:", r"INFOBOX:", "no priority for the Infobox line"),
    ("article", r'GAP "Infobox" EOL', r'GAP "Infobox:" EOL', "Infobox line with a colon"),
    ("article", r"FIELD: /- (.*?)", r"FIELD: /- (.*)", "the key ends at the last ': '"),
    ("article", r"FIELD: /- (.*?)", r"FIELD: /-(.*?)", "a field without its space"),
    ("article", r"(?:: (.*)|:)/ EOL", r"(?:: (.*))/ EOL", "empty infobox value refused"),
    ("article", "\n     | TITLE_LINE infobox\n", "\n", "an infobox cannot end the file"),
    (
        "article",
        r"| infobox INFOBOX_END |",
        r"| infobox INFOBOX_END | infobox BODY |",
        "no blank line after the infobox",
    ),
    # --- article.lark: headings ---
    ("article", r"| H6) EOL", r") EOL", "no level 6 heading"),
    ("article", r"([ \t\r]*)===/", r"([ \t\r]*)==/", "level 3 closed by =="),
    ("article", r"H2: /==([ \t\r]*)([^ \t\r\n=]", r"H2: /==([ \t\r]*)([^ \t\r\n]", "title with ="),
    ("article", r"H2: /==([ \t\r]*)", r"H2: /==()", "no spaces inside a level 2 heading"),
    # --- article.lark: paragraphs and lists ---
    ("article", r"[^ \t\r\n=*-][^\n]*|", r"[^ \t\r\n=*][^\n]*|", "a `- ` line is text"),
    ("article", r"|=|=[^=\n]", r"|=[^=\n]", "a line `=` refused"),
    ("article", r"|[*-]|", r"|", "a line `-` refused"),
    ("article", r"|[*-][^ \n][^\n]*)", r"|[*-][^\n][^\n]*)", "a `* ` line is text"),
    ("article", r"BLOCK_LINES: TEXT_LINE+ |", r"BLOCK_LINES: TEXT_LINE |", "one-line paragraphs"),
    ("article", r"LIST_LINE: /[-*] ", r"LIST_LINE: /- ", "`* ` bullets refused"),
    ("article", r"| TEXT_LINE | LIST_LINE))", r"| TEXT_LINE))", "no lists"),
]
