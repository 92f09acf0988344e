// loyalty.js: the storefront kit (work in progress)
