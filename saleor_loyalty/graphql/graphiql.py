"""The page served on GET at the API: a small query editor that works offline.

It used to load GraphiQL and React from a CDN, which left a blank page without internet. Now the
page is self-contained: the editor's script ships in the package
(``console/static/loyalty_console/query-editor.js``) and is inlined here, so the page needs
nothing but the API it posts to (the URL it was served from: ``/plugins/global/saleor.loyalty/graphql/``
inside Saleor, ``/graphql/`` in the demo). Tokens go in the Authorization field.
"""

from __future__ import annotations

from functools import cache
from html import escape
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[1] / "console" / "static" / "loyalty_console" / "query-editor.js"

DEFAULT_QUERY = """query {
  loyaltyViewer {
    customerId
    isStaff
    permissions
  }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Loyalty GraphQL API</title>
  <style>
    body {{ margin: 0; font: 14px/1.45 system-ui, sans-serif; color: #1f2330; background: #f6f7fb; }}
    main {{ padding: 16px 20px; display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }}
    h1 {{ font-size: 18px; margin: 0; padding: 12px 20px; background: #fff; border-bottom: 1px solid #d9dde7; }}
    label {{ display: grid; gap: 4px; font-weight: 500; margin-bottom: 10px; }}
    textarea, input {{ font: 13px ui-monospace, Menlo, monospace; padding: 8px; border: 1px solid #d9dde7; border-radius: 6px; }}
    textarea[name=query] {{ min-height: 300px; }} textarea[name=variables] {{ min-height: 80px; }}
    button {{ font: inherit; padding: 6px 16px; border-radius: 6px; border: 0; background: #3b4cc0; color: #fff; }}
    pre {{ background: #0f1320; color: #e6e9f2; padding: 12px; border-radius: 8px; overflow: auto; min-height: 420px; margin: 0; }}
  </style>
</head>
<body>
  <h1>Loyalty GraphQL API</h1>
  <main>
    <form data-endpoint="" id="query-editor">
      <label>Query <textarea name="query" spellcheck="false">{query}</textarea></label>
      <label>Variables (JSON) <textarea name="variables" spellcheck="false"></textarea></label>
      <label>Authorization <input name="authorization" placeholder="Bearer &lt;token&gt;" autocomplete="off"></label>
      <button type="submit">Run</button>
    </form>
    <pre data-output aria-live="polite">Run a query to see the response.</pre>
  </main>
  <script>{script}</script>
</body>
</html>
"""


@cache
def get_query_page() -> str:
    """The page's HTML (built once per process)."""
    # The form posts to the page's own URL ("" endpoint): the script resolves it to location.
    script = _SCRIPT.read_text(encoding="utf-8").replace("</", "<\\/")
    return _PAGE.format(query=escape(DEFAULT_QUERY), script=script)
