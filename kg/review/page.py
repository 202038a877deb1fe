"""The HTML of the review page: a frame that ``kg/static/review.js`` fills from the server's API.

The page is a plain HTML5 document whose every dynamic part comes from JSON and is put in with
``textContent``, never as markup, so nothing in an article or a YAML file can inject HTML. It has no inline
script or style: the script and stylesheets are files under ``kg/static/`` (``kg.css``, ``review.css``,
``review.js``), which lets the server send a strict Content-Security-Policy. The server's token, which every
API call must carry, is handed to the script in a ``<meta>`` element.
"""

from __future__ import annotations

from kg.web.pages import esc, html_page

#: the keys of the common path, shown in the page's help (review.js binds them)
KEYS = (
    ("j / ↓", "next fact"),
    ("k / ↑", "previous fact"),
    ("n", "next fact still to review"),
    ("a", "accept, then go to the next one to review"),
    ("r", "reject, then go to the next one to review"),
    ("d", "back to draft"),
    ("e / Enter", "edit the fact"),
    ("+", "add a fact from the selected text"),
    ("c", "run the full check (shapes and quality rules)"),
    ("b", "build and show the article's graph"),
    ("?", "show or hide these keys"),
    ("Esc", "close the editor without saving"),
    ("Ctrl+Enter", "save in the editor"),
)


def _document(title: str, body: str, head: str = "") -> str:
    return html_page(title, body, '<link rel="stylesheet" href="/static/review.css">\n' + head, site="kg review")


def review_page(stem: str, token: str) -> str:
    """The page of one article (``/review/<stem>``)."""
    keys = "".join(f"<tr><th><kbd>{esc(k)}</kbd></th><td>{esc(v)}</td></tr>" for k, v in KEYS)
    head = f'<meta name="kg-review-token" content="{esc(token)}">\n<script src="/static/review.js" defer></script>\n'
    body = f"""<body class="review" data-stem="{esc(stem)}">
<header class="review-head">
<h1>Review <code>{esc(stem)}</code></h1>
<div class="progress"><progress id="progress-bar" max="1" value="0"></progress>
<span id="progress" role="status" aria-live="polite">loading…</span></div>
<div class="actions">
<button type="button" id="check-all"
 title="the curator check with the SHACL shapes and quality rules (key c)">Full check</button>
<button type="button" id="build"
 title="the full check, then the build, and the article as the graph holds it (key b)">Build and open</button>
<button type="button" id="help-toggle" aria-expanded="false" title="keys (?)">Keys</button>
</div>
</header>
<noscript><p class="message">The review page needs JavaScript (its own script, from this server).</p></noscript>
<div id="message" class="message" role="alert" hidden></div>
<section id="help" hidden>
<h2>Keys</h2>
<table class="keys">{keys}</table>
<p>Select a passage of the article to add a fact the draft missed, or, while editing, to widen or narrow the
fact's quote. Every change is written to the annotation file at once; the curator check runs after each.</p>
</section>
<div class="review-main">
<section id="article-pane" aria-label="the article">
<div id="legend" class="legend"></div>
<div id="selection-bar" class="selection-bar">
<span class="selected-text">Select a passage of the text to add a fact the draft missed.</span>
<button type="button" id="add-from-selection" disabled>Add a fact from the selection (+)</button>
<button type="button" id="entity-from-selection" disabled>Add an entity</button>
</div>
<div id="article-text" class="article-text" tabindex="-1"></div>
</section>
<section id="facts-pane" aria-label="the facts">
<p id="check-status" class="check-status" role="status" aria-live="polite"></p>
<div id="elsewhere" class="problems" hidden></div>
<div id="meta" class="meta-card"></div>
<div id="file-problems" class="problems" hidden></div>
<ol id="items" class="items"></ol>
<div id="new-item"></div>
</section>
</div>
<section id="build-result" class="build-result" hidden></section>
</body>"""
    return _document(f"review {stem}", body, head)


def error_page(message: str) -> str:
    """A page saying why there is nothing to review here."""
    return _document(
        "not found", f'<body class="review">\n<main><h1>Nothing to review</h1>\n<p>{esc(message)}</p></main>\n</body>'
    )
