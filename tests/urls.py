urlpatterns: list = []

# The plugin's GraphQL API, as the demo serves it: Django users with signed bearer tokens.
from django.urls import path  # noqa: E402

from saleor_loyalty.graphql.auth import SignedTokenBackend  # noqa: E402
from saleor_loyalty.graphql.view import GraphQLView  # noqa: E402

urlpatterns += [path("graphql/", GraphQLView(auth_backend=SignedTokenBackend()).as_view())]
