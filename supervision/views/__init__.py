"""Group Case Supervision pages, one module per area.

Every view has the same shape: fetch through a permission helper (404 for
outsiders, 403 for members without the right), validate a form, call one
service, then redirect (POST) or render (GET). Reads of agendas, papers and
minutes are audited in the transaction that reads them.
"""
