"""nnplay: the library behind the neural-network playground.

Usable from a notebook: nothing here imports streamlit except :mod:`nnplay.ui`,
and TensorFlow is imported only by the Keras-lab modules, when they are used.
"""

__version__ = "0.1.0"
