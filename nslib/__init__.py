"""nslib: the tested model library behind *Neuroscience-Inspired AI*.

Every chapter of the course imports its models from here. Topic modules
(``perceptron``, ``vision``, ...) hold the models; figures come from
:mod:`nslib.plots`; interactive parameter sweeps from :mod:`nslib.sweeps`;
every Brian2 simulation is configured and run by :mod:`nslib.spiking`.

The one API shape
-----------------
Every public model of nslib has the same shape, so a reader who has used one
can use them all:

* **Pure functions.** A model is a function of its parameters
  (``td_conditioning(n_trials=..., gamma=..., seed=0)``) that changes no global
  state: Brian2's device and preferences, torch's threads and random state and
  numpy's global generator are all put back as they were.
* **Validation at the boundary.** Bad input raises :class:`ValueError` whose
  message starts with the parameter's name and states the allowed range
  (``"tau_m must be > 0. s, e.g. 10*ms; got -1. * msecond"``).
* **Seeded.** Every function that draws random numbers takes ``seed=`` (a
  non-negative int or a :class:`numpy.random.Generator`); the same seed gives
  the same numbers and the same figures.
* **Small frozen dataclasses out.** Results are ``@dataclass(frozen=True)``
  records of numpy arrays, numbers and strings (Brian2 quantities in spiking
  code), with named fields, never tuples whose order must be remembered and
  never live objects such as torch modules: trained weights are kept as arrays
  and a module is rebuilt on demand (``DigitsCNNResult.build_module()``).
* **Units.** Spiking code takes and returns Brian2 quantities; elsewhere the
  unit is in the name or the docstring (``tau_ms``).
* **A class only where the estimator pattern fits**: an object that is fitted
  and then predicts (:class:`nslib.perceptron.Perceptron`), or a compiled
  program re-run with new values (:class:`nslib.spiking.CompiledNetwork`).

Plots (:mod:`nslib.plots`) take these results and draw; they compute nothing
heavy. Widgets (:mod:`nslib.sweeps`) know nothing about any topic.

The argument checks are public in :mod:`nslib.validation` for code built on
nslib (the grader uses them). ``tests/test_api_contracts.py`` checks every
public name against this shape, and ``tests/test_layers.py`` the arrows
between the layers.

Importing ``nslib`` has no global side effects: it does not import Brian2 or
torch, and does not touch Brian2's device, the default clock, matplotlib's
backend or torch's thread count.
"""

__version__ = "0.2.0"

__all__ = ["__version__"]
