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
