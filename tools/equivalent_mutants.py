"""Mutants of tools/mutate.py that no test can kill, each with the reason it changes nothing.

The key is the mutant's id as ``python tools/mutate.py --list`` prints it.  A mutant listed
here that a test kills, or that no longer exists, is reported by the tool, so the list cannot
go stale unnoticed.
"""

EQUIVALENT: dict[str, str] = {
    "model.py _check_levels: `7` -> `(8)`": (
        "the level before the first sibling only has to be deeper than any level; levels are"
        " 2 to 6 (checked first), so 7 and 8 refuse and accept the same sections."
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
    "lenient.py _Recovery.set_aside: `1` -> `(2)` #3": (
        "the column Lark's line counter resumes at after a set-aside line: newswiki reads the"
        " lines and offsets of tokens, never their columns."
    ),
    # --- reader.py ---
    "reader.py prepare: `\"\\r\"` -> `('')`": (
        "`'\\r' in text` only spares the slower `'\\r\\n' in text` scan on text without any"
        " carriage return; `'' in text` is always true, so the same scan decides."
    ),
    "reader.py prepare: `\"\\n\"` -> `('')` #6": (
        "a plain document (no byte order mark, `\\n` line ends, a final newline) then gets a new"
        " `DocumentLayout` equal to the shared `PLAIN_DOCUMENT` instead of that instance: the"
        " same values, one more `replaced` call."
    ),
    "reader.py <module>: `\"event\"` -> `('')`": (
        "the keys of the two format descriptions are never read; only the values, in order."
    ),
    "reader.py <module>: `\"article\"` -> `('')`": (
        "the keys of the two format descriptions are never read; only the values, in order."
    ),
    "reader.py <module>: `\"$END\"` -> `('')`": (
        "Lark's contextual lexer makes only tokens the parser's state accepts, so the only"
        " unexpected token is the end of the file, met where it is not expected: `$END` is"
        " never among an error's expected terminals, and its words are never looked up."
    ),
    "reader.py <module>: `\"the end of the file\"` -> `('')` #2": (
        "the words of `$END`, never looked up (see the mutant of its key)."
    ),
    "reader.py _utf16: `return False` -> `return None`": (
        "the one caller asks `if _utf16(data)`: `None` is as false as `False`."
    ),
    "reader.py _utf16: `0::2` -> `::2`": "a slice from the start is `[0::2]` spelled out.",
    "reader.py _position: `end >= 0` -> `(end > 0)`": (
        "`end` is 0 only for an error placed on an empty first line, and none is: errors at the"
        " start of a token skip its blank lines to the line that is wrong, an empty file is"
        " reported without a line, and the end of the text has no newline after it."
    ),
    "reader.py _position: `0` -> `(1)` #3": "`end >= 1` is `end > 0`: see the mutant above.",
    'reader.py _words_for: `return "nothing more"` -> `return None`': (
        "unreachable: every state of both parsers accepts a terminal with words but the state"
        " after `END_GAP`, which ends at the end of the text, so no error is met there."
    ),
    "reader.py _words_for: `\"nothing more\"` -> `('')`": "unreachable, as above.",
    "reader.py translate: `return error_at(text, len(text), expected_at(error.expect...` ->"
    " `return None`": (
        "Lark (1.3) raises `UnexpectedEOF` only from its Earley parser; newswiki's parsers are"
        " LALR, whose end of input is an `UnexpectedToken` for `$END`."
    ),
    "reader.py <module>: `\"\"` -> `('X')`": (
        "the default `text` of `expected_at`, used only by the `UnexpectedEOF` branch above."
    ),
    "reader.py <module>: `0` -> `(1)`": (
        "the default `offset` of `expected_at`, used only by the `UnexpectedEOF` branch above."
    ),
    # --- spelling.py ---
    "spelling.py _tags: `True` -> `(False)`": (
        "`zip(..., strict=True)` of the filled parts and the tags, in the branch where their"
        " numbers are equal: strict or not, the same pairs."
    ),
    "spelling.py read_tags: `len(raw) > _KEPT_CONTEXT` -> `(len(raw) >= _KEPT_CONTEXT)`": (
        "a context of exactly the bound is split each time instead of once: the same tags."
    ),
    "spelling.py <module>: `100` -> `(101)`": "as above, one character further.",
    "spelling.py <module>: `1024` -> `(1025)`": (
        "one more context kept split: the tags read are the same, kept or not."
    ),
    # --- build.py ---
    "build.py <module>: `\"T\"` -> `('')`": (
        "the name of a type variable, read by the type checker only."
    ),
    "build.py <module>: `4096` -> `(4097)`": (
        "the bound of the shared layouts of canonical lines: one more is kept, and a line past"
        " the bound gets an equal layout of its own; the objects read are the same."
    ),
    "build.py place: `line < _PLACES_KEPT` -> `(line <= _PLACES_KEPT)`": "as above.",
    "build.py place: `1` -> `(2)`": (
        "the shared layouts are made one line further than asked: the layout given is the same."
    ),
    "build.py _Builder.paragraphs: `gap_end > match.start()` -> `(gap_end >= match.start())`": (
        "an empty gap holds no newline: counting them adds nothing."
    ),
    "build.py _Paragraphs.__init__: `1` -> `(2)`": (
        "`end = -1` as -2: it stands for no token read yet, and is compared with the start of a"
        " token, which is never negative."
    ),
    "build.py _Paragraphs.__init__: `0` -> `(1)`": (
        "the number of the last line read is set by every token before it is read: the first"
        " value is never read."
    ),
    "build.py EventBuilder.body: `False` -> `(True)`": (
        "`goes_on` left true after a paragraph of the same token: the next paragraph there has a"
        " blank line before it (lines without one are the same paragraph), which keeps it"
        " apart already."
    ),
    "build.py _ArticleBody.__init__: `1` -> `(2)`": (
        "`end = -1` as -2: the same stand-in, for the article's body tokens."
    ),
    "build.py _ArticleBody.__init__: `\"\"` -> `('X')`": (
        "the kind of the last block is only read when a token goes on where the one before"
        " ended, which the first token never does: the first kind is replaced before it is read."
    ),
    "build.py ArticleBuilder.body: `\"heading\"` -> `('')`": (
        "the kind of the last part is only compared with `list` and `paragraph`: an empty name"
        " for a heading is neither, as `heading` is not."
    ),
    "build.py ArticleBuilder.body: `False` -> `(True)`": (
        "`goes_on` left true after a part of the same token: after a heading, the next block"
        " goes on only after a block of its kind, and the last part is a heading; after a"
        " block, the next block either has a blank line before it or is of another kind (a list"
        " line ends a paragraph, a paragraph line cannot start a list), which keeps it apart."
    ),
    "build.py _ArticleBody.finish: `0` -> `(1)`": (
        "the sections still open at the end are closed from level 0 or 1: levels are 2 to 6."
    ),
    "reader.py _StrictParser.parse: `1` -> `(2)` #3": (
        "a token's column: every token starts a line, and newswiki reads lines and offsets of"
        " tokens, never their columns."
    ),
    "reader.py _StrictParser.parse: `1` -> `(2)` #4": "as above, for the column a token ends at.",
    "reader.py _StrictParser.parse: `1` -> `(2)` #5": "as above, for the end of the text.",
    "reader.py _StrictParser.parse: `1` -> `(2)` #6": "as above, for the end of the text.",
    "reader.py _StrictParser.parse: `\"\"` -> `('X')`": (
        "the text of the token that ends the text: the parser reads only its type, and an"
        " error at it is placed at the end of the text by its type too."
    ),
    # --- write.py ---
    "write.py <module>: `\"heading\"` -> `('')`": (
        "the names of what a line or block follows (a heading, the infobox's end, the headline,"
        " the title, a paragraph, a list) are only compared with one another: an empty name is"
        " as distinct from the others as `heading` is."
    ),
    "write.py <module>: `\"infobox end\"` -> `('')`": "as above, for the infobox's end.",
    "write.py _event: `\"headline\"` -> `('')` #2": "as above, for the headline.",
    "write.py _blocks: `\"paragraph\"` -> `('')`": (
        "the kind of the last block written is only asked whether it is a heading or the"
        " infobox's end (to space the next heading); a paragraph's kind, empty, is neither."
    ),
    "write.py _blocks: `\"list\"` -> `('')`": "as above, for a list.",
    'write.py _blocks: `return "paragraph" if isinstance(blocks[-1], str) else "l...`'
    " -> `return None`": "as above: `None` is neither a heading nor the infobox's end.",
    "write.py _blocks: `\"list\"` -> `('')` #2": (
        "the kind of each block is compared with the one before it and with the kind passed in"
        " (the headline, the title, a heading, the infobox's end), never with a list's name"
        " itself: an empty name for lists keeps every comparison's answer."
    ),
    "write.py _blocks: `\"paragraph\"` -> `('')` #2": "as above, for paragraphs.",
    "write.py _sibling: `at > index` -> `(at >= index)`": (
        "`at` never equals `index` (the item itself is left out of its neighbours)."
    ),
    "write.py _list: `True` -> `(False)`": (
        "`zip(..., strict=True)` of a list's items and its spellings, in the branch where the"
        " items are the ones read, one spelling each: strict or not, the same pairs."
    ),
    "write.py _finish: `\"\\r\"` -> `('')`": (
        "`'\\r' in text` only spares the two counts on text without a carriage return; `'' in"
        " text` is always true, and the counts decide the same."
    ),
    'write.py _finish: `text.count("\\n") == text.count("\\r\\n") > 0` -> `(text.count('
    "'\\n') == text.count('\\r\\n') >= 0)`": (
        "with no `\\n` in the text, turning each `\\n` into `\\r\\n` changes nothing."
    ),
    "write.py _finish: `\"\\n\"` -> `('')` #3": (
        "`newline != ''` lets a `\\n` file through to `text.replace('\\n', '\\n')`, which changes"
        " nothing."
    ),
    "write.py _with_unparsed: `wanted > 0` -> `(wanted >= 0)`": (
        "taking no lines when none are wanted changes nothing."
    ),
    "write.py _block_gaps: `read is blocks or (read and read == blocks)` -> `(read is blocks and"
    " (read and read == blocks))`": (
        "`read is blocks` is a shortcut for equal blocks; equal blocks that are not the same"
        " tuple are then paired position for position by `_align`, and each keeps its gap."
    ),
    "write.py _numbered: `was is item or values_of(was) == values` -> `(was is item and"
    " values_of(was) == values)`": (
        "`was is item` is a shortcut: a line where it was, with the values it was read as, is"
        " respelled with those values instead, which gives the line back (it reads as them,"
        " and each value goes back between the same parts; checked on 4,268 parsed lines)."
    ),
    "write.py _numbered: `layout.text or \"0.\"` -> `(layout.text and '0.')`": (
        "unreachable: a line where it was read is respelled with values the model has checked,"
        " which its spelling always reads back (the parts around the values are kept, and the"
        " tags fall back to their canonical spelling), so the respelled line is never `None`."
    ),
    "write.py _numbered: `\"0.\"` -> `('')`": "unreachable, as above.",
    "write.py placed_unparsed: `len(after_nonblank) - 1` -> `(len(after_nonblank) + 1)`": (
        "the bound is never reached: the canonical text writes every non-blank line the"
        " document writes (the same values; a section header kept with no items is kept by"
        " `canonical` too), so the count of non-blank lines before a block is never past it."
    ),
    "write.py placed_unparsed: `start + kept` -> `(start - kept)`": (
        "`start - kept < len(new)` differs from `start + kept < len(new)` only once the blank"
        " lines counted reach the end of the canonical text, which ends in a non-blank line."
    ),
    "reader.py found_at: `end >= 0` -> `(end > 0)`": (
        "`end` is 0 only for an error placed on an empty first line, and none is (see `_position`)."
    ),
    "reader.py found_at: `1` -> `(2)` #2": (
        "a line with no line end in reach is cut one character later: past 40 characters it is"
        " shown as its first 37 and `...` either way."
    ),
    # --- titles.py ---
    "titles.py _decoded: `\"&\"` -> `('')`": (
        "`'&' in text` only spares decoding a title without entities; `'' in text` is always"
        " true, and decoding a text without `&` gives it back unchanged."
    ),
    # --- text.py ---
    "text.py split_topics: `end < 0` -> `(end <= 0)`": (
        "`end` is 0 only when the headline starts with `: `, where the segment before it is"
        " empty and no topic: the loop ends there either way.  Past the first topic `end` is"
        " at least `start`, which is past 0."
    ),
    "text.py split_topics: `0` -> `(1)` #2": "`end < 1` is `end <= 0`: see the mutant above.",
    # --- walk.py ---
    "walk.py <module>: `r\"[*?[]\"` -> `('')`": (
        "the glob characters only spare `glob.glob` an argument that is no glob; such an"
        " argument is neither a folder nor a path that exists (checked before), and `glob`"
        " matches a plain path only when it exists: no match, the same `FileNotFoundError`."
    ),
    "walk.py _is_itself: `return False` -> `return None`": (
        "both callers ask `if _is_itself(...)` (or `... if plain else ...`): `None` is as false"
        " as `False`."
    ),
    "walk.py walk: `\"dir\"` -> `('')`": (
        "the kind of a root is only asked whether it is `file` or `glob`; every other kind is"
        " walked as a folder, as `dir` is."
    ),
    # --- graph.py ---
    "graph.py <module>: `\"resolved\"` -> `('')`": (
        "a value of the `Literal` type `LinkStatus`, read by the type checker only: the"
        " statuses the code gives are spelled where they are given."
    ),
    "graph.py <module>: `\"missing\"` -> `('')`": "as above.",
    "graph.py <module>: `\"unparsable\"` -> `('')`": "as above.",
    "graph.py <module>: `\"resolved\"` -> `('')` #2": "as above, for `TopicStatus`.",
    "graph.py <module>: `\"missing\"` -> `('')` #2": "as above, for `TopicStatus`.",
    "graph.py <module>: `\"no-section\"` -> `('')`": "as above, for `TopicStatus`.",
    "graph.py <module>: `\"ambiguous\"` -> `('')`": "as above, for `TopicStatus`.",
    "graph.py <module>: `\"_L\"` -> `('')`": (
        "the name of a type variable, read by the type checker only."
    ),
    "graph.py _unflat: `True` -> `(False)`": (
        "`zip(..., strict=True)` of one iterator four times over a tuple that `_flat` made of"
        " four parts a topic: strict or not, the same topics."
    ),
    "graph.py _facts: `True` -> `(False)`": (
        "`zip(..., strict=True)` of an event's related links and their places, one place per"
        " link: strict or not, the same pairs."
    ),
    "graph.py _facts: `\"event\"` -> `('')`": (
        "the kind of what is kept of a document is only asked whether it is `article`: an empty"
        " name for an event is not, as `event` is not."
    ),
    "graph.py CorpusIndex._add_facts: `1` -> `(2)`": (
        "`name.rsplit('/', 2)[-1]` is the same last part as `name.rsplit('/', 1)[-1]`."
    ),
    "graph.py _value_start: `column < len(text)` -> `(column <= len(text))`": (
        "the padding skipped is followed by the value, which holds a topic: `column` never"
        " reaches the end of the line's text."
    ),
    # --- grammar.py ---
    "grammar.py <module>: `\"postlex\"` -> `('')`": (
        "newswiki builds its parsers without a postlexer, lexer callbacks or terminal edits:"
        " saved, their defaults read back as the defaults a load gives them anyway."
    ),
    "grammar.py <module>: `\"lexer_callbacks\"` -> `('')`": "as above.",
    "grammar.py <module>: `\"edit_terminals\"` -> `('')`": "as above.",
    "grammar.py <module>: `0` -> `(1)`": (
        "the value of `O_NOFOLLOW` where `os` has none (Windows): every system the tests run"
        " on has it, so the default is never taken."
    ),
    'grammar.py <module>: `getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)` ->'
    " `(getattr(os, 'O_CLOEXEC', 0) & getattr(os, 'O_BINARY', 0))`": (
        "`O_CLOEXEC` left out of the flags: Python opens every descriptor non-inheritable"
        " already (PEP 446, with `O_CLOEXEC` itself where there is one), so it changes nothing;"
        " `O_BINARY` is Windows's, and 0 elsewhere."
    ),
    "grammar.py <module>: `\"O_CLOEXEC\"` -> `('')`": "`O_CLOEXEC` left out: as above.",
    "grammar.py <module>: `0` -> `(1)` #2": (
        "the value of `O_NONBLOCK` where `os` has none (Windows): every system the tests run on"
        " has it."
    ),
    "grammar.py <module>: `0` -> `(1)` #3": (
        "the value of `O_CLOEXEC` where `os` has none: every system the tests run on has it."
    ),
    "grammar.py <module>: `\"O_BINARY\"` -> `('')`": (
        "`O_BINARY` exists on Windows only; elsewhere `getattr(os, '', 0)` is the same 0."
    ),
    'grammar.py <module>: `hasattr(os, "O_DIRECTORY") and {os.open, os.rename, os.un...` ->'
    " `(hasattr(os, 'O_DIRECTORY') or {os.open, os.rename, os.un...`": (
        "where the tests run, `os` has `O_DIRECTORY` and opens, renames and removes relative to"
        " a folder's descriptor: both sides are true, and so is either."
    ),
    "grammar.py <module>: `{os.open, os.rename, os.unlink} <= os.supports_dir_fd` -> `({os.open,"
    " os.rename, os.unlink} < os.supports_dir_fd)`": (
        "where the tests run, `os.supports_dir_fd` holds more functions than these three (`stat`,"
        " `mkdir`, ...): a subset of it is a proper one too."
    ),
    "grammar.py _trusted: `return False` -> `return None`": (
        "every caller asks `if not _trusted(...)` (or `... if _trusted(...) else None`): `None`"
        " is as false as `False`."
    ),
    "graph.py _placed: `0` -> `(1)`": (
        "the rank before the first topic is never read: `previous` starts at -1, which no"
        " related number (0 for the headline, 1 and up) equals, so the first topic's rank is 1."
    ),
    "graph.py _placed: `1` -> `(2)`": (
        "`previous` starting at -2 rather than -1: no related number is negative either."
    ),
    # --- tabular.py ---
    "tabular.py _topic_part: `True` -> `(False)`": (
        "`zip(_PLACED, row, strict=True)`: every row is made of the seven columns of _PLACED,"
        " by the same function; strict or not, the same pairs."
    ),
    "tabular.py TopicTable.arrow: `True` -> `(False)`": (
        "`zip(columns, types, strict=True)`: both are made from the one list of the schema's"
        " fields; strict or not, the same pairs."
    ),
    "tabular.py TopicTable.jsonl: `True` -> `(False)`": (
        "`zip(_RESOLVED, named, strict=True)`: `_named` makes each tuple of the four columns"
        " of _RESOLVED; strict or not, the same pairs."
    ),
    "tabular.py TopicTable._jsonl_blocks: `True` -> `(False)`": (
        "`zip(part.placed, part.topics, strict=True)`: a part gets one placed row for each"
        " topic, in the same loop; strict or not, the same pairs."
    ),
    "tabular.py TopicTable.add: `len(self._pending) >= _PART_FILES` -> `(len(self._pending) >"
    " _PART_FILES)`": (
        "it moves where the documents added one by one are cut into parts by one file, and the"
        " table is the same wherever the parts are cut (a hypothesis property in"
        " tests/test_graph.py cuts them anywhere)."
    ),
    # --- files.py ---
    "files.py WriteBatch._data_synced: `return False` -> `return None`": (
        "its one caller tests the answer for truth (`if staged and self._data_synced(...)`):"
        " None and False both mean that nothing is renamed."
    ),
    "files.py <module>: `\"durable\"` -> `('')`": (
        "a value of the `Durability` type alias (`Literal[...]`): read only by type checkers;"
        " WriteBatch checks its argument against its own literals."
    ),
    "files.py <module>: `\"none\"` -> `('')`": "the other value of `Durability`: as above.",
    "files.py <module>: `1` -> `(2)`": (
        "`_BLOCK`, the size of a temporary file's buffer and of the blocks an in-place write"
        " copies: every block is written whole (`_write_all`), so only the number of system"
        " calls changes, not a byte of any file."
    ),
    "files.py <module>: `20` -> `(21)`": "`_BLOCK` doubled: as above.",
    "files.py _umask: `0` -> `(1)`": (
        "the umask set for the instant between the two `os.umask` calls: the value read is the"
        " one before either, and the second call puts it back (no file is made in between)."
    ),
    "files.py _lock: `return False` -> `return None`": (
        "the one caller that reads the answer tests it for truth (`_same_file(...) and"
        " _lock(fd)`); `_create_temporary` locks a file it has just made and ignores it."
    ),
    "files.py <module>: `100_000` -> `(100001)`": (
        "`_LOOKED_IN_MAX` only bounds the memory of the folders looked in for leftovers: a"
        " folder forgotten is looked in again, which finds none of this run's (their files are"
        " locked); telling 100000 from 100001 takes that many folders (the bound itself is"
        " tested with a smaller one)."
    ),
    "files.py _remove_leftovers: `False` -> `(True)`": (
        "`entry.stat(follow_symlinks=True)`: a leftover that is a symbolic link is then seen"
        " as what it names, but `_remove_if_abandoned` opens it with `O_NOFOLLOW`, which"
        " refuses every link: nothing is removed either way (a dangling one fails the stat and"
        " is skipped, as the link itself, neither a file nor a folder, is)."
    ),
    "files.py _adopt: `return False` -> `return None`": (
        "both callers test the answer for truth (`... and _adopt(...)` in `Replacement.commit`,"
        " `if not kept` in `WriteBatch.write`): None and False both mean 'write it in place'."
    ),
    "files.py _adopt: `return False` -> `return None` #2": "the second `return False`: as above.",
    "files.py _syncfs: `\"linux\"` -> `('')`": (
        "`sys.platform.startswith('')` is true everywhere, as `startswith('linux')` is on the"
        " Linux the tests run on; it only differs elsewhere."
    ),
    "files.py _sync_file_systems: `return False` -> `return None`": (
        "both callers test the answer for truth (`if not _sync_file_systems(...)`, and"
        " `durable and fds and not ...`): None and False both mean 'sync each file instead'."
    ),
}
