"""The storefront kit: ``static/loyalty.js`` (custom elements for shoppers) and how it is served.

An adapter like the others: the elements only call the plugin's public GraphQL API, so they show a
shopper exactly what the API lets that shopper see. ``views`` serves the module and the sample
shop page (inside Saleor through the plugin's ``webhook()``, in the demo through its URLconf) and
adds the CORS headers a shop page on another origin needs for the API (header auth, no cookies).
"""
