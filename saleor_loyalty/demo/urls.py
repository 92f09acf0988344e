"""The demo serves the plugin's GraphQL API (and GraphiQL on GET) at ``/graphql/``."""

from datetime import timedelta

from django.urls import path

from saleor_loyalty.graphql.auth import SignedTokenBackend
from saleor_loyalty.graphql.view import GraphQLView

API_PATH = "/graphql/"

# Tokens last a working day, so a GraphiQL tab left open keeps working through the demo.
urlpatterns = [
    path(API_PATH.strip("/") + "/", GraphQLView(auth_backend=SignedTokenBackend(max_age=timedelta(hours=8))).as_view())
]
