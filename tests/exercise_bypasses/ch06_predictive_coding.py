"""Chapter 6 answers that call nslib instead of doing the skill (issue 19)."""

BYPASSES = {
    # Q2: the review's bypass, category_spearman through nslib.rsa.compare_rdms and category_rdm.
    "rdm": '''
def zscore_rdm(patterns):
    p_arr = np.asarray(patterns, dtype=float)
    spread = p_arr.std(axis=0)
    z_arr = np.where(spread > 0, (p_arr - p_arr.mean(axis=0)) / np.where(spread > 0, spread, 1.0), 0.0)
    gaps = z_arr[:, None, :] - z_arr[None, :, :]
    return np.sqrt(np.sum(gaps**2, axis=2)).tolist()


def category_spearman(rdm, labels):
    from nslib.rsa import category_rdm, compare_rdms

    return float(compare_rdms(np.asarray(rdm, dtype=float), category_rdm(labels)))
''',
}
