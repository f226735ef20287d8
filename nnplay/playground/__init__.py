"""The 2-D neural-network playground (TensorFlow Playground, and more), as plain data and numpy.

- :mod:`.data`: the data sets (circle, XOR, two Gaussians, spiral, plane and
  Gaussian regression, multi-class spiral and blobs), noise, split, seed.
- :mod:`.features`: the input features ``x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂``.
- :mod:`.session`: :class:`~.session.Settings` and :class:`~.session.Session`
  (Play / Step / Reset, divergence, the lessons of the notes).
- :mod:`.history`: thinned snapshots for the time machine (bounded memory).
- :mod:`.points`: the student's own points, CSV in and out.
- :mod:`.controls`: the URL's values -> Settings (clamped, with messages).
- :mod:`.export`: the network as a Keras-builder spec and as Keras code.

No streamlit here; the page is ``pages/playground.py``, its figures
:mod:`nnplay.charts.playground`.
"""
