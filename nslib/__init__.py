"""nslib: the tested model library behind *Neuroscience-Inspired AI*.

Every chapter of the course imports its models from here. Topic modules
(``perceptron``, ``vision``, ...) return small frozen dataclasses; figures come
from :mod:`nslib.plots`; interactive parameter sweeps from :mod:`nslib.sweeps`;
every Brian2 simulation is configured and run by :mod:`nslib.spiking`.

Importing ``nslib`` has no global side effects: it does not touch Brian2's
device, the default clock, matplotlib's backend or torch's thread count.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
