"""The GraphiQL page served on GET, so staff and storefront developers can try the API.

The page loads pinned GraphiQL and React bundles from jsDelivr in the visitor's browser, as
Saleor's own playground does; the server ships no JavaScript. It posts to the URL it was
served from, so it works at ``/plugins/global/saleor.loyalty/graphql/`` and at the demo's
``/graphql/`` alike. Tokens go in GraphiQL's "Headers" tab: ``{"Authorization": "Bearer ..."}``.
"""

from __future__ import annotations

_CDN = "https://cdn.jsdelivr.net/npm"

GRAPHIQL_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="robots" content="noindex">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Loyalty GraphQL API</title>
  <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>
  <link rel="stylesheet" href="{_CDN}/graphiql@3.8.3/graphiql.min.css">
</head>
<body>
  <div id="graphiql">Loading GraphiQL from cdn.jsdelivr.net&hellip;</div>
  <script crossorigin src="{_CDN}/react@18.3.1/umd/react.production.min.js"></script>
  <script crossorigin src="{_CDN}/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
  <script crossorigin src="{_CDN}/graphiql@3.8.3/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: window.location.pathname }});
    const defaultQuery = "# Put your token in Headers: {{\\"Authorization\\": \\"Bearer <token>\\"}}\\n" +
      "query {{\\n  loyaltyViewer {{\\n    customerId\\n    isStaff\\n    permissions\\n  }}\\n}}\\n";
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {{
        fetcher,
        defaultQuery,
        defaultEditorToolsVisibility: "headers",
        isHeadersEditorEnabled: true,
      }})
    );
  </script>
</body>
</html>
"""
