"""`kg review`: a person reviews a draft facts file in the browser instead of in YAML.

model.py turns the facts file (read with ruamel.yaml, which keeps comments and layout) and its article into the
page's data, save.py applies the page's decisions to that same document, runs the loader's checks on the result
and writes it atomically, server.py is the guarded local HTTP server (kg/serve/http_guard.py), page.py the page.

Part of kg/serve/: may import kg/read/, kg/check/, and, to check a save as kg build would, the per-source
stage's reading (kg/pipeline/corpus.py; listed in tests/test_layout.py).
"""
