"""Reinforcement learning and dopamine (chapter 2)."""
from .conditioning import *  # noqa
from .dopamine import *  # noqa
from .distributional import *  # noqa
from .actor_critic import *  # noqa
