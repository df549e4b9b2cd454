"""Answers to the chapter 1 exercises that call nslib instead of doing the skill.

``perceptron_step`` and ``train_perceptron`` guard the class ``nslib.perceptron.Perceptron`` (the guard
switches off every method a class defines in Python, ``fit`` and ``predict`` included). Left out:
``tuning_curve`` (nslib's ``filter_orientation_tuning`` measures the RMS linear output, not the mean
rectified response the question asks for), ``two_layer_update`` (nslib trains whole networks, it has no
single-step update), ``spike_counts`` (the student writes the Brian2 model) and ``ica_steps`` (nslib's
``learn_v1_filters``, guarded, returns only the converged filters of its own random start, not the steps
from a given one).
"""

BYPASSES = {
    "perceptron_step": '''
def perceptron_step(weights, bias, x, target, learning_rate=1.0):
    from nslib.perceptron import Perceptron
    unit = Perceptron(learning_rate=learning_rate)
    unit.weights_, unit.bias_ = np.asarray(weights, dtype=float), float(bias)
    unit.classes_ = np.array([-1.0, 1.0])
    x = np.asarray(x, dtype=float)
    if float(unit.predict(x[None, :])[0]) == target:
        return unit.weights_.copy(), unit.bias_, False
    return unit.weights_ + learning_rate * target * x, unit.bias_ + learning_rate * target, True
''',
    "train_perceptron": '''
def train_perceptron(X, targets, max_epochs=100, learning_rate=1.0):
    from nslib.perceptron import Perceptron
    unit = Perceptron(learning_rate=learning_rate, max_epochs=max_epochs, shuffle=False)
    unit.fit(np.asarray(X, dtype=float), np.asarray(targets, dtype=float))
    return unit.weights_, float(unit.bias_), [int(n) for n in unit.errors_per_epoch_]
''',
    "gabor_filter": '''
def gabor_filter(size, theta, wavelength, phase=0.0, sigma=2.0, aspect_ratio=1.0):
    from nslib.vision import gabor as library_gabor
    return library_gabor(size, theta, wavelength, phase=phase, sigma=sigma, aspect_ratio=aspect_ratio)
''',
    "osi": '''
def osi(responses, orientations):
    from nslib.vision import orientation_selectivity_index
    return float(orientation_selectivity_index(responses, orientations))
''',
    "fit_threshold_units": '''
def fit_threshold_units(currents, rates, thresholds, widths):
    from nslib.perceptron import relu, softplus
    y = np.asarray(rates, dtype=float)

    def gain_and_rms(u):
        g = max(0.0, float(u @ y) / float(u @ u)) if float(u @ u) > 0 else 0.0
        return g, float(np.sqrt(np.mean((g * u - y) ** 2)))
    relu_rows = [[float(th), *gain_and_rms(relu(currents, th))] for th in thresholds]
    soft_rows = []
    for th in thresholds:
        for s in widths:
            g, rms = gain_and_rms(softplus(currents, th, width=s))
            soft_rows.append([float(th), g, float(s), rms])
    return {"relu": min(relu_rows, key=lambda r: r[-1]), "softplus": min(soft_rows, key=lambda r: r[-1])}
''',
}
