"""Representational geometry of the course's networks: digits through chapter 1's V1, CNN and MLP layers.

* :func:`digit_stimuli`: a balanced set of held-out digits, sorted by class;
* :func:`gabor_v1_features`, :func:`cnn_layer_activations`, :func:`mlp_layer_activations`:
  what chapter 1's model V1, each layer of chapter 1's CNN and each layer of chapter 6's MLP
  do to a set of images;
* :func:`layer_rdm_correlations`: per layer, the rank correlation of its RDM with the category model's;
* :func:`seed_geometry`: networks trained from different seeds, compared by weights and by geometry;
* :func:`layer_correspondence`: every layer of one CNN against every layer of another.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Iterator, Sequence

import numpy as np

from .._validation import as_generator, check_choice, check_finite_array, check_int
from .geometry import _pearson, category_rdm, category_structure, compare_rdms, linear_cka, rdm

__all__ = [
    "CNNLayerActivations",
    "CNN_LAYERS",
    "DigitStimuli",
    "LayerCorrespondence",
    "LayerRDMs",
    "MLPLayerActivations",
    "SeedGeometry",
    "cnn_layer_activations",
    "digit_stimuli",
    "gabor_v1_features",
    "layer_correspondence",
    "layer_rdm_correlations",
    "mlp_layer_activations",
    "seed_geometry",
]

#: The layers of chapter 1's digits CNN, in order, as named by :func:`cnn_layer_activations`.
CNN_LAYERS = ("pixels", "conv", "pool", "hidden", "output")


@dataclass(frozen=True, eq=False)
class DigitStimuli:
    """A balanced set of held-out digits, sorted by class. Unpacks as ``images, labels = stimuli``.

    Attributes
    ----------
    images : numpy.ndarray, shape (10 n_per_class, 8, 8)
        Pixels in [0, 1].
    labels : numpy.ndarray of int, shape (10 n_per_class,)
        0, 0, ..., 1, 1, ..., 9.
    """

    images: np.ndarray
    labels: np.ndarray

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.images, self.labels))


def digit_stimuli(n_per_class: int = 10, split=None, *, seed: Any = 0) -> DigitStimuli:
    """A balanced set of held-out digits, sorted by class: the stimuli of the RDMs.

    Parameters
    ----------
    n_per_class : int, in [1, 40]
        Images of each digit, drawn from the test images of ``split``.
    split : nslib.datasets.DigitsSplit, optional
        The data split of the networks to be compared, so that none of them
        was trained on the stimuli. Default: ``load_digits_split(seed=0)``, the
        split of :func:`nslib.vision.train_digits_cnn` with ``seed=0`` and of
        the chapter's digits MLP.
    seed : int or numpy.random.Generator
        Chooses the images within each class.

    Returns
    -------
    DigitStimuli
        The images and their labels; it unpacks as ``images, labels``.

    Examples
    --------
    >>> images, labels = digit_stimuli(2, seed=0)
    >>> images.shape, labels.tolist()[:4]
    ((20, 8, 8), [0, 0, 1, 1])
    """
    from ..datasets import DigitsSplit, load_digits_split

    n_per_class = check_int("n_per_class", n_per_class, low=1, high=40)
    if split is None:
        split = load_digits_split(seed=0)
    elif not isinstance(split, DigitsSplit):
        raise ValueError(f"split must be a DigitsSplit (load_digits_split) or None; "
                         f"got {type(split).__name__}")
    rng = as_generator(seed)
    pools = [np.flatnonzero(split.test_labels == digit) for digit in range(10)]
    if min(len(pool) for pool in pools) < n_per_class:
        raise ValueError(f"n_per_class must be at most {min(len(pool) for pool in pools)}, the "
                         f"test images of the rarest digit; got {n_per_class}")
    # One draw for the whole test set, whatever the sizes of the classes: a random order of
    # the test images, from which each class takes its first n_per_class.
    rank = np.empty(len(split.test_labels), dtype=int)
    rank[rng.permutation(len(split.test_labels))] = np.arange(len(split.test_labels))
    idx = np.concatenate([pool[np.argsort(rank[pool], kind="stable")[:n_per_class]] for pool in pools])
    return DigitStimuli(images=split.test_images[idx], labels=split.test_labels[idx])


def _check_images(images) -> np.ndarray:
    imgs = check_finite_array("images", images)
    if imgs.ndim != 3 or imgs.shape[1:] != (8, 8):
        raise ValueError(f"images must have shape (n, 8, 8) (the digits); got {imgs.shape}")
    return imgs


def gabor_v1_features(images, n_orientations: int = 8, wavelength: float = 4.0,
                      size: int = 5) -> np.ndarray:
    """Chapter 1's model V1 on the digits: complex cells of every orientation at every position.

    Each complex cell is the energy model (``sqrt(even² + odd²)``) of a
    quadrature pair of chapter 1's Gabor filters (:func:`nslib.vision.gabor`),
    applied at every pixel (:func:`nslib.vision.cnn.convolve_filters`).

    Parameters
    ----------
    images : array_like, shape (n, 8, 8)
    n_orientations : int, in [1, 32]
        Orientations, evenly spaced over 180°.
    wavelength : float
        Carrier wavelength of the Gabors, in pixels.
    size : int, odd, in [3, 7]
        Side of each filter, in pixels.

    Returns
    -------
    numpy.ndarray, shape (n, n_orientations, 8, 8)
        Complex-cell responses (>= 0).

    Examples
    --------
    >>> gabor_v1_features(np.zeros((2, 8, 8))).shape
    (2, 8, 8, 8)
    """
    from ..vision import gabor
    from ..vision.cnn import convolve_filters

    imgs = _check_images(images)
    n_orientations = check_int("n_orientations", n_orientations, low=1, high=32)
    size = check_int("size", size, low=3, high=7)
    if size % 2 == 0:
        raise ValueError(f"size must be odd (3, 5 or 7); got {size}")
    thetas = np.pi * np.arange(n_orientations) / n_orientations
    even = np.stack([gabor(size, t, wavelength, phase=0.0) for t in thetas])
    odd = np.stack([gabor(size, t, wavelength, phase=-np.pi / 2) for t in thetas])
    return np.sqrt(convolve_filters(imgs, even, relu=False) ** 2
                   + convolve_filters(imgs, odd, relu=False) ** 2)


@dataclass(frozen=True, eq=False)
class CNNLayerActivations:
    """The activity of every layer of chapter 1's digits CNN for some images, one row per image.

    The fields are the layers in order (:data:`CNN_LAYERS`); each array is flattened per image.

    Attributes
    ----------
    pixels : numpy.ndarray, shape (n, 64)
        The input.
    conv : numpy.ndarray, shape (n, n_filters * 64)
        The feature maps after the ReLU.
    pool : numpy.ndarray, shape (n, n_filters * 16)
        After max-pooling.
    hidden : numpy.ndarray, shape (n, hidden_units)
        The fully connected ReLU layer.
    output : numpy.ndarray, shape (n, 10)
        The 10 logits.
    """

    pixels: np.ndarray
    conv: np.ndarray
    pool: np.ndarray
    hidden: np.ndarray
    output: np.ndarray


@dataclass(frozen=True, eq=False)
class MLPLayerActivations:
    """The activity of every layer of the chapter's digits MLP for some images, one row per image.

    Attributes
    ----------
    pixels : numpy.ndarray, shape (n, 64)
        The input, flattened.
    hidden : numpy.ndarray, shape (n, n_hidden)
        The tanh units.
    output : numpy.ndarray, shape (n, 10)
        The 10 outputs.
    """

    pixels: np.ndarray
    hidden: np.ndarray
    output: np.ndarray


def _layers(activations) -> dict[str, np.ndarray]:
    """The layers of a ``*LayerActivations``, by name, in order."""
    return {f.name: getattr(activations, f.name) for f in fields(activations)}


def cnn_layer_activations(result, images) -> CNNLayerActivations:
    """The activity of every layer of chapter 1's digits CNN for some images.

    Parameters
    ----------
    result : nslib.vision.DigitsCNNResult
        A trained network (:func:`nslib.vision.train_digits_cnn`).
    images : array_like, shape (n, 8, 8)

    Returns
    -------
    CNNLayerActivations
        One field per layer, in order (:data:`CNN_LAYERS`): ``pixels`` (the input),
        ``conv`` (feature maps after the ReLU), ``pool`` (after max-pooling),
        ``hidden`` (the fully connected ReLU layer) and ``output`` (the 10 logits);
        each array has one row per image.

    Examples
    --------
    >>> from nslib.vision import train_digits_cnn
    >>> net = train_digits_cnn(n_filters=2, kernel_size=3, epochs=1, hidden_units=8)
    >>> acts = cnn_layer_activations(net, np.zeros((3, 8, 8)))
    >>> acts.pixels.shape, acts.conv.shape, acts.pool.shape, acts.hidden.shape, acts.output.shape
    ((3, 64), (3, 128), (3, 32), (3, 8), (3, 10))
    """
    from ..vision.cnn import DigitsCNNResult

    if not isinstance(result, DigitsCNNResult):
        raise ValueError(f"result must be a DigitsCNNResult from train_digits_cnn; "
                         f"got {type(result).__name__}")
    imgs = _check_images(images)
    import torch

    from .._torch import reproducible_torch

    net = result.build_module()
    steps = {"conv": ("conv", "conv_relu"), "pool": ("pool", "flatten"),
             "hidden": ("hidden", "hidden_relu"), "output": ("output",)}
    out = {"pixels": imgs.reshape(len(imgs), -1)}
    with reproducible_torch(0), torch.no_grad():
        a = torch.tensor(imgs, dtype=torch.float32).unsqueeze(1)
        for layer, modules in steps.items():
            for name in modules:
                a = getattr(net, name)(a)
            out[layer] = a.reshape(len(imgs), -1).numpy().astype(float)
    return CNNLayerActivations(**out)


def mlp_layer_activations(params, images) -> MLPLayerActivations:
    """The activity of every layer of the chapter's digits MLP (:mod:`nslib.predictive.learning`).

    Parameters
    ----------
    params : nslib.predictive.MLPParams
        The network's weights.
    images : array_like, shape (n, 8, 8)
        Digits, pixels in [0, 1].

    Returns
    -------
    MLPLayerActivations
        ``pixels``, ``hidden`` (tanh units) and ``output``, one row per image.

    Examples
    --------
    >>> from nslib.predictive import init_digits_mlp
    >>> acts = mlp_layer_activations(init_digits_mlp(8, seed=0), np.zeros((3, 8, 8)))
    >>> acts.pixels.shape, acts.hidden.shape, acts.output.shape
    ((3, 64), (3, 8), (3, 10))
    """
    from ..predictive.learning import mlp_forward

    imgs = _check_images(images)
    flat = imgs.reshape(len(imgs), -1)
    activity = mlp_forward(params, flat)
    return MLPLayerActivations(pixels=flat, hidden=activity.hidden, output=activity.output)


@dataclass(frozen=True, eq=False)
class LayerRDMs:
    """RDMs of a set of representations of the same digits, and their match to the category model.

    Attributes
    ----------
    names : tuple of str
        The representations, in order.
    rdms : numpy.ndarray, shape (n_representations, n_stimuli, n_stimuli)
    category : numpy.ndarray, shape (n_stimuli, n_stimuli)
        The category model's RDM.
    correlations : numpy.ndarray, shape (n_representations,)
        Rank correlation (``method``) of each RDM with the category model's.
    cka : numpy.ndarray, shape (n_representations,)
        Linear CKA of each representation with the one-hot labels.
    labels : numpy.ndarray of int, shape (n_stimuli,)
    method : str
    between_fraction : numpy.ndarray, shape (n_representations,)
        Share of each representation's variance that lies between the classes
        (:func:`nslib.rsa.category_structure`).
    class_dimensionality : numpy.ndarray, shape (n_representations,)
        How many directions each representation's class means effectively spread over.
    """

    names: tuple
    rdms: np.ndarray
    category: np.ndarray
    correlations: np.ndarray
    cka: np.ndarray
    labels: np.ndarray
    method: str
    between_fraction: np.ndarray | None = None
    class_dimensionality: np.ndarray | None = None

    def correlation(self, name: str) -> float:
        """The category correlation of the representation ``name``.

        Parameters
        ----------
        name : str
            One of ``names``.

        Returns
        -------
        float

        Examples
        --------
        >>> res = LayerRDMs(names=("pixels", "hidden"), rdms=None, category=None,
        ...                 correlations=np.array([0.2, 0.6]), cka=None, labels=None, method="pearson")
        >>> res.correlation("hidden")
        0.6
        """
        return float(self.correlations[self.names.index(name)])


def _layer_rdms(representations: dict[str, np.ndarray], labels: np.ndarray,
                method: str) -> LayerRDMs:
    names = tuple(representations)
    rdms = np.stack([rdm(representations[n]) for n in names])
    category = category_rdm(labels)
    onehot = np.eye(int(labels.max()) + 1)[labels]
    structure = [category_structure(representations[n], labels) for n in names]
    return LayerRDMs(names=names, rdms=rdms, category=category,
                     correlations=np.array([compare_rdms(r, category, method) for r in rdms]),
                     cka=np.array([linear_cka(representations[n], onehot) for n in names]),
                     labels=labels, method=method,
                     between_fraction=np.array([s.between_fraction for s in structure]),
                     class_dimensionality=np.array([s.class_dimensionality for s in structure]))


def layer_rdm_correlations(cnn=None, images=None, labels=None, *, include_v1: bool = True,
                           mlp=None, method: str = "spearman", n_per_class: int = 10,
                           seed: Any = 0) -> LayerRDMs:
    """Per layer of the digits CNN, the rank correlation of its RDM with the category model's.

    Parameters
    ----------
    cnn : nslib.vision.DigitsCNNResult, optional
        A trained CNN; by default :func:`nslib.vision.train_digits_cnn` with
        ``seed=0`` (its defaults otherwise).
    images, labels : array_like, optional
        The stimuli (shape (n, 8, 8)) and their digits; by default
        :func:`digit_stimuli` with ``n_per_class`` and ``seed``, from the
        CNN's own test images.
    include_v1 : bool
        Add chapter 1's model V1 (:func:`gabor_v1_features`) after the pixels.
    mlp : nslib.predictive.MLPParams, optional
        Add the hidden and output layers of this digits MLP too (as ``"MLP hidden"``
        and ``"MLP output"``).
    method : {"spearman", "kendall_tau_a", "pearson"}
        How RDMs are compared (:func:`compare_rdms`).
    n_per_class : int, in [1, 40]
    seed : int or numpy.random.Generator
        Chooses the stimuli.

    Returns
    -------
    LayerRDMs
        Representations in the order pixels, (V1), conv, pool, hidden, output, (MLP hidden,
        MLP output).

    Examples
    --------
    >>> from nslib.vision import train_digits_cnn
    >>> net = train_digits_cnn(n_filters=2, kernel_size=3, epochs=1, hidden_units=8)
    >>> res = layer_rdm_correlations(net, n_per_class=2, seed=0)
    >>> res.names
    ('pixels', 'V1', 'conv', 'pool', 'hidden', 'output')
    """
    check_choice("method", method, ("spearman", "kendall_tau_a", "pearson"))
    if not isinstance(include_v1, (bool, np.bool_)):
        raise ValueError(f"include_v1 must be True or False; got {include_v1!r}")
    rng = as_generator(seed)                                    # before any training
    if images is None:
        check_int("n_per_class", n_per_class, low=1, high=40)
    if cnn is None:
        from ..vision import train_digits_cnn

        cnn = train_digits_cnn(seed=0)
    if images is None:
        if labels is not None:
            raise ValueError("labels must be None when images is None (the stimuli's labels are used)")
        images, labels = digit_stimuli(n_per_class, split=getattr(cnn, "split", None), seed=rng)
    imgs = _check_images(images)
    lab = np.asarray(labels)
    if lab.shape != (len(imgs),) or not np.issubdtype(lab.dtype, np.integer) or lab.min() < 0:
        raise ValueError(f"labels must hold one non-negative integer class per image ({len(imgs)}); "
                         f"got {labels!r}")
    layers = _layers(cnn_layer_activations(cnn, imgs))
    representations = {"pixels": layers.pop("pixels")}
    if include_v1:
        representations["V1"] = gabor_v1_features(imgs)
    representations.update(layers)
    if mlp is not None:
        acts = mlp_layer_activations(mlp, imgs)
        representations["MLP hidden"] = acts.hidden
        representations["MLP output"] = acts.output
    return _layer_rdms(representations, lab, method)


@dataclass(frozen=True, eq=False)
class SeedGeometry:
    """Networks trained from different seeds: their weights differ, their geometry converges.

    Attributes
    ----------
    names : tuple of str
        The networks: ``"seed 0"``, ``"seed 1"``, ... (backprop), then ``"PC"`` if included.
    weight_correlation : numpy.ndarray, shape (n_networks, n_networks)
        Correlation of the hidden layers' weights, unit by unit in the order each
        network happens to have them.
    rdm_correlation : numpy.ndarray, shape (n_networks, n_networks)
        Rank correlation of the hidden layers' RDMs.
    cka : numpy.ndarray, shape (n_networks, n_networks)
        Linear CKA of the hidden layers.
    rdms : numpy.ndarray, shape (n_networks, n_stimuli, n_stimuli)
        The hidden layer's RDM of each network.
    test_accuracy : numpy.ndarray, shape (n_networks,)
    labels : numpy.ndarray of int, shape (n_stimuli,)
    """

    names: tuple
    weight_correlation: np.ndarray
    rdm_correlation: np.ndarray
    cka: np.ndarray
    rdms: np.ndarray
    test_accuracy: np.ndarray
    labels: np.ndarray

    def off_diagonal(self, name: str) -> np.ndarray:
        """The pairwise values of the matrix ``name`` between distinct networks.

        Parameters
        ----------
        name : str
            A matrix attribute of shape (n_networks, n_networks), such as ``"cka"``.

        Returns
        -------
        numpy.ndarray
            Its entries above the diagonal.

        Examples
        --------
        >>> cka = np.array([[1.0, 0.8, 0.7], [0.8, 1.0, 0.9], [0.7, 0.9, 1.0]])
        >>> geometry = SeedGeometry(names=("a", "b", "c"), weight_correlation=None,
        ...                         rdm_correlation=None, cka=cka, rdms=None, test_accuracy=None,
        ...                         labels=None)
        >>> geometry.off_diagonal("cka").tolist()
        [0.8, 0.7, 0.9]
        """
        matrix = getattr(self, name)
        return matrix[np.triu_indices(len(matrix), k=1)]


def seed_geometry(seeds: Sequence[int] = (0, 1, 2, 3), include_pc: bool = True,
                  n_per_class: int = 10, stimulus_seed: Any = 0, method: str = "spearman",
                  epochs: int = 40) -> SeedGeometry:
    """Train the chapter's digits MLP from several seeds and compare the networks' hidden layers.

    Every network sees the same training images (split seed 0); the seeds
    change the initial weights and the order of the batches. The stimuli
    are held-out test digits (:func:`digit_stimuli`).

    Parameters
    ----------
    seeds : sequence of int
        At least 2 distinct seeds of :func:`nslib.predictive.train_digits_mlp`
        (backprop).
    include_pc : bool
        Add a network trained by predictive coding, from yet another seed (``max(seeds) + 1``).
    n_per_class : int, in [1, 40]
    stimulus_seed : int or numpy.random.Generator
        Chooses the stimuli.
    method : {"spearman", "kendall_tau_a", "pearson"}
    epochs : int, in [1, 1000]
        Training epochs of every network.

    Returns
    -------
    SeedGeometry

    Examples
    --------
    >>> geo = seed_geometry(seeds=(0, 1), include_pc=False, n_per_class=5, epochs=5)
    >>> geo.names, geo.rdm_correlation.shape
    (('seed 0', 'seed 1'), (2, 2))
    """
    seeds = tuple(seeds) if not isinstance(seeds, (str, bytes)) else ()
    if len(seeds) < 2 or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must hold at least 2 distinct integer seeds; got {seeds!r}")
    for s in seeds:
        as_generator(s)
    if not isinstance(include_pc, (bool, np.bool_)):
        raise ValueError(f"include_pc must be True or False; got {include_pc!r}")
    check_choice("method", method, ("spearman", "kendall_tau_a", "pearson"))
    # Checked here too, before any training.
    check_int("n_per_class", n_per_class, low=1, high=40)
    check_int("epochs", epochs, low=1, high=1000)
    from ..predictive.training import train_digits_mlp

    images, labels = digit_stimuli(n_per_class, seed=stimulus_seed)
    nets = [train_digits_mlp("backprop", epochs=epochs, seed=int(s)) for s in seeds]
    names = [f"seed {s}" for s in seeds]
    if include_pc:
        nets.append(train_digits_mlp("pc", epochs=epochs, seed=int(max(seeds)) + 1))
        names.append("PC")
    hidden = [mlp_layer_activations(net.params, images).hidden for net in nets]
    weights = [net.params.w_hidden.ravel() for net in nets]
    rdms = np.stack([rdm(h) for h in hidden])
    n = len(nets)

    def matrix(fn, items):
        return np.array([[fn(items[i], items[j]) for j in range(n)] for i in range(n)])

    return SeedGeometry(
        names=tuple(names),
        weight_correlation=matrix(_pearson, weights),
        rdm_correlation=matrix(lambda a, b: compare_rdms(a, b, method), rdms),
        cka=matrix(linear_cka, hidden),
        rdms=rdms,
        test_accuracy=np.array([net.test_accuracy for net in nets]),
        labels=labels)


@dataclass(frozen=True, eq=False)
class LayerCorrespondence:
    """Every layer of one network compared with every layer of another.

    Attributes
    ----------
    names : tuple of str
        The layers, in order (:data:`CNN_LAYERS`), the same in both networks.
    cka : numpy.ndarray, shape (n_layers, n_layers)
        Linear CKA of layer ``i`` of network A with layer ``j`` of network B.
    rdm_correlation : numpy.ndarray, shape (n_layers, n_layers)
        Rank correlation (``method``) of their RDMs.
    n_stimuli : int
    method : str
    """

    names: tuple
    cka: np.ndarray
    rdm_correlation: np.ndarray
    n_stimuli: int
    method: str

    def best_match(self, measure: str = "cka") -> np.ndarray:
        """For each layer of network A, the index of the layer of B that matches it best.

        Parameters
        ----------
        measure : {"cka", "rdm_correlation"}
            The similarity that decides the best match.

        Returns
        -------
        numpy.ndarray of int
            One index into network B's layers per layer of network A.

        Examples
        --------
        >>> match = LayerCorrespondence(names=("conv", "hidden"), cka=np.array([[0.9, 0.2], [0.3, 0.8]]),
        ...                             rdm_correlation=None, n_stimuli=20, method="spearman")
        >>> match.best_match("cka").tolist()
        [0, 1]
        """
        check_choice("measure", measure, ("cka", "rdm_correlation"))
        return np.argmax(getattr(self, measure), axis=1)


def _held_out_by_both(a, b) -> tuple[np.ndarray, np.ndarray]:
    # The test images of network A that network B did not train on either.
    trained_b = {image.tobytes() for image in b.split.train_images}
    keep = np.array([image.tobytes() not in trained_b for image in a.split.test_images])
    return a.split.test_images[keep], a.split.test_labels[keep]


def layer_correspondence(cnn_a, cnn_b, images=None, *, method: str = "spearman") -> LayerCorrespondence:
    """Compare every layer of one digits CNN with every layer of another (for example another seed).

    If the two networks compute alike, each layer's best match in the other
    network is the layer at the same depth.

    Parameters
    ----------
    cnn_a, cnn_b : nslib.vision.DigitsCNNResult
        Two trained networks (:func:`nslib.vision.train_digits_cnn`).
    images : array_like, shape (n, 8, 8), optional
        The stimuli; by default every test image of ``cnn_a`` that ``cnn_b`` did not
        train on either (the seed also draws the split).
    method : {"spearman", "kendall_tau_a", "pearson"}
        How RDMs are compared (:func:`compare_rdms`).

    Returns
    -------
    LayerCorrespondence

    Examples
    --------
    >>> from nslib.vision import train_digits_cnn
    >>> net = train_digits_cnn(n_filters=2, kernel_size=3, epochs=1, hidden_units=8)
    >>> res = layer_correspondence(net, net)
    >>> res.names, res.best_match().tolist()
    (('pixels', 'conv', 'pool', 'hidden', 'output'), [0, 1, 2, 3, 4])
    """
    from ..vision.cnn import DigitsCNNResult

    for name, net in (("cnn_a", cnn_a), ("cnn_b", cnn_b)):
        if not isinstance(net, DigitsCNNResult):
            raise ValueError(f"{name} must be a DigitsCNNResult from train_digits_cnn; "
                             f"got {type(net).__name__}")
    check_choice("method", method, ("spearman", "kendall_tau_a", "pearson"))
    imgs = _held_out_by_both(cnn_a, cnn_b)[0] if images is None else _check_images(images)
    if len(imgs) < 3:
        raise ValueError(f"images must hold at least 3 stimuli; got {len(imgs)}")
    acts = [_layers(cnn_layer_activations(net, imgs)) for net in (cnn_a, cnn_b)]
    names = tuple(acts[0])
    rdms = [{n: rdm(a[n]) for n in names} for a in acts]
    return LayerCorrespondence(
        names=names,
        cka=np.array([[linear_cka(acts[0][i], acts[1][j]) for j in names] for i in names]),
        rdm_correlation=np.array([[compare_rdms(rdms[0][i], rdms[1][j], method) for j in names]
                                  for i in names]),
        n_stimuli=len(imgs), method=method)
