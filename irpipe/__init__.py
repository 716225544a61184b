"""The ``irpipe`` command: the top layer, above the library (``pipeline/``) and the flows (``flows/``)."""
