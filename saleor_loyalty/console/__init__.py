"""The staff console: the program's admin pages, server-rendered, served by the plugin itself.

An adapter like ``graphql/``: it reads through the services and writes through the same service
functions the GraphQL mutations call, so validation and error codes are the same in both doors.

- ``site.ConsoleSite`` routes a path below the console's prefix to a view; inside Saleor the
  plugin's ``webhook()`` hands it ``/console/...`` and ``/app/manifest``, the demo mounts it at
  ``/console/``.
- ``session`` keeps the signed session cookie (HttpOnly, SameSite, short-lived) and the per-form
  CSRF tokens; there is no session or CSRF middleware in front of a plugin view.
- ``auth`` signs staff in with the shop's user model and builds the same ``Requestor`` the
  GraphQL API uses (permissions are Saleor's MANAGE_DISCOUNTS / MANAGE_USERS / MANAGE_ORDERS).
- ``templating`` renders ``templates/loyalty_console/*.html`` with a standalone Django template
  engine, so the shop's ``TEMPLATES`` setting needs no change; ``static/`` ships the CSS, JS and
  icons (no CDN, no build step).
"""
