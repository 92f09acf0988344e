urlpatterns: list = []

# The plugin's GraphQL API, as the demo serves it: Django users with signed bearer tokens.
from django.urls import path  # noqa: E402

from saleor_loyalty.graphql.auth import SignedTokenBackend  # noqa: E402
from saleor_loyalty.graphql.view import GraphQLView  # noqa: E402

urlpatterns += [path("graphql/", GraphQLView(auth_backend=SignedTokenBackend()).as_view())]

# The staff console, as the demo mounts it.
from django.urls import re_path  # noqa: E402

from saleor_loyalty.console.auth import DjangoConsoleAuth  # noqa: E402
from saleor_loyalty.console.site import ConsoleSite, as_view  # noqa: E402

console_site = ConsoleSite(prefix="/console/", auth=DjangoConsoleAuth(), api_url="/graphql/")
urlpatterns += [re_path(r"^console/(?P<path>.*)$", as_view(console_site))]

from saleor_loyalty.console.views.app import manifest_response  # noqa: E402

urlpatterns += [path("app/manifest", lambda request: manifest_response(request, "/console/"))]


def fake_dashboard(request):  # type: ignore[no-untyped-def]
    """A stand-in for Saleor Dashboard in the browser tests: it frames the console's app page and
    posts the app-bridge handshake, as Dashboard does, with the token given in the query."""
    import json as _json

    from django.http import HttpResponse
    from django.utils.html import escape

    token = _json.dumps(request.GET.get("token", ""))
    src = escape("/console/app/?" + request.GET.get("query", ""))
    return HttpResponse(f"""<!DOCTYPE html><html><head><title>Dashboard stand-in</title>
<style>body{{margin:0;font:14px system-ui;background:#eef0f5}} header{{padding:10px 16px;background:#111827;color:#fff}}
iframe{{border:0;width:100%;height:820px;background:#fff}}</style></head>
<body><header>Saleor Dashboard (test stand-in) &middot; Apps &rsaquo; Loyalty</header>
<iframe id="app" src="{src}"></iframe>
<script>
  const frame = document.getElementById("app");
  frame.addEventListener("load", function once() {{
    frame.removeEventListener("load", once);
    frame.contentWindow.postMessage({{type: "handshake", payload: {{token: {token}, version: 1}}}}, "*");
  }});
</script></body></html>""")


urlpatterns += [path("fake-dashboard/", fake_dashboard)]
