"""Mutants of tools/mutate.py that no test can kill, each with the reason it changes nothing.

The key is the mutant's id as ``python tools/mutate.py --list`` prints it.  A mutant listed
here that a test kills, or that no longer exists, is reported by the tool, so the list cannot
go stale unnoticed.
"""

EQUIVALENT: dict[str, str] = {
    "parse.py _prepare: `\"\\r\"` -> `('')`": (
        "`'\\r' in text` only spares the slower `'\\r\\n' in text` scan on text without any"
        " carriage return; `'' in text` is always true, so the same scan decides."
    ),
    "model.py _check_levels: `7` -> `(8)`": (
        "the level before the first sibling only has to be deeper than any level; levels are"
        " 2 to 6 (checked first), so 7 and 8 refuse and accept the same sections."
    ),
    "build.py EventBuilder.sources: `1:` -> `:`": (
        "the first child is the `### Source:` line, in which the source-line pattern never"
        " finds a match: reading it with the items adds no item and moves no line number."
    ),
    "write.py dump: `\"\"` -> `('X')`": (
        "the default stands for a file without a mode; any text without a `b` in it gives the"
        " same answer, and the encoding test decides."
    ),
    "write.py _article: `\"title\"` -> `('')` #2": (
        "what was written before the lead is only compared with a block kind, a heading and the"
        " infobox's end; an empty name is none of them either, as `title` is not."
    ),
    "write.py _list: `read is items or (read and read == items)` -> `(read is items and (read"
    " and read == items))`": (
        "`read is items` is a shortcut for the same items; equal items that are not the same"
        " tuple then pair position for position in `_align`, and each keeps its spelling."
    ),
    "write.py <module>: `\"y\"` -> `('')`": (
        "the placeholder stands for a source's URL when two spellings are compared for their"
        " style; a URL holds no padding, so every placeholder that reads back (the empty one"
        " does) sorts the spellings into the same styles."
    ),
    "write.py <module>: `\"y\"` -> `('')` #2": (
        "as above, for a related line's path: a path holds no padding either."
    ),
    "parse.py <module>: `False` -> `(True)`": (
        "the default of `error_at(token_start=...)`: the callers that leave it out point inside"
        " the date line (a 30 February) or at the end of the text, where there are no blank"
        " lines to skip, so skipping them moves nothing."
    ),
    "parse.py <module>: `\"event\"` -> `('')`": (
        "the keys of the two format descriptions are never read; only the values, in order."
    ),
    "parse.py <module>: `\"article\"` -> `('')`": (
        "the keys of the two format descriptions are never read; only the values, in order."
    ),
    "parse.py _position: `end >= 0` -> `(end > 0)`": (
        "`end` is 0 only for an error placed on an empty first line, and none is: errors at the"
        " start of a token skip its blank lines to the line that is wrong, an empty file is"
        " reported without a line, and the end of the text has no newline after it."
    ),
    "lenient.py _Recovery.set_aside: `1` -> `(2)` #3": (
        "the column Lark's line counter resumes at after a set-aside line: newswiki reads the"
        " lines and offsets of tokens, never their columns."
    ),
}
