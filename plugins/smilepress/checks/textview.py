"""Views of a Markdown file for the compliance checks, with offsets that lead back to the file.

`prose_mask` blanks what a reader does not see as wording (front matter except title and
description, code, HTML comments and tags, link targets, bare URLs) with MASK characters, one for
one, so wording rules never fire on code or comments and every offset is still a file offset. Where
the front matter ends and what is code, a comment or a link target is load/markdown.py's (the one
reader of a file's structure, as MkDocs renders it); this module adds what only wording ignores.
Normalising the text for matching is view/normalise.py's.
"""

from __future__ import annotations

import re

from ..load import markdown
from ..load.markdown import MASK

# -- masking -------------------------------------------------------------------------------------
# Front matter, code, comments, raw HTML and link targets are the one reader's (load/markdown.py);
# what only the prose view hides is here: tags, bare URLs and attribute lists.

_TAG = re.compile(r"</?[A-Za-z][^<>\n]*>")
# Printable ASCII but " ' ( ) < >: Chinese text right after a URL is wording the page shows.
_URL = re.compile(r"(?:https?://|ftp://|mailto:|tel:)[!#-&*-;=?-~]*")
_ATTR_LIST = re.compile(r"\{:?[ \t]*[.#][^}\n]*\}")

_blank = markdown.blank

# Text a page shows as it is, not as Markdown (the site's frame, a picture's caption), is checked
# whole: characters Markdown would read as code, a comment or a link target are read as the
# full-width characters they fold to, one for one (a finding's column is still the text's).
SHOWN_AS_IS = str.maketrans({"`": "｀", "~": "～", "<": "＜", ">": "＞", "[": "［", "]": "］"})


def markup_mask(text: str) -> str:
    """`text` without front matter, code and HTML comments: the markup a browser would act on."""
    return markdown.read(text).hide(" ")


def prose_mask(text: str) -> str:
    """`text` with all but published wording replaced by MASK characters (line breaks kept)."""
    st = markdown.read(text)
    spans = []
    if st.front_matter is not None:  # all of it but the values of title and description
        pos = 0
        for start, end in st.front_matter.prose:
            spans.append((pos, start))
            pos = end
        spans.append((pos, st.body_start))
    spans += st.code
    spans += markdown.hidden_link_parts(st)
    work = _blank(st.lf, spans)
    for pattern, needs in _PROSE_MASKS:
        if any(n in work for n in needs):
            found = [m.span() for m in pattern.finditer(work, st.body_start)]
            spans += found
            work = _blank(work, found)
    return _blank(text, spans, MASK)


# Each mask, with a string it cannot match without (most files have no tags or URLs).
_PROSE_MASKS = (
    (_TAG, ("<",)),
    (_URL, ("://", "mailto:", "tel:")),
    (_ATTR_LIST, ("{",)),
)
