"""Everything that speaks HTTP: `kg serve` (endpoint.py behind front.py, its query page page.py, the request guard
http_guard.py), `kg push` (push.py), `kg review`'s server and page (review/), and the HTML pages they send (assets/).

May import kg/store/, kg/read/, kg/check/, kg/ingest/ (its TLS context and bounded inflation) and the base
modules (model, errors, ontology, files).
"""
