"""One module per evaluation task; each registers itself with :func:`eval.registry.register`."""
