"""The Keras lab: a model spec as plain data, and what is made from it.

- :mod:`.spec`    the spec's public API, re-exported from:
  :mod:`.registries` (data sets, tasks, choices, limits), :mod:`.model` (data
  classes, presets, suggestions), :mod:`.validation`, :mod:`.url` (the link codec)
- :mod:`.build`   spec -> compiled Keras model; summary rows without TensorFlow
- :mod:`.codegen` spec -> Python code with the Keras Sequential API
- :mod:`.data`    Fashion-MNIST, California housing and the offline sets, split
- :mod:`.surface` the probe grid of a two-feature set, for decision surfaces

Nothing here imports TensorFlow at module level: ``build`` and ``data`` import it
inside the functions that need it, so importing the package stays fast.
"""
