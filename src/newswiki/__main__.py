"""``python -m newswiki``: the ``newswiki`` command (see :mod:`newswiki.cli`)."""

from newswiki.cli import main

raise SystemExit(main())
