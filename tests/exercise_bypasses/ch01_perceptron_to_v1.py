"""Answers to the chapter 1 exercises that call nslib instead of doing the skill.

Left out: ``perceptron_step`` and ``train_perceptron`` (nslib has them only as the
``Perceptron`` class, whose ``fit`` method the guard cannot name: it guards module-level
functions), ``tuning_curve`` (nslib's ``filter_orientation_tuning`` measures the RMS linear output,
not the mean rectified response the question asks for), ``two_layer_update`` (nslib trains whole
networks, it has no single-step update) and ``spike_counts`` (the student writes the Brian2 model).
"""

BYPASSES = {
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
}
