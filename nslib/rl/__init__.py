"""Reinforcement learning and dopamine: from conditioning to distributional TD and actor-critics.

* :mod:`.conditioning` -- the Rescorla-Wagner rule, TD(0) with a tapped-delay-line
  cue representation, Schultz's three conditions and probabilistic reward;
* :mod:`.dopamine` -- a spiking (Brian2, via :mod:`nslib.spiking`) population of
  dopamine neurons whose rate follows the TD error, compiled once and re-run;
* :mod:`.distributional` -- distributional TD: predictors with asymmetric learning
  rates, their expectiles, and decoding a reward distribution from them;
* :mod:`.actor_critic` -- an actor-critic agent in a short corridor.

Time inside a trial is counted in integer steps; rewards are in reward units.
Importing this package imports neither Brian2 nor scipy: the functions that need
them import them.
"""

from .actor_critic import ActorCriticResult, actor_critic_corridor
from .conditioning import (
    ConditionRPEs,
    RescorlaWagnerResult,
    RewardProbabilityResult,
    TDResult,
    rescorla_wagner,
    reward_probability_responses,
    schultz_conditions,
    td_conditioning,
)
from .distributional import (
    DABNEY_REWARDS,
    DecodedDistribution,
    DistributionalTDResult,
    decode_distribution,
    distributional_td,
    expectiles,
)
from .dopamine import DOPAMINE_EQUATIONS, DopaminePopulation, DopamineResult, dopamine_population

__all__ = [
    "ActorCriticResult",
    "ConditionRPEs",
    "DABNEY_REWARDS",
    "DOPAMINE_EQUATIONS",
    "DecodedDistribution",
    "DistributionalTDResult",
    "DopaminePopulation",
    "DopamineResult",
    "RescorlaWagnerResult",
    "RewardProbabilityResult",
    "TDResult",
    "actor_critic_corridor",
    "decode_distribution",
    "distributional_td",
    "dopamine_population",
    "expectiles",
    "rescorla_wagner",
    "reward_probability_responses",
    "schultz_conditions",
    "td_conditioning",
]
