"""Memory, replay and world models: place cells, the successor representation, planning, CLS.

* :mod:`.place_cells` -- spiking (Brian2, via :mod:`nslib.spiking`) place cells
  on a linear track, driven by Gaussian place fields of the animal's position
  through a TimedArray, compiled once and re-run;
* :mod:`.successor` -- the successor representation learned by TD on a track
  (fields as columns of M, their backward skew) and the eigenvectors of the SR
  in a 2-D box;
* :mod:`.two_step` -- model-free, model-based and hybrid agents in Daw et al.'s
  two-step task, and stay probabilities from a choice log;
* :mod:`.dyna` -- Dyna-Q in Sutton & Barto's Dyna maze: replay of a learned
  model as planning;
* :mod:`.cls` -- complementary learning systems: Rumelhart's semantic network
  learns a penguin, focused or interleaved with replayed old items.

Importing this package imports neither Brian2 nor torch.
"""

from .cls import ATTRIBUTES, ITEMS, RELATIONS, CLSResult, SemanticPatterns, cls_new_item, semantic_patterns
from .dyna import DYNA_MAZE, DynaEpisode, DynaResult, MazeStep, dyna_maze, dyna_q_episode, maze_step
from .place_cells import (
    PLACE_CELL_EQUATIONS,
    PlaceCellPopulation,
    PlaceCellResult,
    place_cells,
    place_field_drive,
    track_path,
)
from .successor import (
    SREigenvectors,
    SRResult,
    field_centres_of_mass,
    sr_eigenvectors,
    sr_td_update,
    successor_representation,
)
from .two_step import AGENTS, TwoStepResult, stay_probabilities, two_step_task

__all__ = [
    "AGENTS",
    "ATTRIBUTES",
    "CLSResult",
    "DYNA_MAZE",
    "DynaEpisode",
    "DynaResult",
    "ITEMS",
    "MazeStep",
    "PLACE_CELL_EQUATIONS",
    "PlaceCellPopulation",
    "PlaceCellResult",
    "RELATIONS",
    "SREigenvectors",
    "SRResult",
    "SemanticPatterns",
    "TwoStepResult",
    "cls_new_item",
    "dyna_maze",
    "dyna_q_episode",
    "field_centres_of_mass",
    "maze_step",
    "place_cells",
    "place_field_drive",
    "semantic_patterns",
    "sr_eigenvectors",
    "sr_td_update",
    "stay_probabilities",
    "successor_representation",
    "track_path",
    "two_step_task",
]
